//! Upstream faults: the right status, no hang, no leaked reservation.

use crate::common::*;
use futures_util::StreamExt;
use serde_json::Value;
use std::time::{Duration, Instant};

const BUDGETED: &str = r#"
backends:
  - name: up
    base_url: {MOCK}
    timeouts: { first_byte_ms: 300, total_ms: 1500 }
  - name: dead
    base_url: http://127.0.0.1:9/v1
    timeouts: { connect_ms: 500 }
  - name: dead-native
    provider: openai-compatible
    base_url: http://127.0.0.1:9/v1
    timeouts: { connect_ms: 500 }
virtual_keys:
  - { id: k, token: "${TEAM_A_KEY}", budget: { total_tokens: 100000 } }
router:
  rules:
    - { model: dead, backends: [{ backend: dead }] }
    - { model: dead-native, backends: [{ backend: dead-native }] }
  default_backends: [{ backend: up }]
"#;

async fn no_leak(env: &Env) {
    let gw = &env.gw;
    assert!(
        eventually(Duration::from_secs(3), || gw
            .state
            .control
            .reservations_in_flight()
            == 0)
        .await
    );
    assert_eq!(env.spent("k").await.1, 0);
}

#[tokio::test]
async fn upstream_500_is_relayed_and_not_charged() {
    let env = setup(BUDGETED).await;
    let r = env
        .http
        .post(env.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .header("x-mock-status", "500")
        .json(&chat("gpt-4o-mini", "boom"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 500);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["type"], "server_error");
    no_leak(&env).await;
    assert_eq!(env.spent("k").await, (0, 0));
}

#[tokio::test]
async fn reset_mid_stream_ends_the_client_stream() {
    let env = setup(BUDGETED).await;
    let start = Instant::now();
    let r = env
        .stream_chat(
            "one two three four five six",
            ("x-mock-reset-after-chunks", "2"),
        )
        .await;
    assert_eq!(r.status(), 200);
    let mut s = r.bytes_stream();
    let mut saw_error = false;
    let mut text = String::new();
    while let Some(item) = s.next().await {
        match item {
            Ok(b) => text.push_str(&String::from_utf8_lossy(&b)),
            Err(_) => {
                saw_error = true;
                break;
            }
        }
    }
    assert!(
        saw_error,
        "the client must see the stream break, got {text}"
    );
    assert!(!text.contains("[DONE]"));
    assert!(start.elapsed() < Duration::from_secs(5));
    no_leak(&env).await;
}

#[tokio::test]
async fn first_byte_timeout_gives_504() {
    let env = setup(BUDGETED).await;
    let start = Instant::now();
    let r = env
        .http
        .post(env.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .header("x-mock-latency-ms", "3000")
        .json(&chat("gpt-4o-mini", "slow"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 504);
    assert!(start.elapsed() < Duration::from_secs(2));
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "timeout");
    no_leak(&env).await;
    assert_eq!(env.spent("k").await, (0, 0));
}

#[tokio::test]
async fn total_timeout_cuts_a_stalled_stream() {
    let env = setup(BUDGETED).await;
    let start = Instant::now();
    let r = env
        .stream_chat("a b c d e f", ("x-mock-chunk-delay-ms", "1000"))
        .await;
    let mut s = r.bytes_stream();
    let mut broke = false;
    while let Some(item) = s.next().await {
        if item.is_err() {
            broke = true;
            break;
        }
    }
    assert!(broke);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(3), "cut after {took:?}");
    no_leak(&env).await;
    let mock = &env.mock;
    assert!(
        eventually(Duration::from_secs(3), || mock.stats().streams_disconnected
            == 1)
        .await
    );
}

#[tokio::test]
async fn unreachable_backends_give_502() {
    let env = setup(BUDGETED).await;
    for model in ["dead", "dead-native"] {
        let start = Instant::now();
        let r = env
            .post("/v1/chat/completions", KEY, &chat(model, "anyone?"))
            .await;
        assert_eq!(r.status(), 502, "{model}");
        assert!(start.elapsed() < Duration::from_secs(3));
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "bad_gateway");
    }
    no_leak(&env).await;
    assert_eq!(env.spent("k").await, (0, 0));
}
