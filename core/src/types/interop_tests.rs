use super::*;
use serde_json::json;

#[test]
fn openai_chat_history_converts() {
    let msgs = messages_from_json(&json!([
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": [
            {"type": "text", "text": "what is this?"},
            {"type": "image_url", "image_url": {"url": "https://x/cat.png", "detail": "high"}}
        ]},
        {"role": "assistant", "content": null, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": "{\"q\":\"cat\"}"}}
        ]},
        {"role": "tool", "tool_call_id": "c1", "content": "a cat"}
    ]))
    .unwrap();
    assert_eq!(msgs.len(), 4);
    assert_eq!(msgs[0], Message::system("be brief"));
    let ContentPart::Image(img) = &msgs[1].content[1] else {
        panic!()
    };
    assert_eq!(img.image, DataSource::Url("https://x/cat.png".into()));
    assert_eq!(
        img.provider_options.value("openai", "image_detail"),
        Some(&json!("high"))
    );
    let ContentPart::ToolCall(call) = &msgs[2].content[0] else {
        panic!()
    };
    assert_eq!(call.input, json!({"q": "cat"}));
    let ContentPart::ToolResult(r) = &msgs[3].content[0] else {
        panic!()
    };
    assert_eq!(r.tool_call_id, "c1");
    assert_eq!(r.output, ToolResultOutput::Text("a cat".into()));
}

#[test]
fn ai_sdk_shapes_convert() {
    let msgs = messages_from_json(&json!([
        {"role": "user", "content": [{"type": "file", "data": "JVBERi0=", "mediaType": "application/pdf"}]},
        {"role": "assistant", "content": [
            {"type": "reasoning", "text": "hmm", "providerOptions": {"anthropic": {"signature": "sig"}}},
            {"type": "tool-call", "toolCallId": "c2", "toolName": "w", "input": {"city": "Paris"}}
        ]},
        {"role": "tool", "content": [{"type": "tool-result", "toolCallId": "c2", "toolName": "w", "output": {"type": "json", "value": {"t": 20}}}]}
    ]))
    .unwrap();
    let ContentPart::File(f) = &msgs[0].content[0] else {
        panic!()
    };
    assert_eq!(f.media_type, "application/pdf");
    assert_eq!(f.data, DataSource::Base64("JVBERi0=".into()));
    let ContentPart::Reasoning(r) = &msgs[1].content[0] else {
        panic!()
    };
    assert_eq!(
        r.provider_metadata.as_ref().unwrap()["anthropic"]["signature"],
        "sig"
    );
    let ContentPart::ToolResult(t) = &msgs[2].content[0] else {
        panic!()
    };
    assert_eq!(t.output, ToolResultOutput::Json(json!({"t": 20})));
}

#[test]
fn our_own_shape_passes_through() {
    let ours = json!({"role": "user", "content": [{"type": "image", "image": {"base64": "AAAA"}, "media_type": "image/png"}]});
    let via_interop = message_from_json(&ours).unwrap();
    let via_serde: Message = serde_json::from_value(ours).unwrap();
    assert_eq!(via_interop, via_serde);
}

#[test]
fn errors_name_the_path() {
    let e = messages_from_json(
        &json!([{"role": "user", "content": "ok"}, {"role": "robot", "content": "x"}]),
    )
    .unwrap_err();
    assert!(e.message().starts_with("messages[1].role"), "{e}");
    let e =
        messages_from_json(&json!([{"role": "user", "content": [{"type": "video"}]}])).unwrap_err();
    assert!(
        e.message().starts_with("messages[0].content[0].type"),
        "{e}"
    );
    let e = messages_from_json(&json!({"role": "user"})).unwrap_err();
    assert!(e.message().contains("list"), "{e}");
    let e = messages_from_json(&json!([{"role": "tool", "content": "x"}])).unwrap_err();
    assert!(e.message().contains("tool_call_id"), "{e}");
}

#[test]
fn tools_in_every_shape() {
    let tools = tools_from_json(&json!([
        {"type": "function", "function": {"name": "a", "description": "A", "parameters": {"type": "object"}}},
        {"name": "b", "inputSchema": {"type": "object", "properties": {"x": {"type": "number"}}}},
        {"type": "function", "name": "c", "input_schema": {"type": "object"}}
    ]))
    .unwrap();
    let names: Vec<&str> = tools.iter().map(Tool::name).collect();
    assert_eq!(names, vec!["a", "b", "c"]);
    let map = tools_from_json(
        &json!({"weather": {"description": "w", "parameters": {"type": "object"}}}),
    )
    .unwrap();
    assert_eq!(map[0].name(), "weather");
    assert!(tools_from_json(&json!([{"name": "x", "parameters": "nope"}])).is_err());
    assert!(tools_from_json(&json!("x")).is_err());
}

#[test]
fn tool_choice_shapes() {
    assert_eq!(
        tool_choice_from_json(&json!("auto")).unwrap(),
        ToolChoice::AUTO
    );
    assert_eq!(
        tool_choice_from_json(&json!({"type": "tool", "toolName": "w"})).unwrap(),
        ToolChoice::tool("w")
    );
    assert_eq!(
        tool_choice_from_json(&json!({"type": "function", "function": {"name": "w"}})).unwrap(),
        ToolChoice::tool("w")
    );
    assert!(tool_choice_from_json(&json!("sometimes")).is_err());
}
