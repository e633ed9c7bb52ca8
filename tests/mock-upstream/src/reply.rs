//! A format-neutral description of a response, before faults are applied.

use axum::http::StatusCode;
use bytes::Bytes;
use serde_json::Value;

/// `content-type` of JSON replies.
pub(crate) const JSON: &str = "application/json";
/// `content-type` of SSE replies.
pub(crate) const SSE: &str = "text/event-stream";

/// The body of a [`Reply`].
#[derive(Debug)]
pub(crate) enum ReplyBody {
    /// One piece, sent as a single frame.
    Whole(Bytes),
    /// Server-sent events, one frame each; counted in the stream stats.
    Events(Vec<Bytes>),
}

/// Status, headers and body of a response.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: ReplyBody,
}

impl Reply {
    /// A JSON reply.
    pub(crate) fn json(status: StatusCode, value: &Value) -> Self {
        Self::bytes(status, JSON, value.to_string().into_bytes())
    }

    /// A reply with a single-piece body.
    pub(crate) fn bytes(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Self {
        Self {
            status,
            content_type,
            headers: Vec::new(),
            body: ReplyBody::Whole(Bytes::from(body)),
        }
    }

    /// An SSE reply with one `data: X\n\n` event per payload, then
    /// `data: [DONE]\n\n` when `done`.
    pub(crate) fn sse_data<I, S>(status: StatusCode, payloads: I, done: bool) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut frames: Vec<Bytes> = payloads
            .into_iter()
            .map(|payload| data_event(payload.as_ref()))
            .collect();
        if done {
            frames.push(data_event("[DONE]"));
        }
        Self::events(status, frames)
    }

    /// An SSE reply with one `event: <type>\ndata: <json>\n\n` event per value (the value's
    /// `type` field names the event), as Anthropic, Cohere and the Responses API send them.
    pub(crate) fn sse_named(status: StatusCode, events: Vec<Value>) -> Self {
        let frames = events
            .iter()
            .map(|v| {
                let name = v.get("type").and_then(Value::as_str).unwrap_or("message");
                named_event(name, &v.to_string())
            })
            .collect();
        Self::events(status, frames)
    }

    /// An SSE reply made of pre-framed events.
    pub(crate) fn events(status: StatusCode, frames: Vec<Bytes>) -> Self {
        Self {
            status,
            content_type: SSE,
            headers: vec![("cache-control".into(), "no-cache".into())],
            body: ReplyBody::Events(frames),
        }
    }

    /// Adds a response header.
    pub(crate) fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}

/// One `event: <name>` + `data:` event.
pub(crate) fn named_event(name: &str, payload: &str) -> Bytes {
    let data = data_event(payload);
    let mut out = Vec::with_capacity(data.len() + name.len() + 8);
    out.extend_from_slice(b"event: ");
    out.extend_from_slice(name.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(&data);
    Bytes::from(out)
}

/// One `data:` event. Multi-line payloads get one `data:` line per line.
pub(crate) fn data_event(payload: &str) -> Bytes {
    let mut out = String::with_capacity(payload.len() + 8);
    for line in payload.split('\n') {
        out.push_str("data: ");
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        out.push('\n');
    }
    out.push('\n');
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_frames() {
        let reply = Reply::sse_data(StatusCode::OK, ["{\"a\":1}", "x"], true);
        let ReplyBody::Events(frames) = reply.body else {
            panic!("not events")
        };
        assert_eq!(frames.len(), 3);
        assert_eq!(&frames[0][..], b"data: {\"a\":1}\n\n");
        assert_eq!(&frames[2][..], b"data: [DONE]\n\n");
    }

    #[test]
    fn multi_line_payload() {
        assert_eq!(&data_event("a\nb")[..], b"data: a\ndata: b\n\n");
    }
}
