//! Bedrock embeddings through `InvokeModel`: Amazon Titan (`amazon.titan-embed-*`, one text
//! per call) and Cohere on Bedrock (`cohere.embed-*`, up to 96). Pure: no IO.

use crate::error::Result;
use crate::model::EmbeddingCall;
use crate::providers::common::{bad_response, option, parse_body};
use crate::types::{EmbeddingResponse, Usage};
use serde_json::{json, Value};

/// True for Cohere models hosted on Bedrock.
pub fn is_cohere(model_id: &str) -> bool {
    model_id.contains("cohere.")
}

/// The `InvokeModel` body for one batch.
pub fn build_request(model_id: &str, call: &EmbeddingCall) -> Value {
    if is_cohere(model_id) {
        let input_type = option(&call.provider_options, &["bedrock", "cohere"], "input_type")
            .cloned()
            .unwrap_or_else(|| "search_document".into());
        return json!({"texts": call.values, "input_type": input_type});
    }
    let mut b = json!({"inputText": call.values.first().cloned().unwrap_or_default()});
    if let Some(d) = call.dimensions {
        b["dimensions"] = d.into();
    }
    if let Some(n) = option(&call.provider_options, &["bedrock"], "normalize") {
        b["normalize"] = n.clone();
    }
    b
}

/// Parse Titan's `{"embedding", "inputTextTokenCount"}` or Cohere's `{"embeddings"}`.
pub fn parse_response(model_id: &str, expected: usize, body: &[u8]) -> Result<EmbeddingResponse> {
    let v = parse_body("bedrock", body)?;
    let vector = |x: &Value| -> Option<Vec<f32>> {
        x.as_array()?
            .iter()
            .map(|n| n.as_f64().map(|f| f as f32))
            .collect()
    };
    let (embeddings, tokens) = if is_cohere(model_id) {
        let rows = v
            .get("embeddings")
            .and_then(|e| e.get("float").or(Some(e)))
            .and_then(Value::as_array)
            .ok_or_else(|| bad_response("bedrock", "the response has no `embeddings`", &v))?;
        let vs = rows
            .iter()
            .map(|r| {
                vector(r).ok_or_else(|| {
                    bad_response("bedrock", "an embedding is not a list of numbers", &v)
                })
            })
            .collect::<Result<Vec<_>>>()?;
        (vs, None)
    } else {
        let one = v
            .get("embedding")
            .and_then(vector)
            .ok_or_else(|| bad_response("bedrock", "the response has no `embedding`", &v))?;
        (
            vec![one],
            v.get("inputTextTokenCount").and_then(Value::as_u64),
        )
    };
    if embeddings.len() != expected {
        return Err(bad_response(
            "bedrock",
            format!("asked for {expected} embeddings, got {}", embeddings.len()),
            &v,
        ));
    }
    Ok(EmbeddingResponse {
        embeddings,
        usage: Usage {
            input_tokens: tokens,
            total_tokens: tokens,
            ..Usage::default()
        },
        warnings: Vec::new(),
    })
}
