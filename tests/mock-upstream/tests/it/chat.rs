//! Chat Completions: echo, streaming, usage, tool calls, request errors.

use serde_json::{json, Value};

use crate::common::{chat, json_body, post, server, sse_json, streamed_text};

#[tokio::test]
async fn echo_non_stream() {
    let server = server().await;
    let response = post(
        &server,
        "/v1/chat/completions",
        &chat("hello there", false),
        &[],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body = json_body(response).await;
    assert!(body["id"].as_str().unwrap().starts_with("chatcmpl-mock-"));
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["created"], 1_700_000_000);
    assert_eq!(body["model"], "gpt-4o-mini");
    let choice = &body["choices"][0];
    assert_eq!(choice["message"]["role"], "assistant");
    assert_eq!(choice["message"]["content"], "echo: hello there");
    assert_eq!(choice["finish_reason"], "stop");
    assert_eq!(
        body["usage"],
        json!({"prompt_tokens": 2, "completion_tokens": 3, "total_tokens": 5})
    );
}

#[tokio::test]
async fn echo_joins_text_parts_and_uses_last_user_message() {
    let server = server().await;
    let request = json!({
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "ignored"},
            {"role": "user", "content": [
                {"type": "text", "text": "part one"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA=="}},
                {"type": "text", "text": "part two"},
            ]},
        ],
    });
    // Also served without the /v1 prefix.
    let body = json_body(post(&server, "/chat/completions", &request, &[]).await).await;
    assert_eq!(
        body["choices"][0]["message"]["content"],
        "echo: part one part two"
    );
}

#[tokio::test]
async fn lorem_model_and_missing_user_message_give_pangram() {
    let server = server().await;
    let mut request = chat("anything", false);
    request["model"] = json!("mock-lorem");
    let body = json_body(post(&server, "/v1/chat/completions", &request, &[]).await).await;
    let pangram = body["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(pangram.contains("quick brown fox"));
    let system_only = json!({"model": "m", "messages": [{"role": "system", "content": "hi"}]});
    let body = json_body(post(&server, "/v1/chat/completions", &system_only, &[]).await).await;
    assert_eq!(body["choices"][0]["message"]["content"], pangram.as_str());
}

#[tokio::test]
async fn max_tokens_cuts_with_length() {
    let server = server().await;
    let mut request = chat("one two three four", false);
    request["max_completion_tokens"] = json!(3);
    let body = json_body(post(&server, "/v1/chat/completions", &request, &[]).await).await;
    assert_eq!(body["choices"][0]["message"]["content"], "echo: one two");
    assert_eq!(body["choices"][0]["finish_reason"], "length");
    assert_eq!(body["usage"]["completion_tokens"], 3);

    request["stream"] = json!(true);
    let text = post(&server, "/v1/chat/completions", &request, &[])
        .await
        .text()
        .await
        .unwrap();
    let (events, done) = sse_json(&text);
    assert!(done);
    assert_eq!(streamed_text(&events), "echo: one two");
    assert_eq!(
        events.last().unwrap()["choices"][0]["finish_reason"],
        "length"
    );
}

#[tokio::test]
async fn echo_stream() {
    let server = server().await;
    let response = post(
        &server,
        "/v1/chat/completions",
        &chat("hello big world", true),
        &[],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let text = response.text().await.unwrap();
    let (events, done) = sse_json(&text);
    assert!(done, "stream must end with [DONE]");
    // role, 4 words, finish.
    assert_eq!(events.len(), 6);
    assert!(events
        .iter()
        .all(|e| e["object"] == "chat.completion.chunk"));
    assert_eq!(
        events[0]["choices"][0]["delta"],
        json!({"role": "assistant", "content": "", "refusal": null})
    );
    assert_eq!(events[1]["choices"][0]["delta"]["content"], "echo: ");
    assert_eq!(events[4]["choices"][0]["delta"]["content"], "world");
    assert_eq!(streamed_text(&events), "echo: hello big world");
    assert_eq!(events[5]["choices"][0]["finish_reason"], "stop");
    assert_eq!(events[5]["choices"][0]["delta"], json!({}));
    assert!(events.iter().all(|e| e.get("usage").is_none()));
    let stats = server.stats();
    assert_eq!(stats.streams_started, 1);
}

#[tokio::test]
async fn include_usage_adds_usage_chunk() {
    let server = server().await;
    let mut request = chat("a b", true);
    request["stream_options"] = json!({"include_usage": true});
    let text = post(&server, "/v1/chat/completions", &request, &[])
        .await
        .text()
        .await
        .unwrap();
    let (events, done) = sse_json(&text);
    assert!(done);
    let last = events.last().unwrap();
    assert_eq!(last["choices"], json!([]));
    assert_eq!(
        last["usage"],
        json!({"prompt_tokens": 2, "completion_tokens": 3, "total_tokens": 5})
    );
    let finish = &events[events.len() - 2];
    assert_eq!(finish["choices"][0]["finish_reason"], "stop");
    assert!(finish["usage"].is_null());
}

fn tool_request(stream: bool) -> Value {
    json!({
        "model": "gpt-4o-mini",
        "stream": stream,
        "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}],
        "messages": [{"role": "user", "content": "please call:get_weather {\"city\":\"Paris\"}"}],
    })
}

#[tokio::test]
async fn tool_call_non_stream() {
    let server = server().await;
    let body =
        json_body(post(&server, "/v1/chat/completions", &tool_request(false), &[]).await).await;
    let choice = &body["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls");
    assert!(choice["message"]["content"].is_null());
    let call = &choice["message"]["tool_calls"][0];
    assert_eq!(call["type"], "function");
    assert!(call["id"].as_str().unwrap().starts_with("call_"));
    assert_eq!(call["function"]["name"], "get_weather");
    assert_eq!(call["function"]["arguments"], "{\"city\":\"Paris\"}");
}

#[tokio::test]
async fn tool_call_stream() {
    let server = server().await;
    let text = post(&server, "/v1/chat/completions", &tool_request(true), &[])
        .await
        .text()
        .await
        .unwrap();
    let (events, done) = sse_json(&text);
    assert!(done);
    let deltas: Vec<&Value> = events
        .iter()
        .filter_map(|e| e.pointer("/choices/0/delta/tool_calls/0"))
        .collect();
    assert_eq!(
        deltas[0]["id"].as_str().map(|id| id.starts_with("call_")),
        Some(true)
    );
    assert_eq!(deltas[0]["function"]["name"], "get_weather");
    assert_eq!(deltas[0]["function"]["arguments"], "");
    let pieces: Vec<&str> = deltas[1..]
        .iter()
        .map(|d| d["function"]["arguments"].as_str().unwrap())
        .collect();
    assert!(pieces.len() >= 2);
    assert!(pieces.iter().all(|p| p.len() <= 8));
    assert_eq!(pieces.concat(), "{\"city\":\"Paris\"}");
    assert_eq!(
        events.last().unwrap()["choices"][0]["finish_reason"],
        "tool_calls"
    );
}

#[tokio::test]
async fn tool_trigger_without_tools_is_echoed() {
    let server = server().await;
    let body = json_body(
        post(
            &server,
            "/v1/chat/completions",
            &chat("call:ping", false),
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(body["choices"][0]["message"]["content"], "echo: call:ping");
}

#[tokio::test]
async fn malformed_json_is_400() {
    let server = server().await;
    let response = crate::common::client()
        .post(format!("{}/chat/completions", server.openai_base_url()))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body = json_body(response).await;
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(body["error"]["message"].as_str().unwrap().contains("parse"));
    // The request is still recorded, with the raw text as a string.
    assert_eq!(server.requests()[0].body, json!("{not json"));
}

#[tokio::test]
async fn missing_messages_is_400() {
    let server = server().await;
    let response = post(&server, "/v1/chat/completions", &json!({"model": "m"}), &[]).await;
    assert_eq!(response.status(), 400);
    assert_eq!(json_body(response).await["error"]["param"], "messages");
}

#[tokio::test]
async fn unknown_path_is_404_openai_error() {
    let server = server().await;
    let response = post(&server, "/v1/nope", &json!({}), &[]).await;
    assert_eq!(response.status(), 404);
    let body = json_body(response).await;
    assert_eq!(
        body,
        json!({"error": {
            "message": "Invalid URL (POST /v1/nope)",
            "type": "invalid_request_error",
            "param": null,
            "code": "not_found",
        }})
    );
}
