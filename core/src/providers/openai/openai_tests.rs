use super::error::map_error;
use super::request::{build_chat_request, ChatDialect};
use super::response::parse_chat_response;
use super::stream::ChatStreamDecoder;
use crate::http::sse::SseEvent;
use crate::providers::sse_decode::ChunkDecoder;
use crate::types::*;
use crate::ErrorKind;
use reqwest::header::HeaderMap;
use serde_json::json;

fn build(
    req: TextRequest,
    dialect: ChatDialect,
    stream: bool,
) -> (serde_json::Value, Vec<Warning>) {
    build_chat_request(
        &req.model.clone(),
        &req.to_call_options().unwrap(),
        &["openai"],
        dialect,
        stream,
    )
    .unwrap()
}

const OPENAI: ChatDialect = ChatDialect {
    openai_reasoning_rules: true,
    supports_top_k: false,
    omit_stream_options: false,
    no_tools: false,
    json_object_only: false,
    random_seed: false,
    any_for_required: false,
};

#[test]
fn request_maps_messages_settings_and_stream_options() {
    let mut req = TextRequest::new("gpt-4o-mini")
        .system("sys")
        .prompt("Hi")
        .max_output_tokens(50)
        .temperature(0.5);
    req.settings.top_k = Some(3);
    req.settings.stop = vec!["END".into()];
    req.settings.seed = Some(7);
    req.settings
        .provider_options
        .insert("openai", "user", json!("u1"));
    let (body, warnings) = build(req, OPENAI, true);
    assert_eq!(
        body,
        json!({
            "model": "gpt-4o-mini",
            "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "Hi"}],
            "max_tokens": 50, "temperature": 0.5, "seed": 7, "stop": ["END"],
            "stream": true, "stream_options": {"include_usage": true}, "user": "u1"
        })
    );
    assert_eq!(warnings, vec![Warning::unsupported_setting("top_k", None)]);
}

#[test]
fn reasoning_models_take_max_completion_tokens_and_warn_on_sampling() {
    let (body, warnings) = build(
        TextRequest::new("o3-mini")
            .prompt("Hi")
            .max_output_tokens(9)
            .temperature(1.0),
        OPENAI,
        false,
    );
    assert_eq!(body["max_completion_tokens"], 9);
    assert!(body.get("temperature").is_none());
    assert!(
        matches!(&warnings[0], Warning::UnsupportedSetting { setting, .. } if setting == "temperature")
    );
    // An OpenAI-compatible service keeps the plain fields.
    let (body, _) = build(
        TextRequest::new("o3-mini")
            .prompt("Hi")
            .max_output_tokens(9)
            .temperature(1.0),
        ChatDialect::default(),
        false,
    );
    assert_eq!(body["max_tokens"], 9);
    assert_eq!(body["temperature"], 1.0);
}

#[test]
fn request_maps_images_files_tools_and_history() {
    let user: Message = serde_json::from_value(json!({"role": "user", "content": [
        {"type": "text", "text": "look"},
        {"type": "image", "image": {"url": "https://x/cat.png"}, "provider_options": {"openai": {"image_detail": "low"}}},
        {"type": "image", "image": {"base64": "AAAA"}, "media_type": "image/png"},
        {"type": "file", "data": {"base64": "JVBERi0="}, "media_type": "application/pdf", "filename": "a.pdf"}
    ]}))
    .unwrap();
    let assistant: Message = serde_json::from_value(json!({"role": "assistant", "content": [
        {"type": "tool-call", "tool_call_id": "c1", "tool_name": "w", "input": {"q": 1}}
    ]}))
    .unwrap();
    let tool: Message = serde_json::from_value(json!({"role": "tool", "content": [
        {"type": "tool-result", "tool_call_id": "c1", "tool_name": "w", "output": {"type": "json", "value": {"ok": true}}}
    ]}))
    .unwrap();
    let mut req = TextRequest::new("gpt-4o")
        .messages(vec![user, assistant, tool])
        .tools(vec![
            Tool::function("w", Some("weather".into()), json!({"type": "object"})),
            Tool::ProviderDefined {
                id: "anthropic.web_search".into(),
                name: "search".into(),
                args: Default::default(),
            },
        ]);
    req.tool_choice = Some(ToolChoice::tool("w"));
    req.settings.response_format = Some(ResponseFormat::JsonSchema {
        schema: json!({"type": "object"}),
        name: None,
        description: None,
        strict: None,
    });
    let (body, warnings) = build(req, OPENAI, false);
    assert_eq!(
        body["messages"][0]["content"][1],
        json!({"type": "image_url", "image_url": {"url": "https://x/cat.png", "detail": "low"}})
    );
    assert_eq!(
        body["messages"][0]["content"][2]["image_url"]["url"],
        "data:image/png;base64,AAAA"
    );
    assert_eq!(
        body["messages"][0]["content"][3],
        json!({"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBERi0="}})
    );
    assert_eq!(
        body["messages"][1],
        json!({"role": "assistant", "content": null, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "w", "arguments": "{\"q\":1}"}}]})
    );
    assert_eq!(
        body["messages"][2],
        json!({"role": "tool", "tool_call_id": "c1", "content": "{\"ok\":true}"})
    );
    assert_eq!(
        body["tools"],
        json!([{"type": "function", "function": {"name": "w", "description": "weather", "parameters": {"type": "object"}}}])
    );
    assert_eq!(
        body["tool_choice"],
        json!({"type": "function", "function": {"name": "w"}})
    );
    assert_eq!(
        body["response_format"],
        json!({"type": "json_schema", "json_schema": {"name": "response", "schema": {"type": "object"}, "strict": true}})
    );
    assert!(
        matches!(&warnings[0], Warning::UnsupportedTool { tool_name, .. } if tool_name == "search")
    );
}

#[test]
fn inputs_chat_completions_cannot_take_are_clear_errors() {
    let video: Message = serde_json::from_value(json!({"role": "user", "content": [
        {"type": "file", "data": {"base64": "AAAA"}, "media_type": "video/mp4"}]}))
    .unwrap();
    let req = TextRequest::new("gpt-4o").messages(vec![video]);
    let err = build_chat_request(
        "gpt-4o",
        &req.to_call_options().unwrap(),
        &["openai"],
        OPENAI,
        false,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.message().contains("video/mp4"));
    let pdf_url: Message = serde_json::from_value(json!({"role": "user", "content": [
        {"type": "file", "data": {"url": "https://x/a.pdf"}, "media_type": "application/pdf"}]}))
    .unwrap();
    let req = TextRequest::new("gpt-4o").messages(vec![pdf_url]);
    let err = build_chat_request(
        "gpt-4o",
        &req.to_call_options().unwrap(),
        &["openai"],
        OPENAI,
        false,
    )
    .unwrap_err();
    assert!(err.message().contains("inline"));
}

#[test]
fn response_parses_text_usage_tools_and_reasoning() {
    let body = json!({
        "id": "chatcmpl-1", "model": "gpt-4o", "created": 1700000000,
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": "ok", "reasoning_content": "thinking",
            "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "w", "arguments": "{\"a\":1}"}}]}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15,
                  "prompt_tokens_details": {"cached_tokens": 4}, "completion_tokens_details": {"reasoning_tokens": 2}}
    });
    let r = parse_chat_response("openai", body.to_string().as_bytes()).unwrap();
    assert_eq!(r.finish_reason, FinishReason::ToolCalls);
    assert_eq!(r.raw_finish_reason.as_deref(), Some("tool_calls"));
    assert_eq!(
        r.usage,
        Usage {
            input_tokens: Some(10),
            output_tokens: Some(5),
            total_tokens: Some(15),
            cache_read_tokens: Some(4),
            cache_write_tokens: None,
            reasoning_tokens: Some(2)
        }
    );
    assert!(matches!(&r.content[0], ContentPart::Reasoning(p) if p.text == "thinking"));
    assert_eq!(r.content[1].as_text(), Some("ok"));
    assert!(matches!(&r.content[2], ContentPart::ToolCall(c) if c.input == json!({"a": 1})));
    assert_eq!(r.response.id.as_deref(), Some("chatcmpl-1"));
}

#[test]
fn response_without_choices_or_with_bad_json_is_a_provider_error() {
    let e = parse_chat_response("openai", b"{\"id\":\"x\"}").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Provider);
    let e = parse_chat_response("openai", b"<html>").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Provider);
    assert_eq!(e.body(), Some("<html>"));
}

fn decode(lines: &[&str]) -> crate::Result<Vec<StreamEvent>> {
    let mut d = ChatStreamDecoder::new("openai", false);
    let mut out = Vec::new();
    for l in lines {
        d.on_event(
            &SseEvent {
                data: (*l).into(),
                ..Default::default()
            },
            &mut out,
        )?;
    }
    d.on_end(false, &mut out)?;
    Ok(out)
}

#[test]
fn stream_accumulates_parallel_tool_calls() {
    let events = decode(&[
        r#"{"id":"c","model":"m","created":1,"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"w","arguments":""}},{"index":1,"id":"b","type":"function","function":{"name":"t","arguments":""}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\":\"P\"}"}}]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
        r#"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}"#,
        "[DONE]",
    ])
    .unwrap();
    let types: Vec<&str> = events.iter().map(StreamEvent::type_name).collect();
    assert_eq!(
        types,
        vec![
            "tool-input-start",
            "tool-input-start",
            "tool-input-delta",
            "tool-input-delta",
            "tool-input-delta",
            "tool-input-end",
            "tool-call",
            "tool-input-end",
            "tool-call",
            "finish-step"
        ]
    );
    let calls: Vec<&ToolCall> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolCall(c) => Some(c),
            _ => None,
        })
        .collect();
    assert_eq!(calls[0].input, json!({"city": "P"}));
    assert_eq!(calls[1].input, json!({}));
    let StreamEvent::FinishStep {
        finish_reason,
        usage,
        response,
        ..
    } = events.last().unwrap()
    else {
        panic!()
    };
    assert_eq!(*finish_reason, FinishReason::ToolCalls);
    assert_eq!(usage.total_tokens, Some(7));
    assert_eq!(response.id.as_deref(), Some("c"));
}

#[test]
fn stream_errors_truncation_and_garbage() {
    let e = decode(&[r#"{"choices":[{"index":0,"delta":{"content":"Hi"}}]}"#]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Stream);
    let e = decode(&["not json"]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Stream);
    let e = decode(&[r#"{"error":{"message":"quota","code":"insufficient_quota"}}"#]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    // A finish reason without [DONE] is a complete answer.
    let ok =
        decode(&[r#"{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}"#])
            .unwrap();
    assert_eq!(ok.last().unwrap().type_name(), "finish-step");
}

#[test]
fn error_bodies_map_onto_the_taxonomy() {
    let h = HeaderMap::new();
    let body = |code: &str, msg: &str| {
        json!({"error": {"message": msg, "type": "invalid_request_error", "param": null, "code": code}}).to_string()
    };
    let cases = [
        (
            401,
            body("invalid_api_key", "Incorrect API key"),
            ErrorKind::Authentication,
        ),
        (403, body("", "nope"), ErrorKind::PermissionDenied),
        (
            404,
            body("model_not_found", "no model"),
            ErrorKind::NotFound,
        ),
        (
            400,
            body("context_length_exceeded", "too long"),
            ErrorKind::ContextLengthExceeded,
        ),
        (
            400,
            body("", "This model's maximum context length is 8192 tokens"),
            ErrorKind::ContextLengthExceeded,
        ),
        (
            400,
            body("unsupported_parameter", "max_tokens"),
            ErrorKind::InvalidRequest,
        ),
        (
            400,
            body("content_policy_violation", "no"),
            ErrorKind::ContentFiltered,
        ),
        (
            429,
            body("rate_limit_exceeded", "slow"),
            ErrorKind::RateLimited,
        ),
        (500, body("", "oops"), ErrorKind::Provider),
        (503, "upstream connect error".into(), ErrorKind::Provider),
    ];
    for (status, body, kind) in cases {
        let e = map_error("openai", status, &h, body.as_bytes());
        assert_eq!(e.kind(), kind, "{status} {body}");
        assert_eq!(e.status(), Some(status));
        assert_eq!(e.provider(), Some("openai"));
        assert!(e.body().is_some());
    }
    let e = map_error("openai", 502, &h, b"");
    assert!(e.message().contains("502"));
}
