use super::*;
use serde_json::json;

#[test]
fn message_content_accepts_a_plain_string() {
    let m: Message = serde_json::from_value(json!({"role": "user", "content": "Hi"})).unwrap();
    assert_eq!(m, Message::user("Hi"));
    let back = serde_json::to_value(&m).unwrap();
    assert_eq!(
        back,
        json!({"role": "user", "content": [{"type": "text", "text": "Hi"}]})
    );
}

#[test]
fn message_parts_round_trip_with_stable_names() {
    let v = json!({"role": "assistant", "content": [
        {"type": "reasoning", "text": "hmm", "provider_metadata": {"anthropic": {"signature": "s"}}},
        {"type": "text", "text": "Sure."},
        {"type": "tool-call", "tool_call_id": "c1", "tool_name": "get", "input": {"a": 1}}
    ]});
    let m: Message = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(serde_json::to_value(&m).unwrap(), v);
}

#[test]
fn bad_parts_give_a_useful_error() {
    let err =
        serde_json::from_value::<Message>(json!({"role": "user", "content": [{"type": "video"}]}))
            .unwrap_err()
            .to_string();
    assert!(err.contains("video"), "{err}");
}

#[test]
fn data_source_json_forms() {
    let url: DataSource = serde_json::from_value(json!({"url": "https://x/y.png"})).unwrap();
    assert_eq!(url, DataSource::Url("https://x/y.png".into()));
    let b64: DataSource = serde_json::from_value(json!("aGk=")).unwrap();
    assert_eq!(b64, DataSource::Base64("aGk=".into()));
    let bytes = DataSource::Bytes(bytes::Bytes::from_static(b"hi"));
    assert_eq!(
        serde_json::to_value(&bytes).unwrap(),
        json!({"base64": "aGk="})
    );
    assert_eq!(bytes.to_url("image/png"), "data:image/png;base64,aGk=");
    let data_url = DataSource::Url("data:image/gif;base64,R0lG".into());
    assert_eq!(data_url.to_base64().as_deref(), Some("R0lG"));
    assert_eq!(data_url.data_url_media_type(), Some("image/gif"));
}

#[test]
fn tool_choice_json_forms() {
    assert_eq!(
        serde_json::to_value(ToolChoice::AUTO).unwrap(),
        json!("auto")
    );
    assert_eq!(
        serde_json::to_value(ToolChoice::REQUIRED).unwrap(),
        json!("required")
    );
    let t = ToolChoice::tool("weather");
    assert_eq!(
        serde_json::to_value(&t).unwrap(),
        json!({"type": "tool", "tool_name": "weather"})
    );
    assert_eq!(
        serde_json::from_value::<ToolChoice>(json!({"type": "tool", "tool_name": "weather"}))
            .unwrap(),
        t
    );
    assert_eq!(
        serde_json::from_value::<ToolChoice>(json!("none")).unwrap(),
        ToolChoice::NONE
    );
}

#[test]
fn tools_default_to_an_empty_object_schema() {
    let t: Tool = serde_json::from_value(json!({"type": "function", "name": "now"})).unwrap();
    let Tool::Function { input_schema, .. } = t else {
        panic!()
    };
    assert_eq!(input_schema, json!({"type": "object", "properties": {}}));
}

#[test]
fn stream_event_names_are_kebab_case_with_snake_fields() {
    let cases = vec![
        (StreamEvent::Start, json!({"type": "start"})),
        (
            StreamEvent::text_delta("t0", "Hi"),
            json!({"type": "text-delta", "id": "t0", "text": "Hi"}),
        ),
        (
            StreamEvent::ToolInputStart {
                id: "c".into(),
                tool_name: "w".into(),
                provider_executed: false,
            },
            json!({"type": "tool-input-start", "id": "c", "tool_name": "w"}),
        ),
        (
            StreamEvent::ToolCall(ToolCall::from_raw_arguments("c", "w", "{\"q\":1}")),
            json!({"type": "tool-call", "tool_call_id": "c", "tool_name": "w", "input": {"q": 1}}),
        ),
        (
            StreamEvent::Finish {
                finish_reason: FinishReason::ToolCalls,
                raw_finish_reason: Some("tool_calls".into()),
                total_usage: Usage::new(1, 2),
            },
            json!({"type": "finish", "finish_reason": "tool-calls", "raw_finish_reason": "tool_calls",
                   "total_usage": {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3,
                                   "cache_read_tokens": null, "cache_write_tokens": null, "reasoning_tokens": null}}),
        ),
    ];
    for (event, expected) in cases {
        let v = serde_json::to_value(&event).unwrap();
        assert_eq!(v, expected);
        assert_eq!(v["type"], event.type_name());
        assert_eq!(serde_json::from_value::<StreamEvent>(v).unwrap(), event);
    }
}

#[test]
fn tool_call_arguments_parse_leniently() {
    let empty = ToolCall::from_raw_arguments("c", "t", "");
    assert_eq!(empty.input, json!({}));
    assert!(!empty.invalid_input);
    let bad = ToolCall::from_raw_arguments("c", "t", "{\"a\":");
    assert!(bad.invalid_input);
    assert_eq!(bad.arguments_json(), "{\"a\":");
}

#[test]
fn usage_unknown_stays_none_and_sums_field_wise() {
    let a = Usage {
        input_tokens: Some(3),
        ..Default::default()
    };
    let b = Usage {
        output_tokens: Some(4),
        ..Default::default()
    };
    let s = a.add(&b);
    assert_eq!(s.input_tokens, Some(3));
    assert_eq!(s.output_tokens, Some(4));
    assert_eq!(s.reasoning_tokens, None);
    assert_eq!(s.with_computed_total().total_tokens, Some(7));
    assert!(Usage::default().is_unknown());
}

#[test]
fn text_request_builds_system_then_messages_then_prompt() {
    let req = TextRequest::new("mock:x")
        .system("be brief")
        .messages(vec![Message::user("a"), Message::assistant("b")])
        .prompt("c");
    let opts = req.to_call_options().unwrap();
    let roles: Vec<Role> = opts.prompt.iter().map(|m| m.role).collect();
    assert_eq!(
        roles,
        vec![Role::System, Role::User, Role::Assistant, Role::User]
    );
}

#[test]
fn text_request_validation() {
    let e = TextRequest::new("mock:x")
        .system("s")
        .to_call_options()
        .unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::InvalidRequest);
    let e = TextRequest::new("mock:x")
        .prompt("p")
        .temperature(f64::NAN)
        .to_call_options()
        .unwrap_err();
    assert!(e.message().contains("temperature"));
    let dup = vec![
        Tool::function("a", None, json!({})),
        Tool::function("a", None, json!({})),
    ];
    let e = TextRequest::new("mock:x")
        .prompt("p")
        .tools(dup)
        .to_call_options()
        .unwrap_err();
    assert!(e.message().contains("twice"));
}

#[test]
fn text_request_json_has_settings_at_top_level_and_rejects_unknown_fields() {
    let req: TextRequest = serde_json::from_value(json!({
        "model": "openai:gpt-4o-mini", "prompt": "Hi", "max_output_tokens": 5,
        "response_format": {"type": "json-schema", "schema": {"type": "object"}},
        "provider_options": {"openai": {"user": "u1"}}
    }))
    .unwrap();
    assert_eq!(req.settings.max_output_tokens, Some(5));
    assert_eq!(
        req.settings.provider_options.value("openai", "user"),
        Some(&json!("u1"))
    );
    let err =
        serde_json::from_value::<TextRequest>(json!({"model": "m", "promt": "typo"})).unwrap_err();
    assert!(err.to_string().contains("promt"));
}

#[test]
fn warnings_serialize_with_type_tags() {
    let w = Warning::unsupported_setting("top_k", None);
    assert_eq!(
        serde_json::to_value(&w).unwrap(),
        json!({"type": "unsupported-setting", "setting": "top_k"})
    );
}
