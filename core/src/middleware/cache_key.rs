//! Cache keys: SHA-256 over the model and the canonical JSON of the call options.

use crate::error::{Error, Result};
use crate::types::CallOptions;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Request headers that never change the model's output; they are left out of the key.
pub const OUTPUT_NEUTRAL_HEADERS: [&str; 7] = [
    "traceparent",
    "tracestate",
    "baggage",
    "x-request-id",
    "x-correlation-id",
    "idempotency-key",
    "user-agent",
];

/// Bumped when the entry format or the key recipe changes.
const KEY_VERSION: u32 = 1;

/// The cache key of one call: lowercase hex SHA-256 of `{"v", "kind", "provider", "model",
/// "options"}` written as canonical JSON (object keys sorted, no whitespace). `kind` is
/// `generate` or `stream`. The options leave out `max_retries` and the
/// [`OUTPUT_NEUTRAL_HEADERS`]; everything else (prompt, tools, settings, provider options,
/// other headers, `include_raw_chunks`) is part of the key.
pub fn cache_key(provider: &str, model: &str, kind: &str, options: &CallOptions) -> Result<String> {
    let mut opts = serde_json::to_value(options)
        .map_err(|e| Error::internal(format!("call options do not serialize: {e}")))?;
    if let Value::Object(o) = &mut opts {
        o.remove("max_retries");
        if let Some(Value::Object(headers)) = o.get_mut("headers") {
            headers.retain(|name, _| {
                !OUTPUT_NEUTRAL_HEADERS
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(name))
            });
        }
    }
    let doc = serde_json::json!({
        "v": KEY_VERSION,
        "kind": kind,
        "provider": provider,
        "model": model,
        "options": opts,
    });
    let text = canonical(doc).to_string();
    let digest = Sha256::digest(text.as_bytes());
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// `value` with every object's keys in sorted order (whatever map order serde_json uses).
fn canonical(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, canonical(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Message;

    fn opts() -> CallOptions {
        CallOptions {
            prompt: vec![Message::user("hi")],
            ..Default::default()
        }
    }

    #[test]
    fn key_is_stable_hex_and_ignores_neutral_fields() {
        let a = cache_key("openai", "m", "generate", &opts()).unwrap();
        assert_eq!(a.len(), 64);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        let mut o = opts();
        o.max_retries = Some(5);
        o.headers.insert("Traceparent".into(), "00-abc".into());
        assert_eq!(cache_key("openai", "m", "generate", &o).unwrap(), a);
    }

    #[test]
    fn key_changes_with_what_affects_output() {
        let base = cache_key("openai", "m", "generate", &opts()).unwrap();
        let mut o = opts();
        o.settings.temperature = Some(0.1);
        let mut h = opts();
        h.headers.insert("x-tenant".into(), "a".into());
        let variants = [
            cache_key("openai", "m", "stream", &opts()).unwrap(),
            cache_key("openai", "m2", "generate", &opts()).unwrap(),
            cache_key("groq", "m", "generate", &opts()).unwrap(),
            cache_key("openai", "m", "generate", &o).unwrap(),
            cache_key("openai", "m", "generate", &h).unwrap(),
        ];
        for v in variants {
            assert_ne!(v, base);
        }
    }

    #[test]
    fn canonical_sorts_nested_keys() {
        let v = serde_json::json!({"b": [{"z": 1, "a": 2}], "a": 0});
        assert_eq!(canonical(v).to_string(), r#"{"a":0,"b":[{"a":2,"z":1}]}"#);
    }
}
