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
    let ctx = SpecContext { models: &no_models };
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
    let ctx = SpecContext { models: &no_models };
    let spec = MiddlewareSpec::ExtractReasoning {
        tag_name: "<think>".into(),
        start_with_reasoning: false,
    };
    let e = spec.build(&ctx).unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::Config);
    assert!(e.message().contains("tag_name"), "{e}");
}
