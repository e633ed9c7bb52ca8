//! Shared helpers for the integration tests: a real mock upstream per test, clients pointed at
//! it, and JSON snapshots shared with the other languages' suites.
#![allow(dead_code)]

pub mod agent;
pub mod native;
pub mod recordings;
pub mod ui_reader;

use ditto_llm::{Ditto, ProviderConfig, ProviderKind};
use ditto_mock_upstream::{MockConfig, MockServer};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `../shared/fixtures/ai-sdk` (or `$DITTO_SHARED_FIXTURES`), when present.
pub fn shared_fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("DITTO_SHARED_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/fixtures/ai-sdk"));
    dir.is_dir().then_some(dir)
}

/// A mock upstream serving our fixtures and the shared recordings.
pub async fn mock() -> MockServer {
    let mut dirs = vec![repo_root().join("tests/fixtures")];
    dirs.extend(shared_fixtures());
    MockServer::start(MockConfig {
        fixtures_dirs: dirs,
        max_recorded: 1000,
    })
    .await
    .expect("mock upstream starts")
}

/// A client whose providers all point at `server`, each sending `headers`.
pub fn client(server: &MockServer, providers: &[&str], headers: &[(&str, &str)]) -> Ditto {
    client_with(server, providers, headers, |b| b)
}

/// Like [`client`], with a hook to adjust the builder.
pub fn client_with(
    server: &MockServer,
    providers: &[&str],
    headers: &[(&str, &str)],
    adjust: impl FnOnce(ditto_llm::DittoBuilder) -> ditto_llm::DittoBuilder,
) -> Ditto {
    let mut b = Ditto::builder();
    for name in providers {
        let mut config = provider_config(server, name);
        for (k, v) in headers {
            config = config.header(*k, *v);
        }
        b = b.provider(*name, config);
    }
    adjust(b).build().expect("client builds")
}

/// The adapter a provider prefix uses in the tests, and its base URL on `server`: OpenAI-style
/// services take `/v1`, native providers the bare origin (as their SDKs do).
pub fn provider_config(server: &MockServer, name: &str) -> ProviderConfig {
    let (kind, base) = match name {
        "openai" => (ProviderKind::Openai, server.openai_base_url()),
        "openai-responses" => (ProviderKind::OpenaiResponses, server.openai_base_url()),
        "anthropic" => (ProviderKind::Anthropic, server.base_url()),
        "google" => (ProviderKind::Google, server.base_url()),
        "cohere" => (ProviderKind::Cohere, server.base_url()),
        "azure" => (ProviderKind::Azure, format!("{}/openai", server.base_url())),
        "bedrock" => {
            let mut c = ProviderConfig::new()
                .kind(ProviderKind::Bedrock)
                .base_url(server.base_url());
            c.region = Some("us-east-1".into());
            c.access_key_id = Some("AKIDEXAMPLE".into());
            c.secret_access_key = Some("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into());
            return c;
        }
        "vertex" => {
            let mut c = ProviderConfig::new()
                .kind(ProviderKind::Vertex)
                .base_url(server.base_url())
                .api_key("ya29.test-token");
            c.project = Some("proj-1".into());
            c.region = Some("us-central1".into());
            return c;
        }
        _ => (ProviderKind::OpenaiCompatible, server.openai_base_url()),
    };
    ProviderConfig::new()
        .kind(kind)
        .base_url(base)
        .api_key("sk-test-secret")
}

/// The part of an error every language compares.
pub fn error_json(e: &ditto_llm::Error) -> Value {
    serde_json::json!({"kind": e.kind(), "status": e.status(), "code": e.code()})
}

/// Drop what legitimately varies between runs and languages (response headers).
pub fn normalize(mut v: Value) -> Value {
    if let Some(obj) = v.pointer_mut("/response").and_then(Value::as_object_mut) {
        obj.remove("headers");
    }
    if let Some(events) = v.as_array_mut() {
        for e in events {
            if let Some(obj) = e.pointer_mut("/response").and_then(Value::as_object_mut) {
                obj.remove("headers");
            }
        }
    }
    v
}

/// Compare `actual` with the JSON snapshot at `path`. `DITTO_UPDATE_SNAPSHOTS=1` rewrites it; a
/// missing snapshot is written outside CI and fails in CI.
pub fn check_snapshot(path: &Path, actual: &Value) {
    let pretty = serde_json::to_string_pretty(actual).unwrap() + "\n";
    let update = std::env::var("DITTO_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1");
    if update || (!path.exists() && std::env::var_os("CI").is_none()) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, pretty).unwrap();
        eprintln!("wrote snapshot {}", path.display());
        return;
    }
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(path)
            .unwrap_or_else(|_| panic!("missing snapshot {}", path.display())),
    )
    .unwrap();
    assert!(
        json_close(actual, &expected),
        "snapshot mismatch for {} (rerun with DITTO_UPDATE_SNAPSHOTS=1 and review the diff)\nactual: {pretty}",
        path.display()
    );
}

/// JSON equality where numbers match within a relative 1e-6 (embeddings are f32; JSON float
/// parsing need not round-trip the last bit).
pub fn json_close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            x == y || (x - y).abs() <= 1e-6 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_close(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_close(v, w)))
        }
        _ => a == b,
    }
}
