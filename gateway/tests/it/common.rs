//! Shared set-up: a mock upstream, a gateway built from YAML, a client.

use ditto_gateway::config::parse_str;
use ditto_gateway::{Gateway, StartOptions, StoreSpec};
use ditto_mock_upstream::{MockConfig, MockServer};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub const ADMIN: &str = "admin-token-123";
pub const READ_ONLY: &str = "read-only-token-123";
pub const KEY: &str = "sk-team-a-secret";
pub const UPSTREAM_KEY: &str = "sk-upstream-secret";

pub struct Env {
    pub mock: MockServer,
    pub gw: Gateway,
    pub http: reqwest::Client,
}

/// `{MOCK}` in the YAML becomes the mock's OpenAI base URL.
pub async fn setup(yaml: &str) -> Env {
    setup_with_store(yaml, StoreSpec::Memory).await
}

pub fn env_map() -> BTreeMap<String, String> {
    [
        ("UPSTREAM_KEY".to_string(), UPSTREAM_KEY.to_string()),
        ("TEAM_A_KEY".to_string(), KEY.to_string()),
    ]
    .into()
}

pub async fn setup_with_store(yaml: &str, store: StoreSpec) -> Env {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let text = yaml.replace("{MOCK}", &mock.openai_base_url());
    let config = parse_str(&text, false, &env_map()).unwrap();
    let gw = ditto_gateway::start(
        &config,
        StartOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            store,
            admin_token: ADMIN.into(),
        },
    )
    .await
    .unwrap();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    Env { mock, gw, http }
}

/// Backends for the streaming routes (`/v1/ui/chat`, `/v1/ditto/stream`): `primary` (the mock
/// upstream, `smart` → gpt-4o-mini, the default), `flaky` (resets after 3 chunks, model
/// `flaky`), `builtin` (the core mock provider, model `mock`); key `k` with a 100k budget.
pub const STREAM_ROUTES: &str = r#"
backends:
  - name: primary
    base_url: {MOCK}
    headers: { authorization: "Bearer ${UPSTREAM_KEY}" }
    model_map: { smart: gpt-4o-mini }
  - name: flaky
    base_url: {MOCK}
    headers: { authorization: "Bearer ${UPSTREAM_KEY}", x-mock-reset-after-chunks: "3" }
  - name: builtin
    provider: mock
    models: [mock]
virtual_keys:
  - { id: k, token: "${TEAM_A_KEY}", budget: { total_tokens: 100000 } }
router:
  rules:
    - { model: mock, backends: [{ backend: builtin }] }
    - { model: flaky, backends: [{ backend: flaky }] }
  default_backends: [{ backend: primary }]
"#;

/// A single upstream backend and key `k` with a 200-token budget.
pub const BUDGET_200: &str = r#"
backends: [{ name: up, base_url: "{MOCK}" }]
virtual_keys:
  - { id: k, token: "${TEAM_A_KEY}", budget: { total_tokens: 200 } }
router: { default_backends: [{ backend: up }] }
"#;

impl Env {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.gw.url())
    }

    pub async fn post(&self, path: &str, key: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(key)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// A streaming chat completion of `text` (model gpt-4o-mini, key `KEY`) with one `x-mock-*`
    /// header shaping the upstream's stream (delay between chunks, a reset, ...).
    pub async fn stream_chat(&self, text: &str, mock_header: (&str, &str)) -> reqwest::Response {
        let mut body = chat("gpt-4o-mini", text);
        body["stream"] = serde_json::json!(true);
        self.http
            .post(self.url("/v1/chat/completions"))
            .bearer_auth(KEY)
            .header(mock_header.0, mock_header.1)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// `body` (over the 1000-byte limit) to `path` is refused with 413 `request_too_large`, both
    /// with a content-length and chunked; nothing reaches the upstream.
    pub async fn assert_oversize_refused(&self, path: &str, body: &Value) {
        let r = self.post(path, KEY, body).await;
        assert_eq!(r.status(), 413);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "request_too_large", "{v}");
        let bytes = serde_json::to_vec(body).unwrap();
        let chunked = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(bytes)]);
        let r = self
            .http
            .post(self.url(path))
            .bearer_auth(KEY)
            .body(reqwest::Body::wrap_stream(chunked))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 413, "chunked bodies are bounded too");
        assert!(self.mock.requests().is_empty());
    }

    /// POST `body` as-is (e.g. malformed JSON) with `content-type: application/json`.
    pub async fn post_raw(&self, path: &str, key: &str, body: &'static str) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(key)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn admin_get(&self, path: &str) -> Value {
        let r = self
            .http
            .get(self.url(path))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.unwrap()
    }

    /// The key's live budget view from the admin API.
    pub async fn spent(&self, id: &str) -> (u64, u64) {
        let v = self.admin_get(&format!("/admin/keys/{id}")).await;
        (
            v["budget"]["spent_tokens"].as_u64().unwrap(),
            v["budget"]["reserved_tokens"].as_u64().unwrap(),
        )
    }
}

pub fn chat(model: &str, text: &str) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": text}]})
}

/// The minimal config of the issue, verbatim apart from the upstream address.
pub const MINIMAL: &str = r#"
backends:
  - name: primary
    base_url: {MOCK}
    headers: { authorization: "Bearer ${UPSTREAM_KEY}" }
virtual_keys:
  - id: team-a
    token: "${TEAM_A_KEY}"
    limits: { rpm: 600, tpm: 100000 }
    budget: { total_tokens: 50000 }
router:
  default_backends: [{ backend: primary }]
"#;

/// Poll `f` until it is true or `limit` passes.
pub async fn eventually(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if f() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    f()
}

/// Parse an SSE body into its `data:` payloads.
pub fn sse_data(body: &str) -> Vec<String> {
    body.split("\n\n")
        .filter_map(|ev| ev.lines().find_map(|l| l.strip_prefix("data: ")))
        .map(str::to_owned)
        .collect()
}

pub fn temp_db(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("ditto-gw-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("ditto.db").to_string_lossy().into_owned()
}

/// What a JSON streaming route answers before its stream starts: 401 for a wrong key (with the
/// valid body `ok`), 400 `invalid_request_error` for malformed JSON, 400 whose message names
/// `needle` for each `(path, body, needle)`, 405 for a GET of `path`; none of it reached the
/// upstream or left a charge on key `k`.
pub async fn assert_early_errors(env: &Env, path: &str, ok: &Value, bad: Vec<(&str, Value, &str)>) {
    let r = env.post(path, "sk-wrong", ok).await;
    assert_eq!(r.status(), 401);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["message"].is_string());

    let r = env.post_raw(path, KEY, "{not json").await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["type"], "invalid_request_error");

    for (path, body, needle) in bad {
        let r = env.post(path, KEY, &body).await;
        assert_eq!(r.status(), 400, "{body}");
        let v: Value = r.json().await.unwrap();
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(needle), "{body}: {msg}");
    }
    let r = env
        .http
        .get(env.url(path))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert!(env.mock.requests().is_empty());
    assert_eq!(
        env.spent("k").await,
        (0, 0),
        "rejected requests leave no charge"
    );
}
