use super::*;
use serde_json::json;

fn messages(v: serde_json::Value) -> Vec<UiMessage> {
    serde_json::from_value(v).unwrap()
}

#[test]
fn converts_like_convert_to_model_messages() {
    let ui = messages(json!([
        {"id": "s", "role": "system", "parts": [{"type": "text", "text": "Be "}, {"type": "text", "text": "brief"}]},
        {"id": "u1", "role": "user", "parts": [
            {"type": "text", "text": "Weather?"},
            {"type": "file", "mediaType": "image/png", "url": "https://x/a.png"},
            {"type": "file", "mediaType": "application/pdf", "filename": "a.pdf", "url": "data:application/pdf;base64,AA"}
        ]},
        {"id": "a1", "role": "assistant", "parts": [
            {"type": "step-start"},
            {"type": "reasoning", "text": "need tool", "providerMetadata": {"anthropic": {"signature": "sig"}}},
            {"type": "tool-weather", "toolCallId": "c1", "state": "output-available", "input": {"city": "Paris"}, "output": {"t": 20}},
            {"type": "tool-clock", "toolCallId": "c2", "state": "output-error", "input": {}, "errorText": "broken"},
            {"type": "tool-pending", "toolCallId": "c3", "state": "input-streaming"},
            {"type": "step-start"},
            {"type": "text", "text": "It is 20."},
            {"type": "data-x", "data": 1}
        ]}
    ]));
    let got = ui_messages_to_messages(&ui).unwrap();
    let got = serde_json::to_value(&got).unwrap();
    assert_eq!(
        got,
        json!([
            {"role": "system", "content": [{"type": "text", "text": "Be brief"}]},
            {"role": "user", "content": [
                {"type": "text", "text": "Weather?"},
                {"type": "image", "image": {"url": "https://x/a.png"}, "media_type": "image/png"},
                {"type": "file", "data": {"url": "data:application/pdf;base64,AA"}, "media_type": "application/pdf", "filename": "a.pdf"}
            ]},
            {"role": "assistant", "content": [
                {"type": "reasoning", "text": "need tool", "provider_metadata": {"anthropic": {"signature": "sig"}}},
                {"type": "tool-call", "tool_call_id": "c1", "tool_name": "weather", "input": {"city": "Paris"}},
                {"type": "tool-call", "tool_call_id": "c2", "tool_name": "clock", "input": {}}
            ]},
            {"role": "tool", "content": [
                {"type": "tool-result", "tool_call_id": "c1", "tool_name": "weather", "output": {"type": "json", "value": {"t": 20}}},
                {"type": "tool-result", "tool_call_id": "c2", "tool_name": "clock", "output": {"type": "error-text", "value": "broken"}}
            ]},
            {"role": "assistant", "content": [{"type": "text", "text": "It is 20."}]}
        ])
    );
}

#[test]
fn string_outputs_denials_and_provider_executed_tools() {
    let ui = messages(json!([
        {"id": "a", "role": "assistant", "parts": [
            {"type": "tool-search", "toolCallId": "p1", "state": "output-available", "providerExecuted": true, "input": {"q": "x"}, "output": [1]},
            {"type": "tool-echo", "toolCallId": "c1", "state": "output-available", "input": {}, "output": "plain"},
            {"type": "tool-rm", "toolCallId": "c2", "state": "output-denied", "input": {}, "approval": {"id": "ap", "approved": false, "reason": "no way"}},
            {"type": "tool-wait", "toolCallId": "c3", "state": "input-available", "input": {}}
        ]}
    ]));
    let got = ui_messages_to_messages(&ui).unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].content.len(), 5, "{:?}", got[0]);
    assert!(matches!(&got[0].content[1], ContentPart::ToolResult(r) if r.tool_call_id == "p1"));
    let results: Vec<_> = got[1]
        .content
        .iter()
        .map(|c| match c {
            ContentPart::ToolResult(r) => r.output.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        results,
        vec![
            ToolResultOutput::Text("plain".into()),
            ToolResultOutput::ErrorText("no way".into())
        ]
    );
}

#[test]
fn inconsistent_tool_part_is_invalid_request() {
    let ui = messages(json!([
        {"id": "a9", "role": "assistant", "parts": [
            {"type": "tool-x", "toolCallId": "c1", "state": "output-available", "input": {}}
        ]}
    ]));
    let err = ui_messages_to_messages(&ui).unwrap_err();
    assert_eq!(err.kind(), crate::ErrorKind::InvalidRequest);
    assert!(
        err.message().contains("messages[0]") && err.message().contains("a9"),
        "{err}"
    );
}
