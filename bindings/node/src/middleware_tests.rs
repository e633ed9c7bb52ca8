use super::*;
use ditto_llm::middleware::MiddlewareSpec;

#[test]
fn aliases_take_camel_case_specs() {
    let a = alias_config(
        "fast",
        json!({"model": "openai:gpt-4o-mini", "middleware": [
            {"type": "extractReasoning", "tagName": "thinking", "startWithReasoning": true},
            {"type": "cache", "maxEntries": 10, "ttlMs": 1000},
            {"type": "default-settings", "settings": {"maxOutputTokens": 5}}
        ]}),
    )
    .unwrap();
    assert_eq!(a.model, "openai:gpt-4o-mini");
    assert_eq!(a.middleware[0].type_name(), "extract-reasoning");
    assert!(
        matches!(&a.middleware[0], MiddlewareSpec::ExtractReasoning { tag_name, start_with_reasoning: true } if tag_name == "thinking")
    );
    assert_eq!(a.middleware[1].type_name(), "cache");
    match &a.middleware[2] {
        MiddlewareSpec::DefaultSettings { settings } => {
            assert_eq!(settings.max_output_tokens, Some(5))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_aliases_are_config_errors_with_a_path() {
    let err = alias_config(
        "x",
        json!({"model": "m:x", "middleware": [{"type": "teleport"}]}),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ditto_llm::ErrorKind::Config);
    assert!(err.message().starts_with("aliases.x"), "{}", err.message());
    let err = alias_config("x", json!({"middleware": []})).unwrap_err();
    assert!(err.message().contains("model"), "{}", err.message());
}

#[tokio::test]
async fn the_cache_store_goes_through_the_host() {
    let host = HostBridge::from_fn(|req| {
        let v: Value = serde_json::from_str(&req).unwrap();
        match (v["fn"].as_str(), v["args"]["key"].as_str()) {
            (Some("cache-get"), Some("hit")) => Ok(json!({"ok": "{\"v\":1}"}).to_string()),
            (Some("cache-get"), Some("boom")) => Ok(json!({"error": "store down"}).to_string()),
            (Some("cache-get"), _) => Ok(json!({"ok": null}).to_string()),
            (Some("cache-put"), _) => Ok(json!({"ok": null}).to_string()),
            _ => Err("unexpected".into()),
        }
    });
    let store = HostCacheStore::new(host);
    assert_eq!(store.get("hit").await.unwrap(), Some(b"{\"v\":1}".to_vec()));
    assert_eq!(store.get("miss").await.unwrap(), None);
    assert!(store
        .get("boom")
        .await
        .unwrap_err()
        .message()
        .contains("store down"));
    store.put("k", b"{}".to_vec()).await.unwrap();
    assert!(store.put("k", vec![0xff]).await.is_err());
}
