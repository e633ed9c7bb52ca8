//! `POST /v1/ui/chat`: useChat requests in, AI SDK UI message streams out, with the same keys,
//! limits and budgets as `/v1/chat/completions`.

use crate::common::*;
use serde_json::{json, Value};

fn user(id: &str, text: &str) -> Value {
    json!({"id": id, "role": "user", "parts": [{"type": "text", "text": text}]})
}

fn ui_body(model: &str, messages: Vec<Value>) -> Value {
    json!({"id": "chat-1", "trigger": "submit-message", "model": model, "messages": messages,
           "someAppField": {"x": 1}})
}

/// The chunks of a UI stream body; asserts it ends with `data: [DONE]`.
fn chunks(body: &str) -> Vec<Value> {
    let data = sse_data(body);
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"), "{body}");
    data[..data.len() - 1]
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect()
}

fn text_of(chunks: &[Value]) -> String {
    chunks
        .iter()
        .filter(|c| c["type"] == "text-delta")
        .map(|c| c["delta"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn ui_chat_streams_ui_chunks_and_settles_the_budget() {
    let env = setup(STREAM_ROUTES).await;
    let r = env
        .post(
            "/v1/ui/chat",
            KEY,
            &ui_body("smart", vec![user("u1", "hello ui")]),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-vercel-ai-ui-message-stream"], "v1");
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let chunks = chunks(&r.text().await.unwrap());
    assert_eq!(chunks[0]["type"], "start");
    assert!(chunks[0]["messageId"].as_str().unwrap().starts_with("msg-"));
    assert_eq!(chunks[1], json!({"type": "start-step"}));
    assert_eq!(text_of(&chunks), "echo: hello ui");
    assert_eq!(chunks[chunks.len() - 2], json!({"type": "finish-step"}));
    assert_eq!(chunks[chunks.len() - 1], json!({"type": "finish"}));

    // Upstream saw the gateway's key and the mapped model, never the client's key.
    let rec = &env.mock.requests()[0];
    assert_eq!(rec.path, "/v1/chat/completions");
    assert_eq!(
        rec.headers["authorization"],
        format!("Bearer {UPSTREAM_KEY}")
    );
    assert!(!format!("{:?}", rec.headers).contains(KEY));
    assert_eq!(rec.body["model"], "gpt-4o-mini");
    assert_eq!(rec.body["messages"][0]["content"], json!("hello ui"));

    // The reservation was settled to the stream's usage.
    let (spent, reserved) = env.spent("k").await;
    assert!(spent > 0);
    assert_eq!(reserved, 0);
}

#[tokio::test]
async fn tool_calls_and_tool_results_cross_both_ways() {
    let env = setup(STREAM_ROUTES).await;
    let prompt = "weather? plan: call:get_weather {\"city\":\"Paris\"} | It is sunny.";
    let r = env
        .post(
            "/v1/ui/chat",
            KEY,
            &ui_body("smart", vec![user("u1", prompt)]),
        )
        .await;
    let chunks = chunks(&r.text().await.unwrap());
    let available = chunks
        .iter()
        .find(|c| c["type"] == "tool-input-available")
        .expect("a tool-input-available chunk");
    assert_eq!(available["toolName"], "get_weather");
    assert_eq!(available["input"], json!({"city": "Paris"}));
    let call_id = available["toolCallId"].as_str().unwrap().to_owned();
    assert!(chunks
        .iter()
        .any(|c| c["type"] == "tool-input-start" && c["toolCallId"] == call_id.as_str()));

    // The client ran the tool; the next turn carries its output as a tool part.
    let assistant = json!({"id": "a1", "role": "assistant", "parts": [
        {"type": "step-start"},
        {"type": "tool-get_weather", "toolCallId": call_id, "state": "output-available",
         "input": {"city": "Paris"}, "output": {"sky": "clear"}}
    ]});
    let r = env
        .post(
            "/v1/ui/chat",
            KEY,
            &ui_body("smart", vec![user("u1", prompt), assistant]),
        )
        .await;
    assert_eq!(text_of(&chunks_of(r).await), "It is sunny.");
    let rec = env.mock.requests();
    let sent = &rec.last().unwrap().body["messages"];
    assert_eq!(sent[1]["role"], "assistant");
    assert_eq!(sent[1]["tool_calls"][0]["function"]["name"], "get_weather");
    assert_eq!(sent[2]["role"], "tool");
    assert_eq!(sent[2]["tool_call_id"], json!(call_id));
}

/// The `messageId` of the `start` chunk `/v1/ui/chat` streams for `body`.
async fn start_message_id(env: &Env, body: &Value) -> String {
    let chunks = chunks_of(env.post("/v1/ui/chat", KEY, body).await).await;
    assert_eq!(chunks[0]["type"], "start", "{chunks:?}");
    chunks[0]["messageId"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_start_chunk_carries_the_message_id_use_chat_keeps() {
    let env = setup(STREAM_ROUTES).await;
    // A new answer: a fresh `msg-…` id each time.
    let fresh = ui_body("mock", vec![user("u1", "hi")]);
    let a = start_message_id(&env, &fresh).await;
    let b = start_message_id(&env, &fresh).await;
    assert!(a.starts_with("msg-") && b.starts_with("msg-"), "{a} {b}");
    assert_ne!(a, b);

    // Regenerate: the id of the message being replaced.
    let mut regenerate = ui_body("mock", vec![user("u1", "hi")]);
    regenerate["trigger"] = json!("regenerate-message");
    regenerate["messageId"] = json!("a7");
    assert_eq!(start_message_id(&env, &regenerate).await, "a7");

    // The last message is the assistant's (after client-side tool results): continue it.
    let assistant = json!({"id": "a1", "role": "assistant", "parts": [
        {"type": "step-start"}, {"type": "text", "text": "let me check", "state": "done"}
    ]});
    let continued = ui_body("mock", vec![user("u1", "hi"), assistant]);
    assert_eq!(start_message_id(&env, &continued).await, "a1");
}

async fn chunks_of(r: reqwest::Response) -> Vec<Value> {
    assert_eq!(r.status(), 200);
    chunks(&r.text().await.unwrap())
}

#[tokio::test]
async fn provider_backends_serve_ui_chat_through_the_core_adapter() {
    let env = setup(STREAM_ROUTES).await;
    let r = env
        .post(
            "/v1/ui/chat",
            KEY,
            &ui_body("mock", vec![user("u1", "native")]),
        )
        .await;
    let chunks = chunks_of(r).await;
    assert_eq!(text_of(&chunks), "echo: native");
    assert!(env.mock.requests().is_empty());
    assert_eq!(env.spent("k").await.1, 0);
}

#[tokio::test]
async fn errors_before_the_stream_are_openai_errors() {
    let env = setup(STREAM_ROUTES).await;
    let path = "/v1/ui/chat";
    let ok = ui_body("smart", vec![user("u1", "hi")]);
    let bad = vec![
        (path, json!({"model": "smart"}), "useChat"),
        (path, json!({"model": "smart", "messages": []}), "empty"),
        (path, json!({"messages": [user("u1", "hi")]}), "model"),
        (
            path,
            json!({"model": "smart", "messages": [{"id": "x", "role": "robot", "parts": []}]}),
            "robot",
        ),
    ];
    assert_early_errors(&env, path, &ok, bad).await;
}

#[tokio::test]
async fn an_upstream_failure_mid_stream_is_an_error_chunk() {
    let env = setup(STREAM_ROUTES).await;
    let r = env
        .post(
            "/v1/ui/chat",
            KEY,
            &ui_body("flaky", vec![user("u1", "one two three four five six")]),
        )
        .await;
    assert_eq!(r.status(), 200);
    let chunks = chunks(&r.text().await.unwrap());
    let last = chunks.last().unwrap();
    assert_eq!(last["type"], "error", "{chunks:?}");
    assert!(last["errorText"].as_str().unwrap().len() > 3);
    assert!(!chunks.iter().any(|c| c["type"] == "finish"));
    assert_eq!(env.spent("k").await.1, 0, "no reservation left behind");
}

#[tokio::test]
async fn an_oversize_body_is_a_413_openai_error_with_no_reservation() {
    let env = setup(&format!(
        "server: {{ max_body_bytes: 1000 }}\n{STREAM_ROUTES}"
    ))
    .await;
    let big = "x".repeat(5000);
    env.assert_oversize_refused("/v1/ui/chat", &ui_body("smart", vec![user("u1", &big)]))
        .await;
    assert_eq!(env.spent("k").await, (0, 0), "nothing spent or reserved");
}
