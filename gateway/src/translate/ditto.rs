//! `POST /v1/ditto/stream`: the core's `TextRequest` JSON in, the Ditto stream protocol v1 out
//! (SSE by default, NDJSON on `accept: application/x-ndjson` or `?framing=ndjson`), on any
//! backend. Auth, limits and budgets were applied by `routes::openai::prepare`, as for
//! `/v1/chat/completions`; the stream goes through the same [`sse_body`] as `/v1/ui/chat`.

use super::stream::{sse_body, DittoV1};
use super::{open_prepared, sse_response};
use crate::error::ApiError;
use crate::routes::openai::Prepared;
use crate::state::AppState;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use ditto_llm::protocol::ditto_v1::Framing;
use ditto_llm::TextRequest;
use serde_json::Value;
use std::sync::Arc;

/// Serve a prepared `/v1/ditto/stream` request. Errors before the stream starts are OpenAI
/// error JSON; errors after it started are an `error` event, then the framing's terminator.
pub async fn ditto_stream(st: Arc<AppState>, p: Prepared) -> Result<Response, ApiError> {
    let build = |p: &Prepared| {
        let framing = framing(p.query.as_deref(), &p.headers)?;
        Ok((text_request(p)?, framing))
    };
    let (p, ts, framing) = open_prepared(&st, p, build).await?;
    let mut resp = sse_response(sse_body(&st, p, ts, DittoV1(framing)));
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(framing.content_type()),
    );
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(resp)
}

/// `?framing=sse|ndjson` wins; else NDJSON when `accept` names an NDJSON type; else SSE.
fn framing(query: Option<&str>, headers: &HeaderMap) -> Result<Framing, ApiError> {
    let asked = query
        .unwrap_or_default()
        .split('&')
        .find_map(|kv| kv.strip_prefix("framing="));
    if let Some(name) = asked {
        return name
            .parse()
            .map_err(|e: ditto_llm::Error| ApiError::invalid_request(e.message().to_owned()));
    }
    let ndjson = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| Framing::from_content_type(t).ok() == Some(Framing::Ndjson));
    Ok(if ndjson {
        Framing::Ndjson
    } else {
        Framing::Sse
    })
}

/// The core request: the body as a `TextRequest`, the routed backend's model, the output cap
/// the gateway set (it injects `max_tokens` near the end of a budget), and no client `headers`
/// (headers going upstream are the backend's business).
fn text_request(p: &Prepared) -> Result<TextRequest, ApiError> {
    let (_, spec) = p.spec()?;
    let mut body = p.json.clone().unwrap_or(Value::Null);
    let cap = body
        .as_object_mut()
        .and_then(|o| o.remove("max_tokens"))
        .and_then(|v| v.as_u64());
    let mut req: TextRequest = serde_json::from_value(body)
        .map_err(|e| ApiError::invalid_request(format!("not a Ditto TextRequest body: {e}")))?;
    req.model = spec;
    req.headers.clear();
    if let Some(cap) = cap {
        let cap = u32::try_from(cap).unwrap_or(u32::MAX).max(1);
        let current = req.settings.max_output_tokens.unwrap_or(u32::MAX);
        req.settings.max_output_tokens = Some(current.min(cap));
    }
    Ok(req)
}

#[cfg(test)]
#[path = "ditto_tests.rs"]
mod tests;
