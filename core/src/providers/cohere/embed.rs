//! Cohere `/v2/embed` and `/v2/rerank`. Pure: no IO.

use crate::error::Result;
use crate::model::EmbeddingCall;
use crate::providers::common::{bad_response, option, parse_body, wrap_metadata};
use crate::types::{EmbeddingResponse, RankedDocument, RerankRequest, RerankResult, Usage};
use serde_json::{json, Value};

/// Most texts per `/v2/embed` call.
pub const MAX_PER_CALL: usize = 96;

/// The embed body. `input_type` defaults to `search_document` (`provider_options.cohere`).
pub fn build_embed_request(model_id: &str, call: &EmbeddingCall) -> Value {
    let po = &call.provider_options;
    let mut b = json!({
        "model": model_id,
        "texts": call.values,
        "input_type": option(po, &["cohere"], "input_type").cloned().unwrap_or_else(|| "search_document".into()),
        "embedding_types": ["float"],
    });
    if let Some(d) = call.dimensions {
        b["output_dimension"] = d.into();
    }
    if let Some(t) = option(po, &["cohere"], "truncate") {
        b["truncate"] = t.clone();
    }
    b
}

/// Parse `{"embeddings": {"float": [[...]]}, "meta": {"billed_units": {"input_tokens"}}}`.
pub fn parse_embed_response(expected: usize, body: &[u8]) -> Result<EmbeddingResponse> {
    let v = parse_body("cohere", body)?;
    let rows = v
        .pointer("/embeddings/float")
        .or_else(|| v.get("embeddings").filter(|e| e.is_array()))
        .and_then(Value::as_array)
        .ok_or_else(|| bad_response("cohere", "the response has no float embeddings", &v))?;
    if rows.len() != expected {
        return Err(bad_response(
            "cohere",
            format!("asked for {expected} embeddings, got {}", rows.len()),
            &v,
        ));
    }
    let embeddings = rows
        .iter()
        .map(|r| {
            r.as_array()
                .and_then(|xs| xs.iter().map(|x| x.as_f64().map(|f| f as f32)).collect())
                .ok_or_else(|| bad_response("cohere", "an embedding is not a list of numbers", &v))
        })
        .collect::<Result<Vec<Vec<f32>>>>()?;
    let input = v
        .pointer("/meta/billed_units/input_tokens")
        .and_then(Value::as_u64);
    Ok(EmbeddingResponse {
        embeddings,
        usage: Usage {
            input_tokens: input,
            total_tokens: input,
            ..Usage::default()
        },
        warnings: Vec::new(),
    })
}

/// The rerank body.
pub fn build_rerank_request(model_id: &str, request: &RerankRequest) -> Value {
    let mut b = json!({"model": model_id, "query": request.query, "documents": request.documents});
    if let Some(n) = request.top_n {
        b["top_n"] = n.into();
    }
    if let Some(extra) = request.provider_options.get("cohere") {
        for (k, v) in extra {
            b[k] = v.clone();
        }
    }
    b
}

/// Parse `{"results": [{"index", "relevance_score"}], "meta": {...}}`.
pub fn parse_rerank_response(request: &RerankRequest, body: &[u8]) -> Result<RerankResult> {
    let v = parse_body("cohere", body)?;
    let items = v
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| bad_response("cohere", "the response has no `results`", &v))?;
    let mut results = Vec::with_capacity(items.len());
    for item in items {
        let index = item
            .get("index")
            .and_then(Value::as_u64)
            .unwrap_or(u64::MAX) as usize;
        let document = request.documents.get(index).ok_or_else(|| {
            bad_response(
                "cohere",
                format!("result index {index} is out of range"),
                &v,
            )
        })?;
        results.push(RankedDocument {
            index,
            relevance_score: item
                .get("relevance_score")
                .and_then(Value::as_f64)
                .unwrap_or(0.0),
            document: document.clone(),
        });
    }
    let mut meta = serde_json::Map::new();
    if let Some(m) = v.get("meta") {
        meta.insert("meta".into(), m.clone());
    }
    Ok(RerankResult {
        results,
        usage: Usage::default(),
        warnings: Vec::new(),
        provider_metadata: wrap_metadata("cohere", meta),
    })
}
