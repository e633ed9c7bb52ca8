//! Streaming responses: UI message streams, Ditto v1 streams, and error JSON.

use axum::body::Body;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use ditto_llm::protocol::ditto_v1::{encode_stream, Framing};
use ditto_llm::protocol::ui_message::{
    encode_ui_stream, UiStreamOptions, UI_MESSAGE_STREAM_HEADER,
};
use ditto_llm::{Error, ErrorKind, StreamEvent};
use futures_util::{Stream, StreamExt};
use std::convert::Infallible;

/// A streamed response over `frames` with `content_type`, `cache-control: no-cache` and
/// `x-accel-buffering: no` (so nginx-style proxies pass frames on as they come).
fn streamed<S>(frames: S, content_type: &'static str) -> Response
where
    S: Stream<Item = Bytes> + Send + 'static,
{
    let mut resp = Response::new(Body::from_stream(frames.map(Ok::<_, Infallible>)));
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    resp
}

/// `stream` as an AI SDK UI message stream (`useChat`'s wire format): `200`,
/// `content-type: text/event-stream`, `cache-control: no-cache`,
/// `x-vercel-ai-ui-message-stream: v1`, `x-accel-buffering: no`; one SSE frame per chunk,
/// ending `data: [DONE]`. An `Err` item becomes an `error` chunk, then `[DONE]`.
///
/// The body is streamed as the model produces it. If the client disconnects, the body and with
/// it `stream` are dropped.
pub fn ui_message_response<S>(stream: S, opts: UiStreamOptions) -> Response
where
    S: Stream<Item = ditto_llm::Result<StreamEvent>> + Send + 'static,
{
    let mut resp = streamed(encode_ui_stream(stream, opts), "text/event-stream");
    let (name, value) = UI_MESSAGE_STREAM_HEADER;
    resp.headers_mut().insert(
        HeaderName::from_static(name),
        HeaderValue::from_static(value),
    );
    resp
}

/// `stream` in the Ditto stream protocol v1 with `framing`: `200`, `content-type:
/// text/event-stream` (SSE, ending `data: [DONE]`) or `application/x-ndjson` (NDJSON, ending
/// at end of body), `cache-control: no-cache`, `x-accel-buffering: no`. An `Err` item becomes
/// an `error` event, then the terminator. Streamed; a client disconnect drops `stream`.
pub fn ditto_v1_response<S>(stream: S, framing: Framing) -> Response
where
    S: Stream<Item = ditto_llm::Result<StreamEvent>> + Send + 'static,
{
    streamed(encode_stream(stream, framing), framing.content_type())
}

/// The HTTP status for a call that failed before any stream started: the error kind's status,
/// except that an upstream authentication failure is the server's problem (`502`).
fn status_of(error: &Error) -> StatusCode {
    if error.kind() == ErrorKind::Authentication {
        return StatusCode::BAD_GATEWAY;
    }
    StatusCode::from_u16(error.kind().http_status()).unwrap_or(StatusCode::BAD_GATEWAY)
}

/// An error that happened before the stream started (e.g. `stream_text` failed) as a JSON
/// response `{"error": <ErrorInfo>}` (the core's error JSON: `kind`, `message`, ...) with the
/// status of its kind.
pub fn error_response(error: &Error) -> Response {
    let body = serde_json::json!({ "error": error.to_info() });
    (status_of(error), axum::Json(body)).into_response()
}
