//! Scenario queues: order, fallback, merging with headers, admin API.

use ditto_mock_upstream::Step;
use serde_json::json;

use crate::common::{chat, client, json_body, post, server, sse_json};

const CHAT: &str = "/v1/chat/completions";

#[tokio::test]
async fn steps_apply_in_order_then_fall_back() {
    let server = server().await;
    server.push_scenario(
        "flaky",
        vec![
            Step {
                status: Some(500),
                retry_after_ms: Some(10),
                ..Step::default()
            },
            Step {
                sse: Some(vec!["{\"n\":1}".into(), "{\"n\":2}".into()]),
                ..Step::default()
            },
            Step {
                body: Some(json!({"custom": true})),
                headers: [("x-extra".to_owned(), "yes".to_owned())].into(),
                ..Step::default()
            },
        ],
    );
    let key = [("x-mock-scenario", "flaky")];
    let first = post(&server, CHAT, &chat("hi", false), &key).await;
    assert_eq!(first.status(), 500);
    assert_eq!(first.headers()["retry-after-ms"], "10");
    assert_eq!(json_body(first).await["error"]["type"], "server_error");

    let second = post(&server, CHAT, &chat("hi", false), &key).await;
    assert_eq!(second.headers()["content-type"], "text/event-stream");
    let (events, done) = sse_json(&second.text().await.unwrap());
    assert!(done);
    assert_eq!(events, [json!({"n": 1}), json!({"n": 2})]);

    let third = post(&server, CHAT, &chat("hi", false), &key).await;
    assert_eq!(third.headers()["x-extra"], "yes");
    assert_eq!(json_body(third).await, json!({"custom": true}));

    let fourth = post(&server, CHAT, &chat("hi", false), &key).await;
    assert_eq!(fourth.status(), 200);
    assert_eq!(
        json_body(fourth).await["choices"][0]["message"]["content"],
        "echo: hi"
    );

    let recorded = server.requests();
    assert_eq!(recorded.len(), 4);
    assert!(recorded
        .iter()
        .all(|r| r.scenario.as_deref() == Some("flaky")));
}

#[tokio::test]
async fn step_overrides_headers_and_empty_queue_uses_headers() {
    let server = server().await;
    server.push_scenario(
        "k",
        vec![Step {
            status: Some(401),
            ..Step::default()
        }],
    );
    let headers = [
        ("x-mock-scenario", "k"),
        ("x-mock-status", "503"),
        ("x-mock-retry-after", "7"),
    ];
    let first = post(&server, CHAT, &chat("hi", false), &headers).await;
    assert_eq!(first.status(), 401);
    assert_eq!(first.headers()["retry-after"], "7");
    let second = post(&server, CHAT, &chat("hi", false), &headers).await;
    assert_eq!(second.status(), 503);
}

#[tokio::test]
async fn admin_scenario_routes() {
    let server = server().await;
    let http = client();
    let url = format!("{}/__mock/scenarios/admin-key", server.base_url());
    let steps = json!({"steps": [{"status": 429, "retry_after": "1"}, {"status": 502}]});
    let response = http
        .post(&url)
        .body(steps.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(json_body(response).await["queued"], 2);

    let key = [("x-mock-scenario", "admin-key")];
    let first = post(&server, CHAT, &chat("hi", false), &key).await;
    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "1");

    let response = http.delete(&url).send().await.unwrap();
    assert_eq!(response.status(), 204);
    let after = post(&server, CHAT, &chat("hi", false), &key).await;
    assert_eq!(after.status(), 200);

    let bad = http.post(&url).body("{\"steps\": 3}").send().await.unwrap();
    assert_eq!(bad.status(), 400);
    let too_many = json!({"steps": vec![json!({}); 1001]});
    let bad = http
        .post(&url)
        .body(too_many.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}
