//! The few request fields the gateway decides on (`model`, `stream`, `stream_options`, output
//! caps), read without building the whole JSON tree: other fields are skipped, nothing is
//! allocated for them. The full tree is built only when the body must be rewritten.

use serde::Deserialize;
use serde_json::Value;

/// `stream_options`.
#[derive(Debug, Default, Deserialize)]
pub struct StreamOptions {
    /// `include_usage`.
    #[serde(default)]
    pub include_usage: Option<bool>,
}

/// The fields that matter for routing, limits and rewrites.
#[derive(Debug, Default, Deserialize)]
pub struct Peek {
    /// `model`.
    #[serde(default)]
    pub model: Option<String>,
    /// `stream`.
    #[serde(default)]
    pub stream: Option<bool>,
    /// `stream_options`.
    #[serde(default)]
    pub stream_options: Option<StreamOptions>,
    /// `max_tokens`.
    #[serde(default)]
    pub max_tokens: Option<u64>,
    /// `max_completion_tokens`.
    #[serde(default)]
    pub max_completion_tokens: Option<u64>,
    /// `max_output_tokens` (Responses API).
    #[serde(default)]
    pub max_output_tokens: Option<u64>,
}

impl Peek {
    /// Lenient read from a parsed object (fields of the wrong type count as absent).
    pub fn from_value(v: &Value) -> Self {
        Peek {
            model: v.get("model").and_then(Value::as_str).map(str::to_owned),
            stream: v.get("stream").and_then(Value::as_bool),
            stream_options: Some(StreamOptions {
                include_usage: v
                    .get("stream_options")
                    .and_then(|o| o.get("include_usage"))
                    .and_then(Value::as_bool),
            }),
            max_tokens: v.get("max_tokens").and_then(Value::as_u64),
            max_completion_tokens: v.get("max_completion_tokens").and_then(Value::as_u64),
            max_output_tokens: v.get("max_output_tokens").and_then(Value::as_u64),
        }
    }

    /// The output cap the client set.
    pub fn cap(&self) -> Option<u64> {
        self.max_completion_tokens
            .or(self.max_tokens)
            .or(self.max_output_tokens)
    }

    /// A stream whose client did not ask for usage.
    pub fn streams_without_usage(&self) -> bool {
        self.stream == Some(true)
            && self.stream_options.as_ref().and_then(|o| o.include_usage) != Some(true)
    }
}

/// Parse a JSON object body: the peek, or a message for a body that is not a JSON object.
pub fn peek(raw: &[u8]) -> Result<Peek, String> {
    match serde_json::from_slice::<Peek>(raw) {
        Ok(p) => Ok(p),
        Err(_) => match serde_json::from_slice::<Value>(raw) {
            Ok(v @ Value::Object(_)) => Ok(Peek::from_value(&v)),
            Ok(_) => Err("the request body must be a JSON object".into()),
            Err(e) => Err(format!("the request body is not valid JSON: {e}")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peeks_and_tolerates() {
        let p = peek(br#"{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true,"max_tokens":5}"#).unwrap();
        assert_eq!(p.model.as_deref(), Some("m"));
        assert!(p.streams_without_usage());
        assert_eq!(p.cap(), Some(5));
        let p = peek(br#"{"model": 5, "stream": true, "stream_options": {"include_usage": true}}"#)
            .unwrap();
        assert_eq!(p.model, None);
        assert!(!p.streams_without_usage());
        assert!(peek(b"[1]").unwrap_err().contains("JSON object"));
        assert!(peek(b"{nope").unwrap_err().contains("not valid JSON"));
    }
}
