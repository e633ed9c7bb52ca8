use super::error::{map_error, retry_delay};
use super::request::build_generate_request;
use super::response::{map_finish_reason, parse_generate_response};
use crate::types::*;
use crate::ErrorKind;
use reqwest::header::HeaderMap;
use serde_json::{json, Value};
use std::time::Duration;

fn options(v: Value) -> CallOptions {
    serde_json::from_value::<TextRequest>(v)
        .unwrap()
        .to_call_options()
        .unwrap()
}

#[test]
fn request_maps_settings_media_tools_and_options() {
    let o = options(json!({
        "model": "google:g", "system": "sys",
        "messages": [{"role": "user", "content": [
            {"type": "text", "text": "look"},
            {"type": "image", "image": {"base64": "AAAA"}, "media_type": "image/png"},
            {"type": "file", "data": "https://x/doc.pdf", "media_type": "application/pdf"}]}],
        "tools": [{"type": "function", "name": "noargs"},
                  {"type": "function", "name": "f", "input_schema": {"type": "object", "properties": {"a": {"type": "string"}}}},
                  {"type": "provider-defined", "id": "google.google_search", "name": "search"}],
        "tool_choice": {"type": "tool", "tool_name": "f"},
        "max_output_tokens": 10, "temperature": 0.1, "top_k": 3, "stop": ["X"], "seed": 4,
        "response_format": {"type": "json-schema", "schema": {"type": "object"}},
        "provider_options": {"google": {"thinking_config": {"thinkingBudget": 0}, "safetySettings": []}}
    }));
    let (b, w) = build_generate_request(&o, &["google"]).unwrap();
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(b["systemInstruction"], json!({"parts": [{"text": "sys"}]}));
    assert_eq!(
        b["contents"][0]["parts"][1],
        json!({"inlineData": {"mimeType": "image/png", "data": "AAAA"}})
    );
    assert_eq!(
        b["contents"][0]["parts"][2],
        json!({"fileData": {"mimeType": "application/pdf", "fileUri": "https://x/doc.pdf"}})
    );
    assert_eq!(
        b["generationConfig"],
        json!({"maxOutputTokens": 10, "temperature": 0.1, "topK": 3, "seed": 4, "stopSequences": ["X"],
               "responseMimeType": "application/json", "responseJsonSchema": {"type": "object"},
               "thinkingConfig": {"thinkingBudget": 0}})
    );
    assert_eq!(
        b["tools"][0]["functionDeclarations"][0],
        json!({"name": "noargs"})
    );
    assert!(b["tools"][0]["functionDeclarations"][1]
        .get("parametersJsonSchema")
        .is_some());
    assert_eq!(b["tools"][1], json!({"googleSearch": {}}));
    assert_eq!(
        b["toolConfig"],
        json!({"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["f"]}})
    );
    assert_eq!(b["safetySettings"], json!([]));
}

#[test]
fn finish_reasons_and_blocked_prompts() {
    assert_eq!(
        map_finish_reason(Some("STOP"), true),
        FinishReason::ToolCalls
    );
    assert_eq!(
        map_finish_reason(Some("MAX_TOKENS"), false),
        FinishReason::Length
    );
    assert_eq!(
        map_finish_reason(Some("SAFETY"), false),
        FinishReason::ContentFilter
    );
    let blocked = json!({"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 3}});
    let r = parse_generate_response("google", blocked.to_string().as_bytes()).unwrap();
    assert_eq!(r.finish_reason, FinishReason::ContentFilter);
    assert_eq!(r.raw_finish_reason.as_deref(), Some("SAFETY"));
    assert!(r.content.is_empty());
}

#[test]
fn thoughts_become_reasoning() {
    let body = json!({"candidates": [{"content": {"parts": [
        {"text": "thinking...", "thought": true},
        {"text": "answer"}]}, "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 2, "candidatesTokenCount": 3, "thoughtsTokenCount": 4, "totalTokenCount": 9}});
    let r = parse_generate_response("google", body.to_string().as_bytes()).unwrap();
    assert!(matches!(&r.content[0], ContentPart::Reasoning(p) if p.text == "thinking..."));
    assert_eq!(r.usage.output_tokens, Some(7));
    assert_eq!(r.usage.reasoning_tokens, Some(4));
    assert_eq!(r.usage.total_tokens, Some(9));
}

#[test]
fn retry_info_and_error_kinds() {
    let e = json!({"details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "34.4s"}]});
    assert_eq!(retry_delay(&e), Some(Duration::from_millis(34_400)));
    let e = json!({"details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "250ms"}]});
    assert_eq!(retry_delay(&e), Some(Duration::from_millis(250)));
    let h = HeaderMap::new();
    let bad_key = json!({"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT"}});
    assert_eq!(
        map_error("google", 400, &h, bad_key.to_string().as_bytes()).kind(),
        ErrorKind::Authentication
    );
    assert_eq!(
        map_error("google", 503, &h, b"oops").kind(),
        ErrorKind::Provider
    );
}

#[test]
fn generated_images_become_file_parts() {
    let body = json!({"candidates": [{"content": {"parts": [
        {"text": "here"}, {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}}]},
        "finishReason": "STOP"}]});
    let r = parse_generate_response("google", body.to_string().as_bytes()).unwrap();
    assert!(matches!(&r.content[1], ContentPart::File(f) if f.media_type == "image/png"));
}

mod fuzz {
    use super::super::stream::GenerateStreamDecoder;
    use crate::http::sse::SseEvent;
    use crate::providers::sse_decode::ChunkDecoder;
    use proptest::prelude::*;
    use serde_json::json;

    proptest! {
        /// Arbitrary `partialArgs` paths and values never panic and never grow past the caps.
        #[test]
        fn partial_args_never_panic(paths in proptest::collection::vec("[$.\\[\\]a-z0-9'é\"]{0,12}", 1..8)) {
            let mut d = GenerateStreamDecoder::new("google", false);
            let mut out = Vec::new();
            let start = json!({"candidates": [{"content": {"parts": [{"functionCall": {"name": "f", "willContinue": true}}]}}]});
            let ev = |v: serde_json::Value| SseEvent { event: None, data: v.to_string(), id: None, retry: None };
            d.on_event(&ev(start), &mut out).unwrap();
            for p in &paths {
                let piece = json!({"candidates": [{"content": {"parts": [{"functionCall": {
                    "partialArgs": [{"jsonPath": p, "stringValue": "x"}], "willContinue": true}}]}}]});
                if d.on_event(&ev(piece), &mut out).is_err() {
                    return Ok(());
                }
            }
            let end = json!({"candidates": [{"content": {"parts": [{"functionCall": {}}]}, "finishReason": "STOP"}]});
            d.on_event(&ev(end), &mut out).unwrap();
            d.on_end(false, &mut out).unwrap();
            prop_assert!(d.is_finished());
        }
    }
}
