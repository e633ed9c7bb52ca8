use super::*;
use crate::{DITTO_OK, DITTO_PANIC};

fn run(body: impl FnOnce() -> Outcome) -> (i32, Option<serde_json::Value>) {
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: `out` is a writable local.
    let code = unsafe { guarded(&mut out, body) };
    if out.is_null() {
        return (code, None);
    }
    // SAFETY: `out` was just written by `guarded` from `CString::into_raw`.
    let s = unsafe { CString::from_raw(out) };
    (
        code,
        Some(serde_json::from_str(s.to_str().unwrap()).unwrap()),
    )
}

#[test]
fn a_panic_becomes_an_internal_error() {
    let (code, json) = run(|| panic!("boom {}", 42));
    assert_eq!(code, DITTO_PANIC);
    let json = json.unwrap();
    assert_eq!(json["kind"], "internal");
    assert!(json["message"].as_str().unwrap().contains("boom 42"));
    let (code, _) = run(|| std::panic::panic_any(7u8));
    assert_eq!(code, DITTO_PANIC);
}

#[test]
fn outcomes_pass_through_and_null_out_is_safe() {
    assert_eq!(run(|| (DITTO_OK, None)), (DITTO_OK, None));
    let (code, json) = run(|| (DITTO_OK, Some("{\"a\":1}".into())));
    assert_eq!((code, json.unwrap()["a"].as_i64()), (DITTO_OK, Some(1)));
    // SAFETY: a NULL out pointer is allowed; nothing is written.
    let code = unsafe { guarded(std::ptr::null_mut(), || panic!("quiet")) };
    assert_eq!(code, DITTO_PANIC);
}

#[test]
fn string_arguments_are_checked() {
    // SAFETY: NULL is allowed and reported.
    let err = unsafe { arg_str(std::ptr::null(), "x") }.unwrap_err();
    assert_eq!(err.outcome().0, crate::DITTO_INVALID_ARGUMENT);
    let ok = CString::new("héllo").unwrap();
    // SAFETY: a valid NUL-terminated string.
    assert_eq!(unsafe { arg_str(ok.as_ptr(), "x") }.unwrap(), "héllo");
}
