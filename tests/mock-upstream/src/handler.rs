//! The handler for every non-admin request: read the body (bounded), record
//! the request, pick the step (scenario or headers), then answer.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{request::Parts, StatusCode};
use axum::response::Response;
use futures_util::StreamExt;

use crate::delivery::deliver;
use crate::faults::{delay, step_from_headers, SCENARIO_HEADER};
use crate::fixtures::{self, Replay};
use crate::openai::{self, error};
use crate::record::{body_value, header_map, RecordedRequest};
use crate::reply::{Reply, JSON};
use crate::scenario::Step;
use crate::state::Shared;
use crate::wire::Wire;
use crate::MAX_BODY_BYTES;
use crate::{anthropic, bedrock, cohere, gemini, responses};

/// Bytes read (and thrown away) from an oversized body before answering
/// `413`, so the client sees the status instead of a broken pipe.
const MAX_DRAIN_BYTES: usize = 64 * 1024 * 1024;

/// Why a body could not be read.
enum BodyError {
    TooLarge,
    Broken(String),
}

/// Answers a provider request.
pub(crate) async fn provider(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    shared.counters.count_request();
    let scenario = parts
        .headers
        .get(SCENARIO_HEADER)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let body = read_body(&parts, body).await;
    let recorded = match &body {
        Ok(bytes) => body_value(bytes),
        Err(_) => serde_json::Value::Null,
    };
    shared.recorder.push(RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: header_map(&parts.headers),
        body: recorded,
        scenario: scenario.clone(),
    });
    let body = match body {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => {
            let reply = Reply::json(StatusCode::PAYLOAD_TOO_LARGE, &error::for_status(413, None));
            return deliver(reply, &Step::default(), &shared.counters);
        }
        Err(BodyError::Broken(message)) => {
            let reply = error::invalid_request(StatusCode::BAD_REQUEST, &message, None, None);
            return deliver(reply, &Step::default(), &shared.counters);
        }
    };
    let from_headers = match step_from_headers(&parts.headers) {
        Ok(step) => step,
        Err(message) => {
            let reply = error::invalid_request(
                StatusCode::BAD_REQUEST,
                &message,
                None,
                Some("invalid_mock_header"),
            );
            return deliver(reply, &Step::default(), &shared.counters);
        }
    };
    let queued = scenario
        .as_deref()
        .and_then(|key| shared.scenarios.pop(key));
    let step = match queued {
        Some(step) => step.over(from_headers),
        None => from_headers,
    };
    if let Some(wait) = delay(step.latency_ms) {
        tokio::time::sleep(wait).await;
    }
    let reply = answer(&shared, &parts, &body, &step).await;
    deliver(reply, &step, &shared.counters)
}

/// The reply before pacing: fixture, raw SSE, given body, injected error
/// status, or the provider's default behaviour, in that order.
async fn answer(shared: &Shared, parts: &Parts, body: &[u8], step: &Step) -> Reply {
    let status = step
        .status
        .and_then(|code| StatusCode::from_u16(code).ok())
        .unwrap_or(StatusCode::OK);
    let done = step.done.unwrap_or(true);
    let wire = Wire::of(parts.uri.path());
    if let Some(name) = &step.fixture {
        let replay = Replay {
            dirs: &shared.config.fixtures_dirs,
            name,
            status,
            done,
            framing: wire.framing(),
        };
        return fixtures::load(replay).await;
    }
    if let Some(payloads) = &step.sse {
        return Reply::sse_data(status, payloads, done);
    }
    if let Some(value) = &step.body {
        return match value {
            serde_json::Value::String(text) => {
                Reply::bytes(status, JSON, text.clone().into_bytes())
            }
            other => Reply::json(status, other),
        };
    }
    if !status.is_success() {
        let model = openai::model_of(body);
        let mut reply = Reply::json(status, &wire.error_body(status.as_u16(), model.as_deref()));
        for (name, value) in wire.error_headers(status.as_u16()) {
            reply = reply.with_header(name, value);
        }
        return reply;
    }
    let mut reply = default_reply(shared, parts, body);
    if step.status.is_some() {
        reply.status = status;
    }
    reply
}

/// What the mock answers without faults: the first provider module that owns
/// the path, else `404`.
fn default_reply(shared: &Shared, parts: &Parts, body: &[u8]) -> Reply {
    let path = parts.uri.path();
    let id = shared.next_id();
    openai::handle(&parts.method, path, body, id)
        .or_else(|| anthropic::handle(&parts.method, path, body, id))
        .or_else(|| gemini::handle(&parts.method, path, body, id))
        .or_else(|| responses::handle(&parts.method, path, body, id))
        .or_else(|| cohere::handle(&parts.method, path, body, id))
        .or_else(|| bedrock::handle(&parts.method, path, body, id))
        .unwrap_or_else(|| error::not_found(parts.method.as_str(), path))
}

/// Reads at most [`MAX_BODY_BYTES`]; a larger body is drained (up to
/// [`MAX_DRAIN_BYTES`]) and reported as too large.
async fn read_body(parts: &Parts, body: Body) -> Result<Vec<u8>, BodyError> {
    let declared = parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > MAX_DRAIN_BYTES) {
        return Err(BodyError::TooLarge);
    }
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|err| BodyError::Broken(format!("cannot read body: {err}")))?;
        seen = seen.saturating_add(chunk.len());
        if seen > MAX_DRAIN_BYTES {
            return Err(BodyError::TooLarge);
        }
        if seen <= MAX_BODY_BYTES {
            bytes.extend_from_slice(&chunk);
        }
    }
    if seen > MAX_BODY_BYTES {
        return Err(BodyError::TooLarge);
    }
    Ok(bytes)
}
