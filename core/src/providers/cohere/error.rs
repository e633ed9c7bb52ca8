//! Cohere error bodies (`{"message": "..."}` or `{"id", "message"}`) onto the taxonomy.

use crate::error::{Error, ErrorKind};
use reqwest::header::HeaderMap;
use serde_json::Value;

/// Map a failed Cohere response to an [`Error`].
pub fn map_error(status: u16, _headers: &HeaderMap, body: &[u8]) -> Error {
    let text = String::from_utf8_lossy(body);
    let message = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| match text.trim() {
            "" => format!("HTTP {status} with an empty body"),
            t if t.len() <= 200 => format!("HTTP {status}: {t}"),
            _ => format!("HTTP {status}"),
        });
    let lower = message.to_ascii_lowercase();
    let kind = if lower.contains("too many tokens") || lower.contains("context length") {
        ErrorKind::ContextLengthExceeded
    } else {
        match status {
            400 | 413 | 422 => ErrorKind::InvalidRequest,
            401 | 498 => ErrorKind::Authentication,
            402 | 403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            429 => ErrorKind::RateLimited,
            408 | 504 => ErrorKind::Timeout,
            _ => ErrorKind::Provider,
        }
    };
    Error::new(kind, message)
        .with_status(status)
        .with_provider("cohere")
        .with_body(text.into_owned())
}
