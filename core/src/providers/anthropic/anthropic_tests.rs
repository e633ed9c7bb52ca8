use super::error::map_error;
use super::request::build_messages_request;
use super::response::parse_messages_response;
use super::stream::MessagesStreamDecoder;
use crate::http::sse::SseEvent;
use crate::providers::sse_decode::ChunkDecoder;
use crate::types::*;
use crate::ErrorKind;
use reqwest::header::HeaderMap;
use serde_json::{json, Value};

fn options(v: Value) -> CallOptions {
    serde_json::from_value::<TextRequest>(v)
        .unwrap()
        .to_call_options()
        .unwrap()
}

fn events(lines: &[Value]) -> Vec<Value> {
    let mut d = MessagesStreamDecoder::new(false, false);
    let mut out = Vec::new();
    for l in lines {
        let ev = SseEvent {
            event: l["type"].as_str().map(str::to_owned),
            data: l.to_string(),
            id: None,
            retry: None,
        };
        d.on_event(&ev, &mut out).unwrap();
    }
    if !d.is_finished() {
        d.on_end(false, &mut out).unwrap();
    }
    out.into_iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect()
}

#[test]
fn request_system_tools_thinking_and_cache_control() {
    let o = options(json!({
        "model": "anthropic:claude",
        "system": "be brief",
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "hi",
                "provider_options": {"anthropic": {"cache_control": {"type": "ephemeral"}}}}]},
            {"role": "assistant", "content": [
                {"type": "reasoning", "text": "think", "provider_metadata": {"anthropic": {"signature": "sig"}}},
                {"type": "reasoning", "text": "", "provider_metadata": {"anthropic": {"redacted_data": "xyz"}}},
                {"type": "tool-call", "tool_call_id": "t1", "tool_name": "get", "input": {"a": 1}}
            ]},
            {"role": "tool", "content": [{"type": "tool-result", "tool_call_id": "t1", "tool_name": "get",
                "output": {"type": "json", "value": {"ok": true}}}]},
            {"role": "user", "content": "and now?"}
        ],
        "tools": [{"type": "function", "name": "get", "input_schema": {"type": "object"}}],
        "tool_choice": "required",
        "temperature": 0.3,
        "seed": 1,
        "max_output_tokens": 100,
        "provider_options": {"anthropic": {"thinking": {"type": "enabled", "budget_tokens": 1000},
            "metadata": {"user_id": "u"}}}
    }));
    let plan = build_messages_request("claude", &o, true).unwrap();
    let b = &plan.body;
    assert_eq!(b["system"], json!([{"type": "text", "text": "be brief"}]));
    assert_eq!(b["max_tokens"], 1100);
    assert_eq!(b["stream"], true);
    assert_eq!(b["metadata"], json!({"user_id": "u"}));
    assert!(b.get("temperature").is_none());
    assert_eq!(b["tool_choice"], json!({"type": "any"}));
    assert_eq!(
        b["messages"][0]["content"][0]["cache_control"],
        json!({"type": "ephemeral"})
    );
    assert_eq!(
        b["messages"][1]["content"],
        json!([
            {"type": "thinking", "thinking": "think", "signature": "sig"},
            {"type": "redacted_thinking", "data": "xyz"},
            {"type": "tool_use", "id": "t1", "name": "get", "input": {"a": 1}}
        ])
    );
    // The tool result and the next user text merge into one user turn.
    assert_eq!(b["messages"].as_array().unwrap().len(), 3);
    assert_eq!(
        b["messages"][2]["content"],
        json!([
            {"type": "tool_result", "tool_use_id": "t1", "content": "{\"ok\":true}"},
            {"type": "text", "text": "and now?"}
        ])
    );
    let names: Vec<String> = plan
        .warnings
        .iter()
        .map(|w| {
            serde_json::to_value(w).unwrap()["setting"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    assert_eq!(names, ["temperature", "seed"]);
}

#[test]
fn request_rejects_late_system_and_unsupported_files() {
    let o = options(json!({"model": "a:b", "messages": [
        {"role": "user", "content": "hi"}, {"role": "system", "content": "late"}]}));
    assert_eq!(
        build_messages_request("b", &o, false).unwrap_err().kind(),
        ErrorKind::InvalidRequest
    );
    let o = options(
        json!({"model": "a:b", "messages": [{"role": "user", "content": [
        {"type": "file", "data": "AAAA", "media_type": "audio/wav"}]}]}),
    );
    let err = build_messages_request("b", &o, false).unwrap_err();
    assert!(err.message().contains("audio/wav"));
}

#[test]
fn request_images_pdf_and_json_tool() {
    let o = options(json!({"model": "a:b",
        "messages": [{"role": "user", "content": [
            {"type": "image", "image": "https://x/y.png"},
            {"type": "file", "data": {"base64": "JVBE"}, "media_type": "application/pdf", "filename": "a.pdf"}]}],
        "response_format": {"type": "json-schema", "schema": {"type": "object"}}}));
    let plan = build_messages_request("b", &o, false).unwrap();
    let c = &plan.body["messages"][0]["content"];
    assert_eq!(
        c[0],
        json!({"type": "image", "source": {"type": "url", "url": "https://x/y.png"}})
    );
    assert_eq!(
        c[1]["source"],
        json!({"type": "base64", "media_type": "application/pdf", "data": "JVBE"})
    );
    assert!(plan.json_tool);
    assert_eq!(
        plan.body["tool_choice"],
        json!({"type": "tool", "name": "json"})
    );
    let body = json!({"id": "m", "model": "b", "content": [{"type": "tool_use", "id": "t", "name": "json",
        "input": {"a": 1}}], "stop_reason": "tool_use", "usage": {"input_tokens": 1, "output_tokens": 2}});
    let r = parse_messages_response(body.to_string().as_bytes(), true).unwrap();
    assert_eq!(r.content, vec![ContentPart::text("{\"a\":1}")]);
    assert_eq!(r.finish_reason, FinishReason::Stop);
}

#[test]
fn response_thinking_usage_and_refusal() {
    let body = json!({"id": "msg_1", "model": "claude", "content": [
        {"type": "thinking", "thinking": "hm", "signature": "S"},
        {"type": "redacted_thinking", "data": "R"},
        {"type": "text", "text": "hi"}],
        "stop_reason": "max_tokens",
        "usage": {"input_tokens": 10, "cache_creation_input_tokens": 3, "cache_read_input_tokens": 5, "output_tokens": 7}});
    let r = parse_messages_response(body.to_string().as_bytes(), false).unwrap();
    assert_eq!(r.finish_reason, FinishReason::Length);
    assert_eq!(r.usage.input_tokens, Some(18));
    assert_eq!(r.usage.cache_read_tokens, Some(5));
    assert_eq!(r.usage.cache_write_tokens, Some(3));
    assert_eq!(r.usage.total_tokens, Some(25));
    let ContentPart::Reasoning(first) = &r.content[0] else {
        panic!()
    };
    assert_eq!(
        first.provider_metadata.as_ref().unwrap()["anthropic"]["signature"],
        "S"
    );
    let ContentPart::Reasoning(second) = &r.content[1] else {
        panic!()
    };
    assert_eq!(
        second.provider_metadata.as_ref().unwrap()["anthropic"]["redacted_data"],
        "R"
    );
    let refusal = json!({"id": "m", "model": "c", "content": [], "stop_reason": "refusal",
        "usage": {"input_tokens": 1, "output_tokens": 1}});
    let r = parse_messages_response(refusal.to_string().as_bytes(), false).unwrap();
    assert_eq!(r.finish_reason, FinishReason::ContentFilter);
}

#[test]
fn stream_thinking_signature_and_tool_without_arguments() {
    let ev = events(&[
        json!({"type": "message_start", "message": {"id": "m1", "model": "c", "usage": {"input_tokens": 4, "output_tokens": 1}}}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "a"}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "SIG"}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": "t", "name": "noargs", "input": {}}}),
        json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": ""}}),
        json!({"type": "content_block_stop", "index": 1}),
        json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"input_tokens": 9, "output_tokens": 5}}),
        json!({"type": "message_stop"}),
    ]);
    let types: Vec<&str> = ev.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "reasoning-start",
            "reasoning-delta",
            "reasoning-end",
            "tool-input-start",
            "tool-input-end",
            "tool-call",
            "finish-step"
        ]
    );
    assert_eq!(ev[2]["provider_metadata"]["anthropic"]["signature"], "SIG");
    assert_eq!(ev[5]["input"], json!({}));
    assert_eq!(ev[6]["finish_reason"], "tool-calls");
    // message_delta usage wins over message_start.
    assert_eq!(ev[6]["usage"]["input_tokens"], 9);
    assert_eq!(ev[6]["usage"]["output_tokens"], 5);
}

#[test]
fn stream_errors_and_truncation() {
    let mut d = MessagesStreamDecoder::new(false, false);
    let mut out = Vec::new();
    let err_ev = SseEvent {
        event: Some("error".into()),
        data:
            json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
                .to_string(),
        id: None,
        retry: None,
    };
    let e = d.on_event(&err_ev, &mut out).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Provider);
    assert_eq!(e.code(), Some("overloaded_error"));
    let mut d = MessagesStreamDecoder::new(false, false);
    assert_eq!(
        d.on_end(true, &mut out).unwrap_err().kind(),
        ErrorKind::Stream
    );
}

#[test]
fn errors_map_by_type_and_status() {
    let body =
        |t: &str, m: &str| json!({"type": "error", "error": {"type": t, "message": m}}).to_string();
    let h = HeaderMap::new();
    assert_eq!(
        map_error(401, &h, body("authentication_error", "bad key").as_bytes()).kind(),
        ErrorKind::Authentication
    );
    assert_eq!(
        map_error(429, &h, body("rate_limit_error", "slow").as_bytes()).kind(),
        ErrorKind::RateLimited
    );
    assert_eq!(
        map_error(529, &h, body("overloaded_error", "busy").as_bytes()).kind(),
        ErrorKind::Provider
    );
    assert_eq!(
        map_error(
            400,
            &h,
            body(
                "invalid_request_error",
                "prompt is too long: 300000 tokens > 200000 maximum"
            )
            .as_bytes()
        )
        .kind(),
        ErrorKind::ContextLengthExceeded
    );
}

mod fuzz {
    use super::super::stream::MessagesStreamDecoder;
    use crate::http::sse::SseEvent;
    use crate::providers::sse_decode::ChunkDecoder;
    use proptest::prelude::*;
    use serde_json::json;

    fn event() -> impl Strategy<Value = serde_json::Value> {
        let index = 0u64..4;
        prop_oneof![
            Just(json!({"type": "message_start", "message": {"id": "m", "usage": {"input_tokens": 1}}})),
            index.clone().prop_map(|i| json!({"type": "content_block_start", "index": i, "content_block": {"type": "text", "text": ""}})),
            index.clone().prop_map(|i| json!({"type": "content_block_start", "index": i, "content_block": {"type": "tool_use", "id": "t", "name": "f", "input": {}}})),
            index.clone().prop_map(|i| json!({"type": "content_block_start", "index": i, "content_block": {"type": "thinking", "thinking": ""}})),
            (index.clone(), "[a-z{}\":]{0,8}").prop_map(|(i, t)| json!({"type": "content_block_delta", "index": i, "delta": {"type": "text_delta", "text": t}})),
            (index.clone(), "[a-z{}\":]{0,8}").prop_map(|(i, t)| json!({"type": "content_block_delta", "index": i, "delta": {"type": "input_json_delta", "partial_json": t}})),
            index.clone().prop_map(|i| json!({"type": "content_block_delta", "index": i, "delta": {"type": "signature_delta", "signature": "s"}})),
            index.prop_map(|i| json!({"type": "content_block_stop", "index": i})),
            Just(json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 2}})),
            Just(json!({"type": "ping"})),
            Just(json!({"type": "message_stop"})),
        ]
    }

    proptest! {
        /// Any order of events ends in `finish-step` or one error, and never panics.
        #[test]
        fn any_event_order_is_handled(events in proptest::collection::vec(event(), 0..30)) {
            let mut d = MessagesStreamDecoder::new(false, false);
            let mut out = Vec::new();
            let mut failed = false;
            for e in &events {
                let ev = SseEvent { event: None, data: e.to_string(), id: None, retry: None };
                if d.is_finished() {
                    break;
                }
                if d.on_event(&ev, &mut out).is_err() {
                    failed = true;
                    break;
                }
            }
            if !failed && !d.is_finished() {
                failed = d.on_end(false, &mut out).is_err();
            }
            let finishes = out.iter().filter(|e| e.type_name() == "finish-step").count();
            prop_assert_eq!(finishes, usize::from(!failed));
        }
    }
}

#[test]
fn document_citations_become_document_sources() {
    let body = json!({"id": "m", "model": "c", "content": [{"type": "text", "text": "per the doc",
        "citations": [{"type": "page_location", "cited_text": "x", "document_index": 0, "document_title": "Report",
            "start_page_number": 1, "end_page_number": 2},
          {"type": "page_location", "cited_text": "y", "document_index": 0, "document_title": "Report",
            "start_page_number": 3, "end_page_number": 4}]}],
        "stop_reason": "end_turn", "usage": {"input_tokens": 1, "output_tokens": 1}});
    let r = parse_messages_response(body.to_string().as_bytes(), false).unwrap();
    assert_eq!(r.sources.len(), 1);
    assert!(
        matches!(&r.sources[0], Source::Document { title, media_type, .. } if title == "Report" && media_type == "application/pdf")
    );
}
