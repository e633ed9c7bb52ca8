use super::request::build_chat_request;
use super::response::{parse_chat_response, CohereStreamDecoder};
use crate::http::sse::SseEvent;
use crate::providers::sse_decode::ChunkDecoder;
use crate::types::*;
use crate::ErrorKind;
use serde_json::{json, Value};

#[test]
fn request_maps_settings_plan_and_refuses_pdfs() {
    let o = serde_json::from_value::<TextRequest>(json!({"model": "cohere:c", "messages": [
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": [
            {"type": "reasoning", "text": "plan", "provider_metadata": {"cohere": {"tool_plan": true}}},
            {"type": "tool-call", "tool_call_id": "t", "tool_name": "f", "input": {}}]},
        {"role": "tool", "content": [{"type": "tool-result", "tool_call_id": "t", "tool_name": "f", "output": {"type": "text", "value": "ok"}}]}],
        "tools": [{"type": "function", "name": "f"}, {"type": "function", "name": "g"}],
        "tool_choice": {"type": "tool", "tool_name": "g"},
        "top_p": 0.5, "top_k": 4, "seed": 3, "stop": ["x"]})).unwrap().to_call_options().unwrap();
    let (b, _) = build_chat_request("c", &o, true).unwrap();
    assert_eq!(b["messages"][1]["tool_plan"], "plan");
    assert_eq!(
        b["messages"][2],
        json!({"role": "tool", "tool_call_id": "t", "content": "ok"})
    );
    assert_eq!(b["tools"].as_array().unwrap().len(), 1);
    assert_eq!(b["tool_choice"], "REQUIRED");
    assert_eq!(
        (b["p"].clone(), b["k"].clone(), b["seed"].clone()),
        (json!(0.5), json!(4), json!(3))
    );
    let pdf = serde_json::from_value::<TextRequest>(
        json!({"model": "c:c", "messages": [{"role": "user", "content": [
        {"type": "file", "data": "JVBE", "media_type": "application/pdf"}]}]}),
    )
    .unwrap()
    .to_call_options()
    .unwrap();
    assert_eq!(
        build_chat_request("c", &pdf, false).unwrap_err().kind(),
        ErrorKind::InvalidRequest
    );
}

#[test]
fn response_and_stream() {
    let r = parse_chat_response(json!({"id": "x", "message": {"content": [{"type": "thinking", "thinking": "hm"}, {"type": "text", "text": "hi"}]},
        "finish_reason": "COMPLETE", "usage": {"tokens": {"input_tokens": 2, "output_tokens": 3}, "cached_tokens": 1}}).to_string().as_bytes()).unwrap();
    assert!(matches!(&r.content[0], ContentPart::Reasoning(p) if p.text == "hm"));
    assert_eq!(r.usage.total_tokens, Some(5));
    assert_eq!(r.usage.cache_read_tokens, Some(1));
    let mut d = CohereStreamDecoder::new(false);
    let mut out = Vec::new();
    for v in [
        json!({"type": "message-start", "id": "s"}),
        json!({"type": "content-start", "index": 0, "delta": {"message": {"content": {"type": "text"}}}}),
        json!({"type": "content-delta", "index": 0, "delta": {"message": {"content": {"text": "a"}}}}),
    ] {
        let ev = SseEvent {
            event: v["type"].as_str().map(str::to_owned),
            data: v.to_string(),
            id: None,
            retry: None,
        };
        d.on_event(&ev, &mut out).unwrap();
    }
    assert_eq!(
        d.on_end(false, &mut out).unwrap_err().kind(),
        ErrorKind::Stream
    );
    let types: Vec<Value> = out
        .iter()
        .map(|e| serde_json::to_value(e).unwrap()["type"].clone())
        .collect();
    assert_eq!(types, [json!("text-start"), json!("text-delta")]);
}
