//! `POST /v1/embeddings`: deterministic, L2-normalised vectors.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::{base64, error};
use crate::echo::word_count;
use crate::reply::Reply;

/// Vector length when the request has no `dimensions`.
pub(crate) const DEFAULT_DIMENSIONS: u64 = 8;
/// Largest accepted `dimensions`.
pub(crate) const MAX_DIMENSIONS: u64 = 4096;
/// Most inputs accepted in one request.
pub(crate) const MAX_INPUTS: usize = 2048;

/// Answers an embeddings request.
pub(crate) fn create(request: &Value) -> Reply {
    let inputs = match inputs(request.get("input")) {
        Ok(inputs) => inputs,
        Err(message) => return bad_request(&message, "input"),
    };
    let dimensions = match request.get("dimensions") {
        None | Some(Value::Null) => DEFAULT_DIMENSIONS,
        Some(value) => match value.as_u64() {
            Some(n) if (1..=MAX_DIMENSIONS).contains(&n) => n,
            _ => {
                let message = format!("dimensions must be an integer in 1..={MAX_DIMENSIONS}");
                return bad_request(&message, "dimensions");
            }
        },
    };
    let base64 = request.get("encoding_format").and_then(Value::as_str) == Some("base64");
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("text-embedding-3-small");
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let vector = embed(text, dimensions as usize);
            let embedding = if base64 {
                Value::String(encode_f32(&vector))
            } else {
                json!(vector)
            };
            json!({ "object": "embedding", "index": index, "embedding": embedding })
        })
        .collect();
    let tokens: u64 = inputs.iter().map(|text| word_count(text)).sum();
    let body = json!({
        "object": "list",
        "data": data,
        "model": model,
        "usage": { "prompt_tokens": tokens, "total_tokens": tokens },
    });
    Reply::json(StatusCode::OK, &body)
}

/// The texts to embed: a string, or an array of strings (other array
/// elements, such as token arrays, are embedded by their JSON text).
fn inputs(input: Option<&Value>) -> Result<Vec<String>, String> {
    let as_text = |value: &Value| match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let inputs = match input {
        Some(Value::String(text)) => vec![text.clone()],
        Some(Value::Array(items)) if items.iter().all(Value::is_number) && !items.is_empty() => {
            vec![Value::Array(items.clone()).to_string()]
        }
        Some(Value::Array(items)) => items.iter().map(as_text).collect(),
        None | Some(Value::Null) => return Err("Missing required parameter: 'input'.".into()),
        Some(_) => return Err("'input' must be a string or an array of strings.".into()),
    };
    if inputs.is_empty() {
        return Err("'input' must not be empty.".into());
    }
    if inputs.len() > MAX_INPUTS {
        return Err(format!("'input' may hold at most {MAX_INPUTS} items."));
    }
    Ok(inputs)
}

/// A unit-length vector derived from FNV-1a hashes of `text`, one hash per
/// dimension (the dimension index seeds the hash).
pub(crate) fn embed(text: &str, dimensions: usize) -> Vec<f32> {
    let raw: Vec<f64> = (0..dimensions)
        .map(|dim| {
            let hash = fnv1a(&(dim as u64).to_le_bytes(), text.as_bytes());
            // Top 53 bits to [0, 1), then to [-1, 1).
            (hash >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        })
        .collect();
    let norm = raw.iter().map(|x| x * x).sum::<f64>().sqrt();
    raw.iter()
        .map(|x| if norm > 0.0 { (x / norm) as f32 } else { 0.0 })
        .collect()
}

fn fnv1a(seed: &[u8], data: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    seed.iter().chain(data).fold(OFFSET, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

fn encode_f32(vector: &[f32]) -> String {
    let bytes: Vec<u8> = vector.iter().flat_map(|x| x.to_le_bytes()).collect();
    base64::encode(&bytes)
}

fn bad_request(message: &str, param: &str) -> Reply {
    error::invalid_request(StatusCode::BAD_REQUEST, message, Some(param), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_unit_length() {
        let a = embed("hello", 16);
        assert_eq!(a, embed("hello", 16));
        assert_ne!(a, embed("hellp", 16));
        let norm: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5);
        assert!(a.iter().all(|x| (-1.0..=1.0).contains(x)));
    }

    #[test]
    fn input_forms() {
        assert_eq!(inputs(Some(&json!("a"))).unwrap(), ["a"]);
        assert_eq!(inputs(Some(&json!(["a", "b"]))).unwrap(), ["a", "b"]);
        assert_eq!(inputs(Some(&json!([1, 2]))).unwrap(), ["[1,2]"]);
        assert!(inputs(Some(&json!([]))).is_err());
        assert!(inputs(None).is_err());
        assert!(inputs(Some(&json!(3))).is_err());
    }
}
