//! The [`UiChat`] extractor: the body `useChat` posts.

use crate::response::error_response;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ditto_llm::protocol::ui_message::UiChatRequest;
use ditto_llm::Error;

/// The JSON body `useChat`'s default transport posts, parsed into a [`UiChatRequest`].
///
/// The body is read through axum's [`Bytes`] extractor, so its size is capped by
/// [`DefaultBodyLimit`](axum::extract::DefaultBodyLimit) (2 MiB unless the app sets another
/// limit); a larger body is rejected with `413`. A body that is not JSON, not a `useChat`
/// request, or has no messages is rejected with `400`. Rejections are JSON
/// `{"error": {"kind": ..., "message": ...}}` naming the problem.
#[derive(Debug, Clone)]
pub struct UiChat(pub UiChatRequest);

/// Why a [`UiChat`] body was rejected.
#[derive(Debug, Clone)]
pub struct UiChatRejection {
    status: StatusCode,
    message: String,
}

impl UiChatRejection {
    /// A `400` with `message`.
    pub fn invalid(message: impl Into<String>) -> Self {
        UiChatRejection {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// What was wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for UiChatRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.status)
    }
}

impl std::error::Error for UiChatRejection {}

impl IntoResponse for UiChatRejection {
    fn into_response(self) -> Response {
        let mut resp = error_response(&Error::invalid_request(self.message));
        *resp.status_mut() = self.status;
        resp
    }
}

/// Parse a `useChat` body.
fn parse(bytes: &[u8]) -> Result<UiChatRequest, UiChatRejection> {
    let chat: UiChatRequest = serde_json::from_slice(bytes).map_err(|e| {
        let what = if e.is_data() {
            "the body is not a useChat request"
        } else {
            "the body is not valid JSON"
        };
        UiChatRejection::invalid(format!("{what}: {e}"))
    })?;
    if chat.messages.is_empty() {
        return Err(UiChatRejection::invalid("`messages` is empty"));
    }
    Ok(chat)
}

impl<S: Send + Sync> FromRequest<S> for UiChat {
    type Rejection = UiChatRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| UiChatRejection {
                status: e.status(),
                message: format!("could not read the request body: {}", e.body_text()),
            })?;
        parse(&bytes).map(UiChat)
    }
}

#[cfg(test)]
#[path = "extract_tests.rs"]
mod tests;
