//! Helpers the native-provider HTTP tests share: a weather tool, an echo round and a two-turn
//! tool round trip against the mock upstream.

use super::*;
use ditto_llm::{
    ContentPart, FinishReason, Message, Role, StreamEvent, TextRequest, Tool, ToolResult,
    ToolResultOutput,
};
use futures_util::StreamExt;
use serde_json::{json, Value};

pub fn weather() -> Tool {
    Tool::function(
        "get_weather",
        Some("Weather of a city".into()),
        json!({"type": "object", "properties": {"city": {"type": "string"}}}),
    )
}

/// Generate and stream an echo through `model`, then return the recorded requests.
pub async fn echo_round(model: &str) -> Vec<ditto_mock_upstream::RecordedRequest> {
    let server = mock().await;
    let provider = model.split(':').next().unwrap();
    let ditto = client(&server, &[provider], &[("x-team", "blue")]);
    let r = ditto
        .generate_text(
            TextRequest::new(model)
                .system("be nice")
                .prompt("hello there"),
        )
        .await
        .unwrap();
    assert_eq!(r.text, "echo: hello there", "{model}");
    assert_eq!(r.finish_reason, FinishReason::Stop, "{model}");
    assert!(r.usage.output_tokens.is_some(), "{model}");
    let s = ditto
        .stream_text(TextRequest::new(model).prompt("one two three"))
        .await
        .unwrap();
    let events: Vec<StreamEvent> = s.map(|e| e.unwrap()).collect().await;
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "echo: one two three", "{model}");
    let Some(StreamEvent::Finish {
        finish_reason,
        total_usage,
        ..
    }) = events.last()
    else {
        panic!("{model}: no finish")
    };
    assert_eq!(*finish_reason, FinishReason::Stop, "{model}");
    assert!(total_usage.output_tokens.is_some(), "{model}");
    server.requests()
}

/// Turn 1 asks for a tool call; turn 2 sends the call and its result back. Returns the
/// recorded body of turn 2.
pub async fn tool_round_trip(model: &str, stream: bool) -> Value {
    let server = mock().await;
    let provider = model.split(':').next().unwrap();
    let ditto = client(&server, &[provider], &[]);
    let ask = Message::user("please call:get_weather {\"city\":\"Paris\"}");
    let req = TextRequest::new(model)
        .messages(vec![ask.clone()])
        .tools(vec![weather()]);
    let calls = if stream {
        let r = ditto
            .stream_text(req)
            .await
            .unwrap()
            .collect_result()
            .await
            .unwrap();
        assert_eq!(r.finish_reason, FinishReason::ToolCalls, "{model}");
        r.tool_calls
    } else {
        let r = ditto.generate_text(req).await.unwrap();
        assert_eq!(r.finish_reason, FinishReason::ToolCalls, "{model}");
        r.tool_calls
    };
    assert_eq!(calls.len(), 1, "{model}");
    assert_eq!(calls[0].tool_name, "get_weather");
    assert_eq!(calls[0].input, json!({"city": "Paris"}), "{model}");
    let call = calls[0].clone();
    let history = vec![
        ask,
        Message::with_parts(Role::Assistant, vec![ContentPart::ToolCall(call.clone())]),
        Message::with_parts(
            Role::Tool,
            vec![ContentPart::ToolResult(ToolResult {
                tool_call_id: call.tool_call_id.clone(),
                tool_name: call.tool_name.clone(),
                output: ToolResultOutput::Json(json!({"temp_c": 21})),
                provider_options: Default::default(),
            })],
        ),
    ];
    let r = ditto
        .generate_text(
            TextRequest::new(model)
                .messages(history)
                .tools(vec![weather()]),
        )
        .await
        .unwrap();
    assert_eq!(r.finish_reason, FinishReason::Stop, "{model}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let mut body = reqs[1].body.clone();
    body["__tool_call_id"] = call.tool_call_id.into();
    body
}
