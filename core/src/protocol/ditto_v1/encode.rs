use super::{Framing, SSE_DONE, VERSION};
use crate::error::Result;
use crate::types::StreamEvent;
use bytes::Bytes;
use futures_core::Stream;
use futures_util::StreamExt;
use serde_json::Value;

/// One event as its v1 JSON object: the event's own JSON plus `"v": 1`.
pub fn encode_event(event: &StreamEvent) -> Value {
    let mut value = serde_json::to_value(event).unwrap_or_else(|e| {
        // Events hold only strings, numbers and JSON values, so this cannot fail; keep the
        // stream well-formed anyway.
        serde_json::json!({"type": "error", "error": {"kind": "internal", "message": e.to_string()}})
    });
    if let Value::Object(map) = &mut value {
        map.insert("v".to_owned(), Value::from(VERSION));
    }
    value
}

/// The JSON text of one event, `"v":1` first.
fn event_json(event: &StreamEvent) -> String {
    match serde_json::to_string(event) {
        // Every event serializes to a non-empty object (it has at least `type`).
        Ok(json) if json.len() > 2 => format!("{{\"v\":{VERSION},{}", &json[1..]),
        _ => encode_event(event).to_string(),
    }
}

/// One event framed for the wire: `data: <json>\n\n` (SSE) or `<json>\n` (NDJSON). JSON text
/// never contains a raw newline, so an event is always one line.
pub fn encode_frame(event: &StreamEvent, framing: Framing) -> Bytes {
    let json = event_json(event);
    Bytes::from(match framing {
        Framing::Sse => format!("data: {json}\n\n"),
        Framing::Ndjson => format!("{json}\n"),
    })
}

/// What ends a stream: `data: [DONE]\n\n` for SSE, nothing for NDJSON (end of input).
pub fn terminator(framing: Framing) -> Option<Bytes> {
    match framing {
        Framing::Sse => Some(Bytes::from_static(SSE_DONE.as_bytes())),
        Framing::Ndjson => None,
    }
}

enum State {
    Running,
    Terminate,
    Done,
}

/// Encode a whole stream: one frame per event; an `Err` item becomes an `error` event and ends
/// the stream; the terminator follows in both cases (SSE only). Dropping the returned stream
/// drops `stream`.
pub fn encode_stream<S>(stream: S, framing: Framing) -> impl Stream<Item = Bytes> + Send
where
    S: Stream<Item = Result<StreamEvent>> + Send + 'static,
{
    futures_util::stream::unfold(
        (Box::pin(stream), State::Running),
        move |(mut stream, state)| async move {
            match state {
                State::Running => match stream.next().await {
                    Some(Ok(event)) => {
                        Some((encode_frame(&event, framing), (stream, State::Running)))
                    }
                    Some(Err(error)) => {
                        let event = StreamEvent::Error {
                            error: error.to_info(),
                        };
                        Some((encode_frame(&event, framing), (stream, State::Terminate)))
                    }
                    None => terminator(framing).map(|t| (t, (stream, State::Done))),
                },
                State::Terminate => terminator(framing).map(|t| (t, (stream, State::Done))),
                State::Done => None,
            }
        },
    )
}

#[cfg(test)]
#[path = "encode_tests.rs"]
mod tests;
