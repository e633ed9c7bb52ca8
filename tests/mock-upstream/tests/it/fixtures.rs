//! Fixture replay: AI SDK recordings, raw SSE captures, path safety.

use std::path::PathBuf;

use ditto_mock_upstream::config::ai_sdk_fixtures_path;
use ditto_mock_upstream::{MockConfig, MockServer};
use serde_json::Value;

use crate::common::{chat, json_body, post, sse_json, sse_payloads};

const CHAT: &str = "/v1/chat/completions";

/// A fresh folder under the system temp dir holding `files`.
fn temp_fixtures(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ditto-mock-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, contents) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    dir
}

async fn server_with(dirs: Vec<PathBuf>) -> MockServer {
    let config = MockConfig {
        fixtures_dirs: dirs,
        ..MockConfig::default()
    };
    MockServer::start(config).await.unwrap()
}

#[tokio::test]
async fn replays_ai_sdk_openai_text_chunks() {
    let dir = ai_sdk_fixtures_path();
    let file = dir.join("openai/openai-text.chunks.txt");
    if !file.is_file() {
        eprintln!("skipping: {} does not exist", file.display());
        return;
    }
    let lines: Vec<String> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    let server = server_with(vec![dir]).await;
    let fixture = [("x-mock-fixture", "openai/openai-text.chunks.txt")];
    let response = post(&server, CHAT, &chat("ignored", true), &fixture).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let text = response.text().await.unwrap();
    let payloads = sse_payloads(&text);
    assert_eq!(payloads.len(), lines.len() + 1);
    assert_eq!(payloads[..lines.len()], lines[..]);
    let (events, done) = sse_json(&text);
    assert!(done);
    assert_eq!(events[0]["choices"][0]["delta"]["role"], "assistant");
    assert!(events.last().unwrap()["usage"].is_object());

    let no_done = [
        ("x-mock-fixture", "openai/openai-text.chunks.txt"),
        ("x-mock-done", "false"),
    ];
    let text = post(&server, CHAT, &chat("x", true), &no_done)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(sse_payloads(&text).len(), lines.len());
}

#[tokio::test]
async fn json_fixture_with_status() {
    let dir = temp_fixtures(
        "json",
        &[(
            "p/error.json",
            r#"{"error":{"message":"quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#,
        )],
    );
    let server = server_with(vec![PathBuf::from("/nonexistent-first"), dir]).await;
    let response = post(
        &server,
        CHAT,
        &chat("x", false),
        &[("x-mock-fixture", "p/error.json"), ("x-mock-status", "429")],
    )
    .await;
    assert_eq!(response.status(), 429);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert_eq!(
        json_body(response).await["error"]["code"],
        "insufficient_quota"
    );
}

#[tokio::test]
async fn sse_fixture_is_verbatim_and_split_per_event() {
    let raw = "event: message_start\ndata: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n";
    let dir = temp_fixtures("sse", &[("cap.sse", raw)]);
    let server = server_with(vec![dir]).await;
    let text = post(
        &server,
        CHAT,
        &chat("x", true),
        &[("x-mock-fixture", "cap.sse")],
    )
    .await
    .text()
    .await
    .unwrap();
    assert_eq!(text, raw);
    // Truncation counts events, so it proves the per-event split.
    let cut = [
        ("x-mock-fixture", "cap.sse"),
        ("x-mock-truncate-after-chunks", "1"),
    ];
    let text = post(&server, CHAT, &chat("x", true), &cut)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text, "event: message_start\ndata: {\"a\":1}\n\n");
}

#[tokio::test]
async fn path_traversal_is_rejected() {
    let dir = temp_fixtures("traversal", &[("inner/ok.json", "{}")]);
    let server = server_with(vec![dir.join("inner")]).await;
    for name in ["../inner/ok.json", "a/../../x.json", "/etc/passwd"] {
        let response = post(
            &server,
            CHAT,
            &chat("x", false),
            &[("x-mock-fixture", name)],
        )
        .await;
        assert_eq!(response.status(), 400, "{name}");
        let body: Value = json_body(response).await;
        assert_eq!(body["error"]["code"], "invalid_fixture_path");
    }
    let ok = post(
        &server,
        CHAT,
        &chat("x", false),
        &[("x-mock-fixture", "ok.json")],
    )
    .await;
    assert_eq!(ok.status(), 200);
    let missing = post(
        &server,
        CHAT,
        &chat("x", false),
        &[("x-mock-fixture", "nope.json")],
    )
    .await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        json_body(missing).await["error"]["code"],
        "fixture_not_found"
    );
}
