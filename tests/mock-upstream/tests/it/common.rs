//! Helpers shared by the integration tests.

use std::time::Duration;

use ditto_mock_upstream::{MockConfig, MockServer, Stats};
use serde_json::{json, Value};

/// A server with the default config.
pub async fn server() -> MockServer {
    MockServer::start(MockConfig::default())
        .await
        .expect("start mock")
}

/// A fresh client (no shared connection pool between tests).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// `POST {base}{path}` with a JSON body and extra headers.
pub async fn post(
    server: &MockServer,
    path: &str,
    body: &Value,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = client()
        .post(format!("{}{path}", server.base_url()))
        .header("content-type", "application/json")
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("send")
}

/// A chat request with one user message.
pub fn chat(text: &str, stream: bool) -> Value {
    json!({
        "model": "gpt-4o-mini",
        "stream": stream,
        "messages": [{ "role": "user", "content": text }],
    })
}

/// The body parsed as JSON.
pub async fn json_body(response: reqwest::Response) -> Value {
    let bytes = response.bytes().await.expect("body");
    serde_json::from_slice(&bytes).expect("json body")
}

/// The `data:` payloads of an SSE body, in order.
pub fn sse_payloads(text: &str) -> Vec<String> {
    text.split("\n\n")
        .filter(|event| !event.trim().is_empty())
        .map(|event| {
            event
                .lines()
                .filter_map(|line| line.strip_prefix("data: "))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

/// The JSON events of an SSE body, plus whether it ended with `[DONE]`.
pub fn sse_json(text: &str) -> (Vec<Value>, bool) {
    let payloads = sse_payloads(text);
    let done = payloads.last().map(String::as_str) == Some("[DONE]");
    let events = payloads
        .iter()
        .filter(|p| p.as_str() != "[DONE]")
        .map(|p| serde_json::from_str(p).expect("event json"))
        .collect();
    (events, done)
}

/// Concatenated `delta.content` of chat chunks.
pub fn streamed_text(events: &[Value]) -> String {
    events
        .iter()
        .filter_map(|e| {
            e.pointer("/choices/0/delta/content")
                .and_then(Value::as_str)
        })
        .collect()
}

/// Polls the stats until `check` holds (at most ~10 s), returning the last.
pub async fn wait_for_stats(server: &MockServer, check: impl Fn(&Stats) -> bool) -> Stats {
    let mut stats = server.stats();
    for _ in 0..200 {
        if check(&stats) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        stats = server.stats();
    }
    stats
}
