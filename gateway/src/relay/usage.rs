//! Token usage in OpenAI response objects (chat, completions, embeddings, responses).

use serde_json::Value;

/// Input and output tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tokens {
    /// Prompt / input tokens.
    pub input: u64,
    /// Completion / output tokens.
    pub output: u64,
    /// Total as reported (or input + output).
    pub total: u64,
}

#[derive(serde::Deserialize)]
struct RawUsage {
    prompt_tokens: Option<u64>,
    input_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    output_tokens: Option<u64>,
    total_tokens: Option<u64>,
}

#[derive(serde::Deserialize)]
struct WithUsage {
    #[serde(default)]
    usage: Option<RawUsage>,
}

/// The usage of a serialized OpenAI object, reading only `usage` (the rest is skipped without
/// building a tree).
pub fn usage_from_slice(bytes: &[u8]) -> Option<Tokens> {
    let u = serde_json::from_slice::<WithUsage>(bytes).ok()?.usage?;
    let input = u.prompt_tokens.or(u.input_tokens).unwrap_or(0);
    let output = u.completion_tokens.or(u.output_tokens).unwrap_or(0);
    Some(Tokens {
        input,
        output,
        total: u.total_tokens.unwrap_or(input + output),
    })
}

/// The usage of an OpenAI object, when it has a non-null `usage`.
pub fn usage_of(v: &Value) -> Option<Tokens> {
    let u = v.get("usage")?.as_object()?;
    let get = |keys: &[&str]| keys.iter().find_map(|k| u.get(*k).and_then(Value::as_u64));
    let input = get(&["prompt_tokens", "input_tokens"]).unwrap_or(0);
    let output = get(&["completion_tokens", "output_tokens"]).unwrap_or(0);
    let total = get(&["total_tokens"]).unwrap_or(input + output);
    Some(Tokens {
        input,
        output,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_usage() {
        let chat =
            json!({"usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}});
        assert_eq!(
            usage_of(&chat),
            Some(Tokens {
                input: 3,
                output: 4,
                total: 7
            })
        );
        let emb = json!({"usage": {"prompt_tokens": 5, "total_tokens": 5}});
        assert_eq!(usage_of(&emb).unwrap().total, 5);
        assert_eq!(usage_of(&json!({"usage": null})), None);
        assert_eq!(usage_of(&json!({})), None);
        let raw = br#"{"id":"x","choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}"#;
        assert_eq!(
            usage_from_slice(raw),
            Some(Tokens {
                input: 3,
                output: 4,
                total: 7
            })
        );
        assert_eq!(usage_from_slice(br#"{"usage":null}"#), None);
        assert_eq!(usage_from_slice(b"{truncated"), None);
    }
}
