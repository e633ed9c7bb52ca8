use super::*;
use serde_json::json;

fn no_models(name: &str) -> Result<Arc<dyn LanguageModel>> {
    Err(Error::config(format!("unknown model {name}")))
}

#[test]
fn specs_parse_from_json_with_defaults() {
    let specs: Vec<MiddlewareSpec> = serde_json::from_value(json!([
        {"type": "default-settings", "settings": {"temperature": 0.5, "max_output_tokens": 10}},
        {"type": "extract-reasoning"},
        {"type": "extract-reasoning", "tag_name": "reason", "start_with_reasoning": true},
        {"type": "simulate-streaming"},
        {"type": "retry"},
        {"type": "telemetry"},
        {"type": "telemetry", "function_id": "f", "record_inputs": true, "record_outputs": true},
        {"type": "cache"},
        {"type": "cache", "max_entries": 100, "max_bytes": 1000, "ttl_ms": 5000, "max_entry_bytes": 10},
        {"type": "retry", "max_retries": 5, "initial_delay_ms": 10, "max_delay_ms": 20, "retry_on": ["rate_limited"]},
    ]))
    .unwrap();
    assert_eq!(
        specs[1],
        MiddlewareSpec::ExtractReasoning {
            tag_name: "think".into(),
            start_with_reasoning: false
        }
    );
    let MiddlewareSpec::DefaultSettings { settings } = &specs[0] else {
        panic!()
    };
    assert_eq!(settings.temperature, Some(0.5));
    let ctx = SpecContext::new(&no_models);
    for s in &specs {
        s.build(&ctx).unwrap();
        let back: MiddlewareSpec =
            serde_json::from_value(serde_json::to_value(s).unwrap()).unwrap();
        assert_eq!(&back, s);
    }
}

#[test]
fn unknown_types_fields_and_bad_values_are_rejected() {
    let bad = [
        json!({"type": "nope"}),
        json!({"type": "extract-reasoning", "tag": "x"}),
    ];
    for v in bad {
        assert!(serde_json::from_value::<MiddlewareSpec>(v).is_err());
    }
    let ctx = SpecContext::new(&no_models);
    let spec = MiddlewareSpec::ExtractReasoning {
        tag_name: "<think>".into(),
        start_with_reasoning: false,
    };
    let e = spec.build(&ctx).unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::Config);
    assert!(e.message().contains("tag_name"), "{e}");
}

#[test]
fn retry_and_fallback_specs() {
    let spec: MiddlewareSpec = serde_json::from_value(json!({"type": "retry"})).unwrap();
    assert_eq!(
        spec,
        MiddlewareSpec::Retry {
            max_retries: 2,
            initial_delay_ms: 500,
            max_delay_ms: 8000,
            retry_on: DEFAULT_FALLBACK_ON.to_vec()
        }
    );
    let spec: MiddlewareSpec = serde_json::from_value(
        json!({"type": "fallback", "models": ["mock:b"], "on": ["timeout"]}),
    )
    .unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let models = |name: &str| -> Result<Arc<dyn LanguageModel>> {
        seen.lock().unwrap().push(name.to_owned());
        Ok(Arc::new(
            crate::providers::mock::MockProvider::new().model("b"),
        ))
    };
    spec.build(&SpecContext::new(&models)).unwrap();
    assert_eq!(*seen.lock().unwrap(), ["mock:b"]);
    let empty = MiddlewareSpec::Fallback {
        models: vec![],
        on: vec![],
    };
    assert!(empty.build(&SpecContext::new(&models)).is_err());
    let bad: Result<MiddlewareSpec, _> =
        serde_json::from_value(json!({"type": "fallback", "models": ["a:b"], "on": ["nope"]}));
    assert!(bad.is_err());
}

#[test]
fn cache_spec_defaults_and_validation() {
    let spec: MiddlewareSpec = serde_json::from_value(json!({"type": "cache"})).unwrap();
    assert_eq!(
        spec,
        MiddlewareSpec::Cache {
            max_entries: 1000,
            max_bytes: 64 << 20,
            ttl_ms: None,
            max_entry_bytes: None
        }
    );
    let zero = MiddlewareSpec::Cache {
        max_entries: 0,
        max_bytes: 1,
        ttl_ms: None,
        max_entry_bytes: None,
    };
    assert!(zero.build(&SpecContext::new(&no_models)).is_err());
}
