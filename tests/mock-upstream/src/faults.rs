//! Reading the `x-mock-*` fault headers into a [`Step`], and the limits on
//! fault knobs.

use axum::http::HeaderMap;
use serde_json::Value;

use crate::scenario::Step;

/// Header naming the scenario key whose next step applies.
pub(crate) const SCENARIO_HEADER: &str = "x-mock-scenario";

/// Longest delay any knob may ask for; larger values are clamped.
pub(crate) const MAX_DELAY_MS: u64 = 300_000;

/// The step described by the request's `x-mock-*` headers. Errors name the
/// header whose value could not be parsed.
pub(crate) fn step_from_headers(headers: &HeaderMap) -> Result<Step, String> {
    let text = |name: &str| -> Result<Option<String>, String> {
        match headers.get(name) {
            None => Ok(None),
            Some(value) => value
                .to_str()
                .map(|v| Some(v.trim().to_owned()))
                .map_err(|_| format!("header {name} is not visible ASCII")),
        }
    };
    let number = |name: &str| -> Result<Option<u64>, String> {
        text(name)?
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| format!("header {name} must be a non-negative integer"))
            })
            .transpose()
    };
    let count = |name: &str| -> Result<Option<usize>, String> {
        Ok(number(name)?.map(|n| usize::try_from(n).unwrap_or(usize::MAX)))
    };
    let status = match number("x-mock-status")? {
        None => None,
        Some(code) => Some(valid_status(code).ok_or("header x-mock-status must be 100..=599")?),
    };
    let done = match text("x-mock-done")?.as_deref() {
        None => None,
        Some("true" | "1") => Some(true),
        Some("false" | "0") => Some(false),
        Some(_) => return Err("header x-mock-done must be true or false".into()),
    };
    let body = headers
        .get("x-mock-body")
        .map(|value| Value::String(String::from_utf8_lossy(value.as_bytes()).into_owned()));
    Ok(Step {
        status,
        body,
        fixture: text("x-mock-fixture")?,
        latency_ms: number("x-mock-latency-ms")?,
        first_byte_delay_ms: number("x-mock-first-byte-delay-ms")?,
        chunk_delay_ms: number("x-mock-chunk-delay-ms")?,
        reset_after_chunks: count("x-mock-reset-after-chunks")?,
        truncate_after_chunks: count("x-mock-truncate-after-chunks")?,
        retry_after: text("x-mock-retry-after")?,
        retry_after_ms: number("x-mock-retry-after-ms")?,
        done,
        ..Step::default()
    })
}

/// `code` if it is a status the mock may send.
pub(crate) fn valid_status(code: u64) -> Option<u16> {
    u16::try_from(code)
        .ok()
        .filter(|code| (100..=599).contains(code))
}

/// A delay knob in milliseconds, clamped to [`MAX_DELAY_MS`].
pub(crate) fn delay(ms: Option<u64>) -> Option<std::time::Duration> {
    ms.filter(|&ms| ms > 0)
        .map(|ms| std::time::Duration::from_millis(ms.min(MAX_DELAY_MS)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn reads_every_knob() {
        let step = step_from_headers(&headers(&[
            ("x-mock-status", "429"),
            ("x-mock-body", "{\"x\":1}"),
            ("x-mock-retry-after", "2"),
            ("x-mock-retry-after-ms", "1500"),
            ("x-mock-latency-ms", "5"),
            ("x-mock-first-byte-delay-ms", "6"),
            ("x-mock-chunk-delay-ms", "7"),
            ("x-mock-reset-after-chunks", "3"),
            ("x-mock-truncate-after-chunks", "4"),
            ("x-mock-fixture", "openai/x.json"),
            ("x-mock-done", "false"),
        ]))
        .unwrap();
        assert_eq!(step.status, Some(429));
        assert_eq!(step.body, Some(Value::String("{\"x\":1}".into())));
        assert_eq!(step.retry_after.as_deref(), Some("2"));
        assert_eq!(step.retry_after_ms, Some(1500));
        assert_eq!(step.latency_ms, Some(5));
        assert_eq!(step.first_byte_delay_ms, Some(6));
        assert_eq!(step.chunk_delay_ms, Some(7));
        assert_eq!(step.reset_after_chunks, Some(3));
        assert_eq!(step.truncate_after_chunks, Some(4));
        assert_eq!(step.fixture.as_deref(), Some("openai/x.json"));
        assert_eq!(step.done, Some(false));
    }

    #[test]
    fn rejects_bad_values() {
        assert!(step_from_headers(&headers(&[("x-mock-status", "abc")])).is_err());
        assert!(step_from_headers(&headers(&[("x-mock-status", "99")])).is_err());
        assert!(step_from_headers(&headers(&[("x-mock-latency-ms", "-1")])).is_err());
        assert!(step_from_headers(&headers(&[("x-mock-done", "maybe")])).is_err());
        assert_eq!(
            step_from_headers(&HeaderMap::new()).unwrap(),
            Step::default()
        );
    }

    #[test]
    fn delays_are_clamped() {
        assert_eq!(delay(Some(0)), None);
        assert_eq!(delay(Some(u64::MAX)).unwrap().as_millis(), 300_000);
    }
}
