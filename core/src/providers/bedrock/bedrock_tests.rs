use super::eventstream::{crc32, encode_frame, EventStreamDecoder, Frame};
use super::request::build_converse_request;
use super::response::{parse_converse_response, ConverseStreamDecoder};
use super::sigv4::{
    amz_date, hmac_sha256, sha256_hex, sign_request, signature, AwsCredentials, SigningInput,
};
use crate::types::*;
use crate::ErrorKind;
use proptest::prelude::*;
use serde_json::{json, Value};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn sha256_and_hmac_vectors() {
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    // RFC 4231 test case 2.
    assert_eq!(
        hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    // A key longer than the block is hashed first (RFC 4231 test case 6).
    assert_eq!(
        hex(&hmac_sha256(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First"
        )),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
}

#[test]
fn dates_are_utc_iso_basic() {
    assert_eq!(amz_date(0), "19700101T000000Z");
    assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
    assert_eq!(amz_date(951_782_400), "20000229T000000Z");
}

#[test]
fn sigv4_matches_the_aws_test_suite() {
    let headers = vec![
        ("Host".to_owned(), "example.amazonaws.com".to_owned()),
        ("X-Amz-Date".to_owned(), "20150830T123600Z".to_owned()),
    ];
    let empty = sha256_hex(b"");
    let input = |query: &'static str| SigningInput {
        method: "GET",
        path: "/",
        query,
        headers: &headers,
        payload_hash: &empty,
        amz_date: "20150830T123600Z",
        region: "us-east-1",
        service: "service",
    };
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    // get-vanilla
    let (signed, sig) = signature(&input(""), secret);
    assert_eq!(signed, "host;x-amz-date");
    assert_eq!(
        sig,
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    );
    // get-vanilla-query-order-key-case: the query is sorted first.
    let (_, sig) = signature(&input("Param2=value2&Param1=value1"), secret);
    assert_eq!(
        sig,
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
    );
}

#[test]
fn sign_request_adds_the_headers_and_double_encodes_the_path() {
    let creds = AwsCredentials {
        access_key_id: "AKID".into(),
        secret_access_key: "s3cr3t-value".into(),
        session_token: Some("tok".into()),
    };
    let h = sign_request(
        &creds,
        "us-east-1",
        "bedrock",
        "POST",
        "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2%3A1/converse",
        &[("content-type".into(), "application/json".into())],
        b"{}",
        1_440_938_160,
    );
    let get = |k: &str| {
        h.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .unwrap()
    };
    assert_eq!(get("host"), "bedrock-runtime.us-east-1.amazonaws.com");
    assert_eq!(get("x-amz-date"), "20150830T123600Z");
    assert_eq!(get("x-amz-security-token"), "tok");
    let auth = get("authorization");
    assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature="), "{auth}");
    assert!(!format!("{creds:?}").contains("s3cr3t-value"));
}

fn frame(kind: &str, payload: Value) -> Vec<u8> {
    encode_frame(
        &[
            (":event-type", kind),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ],
        payload.to_string().as_bytes(),
    )
}

#[test]
fn event_stream_round_trip_and_checksums() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    let bytes = [
        frame("messageStart", json!({"role": "assistant"})),
        frame("messageStop", json!({"stopReason": "end_turn"})),
    ]
    .concat();
    let mut d = EventStreamDecoder::default();
    let mut out = Vec::new();
    d.feed(&bytes, &mut out).unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].header(":event-type"), Some("messageStart"));
    assert!(!d.finish());
    // A flipped payload bit fails the message checksum.
    let mut bad = frame("x", json!({"a": 1}));
    let n = bad.len();
    bad[n - 6] ^= 1;
    assert_eq!(
        EventStreamDecoder::default()
            .feed(&bad, &mut Vec::new())
            .unwrap_err()
            .kind(),
        ErrorKind::Stream
    );
    // An oversize frame is refused from its prelude, before its body is buffered.
    let big = frame("x", json!({"a": "x".repeat(4096)}));
    let mut small = EventStreamDecoder::new(1024);
    assert!(small.feed(&big[..12], &mut Vec::new()).is_err());
    assert!(small.buffered() <= 12);
}

proptest! {
    #[test]
    fn event_stream_any_split_gives_the_same_frames(
        payloads in proptest::collection::vec("[a-z0-9 ]{0,40}", 1..6),
        cuts in proptest::collection::vec(0usize..400, 0..12),
    ) {
        let frames: Vec<Vec<u8>> = payloads.iter().map(|p| frame("contentBlockDelta", json!({"t": p}))).collect();
        let bytes = frames.concat();
        let mut points: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
        points.sort();
        let mut d = EventStreamDecoder::default();
        let mut out: Vec<Frame> = Vec::new();
        let mut last = 0;
        for p in points.into_iter().chain([bytes.len()]) {
            d.feed(&bytes[last..p], &mut out).unwrap();
            last = p;
        }
        prop_assert_eq!(out.len(), payloads.len());
        for (f, p) in out.iter().zip(&payloads) {
            let v: Value = serde_json::from_slice(&f.payload).unwrap();
            prop_assert_eq!(v["t"].as_str().unwrap(), p.as_str());
        }
        prop_assert!(!d.finish());
    }

    #[test]
    fn event_stream_garbage_never_panics_or_grows(bytes in proptest::collection::vec(any::<u8>(), 0..2048), max in 16usize..512) {
        let mut d = EventStreamDecoder::new(max);
        let mut out = Vec::new();
        for chunk in bytes.chunks(7) {
            if d.feed(chunk, &mut out).is_err() {
                break;
            }
            prop_assert!(d.buffered() <= max.max(12));
        }
    }
}

#[test]
fn converse_request_maps_roles_tools_reasoning_and_settings() {
    let o: CallOptions = serde_json::from_value::<TextRequest>(json!({
        "model": "bedrock:m", "system": "sys",
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "hi"},
                {"type": "file", "data": {"base64": "JVBE"}, "media_type": "application/pdf", "filename": "a.pdf"}]},
            {"role": "assistant", "content": [
                {"type": "reasoning", "text": "think", "provider_metadata": {"bedrock": {"signature": "S"}}},
                {"type": "tool-call", "tool_call_id": "t1", "tool_name": "f", "input": {"a": 1}}]},
            {"role": "tool", "content": [{"type": "tool-result", "tool_call_id": "t1", "tool_name": "f",
                "output": {"type": "json", "value": {"ok": true}}}]}
        ],
        "tools": [{"type": "function", "name": "f"}], "tool_choice": "required",
        "max_output_tokens": 5, "top_k": 3,
        "provider_options": {"bedrock": {"reasoning_config": {"type": "enabled", "budget_tokens": 1024},
            "guardrail_config": {"guardrailIdentifier": "g"}}}
    })).unwrap().to_call_options().unwrap();
    let (b, w) = build_converse_request("anthropic.claude-3-7-sonnet-20250219-v1:0", &o).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(b["system"], json!([{"text": "sys"}]));
    assert_eq!(b["messages"][0]["content"][1]["document"]["format"], "pdf");
    assert_eq!(b["messages"][0]["content"][1]["document"]["name"], "a-pdf");
    assert_eq!(
        b["messages"][1]["content"][0],
        json!({"reasoningContent": {"reasoningText": {"text": "think", "signature": "S"}}})
    );
    assert_eq!(
        b["messages"][2]["content"][0]["toolResult"],
        json!({"toolUseId": "t1", "content": [{"json": {"ok": true}}]})
    );
    assert_eq!(b["inferenceConfig"], json!({"maxTokens": 1029}));
    assert_eq!(b["additionalModelRequestFields"]["top_k"], 3);
    assert_eq!(
        b["additionalModelRequestFields"]["thinking"],
        json!({"type": "enabled", "budget_tokens": 1024})
    );
    assert_eq!(b["toolConfig"]["toolChoice"], json!({"any": {}}));
    assert_eq!(b["guardrailConfig"], json!({"guardrailIdentifier": "g"}));
    let url_image: CallOptions = serde_json::from_value::<TextRequest>(json!({"model": "b:m",
        "messages": [{"role": "user", "content": [{"type": "image", "image": "https://x/y.png"}]}]}))
        .unwrap().to_call_options().unwrap();
    assert_eq!(
        build_converse_request("amazon.nova-pro-v1:0", &url_image)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidRequest
    );
}

#[test]
fn converse_stream_usage_after_stop_and_reasoning_signature() {
    let mut d = ConverseStreamDecoder::new(false, false);
    let mut out = Vec::new();
    for (k, v) in [
        ("messageStart", json!({"role": "assistant"})),
        (
            "contentBlockDelta",
            json!({"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": "hm"}}}),
        ),
        (
            "contentBlockDelta",
            json!({"contentBlockIndex": 0, "delta": {"reasoningContent": {"signature": "SIG"}}}),
        ),
        ("contentBlockStop", json!({"contentBlockIndex": 0})),
        (
            "contentBlockDelta",
            json!({"contentBlockIndex": 1, "delta": {"text": "hi"}}),
        ),
        ("contentBlockStop", json!({"contentBlockIndex": 1})),
        ("messageStop", json!({"stopReason": "max_tokens"})),
    ] {
        d.on_event(k, &v, &mut out).unwrap();
    }
    assert!(!d.is_finished());
    d.on_event(
        "metadata",
        &json!({"usage": {"inputTokens": 3, "outputTokens": 4, "totalTokens": 7}}),
        &mut out,
    )
    .unwrap();
    assert!(d.is_finished());
    let ev: Vec<Value> = out
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    assert_eq!(ev[2]["provider_metadata"]["bedrock"]["signature"], "SIG");
    let last = ev.last().unwrap();
    assert_eq!(last["finish_reason"], "length");
    assert_eq!(last["usage"]["total_tokens"], 7);
    let r = parse_converse_response(json!({"output": {"message": {"content": [{"text": "x"}]}}, "stopReason": "guardrail_intervened"}).to_string().as_bytes(), false).unwrap();
    assert_eq!(r.finish_reason, FinishReason::ContentFilter);
}

#[test]
fn shared_credentials_profiles() {
    let text = "[default]\naws_access_key_id = AKIDDEF\naws_secret_access_key = s1\n\n[profile dev]\n# comment\naws_access_key_id=AKIDDEV\naws_secret_access_key=s2\naws_session_token = t2\n[partial]\naws_access_key_id = X\n";
    let d = super::credentials::parse_profile(text, "default").unwrap();
    assert_eq!(
        (d.access_key_id.as_str(), d.session_token),
        ("AKIDDEF", None)
    );
    let dev = super::credentials::parse_profile(text, "dev").unwrap();
    assert_eq!(dev.session_token.as_deref(), Some("t2"));
    assert!(super::credentials::parse_profile(text, "partial").is_none());
    assert!(super::credentials::parse_profile(text, "missing").is_none());
}
