use super::*;
use serde_json::json;

#[test]
fn keys_become_camel_case() {
    assert_eq!(camel_key("cache_read_tokens"), "cacheReadTokens");
    assert_eq!(camel_key("text"), "text");
    assert_eq!(camel_key("model_id"), "modelId");
    assert_eq!(camel_key("_private"), "private");
}

#[test]
fn structural_keys_are_renamed_but_user_values_are_not() {
    let v = json!({
        "type": "tool-call",
        "tool_call_id": "call_1",
        "tool_name": "get_weather",
        "input": {"city_name": "Paris"},
        "provider_metadata": {"openai": {"logprobs_info": 1}},
        "usage": {"input_tokens": 3, "output_tokens": null},
        "content": [{"type": "text", "text": "hi", "provider_options": {"x_y": 1}}],
    });
    assert_eq!(
        to_camel(v),
        json!({
            "type": "tool-call",
            "toolCallId": "call_1",
            "toolName": "get_weather",
            "input": {"city_name": "Paris"},
            "providerMetadata": {"openai": {"logprobs_info": 1}},
            "usage": {"inputTokens": 3, "outputTokens": null},
            "content": [{"type": "text", "text": "hi", "providerOptions": {"x_y": 1}}],
        })
    );
}

#[test]
fn stream_events_serialize_in_camel_case() {
    let ev = ditto_llm::StreamEvent::ToolInputStart {
        id: "c1".into(),
        tool_name: "t".into(),
        provider_executed: false,
    };
    assert_eq!(
        camel_json(&ev).unwrap(),
        r#"{"id":"c1","toolName":"t","type":"tool-input-start"}"#
    );
}
