//! Crossing the boundary: reading C strings, writing JSON out, catching panics.

use crate::{DITTO_ERROR, DITTO_INVALID_ARGUMENT, DITTO_PANIC};
use ditto_llm::{Error, ErrorInfo};
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What a call produced: a status code and an optional JSON payload for the out pointer.
pub(crate) type Outcome = (i32, Option<String>);

/// The `ErrorInfo` JSON of `err`.
pub(crate) fn error_json(err: &Error) -> String {
    info_json(&err.to_info())
}

fn info_json(info: &ErrorInfo) -> String {
    serde_json::to_string(info).unwrap_or_else(|_| {
        String::from(r#"{"kind":"internal","message":"cannot serialize an error"}"#)
    })
}

/// A failed call: the status code to return and the error to describe it.
#[derive(Debug)]
pub(crate) struct Failure {
    code: i32,
    error: Error,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            code: DITTO_ERROR,
            error,
        }
    }
}

impl Failure {
    /// The outcome to report.
    pub(crate) fn outcome(&self) -> Outcome {
        (self.code, Some(error_json(&self.error)))
    }
}

/// An `invalid_request` failure about an argument (`DITTO_INVALID_ARGUMENT`).
pub(crate) fn bad_argument(what: &str) -> Failure {
    Failure {
        code: DITTO_INVALID_ARGUMENT,
        error: Error::invalid_request(what.to_owned()),
    }
}

/// Borrow a NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `p` must be NULL or point to a NUL-terminated string valid for the duration of the call.
pub(crate) unsafe fn arg_str<'a>(p: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if p.is_null() {
        return Err(bad_argument(&format!("`{name}` is NULL")));
    }
    // SAFETY: non-null, and the caller guarantees a NUL-terminated string alive for the call.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str()
        .map_err(|e| bad_argument(&format!("`{name}` is not UTF-8: {e}")))
}

/// Hand `json` to the caller as an owned C string (`ditto_string_free` releases it).
fn into_c(json: String) -> *mut c_char {
    // JSON from serde never holds a NUL byte (it escapes U+0000); fall back to a fixed error.
    CString::new(json)
        .unwrap_or_else(|_| {
            CString::from(c"{\"kind\":\"internal\",\"message\":\"NUL byte in output\"}")
        })
        .into_raw()
}

/// Run `body` with panics caught, then write its JSON (if any) to `out`.
///
/// # Safety
/// `out` must be NULL or valid for one pointer-sized write.
pub(crate) unsafe fn guarded(out: *mut *mut c_char, body: impl FnOnce() -> Outcome) -> i32 {
    if !out.is_null() {
        // SAFETY: `out` is non-null and the caller guarantees it is writable.
        unsafe { *out = std::ptr::null_mut() };
    }
    let (code, json) = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(outcome) => outcome,
        Err(panic) => (DITTO_PANIC, Some(panic_json(panic.as_ref()))),
    };
    if let (Some(json), false) = (json, out.is_null()) {
        // SAFETY: as above.
        unsafe { *out = into_c(json) };
    }
    code
}

/// The `internal` error JSON for a caught panic payload.
pub(crate) fn panic_json(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    error_json(&Error::internal(format!("ditto panicked: {what}")))
}

#[cfg(test)]
#[path = "util_tests.rs"]
mod tests;
