//! Anthropic error bodies (`{"type": "error", "error": {"type", "message"}}`) onto the taxonomy.

use crate::error::{Error, ErrorKind};
use reqwest::header::HeaderMap;
use serde_json::Value;

/// Map a failed Messages response to an [`Error`].
pub fn map_error(status: u16, _headers: &HeaderMap, body: &[u8]) -> Error {
    let text = String::from_utf8_lossy(body);
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let (kind_name, message) = parsed.as_ref().map(detail).unwrap_or((None, None));
    let message = message.unwrap_or_else(|| match text.trim() {
        "" => format!("HTTP {status} with an empty body"),
        t if t.len() <= 200 => format!("HTTP {status}: {t}"),
        _ => format!("HTTP {status}"),
    });
    let kind = kind_for(status, kind_name.as_deref(), &message);
    let mut err = Error::new(kind, message)
        .with_status(status)
        .with_provider("anthropic")
        .with_body(text.into_owned());
    if let Some(code) = kind_name {
        err = err.with_code(code);
    }
    err
}

/// Map an `error` event that arrived inside a stream (or an error object in a 200 body).
pub fn map_stream_error(value: &Value) -> Error {
    let (kind_name, message) = detail(value);
    let message = message.unwrap_or_else(|| "the provider sent an error in the stream".into());
    let kind = kind_for(0, kind_name.as_deref(), &message);
    let mut err = Error::new(kind, message)
        .with_provider("anthropic")
        .with_body(value.to_string());
    if let Some(code) = kind_name {
        err = err.with_code(code);
    }
    err
}

fn detail(v: &Value) -> (Option<String>, Option<String>) {
    let e = v.get("error").unwrap_or(v);
    let s = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_owned);
    (s("type"), s("message"))
}

fn kind_for(status: u16, kind: Option<&str>, message: &str) -> ErrorKind {
    let lower = message.to_ascii_lowercase();
    if lower.contains("prompt is too long") || lower.contains("context window") {
        return ErrorKind::ContextLengthExceeded;
    }
    match (kind.unwrap_or(""), status) {
        ("authentication_error", _) | (_, 401) => ErrorKind::Authentication,
        ("permission_error", _) | (_, 403) => ErrorKind::PermissionDenied,
        ("not_found_error", _) | (_, 404) => ErrorKind::NotFound,
        ("rate_limit_error", _) | (_, 429) => ErrorKind::RateLimited,
        ("invalid_request_error" | "request_too_large", _) | (_, 400 | 413 | 422) => {
            ErrorKind::InvalidRequest
        }
        ("timeout_error", _) | (_, 408 | 504) => ErrorKind::Timeout,
        _ => ErrorKind::Provider,
    }
}
