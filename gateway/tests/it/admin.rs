//! Admin API, LiteLLM `/key/*`, rate limits, health/ready/metrics.

use crate::common::*;
use serde_json::{json, Value};

fn with_read_only() -> String {
    format!("server: {{ read_only_admin_token: {READ_ONLY} }}\n{MINIMAL}")
}

#[tokio::test]
async fn keys_crud_token_shown_once() {
    let env = setup(&with_read_only()).await;
    let r = env
        .http
        .post(env.url("/admin/keys"))
        .bearer_auth(ADMIN)
        .json(&json!({"id": "svc", "limits": {"rpm": 100}, "budget": {"total_tokens": 1000}, "allowed_models": ["gpt-*"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("sk-ditto-"));
    let listed = env.admin_get("/admin/keys").await;
    assert!(
        !listed.to_string().contains(&token),
        "the token is shown only at creation"
    );
    assert_eq!(
        env.post("/v1/chat/completions", &token, &chat("gpt-4o-mini", "hi"))
            .await
            .status(),
        200
    );
    // Not an allowed model: 403.
    assert_eq!(
        env.post("/v1/chat/completions", &token, &chat("claude-x", "hi"))
            .await
            .status(),
        403
    );
    // Disable → 401.
    let r = env
        .http
        .patch(env.url("/admin/keys/svc"))
        .bearer_auth(ADMIN)
        .json(&json!({"enabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        env.post("/v1/chat/completions", &token, &chat("gpt-4o-mini", "hi"))
            .await
            .status(),
        401
    );
    env.http
        .patch(env.url("/admin/keys/svc"))
        .bearer_auth(ADMIN)
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    // Regenerate: the old token stops working, the new one works.
    let r: Value = env
        .http
        .post(env.url("/admin/keys/svc/regenerate"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new_token = r["token"].as_str().unwrap();
    assert_eq!(
        env.post("/v1/chat/completions", &token, &chat("gpt-4o-mini", "hi"))
            .await
            .status(),
        401
    );
    assert_eq!(
        env.post(
            "/v1/chat/completions",
            new_token,
            &chat("gpt-4o-mini", "hi")
        )
        .await
        .status(),
        200
    );
    let usage = env.admin_get("/admin/usage").await;
    assert!(usage["keys"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["id"] == "svc" && k["requests"] == 2));
    // Read-only token reads, cannot write.
    let r = env
        .http
        .get(env.url("/admin/keys/svc"))
        .bearer_auth(READ_ONLY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = env
        .http
        .delete(env.url("/admin/keys/svc"))
        .bearer_auth(READ_ONLY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // No or wrong admin token; a virtual key is not an admin token.
    assert_eq!(
        env.http
            .get(env.url("/admin/keys"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        env.http
            .get(env.url("/admin/keys"))
            .bearer_auth(KEY)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let r = env
        .http
        .delete(env.url("/admin/keys/svc"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        env.post(
            "/v1/chat/completions",
            new_token,
            &chat("gpt-4o-mini", "hi")
        )
        .await
        .status(),
        401
    );
    let r = env
        .http
        .post(env.url("/admin/keys"))
        .bearer_auth(ADMIN)
        .json(&json!({"budget": {"tokens": 5}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("tokens"));
}

#[tokio::test]
async fn litellm_key_routes() {
    let env = setup(MINIMAL).await;
    let gen = |body: Value| {
        env.http
            .post(env.url("/key/generate"))
            .bearer_auth(ADMIN)
            .json(&body)
            .send()
    };
    let r = gen(json!({"key_alias": "ci", "models": ["gpt-4o-mini"], "rpm_limit": 50, "duration": "1h", "budget_tokens": 500})).await.unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let key = v["key"].as_str().unwrap().to_owned();
    let id = v["token_id"].as_str().unwrap().to_owned();
    assert!(v["expires"].is_string());
    assert_eq!(
        env.post("/v1/chat/completions", &key, &chat("gpt-4o-mini", "hi"))
            .await
            .status(),
        200
    );
    let info: Value = env
        .http
        .get(env.url(&format!("/key/info?key={key}")))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["info"]["key_alias"], "ci");
    assert!(info["info"]["spend_tokens"].as_u64().unwrap() > 0);
    let list: Value = env
        .http
        .get(env.url("/key/list"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list["keys"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k == &json!(id)));
    let r = env
        .http
        .post(env.url("/key/update"))
        .bearer_auth(ADMIN)
        .json(&json!({"key": key, "blocked": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        env.post("/v1/chat/completions", &key, &chat("gpt-4o-mini", "hi"))
            .await
            .status(),
        401
    );
    let r: Value = env
        .http
        .post(env.url("/key/regenerate"))
        .bearer_auth(ADMIN)
        .json(&json!({"key": id}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(r["key"], json!(key));
    let r = env
        .http
        .post(env.url("/key/delete"))
        .bearer_auth(ADMIN)
        .json(&json!({"keys": [id]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = env
        .http
        .get(env.url(&format!("/key/info?key={key}")))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = gen(json!({"max_budget": 10.0})).await.unwrap();
    assert_eq!(r.status(), 400);
    let r = gen(json!({"duration": "soon"})).await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn rpm_limit_gives_429() {
    let env = setup(
        r#"
backends: [{ name: up, base_url: "{MOCK}" }]
virtual_keys:
  - { id: k, token: "${TEAM_A_KEY}", limits: { rpm: 2 } }
router: { default_backends: [{ backend: up }] }
"#,
    )
    .await;
    for _ in 0..2 {
        assert_eq!(
            env.post("/v1/chat/completions", KEY, &chat("gpt-4o-mini", "hi"))
                .await
                .status(),
            200
        );
    }
    let r = env
        .post("/v1/chat/completions", KEY, &chat("gpt-4o-mini", "hi"))
        .await;
    assert_eq!(r.status(), 429);
    assert!(
        r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "rpm_limit_exceeded");
    assert_eq!(env.mock.requests().len(), 2);
}

#[tokio::test]
async fn health_ready_metrics() {
    let env = setup(MINIMAL).await;
    let r = env.http.get(env.url("/health")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("x-request-id"));
    let r: Value = env
        .http
        .get(env.url("/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["status"], "ready");
    env.post("/v1/chat/completions", KEY, &chat("gpt-4o-mini", "hi"))
        .await;
    env.post(
        "/v1/chat/completions",
        "sk-wrong-key",
        &chat("gpt-4o-mini", "hi"),
    )
    .await;
    let m = env
        .http
        .get(env.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(m.contains("ditto_requests_total{route=\"/v1/chat/completions\",status=\"200\",backend=\"primary\"} 1"), "{m}");
    assert!(m.contains("ditto_rejections_total{reason=\"invalid_api_key\"} 1"));
    assert!(m.contains("ditto_tokens_total{backend=\"primary\",kind=\"input\"} 1"));
    assert!(m.contains("ditto_upstream_duration_seconds_count{backend=\"primary\"} 1"));
    assert!(m.contains("# TYPE ditto_in_flight gauge"));
    if let Ok(path) = std::env::var("DITTO_METRICS_DUMP") {
        std::fs::write(path, &m).unwrap();
    }
}
