//! The AI SDK UI message stream (protocol v1), so a Ditto backend — Rust, a binding, or the
//! gateway — can serve a React `useChat` front end directly.
//!
//! - [`UiMessageEncoder`] / [`encode_ui_stream`]: our [`StreamEvent`](crate::StreamEvent)s as
//!   UI chunks (`start`, `text-delta`, `tool-input-available`, `finish`, ...) over SSE ending
//!   with `data: [DONE]`. Only fields of the `ai` 5.x chunk schema are written unless
//!   [`UiVersion::V6`] is chosen. Send [`UI_MESSAGE_STREAM_HEADER`] with the response.
//! - [`UiChatRequest`] / [`UiMessage`]: the body `useChat` posts; [`ui_messages_to_messages`]
//!   turns its messages into model [`Message`](crate::Message)s, like the AI SDK's
//!   `convertToModelMessages`.
//!
//! See `docs/ui-stream.md`.

mod chunk;
mod convert;
mod encoder;
mod message;

pub use chunk::{data_chunk, UiChunk, UiStreamOptions, UiVersion};
pub use convert::ui_messages_to_messages;
pub use encoder::{encode_ui_stream, ui_frame, UiMessageEncoder, UI_DONE};
pub use message::{UiChatRequest, UiMessage, UiPart, UiRole, UiToolPart, UiToolState};

/// The response header that marks a UI message stream: `x-vercel-ai-ui-message-stream: v1`.
pub const UI_MESSAGE_STREAM_HEADER: (&str, &str) = ("x-vercel-ai-ui-message-stream", "v1");
