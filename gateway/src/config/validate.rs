//! Semantic checks the types cannot express. Every message starts with the field path.

use super::schema::{GatewayConfig, WeightedBackend};
use super::time::parse_expiry;
use axum::http::{HeaderName, HeaderValue};
use ditto_llm::ProviderKind;
use std::collections::HashSet;

/// The core adapter for a `provider:` name, or an error listing what this build knows.
pub fn provider_kind(name: &str) -> Result<ProviderKind, String> {
    serde_json::from_value::<ProviderKind>(serde_json::Value::String(name.to_owned())).map_err(
        |_| {
            format!(
                "provider `{name}` is not available in this build (known: openai, openai-compatible, mock)"
            )
        },
    )
}

/// `*` matches any run of characters; everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

fn check_refs(list: &[WeightedBackend], path: &str, names: &HashSet<&str>) -> Result<(), String> {
    for (i, wb) in list.iter().enumerate() {
        if !names.contains(wb.backend.as_str()) {
            return Err(format!(
                "{path}[{i}].backend: no backend named `{}` (defined: {})",
                wb.backend,
                names.iter().copied().collect::<Vec<_>>().join(", ")
            ));
        }
        if wb.weight == Some(0) {
            return Err(format!("{path}[{i}].weight: must be at least 1"));
        }
    }
    Ok(())
}

/// Check a typed config.
pub fn validate(c: &GatewayConfig) -> Result<(), String> {
    if let Some(listen) = &c.server.listen {
        listen.parse::<std::net::SocketAddr>().map_err(|_| {
            format!("server.listen: `{listen}` is not HOST:PORT (e.g. 127.0.0.1:8080)")
        })?;
    }
    if c.server.max_body_bytes == Some(0) {
        return Err("server.max_body_bytes: must be at least 1".into());
    }
    if let Some(w) = c.server.workers {
        if !(1..=1024).contains(&w) {
            return Err(format!("server.workers: expected 1 to 1024, got {w}"));
        }
    }
    if c.server.header_read_timeout_ms == Some(0) {
        return Err("server.header_read_timeout_ms: must be at least 1".into());
    }
    if c.server.max_in_flight == Some(0) {
        return Err("server.max_in_flight: must be at least 1".into());
    }
    if let Some(f) = &c.server.log_format {
        if f != "json" && f != "text" {
            return Err(format!(
                "server.log_format: expected `json` or `text`, got `{f}`"
            ));
        }
    }
    for (field, tok) in [
        ("server.admin_token", &c.server.admin_token),
        (
            "server.read_only_admin_token",
            &c.server.read_only_admin_token,
        ),
    ] {
        if tok.as_ref().is_some_and(|t| t.len() < 8) {
            return Err(format!("{field}: must be at least 8 characters"));
        }
    }
    if let Some(store) = &c.store {
        crate::store::StoreSpec::parse(store).map_err(|e| format!("store: {e}"))?;
    }
    let mut names = HashSet::new();
    for (i, b) in c.backends.iter().enumerate() {
        let p = format!("backends[{i}]");
        if b.name.is_empty() {
            return Err(format!("{p}.name: must not be empty"));
        }
        if !names.insert(b.name.as_str()) {
            return Err(format!("{p}.name: `{}` is defined twice", b.name));
        }
        match (&b.base_url, &b.provider) {
            (None, None) => {
                return Err(format!(
                    "{p}: set `base_url` (passthrough) or `provider` (e.g. openai)"
                ))
            }
            (Some(url), None) => {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(format!(
                        "{p}.base_url: must start with http:// or https://, got `{url}`"
                    ));
                }
                if b.api_key.is_some() {
                    return Err(format!("{p}.api_key: only for `provider` backends; a passthrough backend takes `headers: {{authorization: \"Bearer ...\"}}`"));
                }
                reqwest::Url::parse(url).map_err(|e| format!("{p}.base_url: {e}"))?;
            }
            (url, Some(provider)) => {
                provider_kind(provider).map_err(|e| format!("{p}.provider: {e}"))?;
                if let Some(url) = url {
                    reqwest::Url::parse(url).map_err(|e| format!("{p}.base_url: {e}"))?;
                }
            }
        }
        for (k, v) in &b.headers {
            HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| format!("{p}.headers.{k}: not a valid header name"))?;
            HeaderValue::from_str(v)
                .map_err(|_| format!("{p}.headers.{k}: not a valid header value"))?;
        }
        if b.max_in_flight == Some(0) {
            return Err(format!("{p}.max_in_flight: must be at least 1"));
        }
        if b.weight == Some(0) {
            return Err(format!("{p}.weight: must be at least 1"));
        }
        for (field, v) in [
            ("connect_ms", b.timeouts.connect_ms),
            ("first_byte_ms", b.timeouts.first_byte_ms),
            ("total_ms", b.timeouts.total_ms),
        ] {
            if v == Some(0) {
                return Err(format!("{p}.timeouts.{field}: must be at least 1"));
            }
        }
    }
    check_refs(
        &c.router.default_backends,
        "router.default_backends",
        &names,
    )?;
    for (i, rule) in c.router.rules.iter().enumerate() {
        if rule.model.is_empty() {
            return Err(format!("router.rules[{i}].model: must not be empty"));
        }
        if rule.backends.is_empty() {
            return Err(format!(
                "router.rules[{i}].backends: list at least one backend"
            ));
        }
        check_refs(
            &rule.backends,
            &format!("router.rules[{i}].backends"),
            &names,
        )?;
    }
    let mut ids = HashSet::new();
    let mut tokens = HashSet::new();
    for (i, k) in c.virtual_keys.iter().enumerate() {
        let p = format!("virtual_keys[{i}]");
        if k.id.is_empty() || k.id.len() > 128 {
            return Err(format!("{p}.id: must be 1 to 128 characters"));
        }
        if !ids.insert(k.id.as_str()) {
            return Err(format!("{p}.id: `{}` is defined twice", k.id));
        }
        if k.token.len() < 8 {
            return Err(format!("{p}.token: must be at least 8 characters"));
        }
        if !tokens.insert(k.token.as_str()) {
            return Err(format!("{p}.token: the same token is used by two keys"));
        }
        if let Some(e) = &k.expires_at {
            parse_expiry(e).map_err(|m| format!("{p}.expires_at: {m}"))?;
        }
        for (field, v) in [("limits.rpm", k.limits.rpm), ("limits.tpm", k.limits.tpm)] {
            if v == Some(0) {
                return Err(format!(
                    "{p}.{field}: must be at least 1 (leave it out for no limit)"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("gpt-*", "gpt-4o"));
        assert!(glob_match("*", "x"));
        assert!(glob_match("a*b*c", "aXbYc"));
        assert!(!glob_match("a*b*c", "aXc"));
        assert!(glob_match("claude-*-4*", "claude-sonnet-4-5"));
        assert!(!glob_match("gpt-4o", "gpt-4o-mini"));
        assert!(!glob_match("ab*ba", "aba"));
    }
}
