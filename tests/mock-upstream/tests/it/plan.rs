//! The multi-step `plan:` replies on Chat Completions and Anthropic Messages.

use serde_json::{json, Value};

use crate::common::{json_body, post, server, sse_json};

const PLAN: &str = "weather? plan: call:get_weather {\"city\":\"Paris\"} & call:get_time {} \
                    | call:get_weather {\"city\":\"Rome\"} | All done here.";

fn chat(messages: Value, stream: bool) -> Value {
    json!({"model": "gpt-4o-mini", "stream": stream, "messages": messages,
           "stream_options": {"include_usage": true}})
}

fn assistant() -> Value {
    json!({"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
           "function": {"name": "get_weather", "arguments": "{}"}}]})
}

#[tokio::test]
async fn chat_completions_follow_the_plan() {
    let server = server().await;
    let user = json!({"role": "user", "content": PLAN});
    let tool = json!({"role": "tool", "tool_call_id": "c1", "content": "{\"celsius\":21}"});

    let step1 = json_body(
        post(
            &server,
            "/v1/chat/completions",
            &chat(json!([user]), false),
            &[],
        )
        .await,
    )
    .await;
    let choice = &step1["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls");
    let calls = choice["message"]["tool_calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0]["function"]["name"], "get_weather");
    assert_eq!(calls[0]["function"]["arguments"], "{\"city\":\"Paris\"}");
    assert_eq!(calls[1]["function"]["name"], "get_time");
    assert_eq!(calls[1]["function"]["arguments"], "{}");
    assert_ne!(calls[0]["id"], calls[1]["id"]);
    // "get_weather" + "{"city":"Paris"}" + "get_time" + "{}"
    assert_eq!(step1["usage"]["completion_tokens"], 4);
    assert_eq!(step1["usage"]["prompt_tokens"], 14);

    let messages = json!([user, assistant(), tool]);
    let step2 =
        json_body(post(&server, "/v1/chat/completions", &chat(messages, false), &[]).await).await;
    let calls = step2["choices"][0]["message"]["tool_calls"]
        .as_array()
        .unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["function"]["arguments"], "{\"city\":\"Rome\"}");

    let messages = json!([user, assistant(), tool, assistant(), tool]);
    let text = post(
        &server,
        "/v1/chat/completions",
        &chat(messages.clone(), true),
        &[],
    )
    .await
    .text()
    .await
    .unwrap();
    let (events, done) = sse_json(&text);
    assert!(done);
    let streamed: String = events
        .iter()
        .filter_map(|e| {
            e.pointer("/choices/0/delta/content")
                .and_then(Value::as_str)
        })
        .collect();
    assert_eq!(streamed, "All done here.");
    let usage = &events.last().unwrap()["usage"];
    assert_eq!(usage["completion_tokens"], 3);

    // Past the end: the last segment again.
    let mut more = messages.as_array().unwrap().clone();
    more.push(json!({"role": "assistant", "content": "All done here."}));
    let step4 = json_body(
        post(
            &server,
            "/v1/chat/completions",
            &chat(json!(more), false),
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(step4["choices"][0]["message"]["content"], "All done here.");
}

#[tokio::test]
async fn parallel_calls_stream_with_their_own_index() {
    let server = server().await;
    let user = json!({"role": "user", "content": PLAN});
    let text = post(
        &server,
        "/v1/chat/completions",
        &chat(json!([user]), true),
        &[],
    )
    .await
    .text()
    .await
    .unwrap();
    let (events, _) = sse_json(&text);
    let starts: Vec<&Value> = events
        .iter()
        .filter_map(|e| e.pointer("/choices/0/delta/tool_calls/0"))
        .filter(|c| c.get("id").is_some())
        .collect();
    assert_eq!(starts.len(), 2);
    assert_eq!(starts[0]["index"], 0);
    assert_eq!(starts[1]["index"], 1);
    assert_eq!(starts[1]["function"]["name"], "get_time");
}

#[tokio::test]
async fn anthropic_messages_follow_the_plan() {
    let server = server().await;
    let user = json!({"role": "user", "content": PLAN});
    let body = json!({"model": "claude", "max_tokens": 100, "messages": [user]});
    let step1 = json_body(post(&server, "/v1/messages", &body, &[]).await).await;
    assert_eq!(step1["stop_reason"], "tool_use");
    assert_eq!(step1["content"][0]["input"], json!({"city": "Paris"}));
    assert_eq!(step1["content"][1]["name"], "get_time");

    let assistant = json!({"role": "assistant", "content": [
        {"type": "tool_use", "id": "t1", "name": "get_weather", "input": {}}]});
    let results = json!({"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "t1", "content": "21"}]});
    let body = json!({"model": "claude", "max_tokens": 100,
        "messages": [user, assistant, results, assistant, results]});
    let step3 = json_body(post(&server, "/v1/messages", &body, &[]).await).await;
    assert_eq!(step3["stop_reason"], "end_turn");
    assert_eq!(step3["content"][0]["text"], "All done here.");
}
