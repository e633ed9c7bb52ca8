//! Fault headers: status, retry-after, latency, pacing, reset, truncate,
//! disconnects and the body limit. Timing checks are lower bounds only.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::{
    chat, client, json_body, post, server, sse_json, sse_payloads, wait_for_stats,
};

const CHAT: &str = "/v1/chat/completions";

#[tokio::test]
async fn status_with_retry_headers_and_realistic_error() {
    let server = server().await;
    let response = post(
        &server,
        CHAT,
        &chat("hi", false),
        &[
            ("x-mock-status", "429"),
            ("x-mock-retry-after", "3"),
            ("x-mock-retry-after-ms", "2500"),
        ],
    )
    .await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "3");
    assert_eq!(response.headers()["retry-after-ms"], "2500");
    let body = json_body(response).await;
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("gpt-4o-mini"));

    for (status, field, expected) in [
        ("401", "code", "invalid_api_key"),
        ("404", "code", "model_not_found"),
        ("400", "type", "invalid_request_error"),
        ("500", "type", "server_error"),
        ("502", "type", "server_error"),
        ("503", "type", "server_error"),
    ] {
        let response = post(
            &server,
            CHAT,
            &chat("hi", false),
            &[("x-mock-status", status)],
        )
        .await;
        assert_eq!(response.status().as_str(), status);
        assert_eq!(
            json_body(response).await["error"][field],
            expected,
            "status {status}"
        );
    }
}

#[tokio::test]
async fn status_with_verbatim_body() {
    let server = server().await;
    let response = post(
        &server,
        CHAT,
        &chat("hi", false),
        &[
            ("x-mock-status", "503"),
            ("x-mock-body", "upstream exploded"),
        ],
    )
    .await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.text().await.unwrap(), "upstream exploded");
}

#[tokio::test]
async fn success_status_overrides_default_reply() {
    let server = server().await;
    let response = post(
        &server,
        CHAT,
        &chat("hi", false),
        &[("x-mock-status", "201")],
    )
    .await;
    assert_eq!(response.status(), 201);
    assert_eq!(
        json_body(response).await["choices"][0]["message"]["content"],
        "echo: hi"
    );
}

#[tokio::test]
async fn bad_fault_header_is_400() {
    let server = server().await;
    let response = post(
        &server,
        CHAT,
        &chat("hi", false),
        &[("x-mock-latency-ms", "soon")],
    )
    .await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        json_body(response).await["error"]["code"],
        "invalid_mock_header"
    );
}

#[tokio::test]
async fn latency_delays_the_response() {
    let server = server().await;
    let started = Instant::now();
    let response = post(
        &server,
        CHAT,
        &chat("hi", false),
        &[("x-mock-latency-ms", "150")],
    )
    .await;
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn first_byte_delay_sends_headers_then_waits() {
    let server = server().await;
    let started = Instant::now();
    let response = post(
        &server,
        CHAT,
        &chat("hi", true),
        &[("x-mock-first-byte-delay-ms", "150")],
    )
    .await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert!(sse_json(&text).1);
}

#[tokio::test]
async fn chunk_delay_spreads_events() {
    let server = server().await;
    // role + 8 words + finish + [DONE] = 11 frames, 10 gaps of 100 ms.
    let request = chat("one two three four five six seven", true);
    let started = Instant::now();
    let mut response = post(&server, CHAT, &request, &[("x-mock-chunk-delay-ms", "100")]).await;
    let first = response.chunk().await.unwrap().expect("first chunk");
    let first = String::from_utf8_lossy(&first).into_owned();
    assert!(first.starts_with("data: "));
    assert!(
        !first.contains("[DONE]"),
        "first read already held the whole stream"
    );
    let mut text = first;
    while let Some(chunk) = response.chunk().await.unwrap() {
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(started.elapsed() >= Duration::from_millis(1000));
    assert_eq!(sse_payloads(&text).len(), 11);
    let stats = wait_for_stats(&server, |s| s.streams_completed == 1).await;
    assert_eq!(stats.streams_completed, 1);
}

#[tokio::test]
async fn reset_aborts_the_body() {
    let server = server().await;
    let mut response = post(
        &server,
        CHAT,
        &chat("a b c d e f", true),
        &[("x-mock-reset-after-chunks", "2")],
    )
    .await;
    assert_eq!(response.status(), 200);
    let mut received = String::new();
    let error = loop {
        match response.chunk().await {
            Ok(Some(chunk)) => received.push_str(&String::from_utf8_lossy(&chunk)),
            Ok(None) => panic!("body ended cleanly after {received:?}"),
            Err(err) => break err,
        }
    };
    assert!(
        error.is_body() || error.is_decode() || error.is_request(),
        "{error:?}"
    );
    assert_eq!(sse_payloads(&received).len(), 2, "{received:?}");
    assert!(!received.contains("[DONE]"));
    let stats = wait_for_stats(&server, |s| s.streams_reset == 1).await;
    assert_eq!(stats.streams_reset, 1);
    assert_eq!(stats.streams_disconnected, 0);
    assert_eq!(stats.streams_completed, 0);
}

#[tokio::test]
async fn truncate_ends_cleanly_without_done() {
    let server = server().await;
    let response = post(
        &server,
        CHAT,
        &chat("a b c d e f", true),
        &[("x-mock-truncate-after-chunks", "3")],
    )
    .await;
    let text = response.text().await.expect("clean end");
    let payloads = sse_payloads(&text);
    assert_eq!(payloads.len(), 3);
    assert!(!text.contains("[DONE]"));
    let stats = wait_for_stats(&server, |s| s.streams_completed == 1).await;
    assert_eq!(stats.streams_completed, 1);
    assert_eq!(stats.streams_reset, 0);
}

#[tokio::test]
async fn client_disconnect_is_counted() {
    let server = server().await;
    let words = vec!["word"; 100].join(" ");
    let mut response = post(
        &server,
        CHAT,
        &chat(&words, true),
        &[("x-mock-chunk-delay-ms", "50")],
    )
    .await;
    let first = response.chunk().await.unwrap();
    assert!(first.is_some());
    drop(response);
    let stats = wait_for_stats(&server, |s| s.streams_disconnected == 1).await;
    assert_eq!(stats.streams_started, 1);
    assert_eq!(stats.streams_disconnected, 1);
    assert_eq!(stats.streams_completed, 0);
}

#[tokio::test]
async fn oversized_body_is_413() {
    let server = server().await;
    let big = "x".repeat(ditto_mock_upstream::MAX_BODY_BYTES + 1);
    let response = client()
        .post(format!("{}/v1/chat/completions", server.base_url()))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(
        json_body(response).await["error"]["code"],
        "request_too_large"
    );
    let recorded = server.requests();
    assert_eq!(recorded.len(), 1);
    assert!(recorded[0].body.is_null());
}

#[tokio::test]
async fn limit_sized_body_is_accepted() {
    let server = server().await;
    let padding = "y".repeat(ditto_mock_upstream::MAX_BODY_BYTES - 200);
    let body =
        json!({"model": "m", "padding": padding, "messages": [{"role": "user", "content": "ok"}]});
    let response = post(&server, CHAT, &body, &[]).await;
    assert_eq!(response.status(), 200);
}
