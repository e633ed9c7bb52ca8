//! Middleware over real sockets against `ditto-mock-upstream`: aliases from JSON config,
//! cache, fallback, retry, reasoning extraction and telemetry.

mod common;

use common::*;
use ditto_llm::{Ditto, DittoConfig, ErrorKind, TextRequest};
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
