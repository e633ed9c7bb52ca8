//! Core errors → JavaScript errors, and panics → errors.
//!
//! A failed call rejects with a plain `Error` whose message is [`ERROR_PREFIX`] followed by the
//! core's `ErrorInfo` JSON; the JS wrapper (`lib/errors.js`) turns it into the matching error
//! class (`RateLimitError`, ...). Nothing else ever produces that prefix.

use ditto_llm::{Error, ErrorKind};
use std::any::Any;
use std::panic::AssertUnwindSafe;

/// Marks a message that carries an `ErrorInfo` JSON object.
pub const ERROR_PREFIX: &str = "\u{1}ditto-error:";

/// A core error as a napi error.
pub fn to_napi(err: &Error) -> napi::Error {
    let mut info = serde_json::to_value(err.to_info()).unwrap_or_default();
    // The usage of a `no_object_generated` error reaches JS in its camelCase form.
    if let Some(usage) = info.get_mut("usage") {
        *usage = crate::case::to_camel(usage.take());
    }
    let info = serde_json::to_string(&info)
        .unwrap_or_else(|_| format!("{{\"kind\":\"internal\",\"message\":{:?}}}", err.message()));
    napi::Error::from_reason(format!("{ERROR_PREFIX}{info}"))
}

/// A caught panic as a core error of kind `internal`.
pub fn from_panic(payload: Box<dyn Any + Send>) -> Error {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    Error::internal(format!("a bug in ditto-llm (panic): {what}"))
}

/// Run `f`, turning its error or a panic inside it into a napi error: no panic reaches JS.
pub fn guarded<T>(f: impl FnOnce() -> ditto_llm::Result<T>) -> napi::Result<T> {
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(to_napi(&e)),
        Err(panic) => Err(to_napi(&from_panic(panic))),
    }
}

/// The error of a call the caller cancelled.
pub fn cancelled() -> Error {
    Error::new(ErrorKind::Cancelled, "the call was cancelled")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_their_info_as_json() {
        let err = Error::new(ErrorKind::RateLimited, "slow down")
            .with_status(429)
            .with_code("rate_limit_exceeded")
            .with_retry_after(std::time::Duration::from_millis(1500));
        let napi_err = to_napi(&err);
        let json = napi_err.reason.strip_prefix(ERROR_PREFIX).unwrap();
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["kind"], "rate_limited");
        assert_eq!(v["status"], 429);
        assert_eq!(v["retry_after_ms"], 1500);
    }

    #[test]
    fn no_object_errors_carry_text_and_camel_case_usage() {
        let err = Error::no_object_generated(
            "no object generated: bad",
            "{",
            ditto_llm::Usage::new(3, 4),
            ditto_llm::FinishReason::Length,
        );
        let reason = to_napi(&err).reason;
        let v: serde_json::Value =
            serde_json::from_str(reason.strip_prefix(ERROR_PREFIX).unwrap()).unwrap();
        assert_eq!(v["kind"], "no_object_generated");
        assert_eq!(v["text"], "{");
        assert_eq!(v["usage"]["totalTokens"], 7);
        assert_eq!(v["finish_reason"], "length");
    }

    #[test]
    fn guarded_turns_panics_into_errors() {
        let out: napi::Result<()> = guarded(|| panic!("inside"));
        let reason = out.unwrap_err().reason;
        assert!(reason.starts_with(ERROR_PREFIX) && reason.contains("inside"));
        assert_eq!(guarded(|| Ok(7)).unwrap(), 7);
    }

    #[test]
    fn panics_become_internal_errors() {
        let caught = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
        let err = from_panic(caught);
        assert_eq!(err.kind(), ErrorKind::Internal);
        assert!(err.message().contains("boom 1"));
    }
}
