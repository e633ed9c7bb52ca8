//! OpenAI error bodies (`{"error": {"message", "type", "param", "code"}}`) onto the taxonomy.

use crate::error::{Error, ErrorKind};
use reqwest::header::HeaderMap;
use serde_json::Value;

/// Map a failed OpenAI(-compatible) response to an [`Error`].
pub fn map_error(provider: &str, status: u16, _headers: &HeaderMap, body: &[u8]) -> Error {
    let text = String::from_utf8_lossy(body);
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let detail = parsed.as_ref().map(error_object);
    let message = detail
        .as_ref()
        .and_then(|d| d.message.clone())
        .unwrap_or_else(|| match text.trim() {
            "" => format!("HTTP {status} with an empty body"),
            t if t.len() <= 200 => format!("HTTP {status}: {t}"),
            _ => format!("HTTP {status}"),
        });
    let code = detail.as_ref().and_then(|d| d.code.clone());
    let kind = kind_for(status, code.as_deref(), &message);
    let mut err = Error::new(kind, message)
        .with_status(status)
        .with_provider(provider)
        .with_body(text.into_owned());
    if let Some(code) = code {
        err = err.with_code(code);
    }
    err
}

/// Map an `error` object that arrived inside a stream (no HTTP status).
pub fn map_stream_error(provider: &str, value: &Value) -> Error {
    let detail = error_object(value);
    let message = detail
        .message
        .unwrap_or_else(|| "the provider sent an error in the stream".into());
    let kind = match detail.code.as_deref() {
        Some(code) => kind_for(0, Some(code), &message),
        None => ErrorKind::Provider,
    };
    let mut err = Error::new(kind, message)
        .with_provider(provider)
        .with_body(value.to_string());
    if let Some(code) = detail.code {
        err = err.with_code(code);
    }
    err
}

struct Detail {
    message: Option<String>,
    code: Option<String>,
}

fn error_object(v: &Value) -> Detail {
    let obj = match v.get("error") {
        Some(Value::String(s)) => {
            return Detail {
                message: Some(s.clone()),
                code: None,
            }
        }
        Some(e) => e,
        None => v,
    };
    let as_string = |v: Option<&Value>| match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Detail {
        message: as_string(obj.get("message")),
        code: as_string(obj.get("code")).or_else(|| as_string(obj.get("type"))),
    }
}

fn kind_for(status: u16, code: Option<&str>, message: &str) -> ErrorKind {
    let code = code.unwrap_or("");
    let lower = message.to_ascii_lowercase();
    if code == "context_length_exceeded"
        || code == "string_above_max_length"
        || lower.contains("maximum context length")
        || lower.contains("context length exceeded")
        || lower.contains("context_length_exceeded")
    {
        return ErrorKind::ContextLengthExceeded;
    }
    if code == "content_filter" || code == "content_policy_violation" {
        return ErrorKind::ContentFiltered;
    }
    match (status, code) {
        (_, "invalid_api_key") => ErrorKind::Authentication,
        (_, "insufficient_quota" | "rate_limit_exceeded") => ErrorKind::RateLimited,
        (_, "model_not_found") => ErrorKind::NotFound,
        (400 | 413 | 415 | 422, _) => ErrorKind::InvalidRequest,
        (401, _) => ErrorKind::Authentication,
        (403, _) => ErrorKind::PermissionDenied,
        (404, _) => ErrorKind::NotFound,
        (408 | 504, _) => ErrorKind::Timeout,
        (429, _) => ErrorKind::RateLimited,
        _ => ErrorKind::Provider,
    }
}
