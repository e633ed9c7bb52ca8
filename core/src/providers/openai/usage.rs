//! OpenAI usage objects onto [`Usage`].

use crate::types::Usage;
use serde_json::Value;

/// Read `usage` (or Groq's `x_groq.usage`) from a response or chunk, if present.
pub fn usage_of(v: &Value) -> Option<Usage> {
    let usage = match v.get("usage") {
        Some(u) if u.is_object() => u,
        _ => v
            .get("x_groq")
            .and_then(|x| x.get("usage"))
            .filter(|u| u.is_object())?,
    };
    let n = |v: Option<&Value>| v.and_then(Value::as_u64);
    Some(
        Usage {
            input_tokens: n(usage.get("prompt_tokens")),
            output_tokens: n(usage.get("completion_tokens")),
            total_tokens: n(usage.get("total_tokens")),
            cache_read_tokens: n(usage
                .get("prompt_tokens_details")
                .and_then(|d| d.get("cached_tokens")))
            .or_else(|| n(usage.get("prompt_cache_hit_tokens"))),
            cache_write_tokens: None,
            reasoning_tokens: n(usage
                .get("completion_tokens_details")
                .and_then(|d| d.get("reasoning_tokens"))),
        }
        .with_computed_total(),
    )
}

/// OpenAI-only usage details that have no unified field, as provider metadata.
pub fn usage_metadata(v: &Value) -> Option<serde_json::Map<String, Value>> {
    let details = v.get("usage")?.get("completion_tokens_details")?;
    let mut out = serde_json::Map::new();
    for key in ["accepted_prediction_tokens", "rejected_prediction_tokens"] {
        if let Some(n) = details.get(key).and_then(Value::as_u64) {
            out.insert(key.into(), n.into());
        }
    }
    (!out.is_empty()).then_some(out)
}
