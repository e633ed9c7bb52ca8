use super::*;
use serde_json::json;

#[test]
fn chat_request_parses_use_chat_body_and_keeps_extra_fields() {
    let body = json!({
        "id": "chat-1",
        "trigger": "submit-message",
        "model": "mock:echo",
        "temperature": 0.2,
        "messages": [
            {"id": "u1", "role": "user", "parts": [
                {"type": "text", "text": "Hi", "state": "done"},
                {"type": "file", "mediaType": "image/png", "url": "data:image/png;base64,AA"}
            ]},
            {"id": "a1", "role": "assistant", "metadata": {"x": 1}, "parts": [
                {"type": "step-start"},
                {"type": "reasoning", "text": "hm", "providerMetadata": {"anthropic": {"signature": "s"}}},
                {"type": "tool-weather", "toolCallId": "c1", "state": "output-available",
                 "input": {"city": "Paris"}, "output": {"t": 20}},
                {"type": "dynamic-tool", "toolName": "lookup", "toolCallId": "c2",
                 "state": "output-error", "input": {}, "errorText": "nope"},
                {"type": "source-url", "sourceId": "s", "url": "https://x"},
                {"type": "data-progress", "data": {"p": 1}}
            ]}
        ]
    });
    let req: UiChatRequest = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(req.model.as_deref(), Some("mock:echo"));
    assert_eq!(req.trigger.as_deref(), Some("submit-message"));
    assert_eq!(req.extra["temperature"], json!(0.2));
    let parts = &req.messages[1].parts;
    assert_eq!(parts[0], UiPart::StepStart);
    match &parts[2] {
        UiPart::Tool(t) => {
            assert_eq!(t.tool_name, "weather");
            assert!(!t.dynamic);
            assert_eq!(t.state, UiToolState::OutputAvailable);
        }
        other => panic!("{other:?}"),
    }
    match &parts[3] {
        UiPart::Tool(t) => {
            assert_eq!(t.tool_name, "lookup");
            assert!(t.dynamic);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&parts[4], UiPart::Other(v) if v["type"] == "source-url"));

    // Serializing gives the AI SDK shapes back.
    let again = serde_json::to_value(&req.messages[1]).unwrap();
    assert_eq!(again["parts"][2]["type"], "tool-weather");
    assert_eq!(again["parts"][2]["toolCallId"], "c1");
    assert_eq!(again["parts"][3]["type"], "dynamic-tool");
    assert_eq!(again["parts"][3]["toolName"], "lookup");
    assert_eq!(
        again["parts"][1]["providerMetadata"]["anthropic"]["signature"],
        "s"
    );
    let back: UiMessage = serde_json::from_value(again).unwrap();
    assert_eq!(back, req.messages[1]);
}

#[test]
fn bad_parts_give_clear_errors() {
    let err = serde_json::from_value::<UiMessage>(
        json!({"id": "x", "role": "user", "parts": [{"text": "no type"}]}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no string \"type\""), "{err}");
    let err =
        serde_json::from_value::<UiMessage>(json!({"id": "x", "role": "assistant", "parts": [
        {"type": "tool-x", "toolCallId": "c", "state": "sleeping"}]}))
        .unwrap_err();
    assert!(err.to_string().contains("tool-x part"), "{err}");
    let err = serde_json::from_value::<UiMessage>(json!({"id": "x", "role": "tool", "parts": []}))
        .unwrap_err();
    assert!(err.to_string().contains("unknown variant"), "{err}");
}
