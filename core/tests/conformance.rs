//! Conformance: replay recordings through the real mock upstream over HTTP and compare the
//! normalized outcome with the snapshots every language shares.
//! - our own recordings: `tests/fixtures/openai/<case>/` → `expected.json` beside them;
//! - the AI SDK recordings in `../shared/fixtures/ai-sdk` (listed in
//!   `tests/fixtures/ai-sdk-cases.json`) → `tests/fixtures/ai-sdk-snapshots/<name>.json`.

mod common;

use common::*;
use ditto_llm::{EmbedRequest, TextRequest};
use ditto_mock_upstream::{MockServer, Step};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::collections::BTreeMap;

struct Case {
    name: String,
    fixture: String,
    status: Option<u16>,
    headers: BTreeMap<String, String>,
    request: Value,
    stream: bool,
    embed: Option<Vec<String>>,
    /// The provider to configure when it differs from the model prefix (`azure` for
    /// `azure-responses:`, which derives from it).
    configure: Option<String>,
}

/// The endpoint each provider must have called for `case` (path only; the query and body are
/// covered by `native_http.rs`).
fn expected_path(case: &Case) -> String {
    let model = case.request["model"].as_str().unwrap();
    let (prefix, id) = model.split_once(':').unwrap();
    let enc: String = id
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    match (prefix, case.stream, case.embed.is_some()) {
        ("anthropic", _, _) => "/v1/messages".into(),
        ("google", false, _) => format!("/v1beta/models/{id}:generateContent"),
        ("google", true, _) => format!("/v1beta/models/{id}:streamGenerateContent"),
        ("cohere", _, _) => "/v2/chat".into(),
        ("bedrock", false, _) => format!("/model/{enc}/converse"),
        ("bedrock", true, _) => format!("/model/{enc}/converse-stream"),
        ("openai-responses", _, _) => "/v1/responses".into(),
        ("azure-responses", _, _) => "/openai/responses".into(),
        (_, _, true) => "/v1/embeddings".into(),
        _ => "/v1/chat/completions".into(),
    }
}

async fn run(server: &MockServer, case: &Case) -> Value {
    let outcome = run_case(server, case).await;
    let sent: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.scenario.as_deref() == Some(case.name.as_str()))
        .collect();
    assert!(
        !sent.is_empty(),
        "{}: no request reached the mock",
        case.name
    );
    for r in &sent {
        assert_eq!(r.method, "POST", "{}", case.name);
        assert_eq!(r.path, expected_path(case), "{}", case.name);
        let authed = ["authorization", "x-api-key", "x-goog-api-key", "api-key"]
            .iter()
            .any(|h| r.headers.contains_key(*h));
        assert!(authed, "{}: no credentials sent", case.name);
    }
    outcome
}

async fn run_case(server: &MockServer, case: &Case) -> Value {
    server.push_scenario(
        &case.name,
        vec![Step {
            fixture: Some(case.fixture.clone()),
            status: case.status,
            headers: case.headers.clone(),
            ..Default::default()
        }],
    );
    let model = case.request["model"].as_str().unwrap().to_owned();
    let provider = case
        .configure
        .as_deref()
        .unwrap_or_else(|| model.split(':').next().unwrap());
    let ditto = client(server, &[provider], &[("x-mock-scenario", &case.name)]);
    if let Some(input) = &case.embed {
        let r = ditto
            .embed_many(EmbedRequest::new(model, input.clone()))
            .await;
        return match r {
            Ok(r) => json!({"embeddings": r.embeddings, "usage": r.usage}),
            Err(e) => json!({"error": error_json(&e)}),
        };
    }
    let request: TextRequest = serde_json::from_value(case.request.clone()).unwrap();
    if !case.stream {
        return match ditto.generate_text(request).await {
            Ok(r) => json!({"result": normalize(serde_json::to_value(r).unwrap())}),
            Err(e) => json!({"error": error_json(&e)}),
        };
    }
    let mut events = Vec::new();
    let mut error = None;
    match ditto.stream_text(request).await {
        Ok(mut s) => {
            while let Some(ev) = s.next().await {
                match ev {
                    Ok(ev) => events.push(serde_json::to_value(ev).unwrap()),
                    Err(e) => error = Some(error_json(&e)),
                }
            }
        }
        Err(e) => error = Some(error_json(&e)),
    }
    let mut out = json!({"events": normalize(Value::Array(events))});
    if let Some(e) = error {
        out["error"] = e;
    }
    out
}

/// Run every case folder under `tests/fixtures/<folder>/`; returns how many ran.
async fn own_recordings(server: &MockServer, folder: &str) -> usize {
    let root = repo_root().join("tests/fixtures").join(folder);
    let mut count = 0;
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.join("case.json").exists()) {
        let spec: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let case = Case {
            fixture: format!("{folder}/{name}/{}", spec["fixture"].as_str().unwrap()),
            name: format!("{folder}-{name}"),
            status: spec["status"].as_u64().map(|s| s as u16),
            headers: serde_json::from_value(spec.get("headers").cloned().unwrap_or(json!({})))
                .unwrap(),
            request: spec["request"].clone(),
            stream: spec["stream"].as_bool().unwrap_or(false),
            embed: None,
            configure: spec["configure"].as_str().map(str::to_owned),
        };
        let outcome = run(server, &case).await;
        check_snapshot(&dir.join("expected.json"), &outcome);
        count += 1;
    }
    count
}

#[tokio::test]
async fn own_openai_recordings() {
    let server = mock().await;
    let count = own_recordings(&server, "openai").await;
    assert!(count >= 10, "expected at least 10 cases, ran {count}");
}

/// Our own recordings of the native wire formats: what the AI SDK recordings do not cover
/// (errors, refusals and safety blocks, max-token stops, redacted thinking, cache usage).
#[tokio::test]
async fn own_native_recordings() {
    let server = mock().await;
    for folder in [
        "anthropic",
        "google",
        "cohere",
        "bedrock",
        "openai-responses",
    ] {
        let count = own_recordings(&server, folder).await;
        assert!(
            count >= 2,
            "{folder}: expected at least 2 cases, ran {count}"
        );
    }
}

#[tokio::test]
async fn ai_sdk_recordings() {
    let Some(_) = shared_fixtures() else {
        eprintln!("SKIPPED: ../shared/fixtures/ai-sdk is not present; AI SDK conformance not run");
        return;
    };
    let server = mock().await;
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/fixtures/ai-sdk-cases.json")).unwrap(),
    )
    .unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    for c in cases {
        let case = Case {
            name: c["name"].as_str().unwrap().to_owned(),
            fixture: c["file"].as_str().unwrap().to_owned(),
            status: c["status"].as_u64().map(|s| s as u16),
            headers: BTreeMap::new(),
            request: json!({"model": c["model"], "prompt": "replayed", "max_retries": 0}),
            stream: c["stream"].as_bool().unwrap_or(false),
            embed: c
                .get("embed")
                .map(|v| serde_json::from_value(v.clone()).unwrap()),
            configure: c["configure"].as_str().map(str::to_owned),
        };
        let outcome = run(&server, &case).await;
        let snap = repo_root().join(format!(
            "tests/fixtures/ai-sdk-snapshots/{}.json",
            case.name
        ));
        check_snapshot(&snap, &outcome);
    }
    eprintln!("replayed {} AI SDK recordings", cases.len());
}

#[tokio::test]
async fn ai_sdk_media_recordings() {
    let Some(_) = shared_fixtures() else {
        eprintln!("SKIPPED: ../shared/fixtures/ai-sdk is not present; media conformance not run");
        return;
    };
    let server = mock().await;
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/fixtures/ai-sdk-media-cases.json"))
            .unwrap(),
    )
    .unwrap();
    for c in manifest["cases"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        server.push_scenario(
            name,
            vec![Step {
                fixture: Some(c["file"].as_str().unwrap().to_owned()),
                ..Default::default()
            }],
        );
        let model = c["model"].as_str().unwrap().to_owned();
        let provider = model.split(':').next().unwrap();
        let ditto = client(&server, &[provider], &[("x-mock-scenario", name)]);
        let outcome = match c["kind"].as_str().unwrap() {
            "image" => {
                let mut req = ditto_llm::ImageRequest {
                    model,
                    prompt: "replayed".into(),
                    ..Default::default()
                };
                req.max_retries = Some(0);
                match ditto.generate_image(req).await {
                    Ok(r) => json!({"result": r}),
                    Err(e) => json!({"error": error_json(&e)}),
                }
            }
            "transcription" => {
                let req = ditto_llm::TranscriptionRequest {
                    model,
                    audio: ditto_llm::DataSource::Bytes(bytes::Bytes::from_static(b"RIFF")),
                    media_type: "audio/wav".into(),
                    language: None,
                    prompt: None,
                    provider_options: Default::default(),
                    headers: Default::default(),
                    max_retries: Some(0),
                };
                match ditto.transcribe(req).await {
                    Ok(r) => json!({"result": r}),
                    Err(e) => json!({"error": error_json(&e)}),
                }
            }
            other => panic!("unknown media case kind {other}"),
        };
        check_snapshot(
            &repo_root().join(format!("tests/fixtures/ai-sdk-snapshots/{name}.json")),
            &outcome,
        );
    }
}
