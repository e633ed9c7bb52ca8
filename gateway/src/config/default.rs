//! The embedded default: no file needed. A deterministic `mock` backend (the core's mock
//! provider) and a real backend for each provider whose API key is in the environment.

use super::env::EnvLookup;
use super::schema::{BackendConfig, GatewayConfig, RouteRule, WeightedBackend};
use super::validate::provider_kind;

fn wb(name: &str) -> Vec<WeightedBackend> {
    vec![WeightedBackend {
        backend: name.into(),
        weight: None,
    }]
}

fn rule(model: &str, backend: &str) -> RouteRule {
    RouteRule {
        model: model.into(),
        backends: wb(backend),
    }
}

/// Build the embedded default configuration from the environment.
pub fn embedded(env: &dyn EnvLookup) -> GatewayConfig {
    let mut c = GatewayConfig::default();
    c.backends.push(BackendConfig {
        name: "mock".into(),
        provider: Some("mock".into()),
        models: vec!["mock".into()],
        ..BackendConfig::default()
    });
    c.router.rules.push(rule("mock", "mock"));
    c.router.rules.push(rule("mock-*", "mock"));
    let mut default_backend = "mock";
    if let Some(key) = env.get("OPENAI_API_KEY").filter(|k| !k.is_empty()) {
        let base = env
            .get("OPENAI_BASE_URL")
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "https://api.openai.com/v1".into());
        let mut b = BackendConfig {
            name: "openai".into(),
            base_url: Some(base),
            ..BackendConfig::default()
        };
        b.headers
            .insert("authorization".into(), format!("Bearer {key}"));
        c.backends.push(b);
        for m in [
            "gpt-*",
            "o1*",
            "o3*",
            "o4*",
            "chatgpt-*",
            "text-embedding-*",
            "dall-e-*",
            "whisper-*",
            "tts-*",
            "omni-*",
        ] {
            c.router.rules.push(rule(m, "openai"));
        }
        default_backend = "openai";
    }
    // Native providers join as soon as the core knows their adapter.
    for (provider, env_key, globs) in [
        ("anthropic", "ANTHROPIC_API_KEY", &["claude-*"][..]),
        ("gemini", "GEMINI_API_KEY", &["gemini-*"][..]),
        ("google", "GOOGLE_API_KEY", &["gemini-*"][..]),
    ] {
        let Some(key) = env.get(env_key).filter(|k| !k.is_empty()) else {
            continue;
        };
        if provider_kind(provider).is_err() || c.backends.iter().any(|b| b.name == provider) {
            continue;
        }
        c.backends.push(BackendConfig {
            name: provider.into(),
            provider: Some(provider.into()),
            api_key: Some(key),
            ..BackendConfig::default()
        });
        for g in globs {
            c.router.rules.push(rule(g, provider));
        }
    }
    c.router.default_backends = wb(default_backend);
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn mock_only_without_keys() {
        let c = embedded(&BTreeMap::new());
        assert_eq!(c.backends.len(), 1);
        assert_eq!(c.router.default_backends[0].backend, "mock");
        super::super::validate::validate(&c).unwrap();
    }

    #[test]
    fn openai_from_env() {
        let env: BTreeMap<String, String> =
            [("OPENAI_API_KEY".to_string(), "sk-x".to_string())].into();
        let c = embedded(&env);
        assert!(c.backends.iter().any(|b| b.name == "openai"));
        assert_eq!(c.router.default_backends[0].backend, "openai");
        super::super::validate::validate(&c).unwrap();
    }
}
