//! Middleware over real sockets against `ditto-mock-upstream`: aliases from JSON config,
//! cache, fallback, retry, reasoning extraction and telemetry.

mod common;

use common::*;
use ditto_llm::{Ditto, DittoConfig, ErrorKind, StreamEvent, TextRequest};
use futures_util::StreamExt;
use serde_json::json;

fn config(server: &ditto_mock_upstream::MockServer, aliases: serde_json::Value) -> DittoConfig {
    serde_json::from_value(json!({
        "from_env": false,
        "max_retries": 0,
        "providers": {"openai": {
            "type": "openai",
            "base_url": server.openai_base_url(),
            "api_key": "sk-test",
        }},
        "aliases": aliases,
    }))
    .unwrap()
}

#[tokio::test]
async fn alias_from_json_config_applies_its_middleware() {
    let server = mock().await;
    let cfg = config(
        &server,
        json!({
            "fast": {"model": "openai:gpt-4o-mini", "middleware": [
                {"type": "default-settings", "settings": {"temperature": 0.25, "max_output_tokens": 64}},
            ]},
            "faster": {"model": "fast"},
        }),
    );
    let ditto = Ditto::from_config(cfg).unwrap();
    assert_eq!(ditto.aliases(), ["fast", "faster"]);
    let r = ditto
        .generate_text(TextRequest::new("faster").prompt("hello"))
        .await
        .unwrap();
    assert_eq!(r.text, "echo: hello");
    let body = &server.requests()[0].body;
    assert_eq!(body["model"], "gpt-4o-mini");
    assert_eq!(body["temperature"], 0.25);
    let m = ditto.language_model("fast").unwrap();
    assert_eq!((m.provider(), m.model_id()), ("openai", "gpt-4o-mini"));
}

#[tokio::test]
async fn alias_errors_name_the_alias() {
    let server = mock().await;
    let cycle = config(&server, json!({"a": {"model": "b"}, "b": {"model": "a"}}));
    let e = Ditto::from_config(cycle).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.message().contains("a -> b -> a"), "{e}");

    let unknown = config(&server, json!({"x": {"model": "nope:m"}}));
    let e = Ditto::from_config(unknown).unwrap_err();
    assert!(e.message().starts_with("aliases.x:"), "{e}");

    let bad = config(
        &server,
        json!({"x": {"model": "openai:m", "middleware": [{"type": "extract-reasoning", "tag_name": ""}]}}),
    );
    let e = Ditto::from_config(bad).unwrap_err();
    assert!(
        e.message().contains("middleware[0] (extract-reasoning)"),
        "{e}"
    );

    let typo: Result<DittoConfig, _> =
        serde_json::from_value(json!({"aliases": {"x": {"model": "openai:m", "layers": []}}}));
    assert!(typo.is_err());
}

fn chunk(content: Option<&str>, finish: Option<&str>) -> String {
    json!({
        "id": "chatcmpl-think", "object": "chat.completion.chunk", "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": content.map_or(json!({}), |c| json!({"content": c})),
                     "finish_reason": finish}],
    })
    .to_string()
}

#[tokio::test]
async fn fallback_from_a_failing_provider_generate_and_stream() {
    let server = mock().await;
    let mut cfg = config(
        &server,
        json!({"safe": {"model": "bad:gpt-4o-mini", "middleware": [
            {"type": "fallback", "models": ["openai:gpt-4o-mini"]},
        ]}}),
    );
    let mut bad = cfg.providers["openai"].clone();
    bad.kind = Some(ditto_llm::ProviderKind::OpenaiCompatible);
    bad.headers.insert("x-mock-status".into(), "503".into());
    cfg.providers.insert("bad".into(), bad);
    let ditto = Ditto::from_config(cfg).unwrap();

    let r = ditto
        .generate_text(TextRequest::new("safe").prompt("hi"))
        .await
        .unwrap();
    assert_eq!(r.text, "echo: hi");
    let text = ditto
        .stream_text(TextRequest::new("safe").prompt("hi"))
        .await
        .unwrap()
        .collect_result()
        .await
        .unwrap()
        .text;
    assert_eq!(text, "echo: hi");
    let reqs = server.requests();
    let failed: Vec<bool> = reqs
        .iter()
        .map(|r| r.headers.contains_key("x-mock-status"))
        .collect();
    assert_eq!(failed, [true, false, true, false]);
}

#[tokio::test]
async fn retry_policy_retries_a_429_after_its_retry_after() {
    let server = mock().await;
    server.push_scenario(
        "limited",
        vec![ditto_mock_upstream::Step {
            status: Some(429),
            retry_after_ms: Some(300),
            ..Default::default()
        }],
    );
    let mut cfg = config(
        &server,
        json!({"patient": {"model": "openai:gpt-4o-mini", "middleware": [
            {"type": "retry", "max_retries": 2, "initial_delay_ms": 1, "max_delay_ms": 5},
        ]}}),
    );
    cfg.providers
        .get_mut("openai")
        .unwrap()
        .headers
        .insert("x-mock-scenario".into(), "limited".into());
    let ditto = Ditto::from_config(cfg).unwrap();
    let t0 = std::time::Instant::now();
    let r = ditto
        .generate_text(TextRequest::new("patient").prompt("hi"))
        .await
        .unwrap();
    assert_eq!(r.text, "echo: hi");
    assert!(t0.elapsed() >= std::time::Duration::from_millis(300));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn extract_reasoning_on_a_stream_with_a_split_tag() {
    let server = mock().await;
    let sse = vec![
        chunk(Some("<th"), None),
        chunk(Some("ink>plan"), None),
        chunk(Some(" it</thi"), None),
        chunk(Some("nk>\n\nDone"), None),
        chunk(Some("."), None),
        chunk(None, Some("stop")),
    ];
    server.push_scenario(
        "think",
        vec![ditto_mock_upstream::Step {
            sse: Some(sse),
            ..Default::default()
        }],
    );
    let mut cfg = config(
        &server,
        json!({"r1": {"model": "openai:gpt-4o-mini", "middleware": [{"type": "extract-reasoning"}]}}),
    );
    cfg.providers
        .get_mut("openai")
        .unwrap()
        .headers
        .insert("x-mock-scenario".into(), "think".into());
    let ditto = Ditto::from_config(cfg).unwrap();
    let events: Vec<StreamEvent> = ditto
        .stream_text(TextRequest::new("r1").prompt("hi"))
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    let compact: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ReasoningDelta { text, .. } => Some(format!("r:{text}")),
            StreamEvent::TextDelta { text, .. } => Some(format!("t:{text}")),
            StreamEvent::ReasoningStart { .. } | StreamEvent::TextStart { .. } => {
                Some(e.type_name().to_owned())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        compact,
        [
            "reasoning-start",
            "r:plan",
            "r: it",
            "text-start",
            "t:Done",
            "t:."
        ]
    );
}
