//! Recorded requests, stats, reset, health, lifecycle.

use std::net::SocketAddr;

use ditto_mock_upstream::{MockConfig, MockServer, Stats};
use serde_json::{json, Value};

use crate::common::{chat, client, json_body, post, server};

#[tokio::test]
async fn records_requests_with_lowercase_headers_and_parsed_body() {
    let server = server().await;
    let response = client()
        .post(format!("{}/v1/chat/completions?trace=1", server.base_url()))
        .header("Authorization", "Bearer sk-test")
        .header("X-Custom-Header", "Value")
        .header("x-mock-scenario", "rec")
        .body(chat("hi", false).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // Admin and health calls are not recorded.
    let health = client()
        .get(format!("{}/health", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");

    let recorded = server.requests();
    assert_eq!(recorded.len(), 1);
    let request = &recorded[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(request.query.as_deref(), Some("trace=1"));
    assert_eq!(request.headers["authorization"], "Bearer sk-test");
    assert_eq!(request.headers["x-custom-header"], "Value");
    assert!(request.headers.keys().all(|k| k == &k.to_ascii_lowercase()));
    assert_eq!(request.body["messages"][0]["content"], "hi");
    assert_eq!(request.scenario.as_deref(), Some("rec"));

    let listed: Value = json_body(
        client()
            .get(format!(
                "{}/__mock/requests?scenario=rec",
                server.base_url()
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["headers"]["x-custom-header"], "Value");
    let other: Value = json_body(
        client()
            .get(format!(
                "{}/__mock/requests?scenario=other",
                server.base_url()
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(other, json!([]));

    let cleared = client()
        .delete(format!("{}/__mock/requests", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 204);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn get_and_empty_bodies_record_null() {
    let server = server().await;
    client()
        .get(format!("{}/v1/models", server.base_url()))
        .send()
        .await
        .unwrap();
    let recorded = server.requests();
    assert_eq!(recorded[0].method, "GET");
    assert!(recorded[0].body.is_null());
    server.clear_requests();
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn ring_keeps_newest_requests() {
    let config = MockConfig {
        max_recorded: 3,
        ..MockConfig::default()
    };
    let server = MockServer::start(config).await.unwrap();
    for n in 0..5 {
        post(
            &server,
            "/v1/chat/completions",
            &chat(&format!("n{n}"), false),
            &[],
        )
        .await;
    }
    let texts: Vec<String> = server
        .requests()
        .iter()
        .map(|r| {
            r.body["messages"][0]["content"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(texts, ["n2", "n3", "n4"]);
}

#[tokio::test]
async fn stats_and_reset_routes() {
    let server = server().await;
    post(&server, "/v1/chat/completions", &chat("a", true), &[])
        .await
        .text()
        .await
        .unwrap();
    server.push_scenario("s", vec![Default::default()]);
    let stats_url = format!("{}/__mock/stats", server.base_url());
    let stats: Stats =
        serde_json::from_value(json_body(client().get(&stats_url).send().await.unwrap()).await)
            .unwrap();
    assert_eq!(stats.requests_total, 1);
    assert_eq!(stats.streams_started, 1);

    let reset = client()
        .post(format!("{}/__mock/reset", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 204);
    assert_eq!(server.stats(), Stats::default());
    assert!(server.requests().is_empty());
    let scenarios = json_body(
        client()
            .get(format!("{}/__mock/scenarios", server.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(scenarios, json!({}));
}

#[tokio::test]
async fn urls_loopback_only_and_shutdown() {
    let server = server().await;
    let addr = server.addr();
    assert!(addr.ip().is_loopback());
    assert_eq!(
        server.base_url(),
        format!("http://127.0.0.1:{}", addr.port())
    );
    assert_eq!(
        server.openai_base_url(),
        format!("http://127.0.0.1:{}/v1", addr.port())
    );
    server.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());

    let public: SocketAddr = "0.0.0.0:0".parse().unwrap();
    let refused = MockServer::start_on(public, MockConfig::default()).await;
    assert_eq!(
        refused.unwrap_err().kind(),
        std::io::ErrorKind::InvalidInput
    );
}

#[tokio::test]
async fn drop_stops_the_server() {
    let server = server().await;
    let addr = server.addr();
    drop(server);
    let mut refused = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(refused, "listener still open after drop");
}
