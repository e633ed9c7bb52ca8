use super::request::build_responses_request;
use super::stream::ResponsesStreamDecoder;
use crate::http::sse::SseEvent;
use crate::providers::sse_decode::ChunkDecoder;
use crate::types::*;
use crate::ErrorKind;
use serde_json::{json, Value};

fn options(v: Value) -> CallOptions {
    serde_json::from_value::<TextRequest>(v)
        .unwrap()
        .to_call_options()
        .unwrap()
}

fn decode(lines: &[Value]) -> (Vec<Value>, Option<crate::Error>) {
    let mut d = ResponsesStreamDecoder::new("openai", false);
    let mut out = Vec::new();
    let mut err = None;
    for l in lines {
        let ev = SseEvent {
            event: None,
            data: l.to_string(),
            id: None,
            retry: None,
        };
        if let Err(e) = d.on_event(&ev, &mut out) {
            err = Some(e);
            break;
        }
    }
    if err.is_none() && !d.is_finished() {
        err = d.on_end(false, &mut out).err();
    }
    (
        out.iter()
            .map(|e| serde_json::to_value(e).unwrap())
            .collect(),
        err,
    )
}

#[test]
fn request_settings_reasoning_and_warnings() {
    let o = options(
        json!({"model": "o:gpt-5", "system": "sys", "prompt": "hi", "temperature": 0.5, "seed": 1,
        "response_format": {"type": "json-schema", "schema": {"type": "object"}, "name": "out"},
        "provider_options": {"openai": {"reasoning_effort": "low", "reasoning_summary": "auto", "store": false, "user": "u"}}}),
    );
    let (b, w) = build_responses_request("gpt-5", &o, &["openai"], true).unwrap();
    assert_eq!(
        b["input"][0],
        json!({"role": "developer", "content": "sys"})
    );
    assert_eq!(
        b["input"][1],
        json!({"role": "user", "content": [{"type": "input_text", "text": "hi"}]})
    );
    assert_eq!(b["reasoning"], json!({"effort": "low", "summary": "auto"}));
    assert_eq!(b["include"], json!(["reasoning.encrypted_content"]));
    assert_eq!(b["text"]["format"]["name"], "out");
    assert_eq!(b["user"], "u");
    assert_eq!(b["stream"], true);
    assert!(b.get("temperature").is_none());
    assert_eq!(w.len(), 2, "{w:?}");
}

#[test]
fn reasoning_parts_of_one_item_merge_back() {
    let o = options(json!({"model": "o:gpt-5", "messages": [
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": [
            {"type": "reasoning", "text": "a", "provider_metadata": {"openai": {"item_id": "rs_1", "encrypted_content": "ENC"}}},
            {"type": "reasoning", "text": "b", "provider_metadata": {"openai": {"item_id": "rs_1", "encrypted_content": "ENC"}}},
            {"type": "reasoning", "text": "", "provider_metadata": {"openai": {"item_id": "rs_2"}}},
            {"type": "text", "text": "answer"}]},
        {"role": "user", "content": "more"}]}));
    let (b, _) = build_responses_request("gpt-5", &o, &["openai"], false).unwrap();
    assert_eq!(
        b["input"][1],
        json!({"type": "reasoning", "id": "rs_1", "encrypted_content": "ENC",
        "summary": [{"type": "summary_text", "text": "a"}, {"type": "summary_text", "text": "b"}]})
    );
    assert_eq!(
        b["input"][2],
        json!({"type": "item_reference", "id": "rs_2"})
    );
    assert_eq!(
        b["input"][3]["content"][0],
        json!({"type": "output_text", "text": "answer"})
    );
}

#[test]
fn stream_summaries_annotations_and_errors() {
    let (ev, err) = decode(&[
        json!({"type": "response.created", "response": {"id": "r1", "model": "m", "created_at": 5}}),
        json!({"type": "response.output_item.added", "item": {"id": "rs_1", "type": "reasoning", "summary": []}}),
        json!({"type": "response.reasoning_summary_text.delta", "item_id": "rs_1", "summary_index": 0, "delta": "x"}),
        json!({"type": "response.reasoning_summary_part.added", "item_id": "rs_1", "summary_index": 1}),
        json!({"type": "response.reasoning_summary_text.delta", "item_id": "rs_1", "summary_index": 1, "delta": "y"}),
        json!({"type": "response.output_item.done", "item": {"id": "rs_1", "type": "reasoning", "encrypted_content": "E"}}),
        json!({"type": "response.output_text.delta", "item_id": "m1", "delta": "hi"}),
        json!({"type": "response.output_text.annotation.added", "item_id": "m1", "annotation": {"type": "url_citation", "url": "https://a", "title": "A"}}),
        json!({"type": "response.output_item.done", "item": {"id": "m1", "type": "message"}}),
        json!({"type": "response.completed", "response": {"id": "r1", "status": "completed", "usage": {"input_tokens": 1, "output_tokens": 2}}}),
    ]);
    assert!(err.is_none());
    let types: Vec<&str> = ev.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "reasoning-start",
            "reasoning-delta",
            "reasoning-end",
            "reasoning-start",
            "reasoning-delta",
            "reasoning-end",
            "text-start",
            "text-delta",
            "source",
            "text-end",
            "finish-step"
        ]
    );
    assert_eq!(
        ev[5]["provider_metadata"]["openai"]["encrypted_content"],
        "E"
    );
    assert_eq!(ev.last().unwrap()["usage"]["total_tokens"], 3);
    let (_, err) = decode(&[
        json!({"type": "error", "error": {"type": "insufficient_quota", "code": "insufficient_quota", "message": "quota"}}),
    ]);
    assert_eq!(err.unwrap().kind(), ErrorKind::RateLimited);
    let (_, err) = decode(&[json!({"type": "response.created", "response": {"id": "r"}})]);
    assert_eq!(err.unwrap().kind(), ErrorKind::Stream);
}
