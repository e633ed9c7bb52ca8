//! The protocol codecs: Ditto v1 encode → decode round trips in both framings, the UI message
//! encoder, and bad specs and inputs.

use ditto_ffi::*;
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use std::ptr::null_mut;

fn take(p: *mut c_char) -> String {
    assert!(!p.is_null());
    // SAFETY: from the library, freed once right after reading.
    let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
    // SAFETY: as above.
    unsafe { ditto_string_free(p) };
    s
}

fn codec(spec: Value) -> Result<*mut DittoCodec, Value> {
    let spec = CString::new(spec.to_string()).unwrap();
    let (mut c, mut err) = (null_mut(), null_mut());
    // SAFETY: valid pointers.
    match unsafe { ditto_codec_new(spec.as_ptr(), &mut c, &mut err) } {
        DITTO_OK => Ok(c),
        _ => Err(serde_json::from_str(&take(err)).unwrap()),
    }
}

fn feed(c: *mut DittoCodec, data: &[u8]) -> (i32, String) {
    let mut out = null_mut();
    // SAFETY: a live codec, `data` valid for its length.
    let rc = unsafe { ditto_codec_feed(c, data.as_ptr(), data.len(), &mut out) };
    (rc, take(out))
}

fn finish(c: *mut DittoCodec) -> (i32, String) {
    let mut out = null_mut();
    // SAFETY: a live codec.
    let rc = unsafe { ditto_codec_finish(c, &mut out) };
    (rc, take(out))
}

fn events() -> Vec<Value> {
    vec![
        json!({"type": "start"}),
        json!({"type": "text-start", "id": "t1"}),
        json!({"type": "text-delta", "id": "t1", "text": "Hel"}),
        json!({"type": "text-delta", "id": "t1", "text": "lo"}),
        json!({"type": "text-end", "id": "t1"}),
        json!({"type": "finish", "finish_reason": "stop", "total_usage": {"input_tokens": 1, "output_tokens": 2}}),
    ]
}

#[test]
fn ditto_v1_round_trips_in_both_framings_split_anywhere() {
    for framing in ["sse", "ndjson"] {
        let enc = codec(json!({"type": "ditto-v1-encoder", "framing": framing})).unwrap();
        let mut wire = String::new();
        for ev in events() {
            let (rc, frame) = feed(enc, ev.to_string().as_bytes());
            assert_eq!(rc, DITTO_OK, "{frame}");
            assert!(frame.contains("\"v\":1"));
            wire.push_str(&frame);
        }
        let (rc, end) = finish(enc);
        assert_eq!(rc, DITTO_OK);
        assert_eq!(
            end,
            if framing == "sse" {
                "data: [DONE]\n\n"
            } else {
                ""
            }
        );
        wire.push_str(&end);

        let dec = codec(json!({"type": "ditto-v1-decoder", "framing": framing})).unwrap();
        let mut decoded = Vec::new();
        for chunk in wire.as_bytes().chunks(7) {
            let (rc, out) = feed(dec, chunk);
            assert_eq!(rc, DITTO_OK, "{out}");
            decoded.extend(serde_json::from_str::<Vec<Value>>(&out).unwrap());
        }
        let (rc, out) = finish(dec);
        assert_eq!(rc, DITTO_OK, "{out}");
        decoded.extend(serde_json::from_str::<Vec<Value>>(&out).unwrap());
        let types: Vec<_> = decoded.iter().map(|e| e["type"].clone()).collect();
        let want: Vec<_> = events().iter().map(|e| e["type"].clone()).collect();
        assert_eq!(types, want);
        assert_eq!(decoded[2]["text"], "Hel");
        // SAFETY: freed once.
        unsafe {
            ditto_codec_free(enc);
            ditto_codec_free(dec);
        }
    }
}

#[test]
fn the_decoder_rejects_other_versions_and_truncation() {
    let dec = codec(json!({"type": "ditto-v1-decoder"})).unwrap();
    let (rc, err) = feed(dec, b"data: {\"v\":2,\"type\":\"start\"}\n\n");
    assert_eq!(rc, DITTO_ERROR);
    assert!(err.contains("stream"), "{err}");
    // SAFETY: freed once.
    unsafe { ditto_codec_free(dec) };
    let dec = codec(json!({"type": "ditto-v1-decoder", "framing": "sse"})).unwrap();
    assert_eq!(
        feed(dec, b"data: {\"v\":1,\"type\":\"start\"}\n\n").0,
        DITTO_OK
    );
    assert_eq!(finish(dec).0, DITTO_ERROR, "no [DONE]: truncated");
    // SAFETY: freed once.
    unsafe { ditto_codec_free(dec) };
}

#[test]
fn the_ui_encoder_writes_ai_sdk_chunks() {
    let enc = codec(json!({"type": "ui-encoder", "message_id": "m1"})).unwrap();
    let mut wire = String::new();
    for ev in events() {
        let (rc, frame) = feed(enc, ev.to_string().as_bytes());
        assert_eq!(rc, DITTO_OK);
        wire.push_str(&frame);
    }
    let (rc, end) = finish(enc);
    assert_eq!(rc, DITTO_OK);
    wire.push_str(&end);
    assert!(
        wire.starts_with("data: {\"type\":\"start\",\"messageId\":\"m1\"}"),
        "{wire}"
    );
    assert!(
        wire.contains(r#""type":"text-delta","id":"t1","delta":"Hel""#),
        "{wire}"
    );
    assert!(wire.ends_with("data: [DONE]\n\n"));
    let (rc, err) = feed(enc, b"{\"type\": \"no-such-event\"}");
    assert_eq!(rc, DITTO_ERROR);
    assert!(err.contains("invalid_request"));
    // SAFETY: freed once.
    unsafe { ditto_codec_free(enc) };
}

#[test]
fn bad_specs_are_rejected() {
    for spec in [
        json!({"type": "morse"}),
        json!({}),
        json!({"type": "ditto-v1-encoder", "framing": "xml"}),
        json!({"type": "ditto-v1-encoder", "extra": true}),
        json!({"type": "ui-encoder", "version": "v9"}),
    ] {
        let err = codec(spec.clone()).unwrap_err();
        assert_eq!(err["kind"], "invalid_request", "{spec}: {err}");
    }
}

#[test]
fn ui_chat_requests_become_messages() {
    let body = json!({"id": "c1", "trigger": "submit-message", "model": "openai:gpt-4o-mini", "tenant": "t1",
        "messages": [
            {"id": "u1", "role": "user", "parts": [{"type": "text", "text": "Weather?"}]},
            {"id": "a1", "role": "assistant", "parts": [
                {"type": "tool-get_weather", "toolCallId": "call_1", "state": "output-available",
                 "input": {"city": "Paris"}, "output": {"celsius": 21}},
                {"type": "text", "text": "Sunny."}]}]});
    let body = CString::new(body.to_string()).unwrap();
    let mut out = null_mut();
    // SAFETY: valid pointers.
    let rc = unsafe { ditto_ui_chat_request(body.as_ptr(), &mut out) };
    let r: Value = serde_json::from_str(&take(out)).unwrap();
    assert_eq!(rc, DITTO_OK, "{r}");
    assert_eq!(r["model"], "openai:gpt-4o-mini");
    assert_eq!(r["extra"]["tenant"], "t1");
    let roles: Vec<_> = r["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].clone())
        .collect();
    assert!(roles.contains(&json!("tool")), "{r}");
    let bad = CString::new(r#"{"messages": [{"role": "wizard"}]}"#).unwrap();
    // SAFETY: valid pointers.
    let rc = unsafe { ditto_ui_chat_request(bad.as_ptr(), &mut out) };
    assert_eq!(rc, DITTO_ERROR);
    assert!(take(out).contains("invalid_request"));
}
