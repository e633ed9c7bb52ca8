//! Serve [`ditto_llm`] streams from an [axum](https://docs.rs/axum) app.
//!
//! - [`ui_message_response`]: a model stream as an AI SDK UI message stream (what `useChat`
//!   reads), with the protocol's headers.
//! - [`ditto_v1_response`]: a model stream in the Ditto stream protocol v1, SSE or NDJSON.
//! - [`UiChat`]: an extractor for the body `useChat` posts ([`UiChatRequest`]), rejecting bad
//!   JSON with a clear `400` and oversized bodies with `413`.
//!
//! Bodies are streamed frame by frame, never buffered; when the client goes away, axum drops
//! the body, which drops the model stream (and closes its upstream connection).
//!
//! ```no_run
//! use axum::{routing::post, Router};
//! use ditto_llm::protocol::ui_message::UiStreamOptions;
//! use ditto_llm::{Ditto, TextRequest};
//! use ditto_llm_axum::{ui_message_response, UiChat};
//!
//! async fn chat(UiChat(body): UiChat) -> axum::response::Response {
//!     let ditto = Ditto::from_env().expect("a configured client");
//!     let messages = match ditto_llm::protocol::ui_message::ui_messages_to_messages(&body.messages) {
//!         Ok(m) => m,
//!         Err(e) => return ditto_llm_axum::UiChatRejection::invalid(e.message()).into_response(),
//!     };
//!     let req = TextRequest::new("openai:gpt-4o-mini").messages(messages);
//!     match ditto.stream_text(req).await {
//!         Ok(stream) => ui_message_response(stream, UiStreamOptions::default()),
//!         Err(e) => ditto_llm_axum::error_response(&e),
//!     }
//! }
//! # use axum::response::IntoResponse;
//! let app: Router = Router::new().route("/api/chat", post(chat));
//! ```
//!
//! The guide is `docs/ui-stream.md` ("Serving from axum") and `docs/rust.md`.

#![warn(missing_docs)]

mod extract;
mod response;

pub use extract::{UiChat, UiChatRejection};
pub use response::{ditto_v1_response, error_response, ui_message_response};

pub use ditto_llm::protocol::ditto_v1::Framing;
pub use ditto_llm::protocol::ui_message::{UiChatRequest, UiStreamOptions};
