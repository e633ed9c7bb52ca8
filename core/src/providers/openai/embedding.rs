//! OpenAI `/embeddings` request and response. Pure: no IO.

use super::usage::usage_of;
use crate::error::{Error, ErrorKind, Result};
use crate::model::EmbeddingCall;
use crate::types::{EmbeddingResponse, Usage};
use serde_json::{json, Map, Value};

/// The body for one batch. Extra keys under the provider's options pass through (`user`, ...).
pub fn build_embedding_request(
    model_id: &str,
    call: &EmbeddingCall,
    option_keys: &[&str],
) -> Value {
    let mut body = Map::new();
    body.insert("model".into(), model_id.into());
    body.insert("input".into(), json!(call.values));
    body.insert("encoding_format".into(), "float".into());
    if let Some(d) = call.dimensions {
        body.insert("dimensions".into(), d.into());
    }
    for key in option_keys.iter().rev() {
        if let Some(extra) = call.provider_options.get(key) {
            for (k, v) in extra {
                body.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(body)
}

/// Parse the response; vectors come back in input order whatever order `data` had.
pub fn parse_embedding_response(
    provider: &str,
    expected: usize,
    body: &[u8],
) -> Result<EmbeddingResponse> {
    let bad = |msg: String| {
        Error::new(ErrorKind::Provider, msg)
            .with_provider(provider)
            .with_body(String::from_utf8_lossy(body).into_owned())
    };
    let v = crate::providers::common::parse_body(provider, body)?;
    let data = v
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("the embedding response has no `data` array".into()))?;
    let mut slots: Vec<Option<Vec<f32>>> = vec![None; expected];
    for (position, item) in data.iter().enumerate() {
        let index = item
            .get("index")
            .and_then(Value::as_u64)
            .map(|i| i as usize)
            .unwrap_or(position);
        let vector = item
            .get("embedding")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(format!("embedding {index} is not a list of numbers")))?
            .iter()
            .map(|x| x.as_f64().map(|f| f as f32))
            .collect::<Option<Vec<f32>>>()
            .ok_or_else(|| bad(format!("embedding {index} holds a non-number")))?;
        let slot = slots
            .get_mut(index)
            .ok_or_else(|| bad(format!("embedding index {index} is out of range")))?;
        *slot = Some(vector);
    }
    let embeddings = slots
        .into_iter()
        .enumerate()
        .map(|(i, s)| s.ok_or_else(|| bad(format!("the response is missing embedding {i}"))))
        .collect::<Result<Vec<_>>>()?;
    let usage = usage_of(&v)
        .map(|u| Usage {
            output_tokens: None,
            total_tokens: u.total_tokens.or(u.input_tokens),
            ..u
        })
        .unwrap_or_default();
    Ok(EmbeddingResponse {
        embeddings,
        usage,
        warnings: Vec::new(),
    })
}
