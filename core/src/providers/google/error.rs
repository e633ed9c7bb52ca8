//! Google API error bodies (`{"error": {"code", "message", "status", "details"}}`) onto the
//! taxonomy. A `google.rpc.RetryInfo` detail's `retryDelay` (e.g. `"34.4s"`) becomes the
//! error's retry-after, which the HTTP layer honours before retrying a 429.

use crate::error::{Error, ErrorKind};
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::time::Duration;

/// Map a failed `generateContent` / `embedContent` response to an [`Error`].
pub fn map_error(provider: &str, status: u16, _headers: &HeaderMap, body: &[u8]) -> Error {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) if v.get("error").is_some_and(Value::is_object) => {
            map_body_error(provider, status, &v)
                .with_body(String::from_utf8_lossy(body).into_owned())
        }
        _ => {
            let text = String::from_utf8_lossy(body);
            let message = match text.trim() {
                "" => format!("HTTP {status} with an empty body"),
                t if t.len() <= 200 => format!("HTTP {status}: {t}"),
                _ => format!("HTTP {status}"),
            };
            Error::new(kind_for(status, None, &message), message)
                .with_status(status)
                .with_provider(provider)
                .with_body(text.into_owned())
        }
    }
}

/// Map an `{"error": {...}}` value (from a body or a stream chunk); `status` 0 when unknown.
pub fn map_body_error(provider: &str, status: u16, v: &Value) -> Error {
    let e = v.get("error").unwrap_or(v);
    let status = if status == 0 {
        e.get("code").and_then(Value::as_u64).unwrap_or(0) as u16
    } else {
        status
    };
    let message = e
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("the provider reported an error")
        .to_owned();
    let code = e.get("status").and_then(Value::as_str);
    let mut err = Error::new(kind_for(status, code, &message), message).with_provider(provider);
    if status != 0 {
        err = err.with_status(status);
    }
    if let Some(c) = code {
        err = err.with_code(c);
    }
    if let Some(wait) = retry_delay(e) {
        err = err.with_retry_after(wait);
    }
    err.with_body(v.to_string())
}

/// `details[@type=...RetryInfo].retryDelay` as a duration (`"34.4s"`, `"2s"`, `"500ms"`).
pub fn retry_delay(error: &Value) -> Option<Duration> {
    let details = error.get("details")?.as_array()?;
    let delay = details.iter().find_map(|d| {
        let ty = d.get("@type")?.as_str()?;
        ty.ends_with("google.rpc.RetryInfo")
            .then(|| d.get("retryDelay")?.as_str())
            .flatten()
    })?;
    let (number, scale) = if let Some(ms) = delay.strip_suffix("ms") {
        (ms, 0.001)
    } else {
        (delay.strip_suffix('s')?, 1.0)
    };
    let secs = number.trim().parse::<f64>().ok()? * scale;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

fn kind_for(status: u16, code: Option<&str>, message: &str) -> ErrorKind {
    let lower = message.to_ascii_lowercase();
    if lower.contains("api key not valid") || lower.contains("api_key_invalid") {
        return ErrorKind::Authentication;
    }
    if lower.contains("exceeds the maximum number of tokens") || lower.contains("input token count")
    {
        return ErrorKind::ContextLengthExceeded;
    }
    match (code.unwrap_or(""), status) {
        ("UNAUTHENTICATED", _) | (_, 401) => ErrorKind::Authentication,
        ("PERMISSION_DENIED", _) | (_, 403) => ErrorKind::PermissionDenied,
        ("NOT_FOUND", _) | (_, 404) => ErrorKind::NotFound,
        ("RESOURCE_EXHAUSTED", _) | (_, 429) => ErrorKind::RateLimited,
        ("INVALID_ARGUMENT" | "FAILED_PRECONDITION", _) | (_, 400 | 413 | 422) => {
            ErrorKind::InvalidRequest
        }
        ("DEADLINE_EXCEEDED", _) | (_, 408 | 504) => ErrorKind::Timeout,
        _ => ErrorKind::Provider,
    }
}
