//! The native providers over real sockets against `ditto-mock-upstream`: echo, streams, the
//! headers each provider needs, error bodies, and multi-turn tool round trips asserted on the
//! request the mock recorded.

mod common;

use common::*;
use ditto_llm::{
    ContentPart, ErrorKind, FinishReason, Message, Role, StreamEvent, TextRequest, Tool,
    ToolResult, ToolResultOutput,
};
use futures_util::StreamExt;
use serde_json::{json, Value};

fn weather() -> Tool {
    Tool::function(
        "get_weather",
        Some("Weather of a city".into()),
        json!({"type": "object", "properties": {"city": {"type": "string"}}}),
    )
}

/// Generate and stream an echo through `model`, then return the recorded requests.
async fn echo_round(model: &str) -> Vec<ditto_mock_upstream::RecordedRequest> {
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
async fn tool_round_trip(model: &str, stream: bool) -> Value {
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

#[tokio::test]
async fn anthropic_echo_headers_and_stream() {
    let reqs = echo_round("anthropic:claude-sonnet-4-5").await;
    let r = &reqs[0];
    assert_eq!(r.path, "/v1/messages");
    assert_eq!(r.headers["x-api-key"], "sk-test-secret");
    assert_eq!(r.headers["anthropic-version"], "2023-06-01");
    assert_eq!(r.headers["x-team"], "blue");
    assert!(!r.headers.contains_key("authorization"));
    assert_eq!(
        r.body["system"],
        json!([{"type": "text", "text": "be nice"}])
    );
    assert_eq!(r.body["max_tokens"], 4096);
    assert_eq!(reqs[1].body["stream"], true);
}

#[tokio::test]
async fn anthropic_tool_round_trip() {
    for stream in [false, true] {
        let body = tool_round_trip("anthropic:claude-sonnet-4-5", stream).await;
        let id = body["__tool_call_id"].as_str().unwrap();
        let msgs = body["messages"].as_array().unwrap();
        assert_eq!(msgs.len(), 3);
        assert_eq!(msgs[1]["role"], "assistant");
        assert_eq!(
            msgs[1]["content"][0],
            json!({"type": "tool_use", "id": id, "name": "get_weather", "input": {"city": "Paris"}})
        );
        assert_eq!(msgs[2]["role"], "user");
        assert_eq!(
            msgs[2]["content"][0],
            json!({"type": "tool_result", "tool_use_id": id, "content": "{\"temp_c\":21}"})
        );
    }
}

#[tokio::test]
async fn anthropic_errors_use_its_body() {
    let server = mock().await;
    let ditto = client(&server, &["anthropic"], &[("x-mock-status", "401")]);
    let e = ditto
        .generate_text(TextRequest::new("anthropic:claude").prompt("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(e.code(), Some("authentication_error"));
    let ditto = client_with(
        &server,
        &["anthropic"],
        &[("x-mock-status", "429"), ("x-mock-retry-after", "0")],
        |b| b.max_retries(0),
    );
    let e = ditto
        .generate_text(TextRequest::new("anthropic:claude").prompt("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.code(), Some("rate_limit_error"));
}

#[tokio::test]
async fn anthropic_reasoning_signature_round_trip() {
    // Turn 1 replays a recorded thinking stream; turn 2 must send the block back signed.
    let server = mock().await;
    let ditto = client(
        &server,
        &["anthropic"],
        &[(
            "x-mock-fixture",
            "anthropic/anthropic-clear-thinking.1.chunks.txt",
        )],
    );
    let r = ditto
        .stream_text(TextRequest::new("anthropic:claude").prompt("925 / 5?"))
        .await
        .unwrap()
        .collect_result()
        .await
        .unwrap();
    let ditto = client(&server, &["anthropic"], &[]);
    let mut history = vec![Message::user("925 / 5?")];
    history.push(Message::with_parts(Role::Assistant, r.content.clone()));
    history.push(Message::user("thanks"));
    ditto
        .generate_text(TextRequest::new("anthropic:claude").messages(history))
        .await
        .unwrap();
    let body = &server.requests()[1].body;
    let thinking = &body["messages"][1]["content"][0];
    assert_eq!(thinking["type"], "thinking");
    assert!(thinking["thinking"]
        .as_str()
        .unwrap()
        .starts_with("The previous result"));
    assert!(thinking["signature"]
        .as_str()
        .unwrap()
        .starts_with("EvQBCkYICxgCKkAxhD4"));
    assert_eq!(body["messages"][1]["content"][1]["text"], "925 ÷ 5 = 185");
}
