//! Bad input on purpose: each failure gets the right error kind, no hang, no panic, and nothing
//! is leaked. Everything goes over real sockets to `ditto-mock-upstream`.

mod common;

use common::*;
use ditto_llm::http::{HttpConfig, RetryPolicy};
use ditto_llm::{Ditto, ErrorKind, StreamEvent, TextRequest};
use ditto_mock_upstream::Step;
use futures_util::StreamExt;
use std::time::{Duration, Instant};

fn fast_http(timeout_ms: u64, retries: u32) -> HttpConfig {
    let t = Duration::from_millis(timeout_ms);
    HttpConfig {
        connect_timeout: t,
        first_byte_timeout: t,
        idle_timeout: t,
        total_timeout: Some(Duration::from_secs(10)),
        max_response_bytes: 1024 * 1024,
        retry: RetryPolicy {
            max_retries: retries,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(20),
            max_retry_after: Duration::from_secs(5),
        },
    }
}

fn scenario_client(server: &ditto_mock_upstream::MockServer, key: &str, http: HttpConfig) -> Ditto {
    client_with(server, &["openai"], &[("x-mock-scenario", key)], |b| {
        b.http_config(http)
    })
}

/// Drain a stream: the events before the failure, and the failure.
async fn drain(ditto: &Ditto, prompt: &str) -> (Vec<StreamEvent>, Option<ditto_llm::Error>) {
    let mut s = match ditto
        .stream_text(TextRequest::new("openai:gpt-4o-mini").prompt(prompt))
        .await
    {
        Ok(s) => s,
        Err(e) => return (Vec::new(), Some(e)),
    };
    let mut events = Vec::new();
    while let Some(ev) = s.next().await {
        match ev {
            Ok(ev) => events.push(ev),
            Err(e) => {
                assert!(s.next().await.is_none(), "a stream ends after its error");
                return (events, Some(e));
            }
        }
    }
    (events, None)
}

#[tokio::test]
async fn truncated_stream_is_a_stream_error() {
    let server = mock().await;
    server.push_scenario(
        "t",
        vec![Step {
            truncate_after_chunks: Some(3),
            ..Default::default()
        }],
    );
    let (events, err) = drain(
        &scenario_client(&server, "t", fast_http(5000, 0)),
        "a b c d e f",
    )
    .await;
    assert_eq!(err.expect("fails").kind(), ErrorKind::Stream);
    assert!(
        events.iter().any(|e| e.type_name() == "text-delta"),
        "events before the cut arrive"
    );
    assert!(!events.iter().any(|e| e.type_name() == "finish"));
}

#[tokio::test]
async fn garbage_in_a_stream_is_a_stream_error() {
    let server = mock().await;
    let ok = r#"{"id":"x","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#;
    server.push_scenario(
        "g",
        vec![Step {
            sse: Some(vec![ok.into(), "\u{1}\u{fffd}not json{".into()]),
            ..Default::default()
        }],
    );
    server.push_scenario(
        "raw",
        vec![Step {
            body: Some(serde_json::Value::String(
                "\u{0}\u{1}binary garbage without framing".into(),
            )),
            ..Default::default()
        }],
    );
    let (events, err) = drain(&scenario_client(&server, "g", fast_http(5000, 0)), "x").await;
    let err = err.expect("fails");
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert!(err.message().contains("not JSON"), "{err}");
    assert!(events
        .iter()
        .any(|e| matches!(e, StreamEvent::TextDelta { text, .. } if text == "Hi")));
    let (_, err) = drain(&scenario_client(&server, "raw", fast_http(5000, 0)), "x").await;
    assert_eq!(err.expect("fails").kind(), ErrorKind::Stream);
}

#[tokio::test]
async fn oversize_sse_event_is_a_stream_error_not_a_memory_blowup() {
    let server = mock().await;
    let huge = format!(
        r#"{{"choices":[{{"index":0,"delta":{{"content":"{}"}}}}]}}"#,
        "x".repeat(3 * 1024 * 1024)
    );
    server.push_scenario(
        "big",
        vec![Step {
            sse: Some(vec![huge]),
            ..Default::default()
        }],
    );
    let (_, err) = drain(&scenario_client(&server, "big", fast_http(5000, 0)), "x").await;
    let err = err.expect("fails");
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert!(
        err.message().contains("limit") || err.message().contains("exceeds"),
        "{err}"
    );
}

#[tokio::test]
async fn reset_mid_stream_is_a_connection_error() {
    let server = mock().await;
    server.push_scenario(
        "r",
        vec![Step {
            reset_after_chunks: Some(2),
            ..Default::default()
        }],
    );
    let (events, err) = drain(
        &scenario_client(&server, "r", fast_http(5000, 0)),
        "a b c d e f",
    )
    .await;
    assert_eq!(err.expect("fails").kind(), ErrorKind::Connection);
    assert!(events.iter().any(|e| e.type_name() == "text-delta"));
    assert_eq!(server.stats().streams_reset, 1);
}

#[tokio::test]
async fn rate_limit_then_success_waits_for_retry_after() {
    let server = mock().await;
    server.push_scenario(
        "429",
        vec![Step {
            status: Some(429),
            retry_after_ms: Some(300),
            ..Default::default()
        }],
    );
    let ditto = scenario_client(&server, "429", fast_http(5000, 2));
    let started = Instant::now();
    let r = ditto
        .generate_text(TextRequest::new("openai:gpt-4o-mini").prompt("hi"))
        .await
        .unwrap();
    assert_eq!(r.text, "echo: hi");
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "the retry honoured retry-after-ms"
    );
    assert_eq!(server.requests().len(), 2);

    // Seconds form, and the same for a stream's opening request.
    server.push_scenario(
        "429",
        vec![Step {
            status: Some(429),
            retry_after: Some("1".into()),
            ..Default::default()
        }],
    );
    let started = Instant::now();
    let (events, err) = drain(&ditto, "again").await;
    assert!(err.is_none(), "{err:?}");
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(events.last().unwrap().type_name(), "finish");
}

#[tokio::test]
async fn rate_limit_without_retries_reports_retry_after() {
    let server = mock().await;
    server.push_scenario(
        "429",
        vec![Step {
            status: Some(429),
            retry_after: Some("7".into()),
            ..Default::default()
        }],
    );
    let e = scenario_client(&server, "429", fast_http(5000, 0))
        .generate_text(TextRequest::new("openai:gpt-4o-mini").prompt("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(e.status(), Some(429));
}

#[tokio::test]
async fn unauthorized_is_not_retried_and_leaks_no_key() {
    let server = mock().await;
    server.push_scenario(
        "401",
        vec![Step {
            status: Some(401),
            ..Default::default()
        }],
    );
    let ditto = scenario_client(&server, "401", fast_http(5000, 2));
    let e = ditto
        .generate_text(TextRequest::new("openai:gpt-4o-mini").prompt("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(server.requests().len(), 1, "401 is final");
    for text in [format!("{e}"), format!("{e:?}"), format!("{ditto:?}")] {
        assert!(!text.contains("sk-test-secret"), "secret leaked: {text}");
    }
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let server = mock().await;
    let fail = Step {
        status: Some(503),
        ..Default::default()
    };
    server.push_scenario("5xx", vec![fail.clone(), fail.clone(), fail]);
    let e = scenario_client(&server, "5xx", fast_http(5000, 2))
        .generate_text(TextRequest::new("openai:gpt-4o-mini").prompt("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Provider);
    assert_eq!(e.status(), Some(503));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn slow_first_byte_times_out() {
    let server = mock().await;
    server.push_scenario(
        "slow",
        vec![Step {
            latency_ms: Some(3000),
            ..Default::default()
        }],
    );
    let started = Instant::now();
    let e = scenario_client(&server, "slow", fast_http(200, 0))
        .generate_text(TextRequest::new("openai:gpt-4o-mini").prompt("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "did not wait for the upstream"
    );
}

#[tokio::test]
async fn stalled_stream_hits_the_idle_timeout() {
    let server = mock().await;
    server.push_scenario(
        "stall",
        vec![Step {
            chunk_delay_ms: Some(3000),
            ..Default::default()
        }],
    );
    let (_, err) = drain(
        &scenario_client(&server, "stall", fast_http(300, 0)),
        "a b c",
    )
    .await;
    assert_eq!(err.expect("fails").kind(), ErrorKind::Timeout);
}

#[tokio::test]
async fn dropping_a_stream_closes_the_upstream_connection() {
    let server = mock().await;
    server.push_scenario(
        "drop",
        vec![Step {
            chunk_delay_ms: Some(50),
            ..Default::default()
        }],
    );
    let ditto = scenario_client(&server, "drop", fast_http(5000, 0));
    let words = vec!["w"; 200].join(" ");
    let mut s = ditto
        .stream_text(TextRequest::new("openai:gpt-4o-mini").prompt(words))
        .await
        .unwrap();
    for _ in 0..4 {
        s.next().await.unwrap().unwrap();
    }
    drop(s);
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.stats().streams_disconnected == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stats = server.stats();
    assert_eq!(stats.streams_disconnected, 1, "{stats:?}");
    assert_eq!(stats.streams_completed, 0);
}

#[tokio::test]
async fn connection_refused_is_a_connection_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let ditto = Ditto::builder()
        .provider(
            "openai",
            ditto_llm::ProviderConfig::new()
                .base_url(format!("http://127.0.0.1:{port}/v1"))
                .api_key("k"),
        )
        .http_config(fast_http(1000, 1))
        .build()
        .unwrap();
    let e = ditto
        .generate_text(TextRequest::new("openai:gpt-4o-mini").prompt("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection);
}

#[tokio::test]
async fn malformed_and_oversize_json_responses() {
    let server = mock().await;
    server.push_scenario(
        "bad",
        vec![Step {
            body: Some(serde_json::Value::String("{\"choices\": [".into())),
            ..Default::default()
        }],
    );
    let e = scenario_client(&server, "bad", fast_http(5000, 0))
        .generate_text(TextRequest::new("openai:gpt-4o-mini").prompt("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Provider);
    assert!(e.message().contains("invalid JSON"), "{e}");

    let big = serde_json::json!({"choices": [{"index": 0, "message": {"content": "x".repeat(2 * 1024 * 1024)}}]});
    server.push_scenario(
        "huge",
        vec![Step {
            body: Some(big),
            ..Default::default()
        }],
    );
    let e = scenario_client(&server, "huge", fast_http(5000, 0))
        .generate_text(TextRequest::new("openai:gpt-4o-mini").prompt("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Provider);
    assert!(e.message().contains("limit"), "{e}");
}

#[tokio::test]
async fn invalid_requests_fail_before_any_network_call() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let e = ditto
        .generate_text(TextRequest::new("gpt-4o-mini").prompt("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert!(e.message().contains("provider:model"));
    let e = ditto
        .generate_text(TextRequest::new("openai:gpt-4o-mini"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert!(server.requests().is_empty());
}
