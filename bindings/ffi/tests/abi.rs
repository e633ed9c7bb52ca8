//! The C ABI called the way a C program would: NULL and bad arguments, JSON calls, streams,
//! timeouts and cancellation, on the core's network-free `mock` provider.

use ditto_ffi::*;
use serde_json::Value;
use std::ffi::{c_char, CStr, CString};
use std::ptr::null_mut;

/// Take ownership of a returned string as JSON.
fn take(p: *mut c_char) -> Option<Value> {
    if p.is_null() {
        return None;
    }
    // SAFETY: `p` came from the library and is freed right after being read.
    let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
    // SAFETY: as above; freed exactly once.
    unsafe { ditto_string_free(p) };
    Some(serde_json::from_str(&s).unwrap())
}

fn client() -> *mut DittoClient {
    let config = CString::new(r#"{"from_env": false}"#).unwrap();
    let mut client = null_mut();
    let mut err = null_mut();
    // SAFETY: valid C string and writable out pointers.
    let rc = unsafe { ditto_client_new(config.as_ptr(), &mut client, &mut err) };
    assert_eq!(rc, DITTO_OK, "{:?}", take(err));
    assert!(!client.is_null());
    client
}

fn free_client(client: *mut DittoClient) {
    // SAFETY: a live client, freed once.
    unsafe { ditto_client_free(client) };
}

#[test]
fn version_is_the_crate_version() {
    // SAFETY: a static NUL-terminated string.
    let v = unsafe { CStr::from_ptr(ditto_version()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn null_and_bad_arguments_are_reported_not_crashed() {
    let mut out = null_mut();
    // SAFETY: NULL client and request are what is being tested; `out` is writable.
    let rc = unsafe {
        ditto_generate_text(
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            &mut out,
        )
    };
    assert_eq!(rc, DITTO_INVALID_ARGUMENT);
    assert_eq!(take(out).unwrap()["kind"], "invalid_request");
    // SAFETY: NULL out pointers are allowed; nothing is written.
    let rc = unsafe { ditto_client_new(std::ptr::null(), null_mut(), null_mut()) };
    assert_eq!(rc, DITTO_INVALID_ARGUMENT);

    let mut c = null_mut();
    let bad = CString::new("{not json").unwrap();
    // SAFETY: valid pointers.
    let rc = unsafe { ditto_client_new(bad.as_ptr(), &mut c, &mut out) };
    assert_eq!(rc, DITTO_INVALID_ARGUMENT);
    assert!(c.is_null());
    assert!(take(out).unwrap()["message"]
        .as_str()
        .unwrap()
        .contains("not valid JSON"));

    let unknown = CString::new(r#"{"providers": {"x": {"type": "warp-drive"}}}"#).unwrap();
    // SAFETY: valid pointers.
    let rc = unsafe { ditto_client_new(unknown.as_ptr(), &mut c, &mut out) };
    assert_eq!(rc, DITTO_ERROR);
    assert_eq!(take(out).unwrap()["kind"], "config");

    let client = client();
    let not_utf8 = [0xffu8, 0xfe, 0];
    // SAFETY: a NUL-terminated byte string (invalid UTF-8 on purpose).
    let rc = unsafe {
        ditto_generate_text(client, not_utf8.as_ptr().cast(), std::ptr::null(), &mut out)
    };
    assert_eq!(rc, DITTO_INVALID_ARGUMENT);
    assert!(take(out).unwrap()["message"]
        .as_str()
        .unwrap()
        .contains("UTF-8"));
    // SAFETY: NULL handles are ignored.
    unsafe {
        ditto_stream_free(null_mut());
        ditto_stream_cancel(std::ptr::null());
        ditto_cancel_free(null_mut());
        ditto_string_free(null_mut());
        ditto_client_free(null_mut());
    }
    free_client(client);
}

#[test]
fn generate_text_and_embed_return_json() {
    let client = client();
    let req = CString::new(r#"{"model": "mock:echo", "prompt": "hi there"}"#).unwrap();
    let mut out = null_mut();
    // SAFETY: valid pointers; NULL cancel token is allowed.
    let rc = unsafe { ditto_generate_text(client, req.as_ptr(), std::ptr::null(), &mut out) };
    assert_eq!(rc, DITTO_OK);
    let r = take(out).unwrap();
    assert_eq!(r["text"], "echo: hi there");
    assert_eq!(r["finish_reason"], "stop");

    let req = CString::new(r#"{"model": "mock:echo", "prompt": ""}"#).unwrap();
    let cancel = ditto_cancel_new();
    // SAFETY: a live token.
    unsafe { ditto_cancel_trigger(cancel) };
    // SAFETY: valid pointers.
    let rc = unsafe { ditto_generate_text(client, req.as_ptr(), cancel, &mut out) };
    assert_eq!(rc, DITTO_ERROR);
    assert_eq!(take(out).unwrap()["kind"], "cancelled");
    // SAFETY: freed once, no call uses it.
    unsafe { ditto_cancel_free(cancel) };
    free_client(client);
}

fn open(client: *mut DittoClient, json: &str) -> *mut DittoStream {
    let req = CString::new(json).unwrap();
    let mut stream = null_mut();
    let mut err = null_mut();
    // SAFETY: valid pointers.
    let rc = unsafe { ditto_stream_open(client, req.as_ptr(), &mut stream, &mut err) };
    assert_eq!(rc, DITTO_OK, "{:?}", take(err));
    stream
}

fn next(stream: *mut DittoStream, timeout_ms: i64) -> (i32, Option<Value>) {
    let mut out = null_mut();
    // SAFETY: a live stream, pulled from one thread.
    let rc = unsafe { ditto_stream_next(stream, timeout_ms, &mut out) };
    (rc, take(out))
}

#[test]
fn stream_yields_events_then_done() {
    let client = client();
    let stream = open(client, r#"{"model": "mock:echo", "prompt": "a b c"}"#);
    free_client(client); // the stream keeps its own reference to the providers
    let mut types = Vec::new();
    let mut text = String::new();
    loop {
        match next(stream, 5000) {
            (DITTO_OK, Some(ev)) => {
                if ev["type"] == "text-delta" {
                    text.push_str(ev["text"].as_str().unwrap());
                }
                types.push(ev["type"].as_str().unwrap().to_owned());
            }
            (DITTO_DONE, None) => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(text, "echo: a b c");
    assert_eq!(types.first().map(String::as_str), Some("start"));
    assert_eq!(types.last().map(String::as_str), Some("finish"));
    assert_eq!(next(stream, 0).0, DITTO_DONE);
    // SAFETY: freed once.
    unsafe { ditto_stream_free(stream) };
}

#[test]
fn timeout_then_cancel_from_another_thread() {
    let client = client();
    let stream = open(
        client,
        r#"{"model": "mock:echo", "prompt": "a b c d e f g h",
            "provider_options": {"mock": {"delay_ms": 300, "chunk_words": 1}}}"#,
    );
    // Nothing arrives within 0 or 20 ms on a stream delayed by 300 ms per chunk.
    let mut pending = 0;
    for _ in 0..20 {
        match next(stream, 20) {
            (DITTO_PENDING, None) => pending += 1,
            (DITTO_OK, Some(_)) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(pending > 0, "never saw DITTO_PENDING");
    let addr = stream as usize;
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        // SAFETY: the stream stays alive until this thread is joined.
        unsafe { ditto_stream_cancel(addr as *const DittoStream) };
    });
    let started = std::time::Instant::now();
    let (rc, err) = loop {
        match next(stream, -1) {
            (DITTO_OK, _) => continue,
            other => break other,
        }
    };
    canceller.join().unwrap();
    assert_eq!(rc, DITTO_ERROR);
    assert_eq!(err.unwrap()["kind"], "cancelled");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(next(stream, -1).0, DITTO_DONE);
    // SAFETY: freed once.
    unsafe { ditto_stream_free(stream) };
    free_client(client);
}

type JsonCall = unsafe extern "C" fn(
    *const DittoClient,
    *const c_char,
    *const DittoCancel,
    *mut *mut c_char,
) -> i32;

/// One blocking JSON call; `(status, JSON written to out_json)`.
fn call(
    f: JsonCall,
    client: *mut DittoClient,
    json: &str,
    cancel: *const DittoCancel,
) -> (i32, Value) {
    let req = CString::new(json).unwrap();
    let mut out = null_mut();
    // SAFETY: valid pointers; `cancel` is NULL or a live token.
    let rc = unsafe { f(client, req.as_ptr(), cancel, &mut out) };
    (rc, take(out).expect("every status writes JSON"))
}

#[test]
fn media_calls_take_and_return_json() {
    let client = client();
    // No documents: an empty ranking without any provider call.
    let (rc, r) = call(
        ditto_rerank,
        client,
        r#"{"model": "cohere:rerank-v3.5", "query": "q", "documents": []}"#,
        std::ptr::null(),
    );
    assert_eq!(rc, DITTO_OK, "{r}");
    assert_eq!(r["results"], serde_json::json!([]));

    // Bad requests are `invalid_request` and name the request type and the field.
    for (f, json, what) in [
        (
            ditto_rerank as JsonCall,
            r#"{"model": "m", "qurey": "x"}"#,
            "rerank request",
        ),
        (
            ditto_generate_image,
            r#"{"model": "m", "promt": "x"}"#,
            "image request",
        ),
        (
            ditto_transcribe,
            r#"{"model": "m"}"#,
            "transcription request",
        ),
        (
            ditto_generate_speech,
            r#"{"model": "m", "speed": "fast"}"#,
            "speech request",
        ),
    ] {
        let (rc, e) = call(f, client, json, std::ptr::null());
        assert_eq!(rc, DITTO_ERROR, "{what}: {e}");
        assert_eq!(e["kind"], "invalid_request", "{what}: {e}");
        assert!(e["message"].as_str().unwrap().contains(what), "{e}");
        let (rc, _) = call(f, client, "[1]", std::ptr::null());
        assert_eq!(rc, DITTO_INVALID_ARGUMENT, "{what}");
    }

    // The network-free mock provider has no image or speech models: an error, not a crash.
    let (rc, e) = call(
        ditto_generate_image,
        client,
        r#"{"model": "mock:echo", "prompt": "a cat"}"#,
        std::ptr::null(),
    );
    assert_eq!(rc, DITTO_ERROR);
    assert!(e["kind"].is_string() && e["message"].is_string(), "{e}");

    // A triggered token stops the call before it starts.
    let cancel = ditto_cancel_new();
    // SAFETY: a live token.
    unsafe { ditto_cancel_trigger(cancel) };
    let (rc, e) = call(
        ditto_generate_speech,
        client,
        r#"{"model": "openai:tts-1", "text": "hi"}"#,
        cancel,
    );
    assert_eq!(rc, DITTO_ERROR);
    assert_eq!(e["kind"], "cancelled");
    // SAFETY: freed once, no call uses it.
    unsafe { ditto_cancel_free(cancel) };

    // NULL arguments.
    let mut out = null_mut();
    // SAFETY: a NULL client and request are what is being tested; `out` is writable.
    let rc = unsafe {
        ditto_transcribe(
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            &mut out,
        )
    };
    assert_eq!(rc, DITTO_INVALID_ARGUMENT);
    assert_eq!(take(out).unwrap()["kind"], "invalid_request");
    free_client(client);
}
