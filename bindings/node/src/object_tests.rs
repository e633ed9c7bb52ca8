use super::*;
use ditto_llm::Usage;

#[test]
fn options_map_onto_the_object_request() {
    let r = object_request(
        r#"{"model":"openai:gpt-4o-mini","prompt":"a recipe","schema":{"type":"object"},
            "schemaName":"recipe","schemaDescription":"A recipe","mode":"tool","temperature":0,
            "maxObjectBytes":1000,"headers":{"x-a":"1"},"maxRetries":0}"#,
    )
    .unwrap();
    assert_eq!(r.schema, Some(json!({"type": "object"})));
    assert_eq!(r.schema_name.as_deref(), Some("recipe"));
    assert_eq!(r.schema_description.as_deref(), Some("A recipe"));
    assert_eq!((r.output, r.mode), (ObjectOutput::Object, ObjectMode::Tool));
    assert_eq!(r.settings.temperature, Some(0.0));
    assert_eq!(r.max_object_bytes, Some(1000));
    assert_eq!(r.headers["x-a"], "1");
    assert_eq!(r.max_retries, Some(0));
}

#[test]
fn enum_values_imply_enum_output() {
    let r = object_request(r#"{"model":"m:x","prompt":"p","enum":["a","b"]}"#).unwrap();
    assert_eq!(r.output, ObjectOutput::Enum);
    assert_eq!(r.enum_values, ["a", "b"]);
    let r = object_request(r#"{"model":"m:x","prompt":"p","output":"no-schema"}"#).unwrap();
    assert_eq!(r.output, ObjectOutput::NoSchema);
}

#[test]
fn bad_options_name_the_option() {
    for (json, needle) in [
        (r#"{"model":"m:x","schema":"nope"}"#, "schema"),
        (r#"{"model":"m:x","output":"tree"}"#, "output"),
        (r#"{"model":"m:x","mode":"magic"}"#, "mode"),
        (r#"{"model":"m:x","enum":[1]}"#, "enum"),
        (r#"{"model":"m:x","tools":{}}"#, "tools"),
        (
            r#"{"model":"m:x","responseFormat":{"type":"json"}}"#,
            "responseFormat",
        ),
        (
            r#"{"model":"m:x","schemaName":"a","schema_name":"b"}"#,
            "twice",
        ),
        (r#"{"prompt":"p"}"#, "model"),
    ] {
        let err = object_request(json).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{json}");
        assert!(err.message().contains(needle), "{json}: {}", err.message());
    }
}

#[tokio::test]
async fn the_repair_hook_goes_through_the_host() {
    let host = HostBridge::from_fn(|req| {
        let v: Value = serde_json::from_str(&req).unwrap();
        assert_eq!(v["fn"], "repair-text");
        match v["args"]["text"].as_str() {
            Some("fix me") => Ok(json!({"ok": "{}"}).to_string()),
            Some("give up") => Ok(json!({"ok": null}).to_string()),
            _ => Ok(json!({"error": "hook exploded"}).to_string()),
        }
    });
    let repair = HostObjectRepair::new(host);
    let usage = Usage::default();
    let err = Error::no_object_generated("not JSON", "raw", usage, FinishReason::Stop);
    assert_eq!(
        repair.repair("fix me", &err).await.unwrap(),
        Some("{}".into())
    );
    assert_eq!(repair.repair("give up", &err).await.unwrap(), None);
    let failed = repair.repair("boom", &err).await.unwrap_err();
    assert_eq!(failed.kind(), ErrorKind::NoObjectGenerated);
    assert!(failed.message().contains("hook exploded"));
    assert_eq!(failed.no_object_text(), Some("raw"));
}
