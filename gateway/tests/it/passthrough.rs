//! Passthrough: the issue's minimal config, header/query injection, model_map, SSE relay,
//! limits and cancellation.

use crate::common::*;
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[tokio::test]
async fn minimal_config_works_as_written() {
    let env = setup(MINIMAL).await;
    let r = env
        .http
        .post(env.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .header("x-request-id", "my-req-1")
        .json(&chat("gpt-4o-mini", "hello gateway"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-request-id"], "my-req-1");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["choices"][0]["message"]["content"], "echo: hello gateway");
    let total = v["usage"]["total_tokens"].as_u64().unwrap();
    let rec = env.mock.requests();
    assert_eq!(rec.len(), 1);
    // The upstream sees the configured key, never the client's.
    assert_eq!(
        rec[0].headers["authorization"],
        format!("Bearer {UPSTREAM_KEY}")
    );
    assert!(rec
        .iter()
        .all(|r| !r.headers.values().any(|v| v.contains(KEY))));
    assert_eq!(rec[0].headers["x-request-id"], "my-req-1");
    // Settled exactly from the reported usage.
    assert_eq!(env.spent("team-a").await, (total, 0));
}

#[tokio::test]
async fn generated_request_id_and_paths_without_v1() {
    let env = setup(MINIMAL).await;
    let r = env
        .post("/chat/completions", KEY, &chat("gpt-4o-mini", "no prefix"))
        .await;
    assert_eq!(r.status(), 200);
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(id.starts_with("req_"));
    let models = env
        .http
        .get(env.url("/models"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(models.status(), 200);
    let v: Value = models.json().await.unwrap();
    assert!(v["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["id"] == "gpt-4o-mini"));
    assert_eq!(env.mock.requests()[1].path, "/v1/models");
}

#[tokio::test]
async fn model_map_headers_and_query_injection() {
    let env = setup(
        r#"
backends:
  - name: up
    base_url: {MOCK}
    headers: { authorization: "Bearer ${UPSTREAM_KEY}", x-team: blue }
    query: { api-version: "2024-10-01" }
    model_map: { fast: gpt-4o-mini }
virtual_keys:
  - { id: k, token: "${TEAM_A_KEY}" }
router:
  rules:
    - model: "fa*"
      backends: [{ backend: up }]
"#,
    )
    .await;
    let r = env
        .post("/v1/chat/completions?trace=1", KEY, &chat("fast", "mapped"))
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["model"], "gpt-4o-mini");
    let rec = &env.mock.requests()[0];
    assert_eq!(rec.body["model"], "gpt-4o-mini");
    assert_eq!(rec.headers["x-team"], "blue");
    let q = rec.query.clone().unwrap();
    assert!(
        q.contains("trace=1") && q.contains("api-version=2024-10-01"),
        "{q}"
    );
    // A model no rule matches and no default: 404.
    let r = env
        .post("/v1/chat/completions", KEY, &chat("other", "x"))
        .await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn stream_usage_is_requested_settled_and_hidden() {
    let env = setup(MINIMAL).await;
    let mut body = chat("gpt-4o-mini", "one two three");
    body["stream"] = json!(true);
    let r = env.post("/v1/chat/completions", KEY, &body).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let text = r.text().await.unwrap();
    let data = sse_data(&text);
    assert_eq!(data.last().unwrap(), "[DONE]");
    assert!(
        !text.contains("\"choices\":[]"),
        "the usage chunk must not reach the client"
    );
    let rec = &env.mock.requests()[0];
    assert_eq!(rec.body["stream_options"]["include_usage"], true);
    // Usage: 3 prompt words, "echo: one two three" = 4 words.
    assert_eq!(env.spent("team-a").await, (7, 0));

    // When the client asks, it gets the usage chunk.
    body["stream_options"] = json!({"include_usage": true});
    let text = env
        .post("/v1/chat/completions", KEY, &body)
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("\"choices\":[]") && text.contains("\"total_tokens\":7"));
    assert_eq!(env.spent("team-a").await, (14, 0));
}

#[tokio::test]
async fn streaming_is_not_buffered() {
    let env = setup(MINIMAL).await;
    let start = Instant::now();
    let r = env
        .stream_chat("slow words here", ("x-mock-chunk-delay-ms", "1000"))
        .await;
    let mut s = r.bytes_stream();
    let first = s.next().await.unwrap().unwrap();
    let first_at = start.elapsed();
    assert!(String::from_utf8_lossy(&first).contains("\"role\":\"assistant\""));
    assert!(
        first_at < Duration::from_millis(700),
        "first chunk after {first_at:?}"
    );
    let second = s.next().await.unwrap().unwrap();
    assert!(!second.is_empty());
    assert!(
        start.elapsed() >= Duration::from_millis(900),
        "the upstream paused 1 s between chunks"
    );
}

#[tokio::test]
async fn body_limit_gives_413() {
    let env = setup(&format!("server: {{ max_body_bytes: 1000 }}\n{MINIMAL}")).await;
    let big = "x".repeat(5000);
    env.assert_oversize_refused("/v1/chat/completions", &chat("gpt-4o-mini", &big))
        .await;
}

#[tokio::test]
async fn backend_max_in_flight_gives_429_with_retry_after() {
    let env = setup(
        r#"
backends:
  - { name: up, base_url: "{MOCK}", max_in_flight: 1 }
virtual_keys:
  - { id: k, token: "${TEAM_A_KEY}" }
router:
  default_backends: [{ backend: up }]
"#,
    )
    .await;
    let slow = env
        .http
        .post(env.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .header("x-mock-latency-ms", "800")
        .json(&chat("gpt-4o-mini", "slow"))
        .send();
    let slow = tokio::spawn(slow);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let r = env
        .post("/v1/chat/completions", KEY, &chat("gpt-4o-mini", "fast"))
        .await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "1");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "backend_overloaded");
    assert_eq!(slow.await.unwrap().unwrap().status(), 200);
    // The permit is back.
    let r = env
        .post("/v1/chat/completions", KEY, &chat("gpt-4o-mini", "again"))
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn global_max_in_flight_gives_429() {
    let env = setup(&format!("server: {{ max_in_flight: 1 }}\n{MINIMAL}")).await;
    let slow = env
        .http
        .post(env.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .header("x-mock-latency-ms", "800")
        .json(&chat("gpt-4o-mini", "slow"))
        .send();
    let slow = tokio::spawn(slow);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let r = env
        .post("/v1/chat/completions", KEY, &chat("gpt-4o-mini", "fast"))
        .await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(slow.await.unwrap().unwrap().status(), 200);
}

#[tokio::test]
async fn client_disconnect_cancels_upstream_and_settles() {
    let env = setup(MINIMAL).await;
    let r = env
        .stream_chat("a b c d e f g h", ("x-mock-chunk-delay-ms", "300"))
        .await;
    let mut s = r.bytes_stream();
    let _ = s.next().await.unwrap().unwrap();
    drop(s);
    let mock = &env.mock;
    assert!(
        eventually(Duration::from_secs(5), || mock.stats().streams_disconnected
            == 1)
        .await,
        "the upstream stream was not closed: {:?}",
        mock.stats()
    );
    let gw = &env.gw;
    assert!(
        eventually(Duration::from_secs(2), || gw
            .state
            .control
            .reservations_in_flight()
            == 0)
        .await
    );
    let (spent, reserved) = env.spent("team-a").await;
    assert_eq!(reserved, 0);
    assert!(spent > 0, "a cancelled stream is charged its estimate");
}

#[tokio::test]
async fn large_non_sse_body_is_relayed() {
    let env = setup(MINIMAL).await;
    let input: Vec<String> = (0..600).map(|i| format!("text number {i}")).collect();
    let r = env
        .post(
            "/v1/embeddings",
            KEY,
            &json!({"model": "text-embedding-3-small", "input": input, "dimensions": 256}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["data"].as_array().unwrap().len(), 600);
    let prompt = v["usage"]["total_tokens"].as_u64().unwrap();
    assert_eq!(env.spent("team-a").await, (prompt, 0));
}

#[tokio::test]
async fn malformed_json_gets_an_openai_error_and_spends_nothing() {
    let env = setup(MINIMAL).await;
    let r = env
        .http
        .post(env.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .header("content-type", "application/json")
        .body("{\"model\": \"gpt-4o-mini\", \"messages\": [")
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    // Rejected with an OpenAI error body; no reservation is left behind and nothing is charged.
    assert_eq!(status, 400, "{v}");
    assert!(v["error"]["message"].is_string(), "{v}");
    assert_eq!(env.spent("team-a").await, (0, 0));
}
