//! Gemini `batchEmbedContents` request and response. Pure: no IO.

use crate::error::Result;
use crate::model::EmbeddingCall;
use crate::providers::common::{bad_response, option, parse_body};
use crate::types::{EmbeddingResponse, Usage};
use serde_json::{json, Value};

/// Most texts per `batchEmbedContents` call.
pub const MAX_PER_CALL: usize = 100;

/// The body for one batch. `provider_options.google.task_type` sets `taskType`.
pub fn build_embedding_request(model_id: &str, call: &EmbeddingCall) -> Value {
    let task = option(&call.provider_options, &["google"], "task_type")
        .or_else(|| option(&call.provider_options, &["google"], "taskType"))
        .cloned();
    let requests: Vec<Value> = call
        .values
        .iter()
        .map(|text| {
            let mut r = json!({
                "model": format!("models/{model_id}"),
                "content": {"parts": [{"text": text}]},
            });
            if let Some(d) = call.dimensions {
                r["outputDimensionality"] = d.into();
            }
            if let Some(t) = &task {
                r["taskType"] = t.clone();
            }
            r
        })
        .collect();
    json!({"requests": requests})
}

/// Parse `{"embeddings": [{"values": [...]}, ...]}`.
pub fn parse_embedding_response(
    provider: &str,
    expected: usize,
    body: &[u8],
) -> Result<EmbeddingResponse> {
    let v = parse_body(provider, body)?;
    let items = v
        .get("embeddings")
        .and_then(Value::as_array)
        .ok_or_else(|| bad_response(provider, "the response has no `embeddings` array", &v))?;
    if items.len() != expected {
        return Err(bad_response(
            provider,
            format!("asked for {expected} embeddings, got {}", items.len()),
            &v,
        ));
    }
    let embeddings = items
        .iter()
        .map(|e| {
            e.get("values")
                .and_then(Value::as_array)
                .and_then(|xs| xs.iter().map(|x| x.as_f64().map(|f| f as f32)).collect())
                .ok_or_else(|| bad_response(provider, "an embedding is not a list of numbers", &v))
        })
        .collect::<Result<Vec<Vec<f32>>>>()?;
    Ok(EmbeddingResponse {
        embeddings,
        usage: Usage::default(),
        warnings: Vec::new(),
    })
}

/// Most texts per Vertex `:predict` call (Gemini embedding models take one).
pub const VERTEX_MAX_PER_CALL: usize = 1;

/// The Vertex AI `:predict` body: `{"instances": [{"content", "task_type"?}], "parameters"}`.
pub fn build_vertex_request(call: &EmbeddingCall) -> Value {
    let task = option(&call.provider_options, &["vertex", "google"], "task_type").cloned();
    let instances: Vec<Value> = call
        .values
        .iter()
        .map(|text| {
            let mut i = json!({"content": text});
            if let Some(t) = &task {
                i["task_type"] = t.clone();
            }
            i
        })
        .collect();
    let mut body = json!({"instances": instances});
    if let Some(d) = call.dimensions {
        body["parameters"] = json!({"outputDimensionality": d});
    }
    body
}

/// Parse `{"predictions": [{"embeddings": {"values", "statistics": {"token_count"}}}]}`.
pub fn parse_vertex_response(
    provider: &str,
    expected: usize,
    body: &[u8],
) -> Result<EmbeddingResponse> {
    let v = parse_body(provider, body)?;
    let preds = v
        .get("predictions")
        .and_then(Value::as_array)
        .ok_or_else(|| bad_response(provider, "the response has no `predictions`", &v))?;
    if preds.len() != expected {
        return Err(bad_response(
            provider,
            format!("asked for {expected} embeddings, got {}", preds.len()),
            &v,
        ));
    }
    let mut tokens = None::<u64>;
    let embeddings = preds
        .iter()
        .map(|p| {
            if let Some(n) = p
                .pointer("/embeddings/statistics/token_count")
                .and_then(Value::as_f64)
            {
                tokens = Some(tokens.unwrap_or(0) + n as u64);
            }
            p.pointer("/embeddings/values")
                .and_then(Value::as_array)
                .and_then(|xs| xs.iter().map(|x| x.as_f64().map(|f| f as f32)).collect())
                .ok_or_else(|| bad_response(provider, "an embedding is not a list of numbers", &v))
        })
        .collect::<Result<Vec<Vec<f32>>>>()?;
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
