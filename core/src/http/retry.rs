use crate::error::Error;
use reqwest::header::HeaderMap;
use std::time::{Duration, SystemTime};

/// Turns a provider's failed response (status, headers, body) into an [`Error`].
/// Each provider supplies one; the HTTP layer adds `retry_after` from headers when it is unset.
pub type ErrorMapper<'a> = dyn Fn(u16, &HeaderMap, &[u8]) -> Error + Send + Sync + 'a;

/// Read `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date).
pub fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    if let Some(ms) = header_str(headers, "retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(Duration::from_secs_f64(ms / 1000.0));
        }
    }
    let value = header_str(headers, "retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Whether a response status is worth retrying, with the `x-should-retry` override.
pub(crate) fn status_is_retryable(status: u16, headers: &HeaderMap) -> bool {
    match header_str(headers, "x-should-retry") {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    matches!(status, 408 | 409 | 429) || status >= 500
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
