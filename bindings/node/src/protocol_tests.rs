use super::*;

const EVENTS: &str = r#"[{"type":"start"},{"type":"text-delta","id":"t1","text":"Hi"},
  {"type":"tool-call","toolCallId":"c1","toolName":"get_weather","input":{"city_name":"Paris"}},
  {"type":"finish","finishReason":"stop","rawFinishReason":"stop","totalUsage":{"inputTokens":1,"outputTokens":2,"totalTokens":3,"cacheReadTokens":null,"cacheWriteTokens":null,"reasoningTokens":null}}]"#;

#[test]
fn ditto_v1_round_trips_camel_case_events() {
    for framing in ["sse", "ndjson"] {
        let wire = encode_ditto_v1(EVENTS.into(), framing.into()).unwrap()
            + &ditto_v1_terminator(framing.into()).unwrap();
        assert!(wire.contains(r#""v":1"#));
        assert!(
            wire.contains(r#""tool_call_id":"c1""#),
            "the wire is snake_case: {wire}"
        );
        assert!(
            wire.contains(r#""city_name":"Paris""#),
            "tool input keys are kept"
        );
        let d = NativeDittoDecoder::new(framing.into()).unwrap();
        let (a, b) = wire.split_at(wire.len() / 2);
        let mut got: Vec<Value> =
            serde_json::from_str(&d.push(a.as_bytes().to_vec().into()).unwrap()).unwrap();
        got.extend(
            serde_json::from_str::<Vec<Value>>(&d.push(b.as_bytes().to_vec().into()).unwrap())
                .unwrap(),
        );
        got.extend(serde_json::from_str::<Vec<Value>>(&d.finish().unwrap()).unwrap());
        let want: Vec<Value> = serde_json::from_str(EVENTS).unwrap();
        assert_eq!(got.len(), want.len());
        assert_eq!(got[2]["input"], want[2]["input"]);
        assert_eq!(got[3]["totalUsage"], want[3]["totalUsage"]);
    }
}

#[test]
fn bad_input_is_rejected() {
    assert!(encode_ditto_v1(EVENTS.into(), "xml".into()).is_err());
    assert!(encode_ditto_v1(r#"[{"type":"teleport"}]"#.into(), "sse".into()).is_err());
    assert!(encode_ditto_v1(r#"{"type":"start"}"#.into(), "sse".into()).is_err());
    let d = NativeDittoDecoder::new("ndjson".into()).unwrap();
    assert!(d
        .push(b"{\"v\":2,\"type\":\"start\"}\n".to_vec().into())
        .is_err());
}

#[test]
fn ui_chunks_come_out_in_the_ai_sdk_shape() {
    let enc = NativeUiEncoder::new(r#"{"messageId":"m1","version":"v5"}"#.into()).unwrap();
    let chunks: Vec<Value> = serde_json::from_str(&enc.push(EVENTS.into()).unwrap()).unwrap();
    assert_eq!(chunks[0]["type"], "start");
    assert_eq!(chunks[0]["messageId"], "m1");
    assert_eq!(chunks[1]["delta"], "Hi");
    assert_eq!(chunks[2]["type"], "tool-input-available");
    assert_eq!(chunks[2]["toolCallId"], "c1");
    let err: Value = serde_json::from_str(
        &enc.error_chunk("rate_limited".into(), "slow".into())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(err["type"], "error");
    assert!(NativeUiEncoder::new(r#"{"version":"v9"}"#.into()).is_err());
}

#[test]
fn use_chat_bodies_become_messages() {
    let body = r#"{"id":"c","trigger":"submit-message","model":"fast","messages":[
      {"id":"1","role":"user","parts":[{"type":"text","text":"Hi"}]},
      {"id":"2","role":"assistant","parts":[{"type":"text","text":"Hello"},
        {"type":"tool-get_weather","toolCallId":"c1","state":"output-available","input":{"city":"Paris"},"output":{"c":21}}]}]}"#;
    let msgs: Vec<Value> =
        serde_json::from_str(&ui_chat_request_to_messages(body.into()).unwrap()).unwrap();
    assert_eq!(msgs[0]["role"], "user");
    assert!(msgs.iter().any(|m| m["role"] == "tool"));
    assert!(ui_chat_request_to_messages("{}".into()).is_err());
}
