//! The front: connections spread over several request threads, graceful shutdown that lets a
//! stream in flight finish, `server.workers` validation.

use crate::common::*;
use ditto_gateway::config::parse_str;
use futures_util::StreamExt;
use serde_json::Value;
use std::time::Duration;

#[tokio::test]
async fn many_connections_over_three_request_threads() {
    let env = setup(&format!("server: {{ workers: 3 }}\n{MINIMAL}")).await;
    assert_eq!(env.gw.state.workers, 3);
    // One client per connection: 12 connections, 3 requests each, all at once.
    let mut tasks = Vec::new();
    for c in 0..12 {
        let url = env.url("/v1/chat/completions");
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut tokens = 0;
            for i in 0..3 {
                let v: Value = http
                    .post(&url)
                    .bearer_auth(KEY)
                    .json(&chat("gpt-4o-mini", &format!("connection {c} request {i}")))
                    .send()
                    .await
                    .unwrap()
                    .error_for_status()
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                tokens += v["usage"]["total_tokens"].as_u64().unwrap();
            }
            tokens
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    assert_eq!(env.mock.requests().len(), 36);
    assert_eq!(env.spent("team-a").await.0, total);
}

#[tokio::test]
async fn shutdown_lets_a_stream_in_flight_finish_and_stops_accepting() {
    let env = setup(&format!("server: {{ workers: 2 }}\n{MINIMAL}")).await;
    let r = env
        .stream_chat("one two three", ("x-mock-chunk-delay-ms", "150"))
        .await;
    assert_eq!(r.status(), 200);
    let mut s = r.bytes_stream();
    let mut text = String::from_utf8(s.next().await.unwrap().unwrap().to_vec()).unwrap();
    let url = env.url("/health");
    let Env {
        gw,
        http,
        mock: _mock,
    } = env;
    let stopping = tokio::spawn(gw.shutdown());
    while let Some(chunk) = s.next().await {
        text.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
    }
    assert!(text.trim_end().ends_with("data: [DONE]"), "{text}");
    tokio::time::timeout(Duration::from_secs(10), stopping)
        .await
        .expect("shutdown finishes once the stream is done")
        .unwrap();
    assert!(
        http.get(url).send().await.is_err(),
        "no new connections after shutdown"
    );
}

#[test]
fn workers_must_be_between_1_and_1024() {
    let yaml = |workers: &str| {
        format!("server: {{ workers: {workers} }}\n{MINIMAL}")
            .replace("{MOCK}", "http://127.0.0.1:9/v1")
    };
    for bad in ["0", "1025"] {
        let e = parse_str(&yaml(bad), false, &env_map()).unwrap_err().0;
        assert!(e.contains("server.workers"), "{e}");
    }
    assert!(parse_str(&yaml("8"), false, &env_map()).is_ok());
}

/// A client that never finishes its request head is disconnected after
/// `server.header_read_timeout_ms`; a normal client on another connection is unaffected.
#[tokio::test]
async fn slow_request_heads_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let env = setup(&format!(
        "server: {{ header_read_timeout_ms: 300 }}\n{MINIMAL}"
    ))
    .await;
    let mut slow = tokio::net::TcpStream::connect(env.gw.addr).await.unwrap();
    slow.write_all(b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection was not closed");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "closed after {waited:?}"
    );
    let r = env
        .post("/v1/chat/completions", KEY, &chat("gpt-4o-mini", "hi"))
        .await;
    assert_eq!(r.status(), 200);
    assert!(env.mock.requests().len() == 1);
}

/// `server::app` (for embedding in another axum application) serves the same endpoints,
/// observed: request ids in and out, the OpenAI surface through its fallback.
#[tokio::test]
async fn the_embeddable_router_serves_and_observes() {
    use axum::body::Body;
    use tower_service::Service;
    let env = setup(MINIMAL).await;
    let mut app = ditto_gateway::server::app(env.gw.state.clone());
    let health = app
        .call(
            axum::http::Request::get("/health")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .starts_with("req_"));
    let body = serde_json::to_vec(&chat("gpt-4o-mini", "embedded")).unwrap();
    let chat = app
        .call(
            axum::http::Request::post("/v1/chat/completions")
                .header("authorization", format!("Bearer {KEY}"))
                .header("content-type", "application/json")
                .header("x-request-id", "embedded-1")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(chat.status(), 200);
    assert_eq!(chat.headers()["x-request-id"], "embedded-1");
    let bytes = axum::body::to_bytes(chat.into_body(), 1 << 20)
        .await
        .unwrap();
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(v["usage"]["total_tokens"].as_u64().unwrap() > 0);
    assert_eq!(env.mock.requests().len(), 1);
}

/// Bytes that are not HTTP get hyper's 400 and a closed connection; a body shorter than its
/// `content-length` whose client gives up reaches no upstream and leaves no reservation.
#[tokio::test]
async fn malformed_http_and_cut_bodies_are_refused() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let env = setup(MINIMAL).await;
    let mut garbage = tokio::net::TcpStream::connect(env.gw.addr).await.unwrap();
    garbage.write_all(b"NOT HTTP AT ALL\r\n\r\n").await.unwrap();
    let mut reply = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), garbage.read_to_end(&mut reply))
        .await
        .expect("the connection is closed")
        .unwrap();
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");

    let mut cut = tokio::net::TcpStream::connect(env.gw.addr).await.unwrap();
    cut.write_all(
        format!(
            "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {KEY}\r\n\
             content-type: application/json\r\ncontent-length: 500\r\n\r\n{{\"model\":"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    drop(cut);
    // The gateway still serves, nothing went upstream, nothing is held.
    let r = env
        .post("/v1/chat/completions", KEY, &chat("gpt-4o-mini", "after"))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(env.mock.requests().len(), 1);
    assert!(
        eventually(Duration::from_secs(3), || env
            .gw
            .state
            .control
            .reservations_in_flight()
            == 0)
        .await
    );
}
