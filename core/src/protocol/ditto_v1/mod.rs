//! The Ditto stream protocol v1: each [`StreamEvent`](crate::StreamEvent) is one JSON object
//! `{"v":1,"type":"<event>",...fields}` with the same snake_case fields as the Rust type.
//!
//! Two framings ([`Framing`]):
//! - **SSE**: `data: <json>\n\n` per event; the stream ends with `data: [DONE]\n\n`.
//! - **NDJSON**: `<json>\n` per event; the stream ends at end of input.
//!
//! A failure is written as one `error` event (an [`ErrorInfo`](crate::ErrorInfo)) followed by
//! the terminator. The decoder is bounded (max line / event size), rejects any `v` other than
//! 1, and reports malformed input as [`ErrorKind::Stream`](crate::ErrorKind::Stream) errors.
//! The full specification is `docs/stream-protocol.md`; the JSON Schema of one event is
//! `docs/schema/ditto-stream-v1.schema.json`.
//!
//! ```
//! use ditto_llm::protocol::ditto_v1::{encode_frame, Decoder, Framing};
//! use ditto_llm::StreamEvent;
//!
//! let frame = encode_frame(&StreamEvent::text_delta("t0", "Hi"), Framing::Ndjson);
//! let mut decoder = Decoder::new(Framing::Ndjson);
//! let mut out = Vec::new();
//! decoder.feed(&frame, &mut out).unwrap();
//! assert_eq!(out, vec![StreamEvent::text_delta("t0", "Hi")]);
//! ```

mod decode;
mod encode;
mod framing;

pub use decode::{decode_event, decode_stream, Decoder};
pub use encode::{encode_event, encode_frame, encode_stream, terminator};
pub use framing::Framing;

/// The protocol version this module speaks; every event carries it as `"v"`.
pub const VERSION: u64 = 1;

/// The SSE terminator line that ends a stream.
pub const SSE_DONE: &str = "data: [DONE]\n\n";

/// The content type of the SSE framing.
pub const SSE_CONTENT_TYPE: &str = "text/event-stream";

/// The content type of the NDJSON framing.
pub const NDJSON_CONTENT_TYPE: &str = "application/x-ndjson";

/// Size limits of the decoder: the SSE limits (max line, max event data). With NDJSON framing a
/// line is an event, so its limit is the smaller of the two.
pub use crate::http::sse::SseLimits as Limits;
