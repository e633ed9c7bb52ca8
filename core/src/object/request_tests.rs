use super::*;
use crate::error::ErrorKind;
use serde_json::json;

fn recipe() -> Value {
    json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]})
}

#[test]
fn json_form_is_flat_and_strict() {
    let r: ObjectRequest = serde_json::from_value(json!({
        "model": "openai:gpt-4o-mini", "prompt": "hi", "schema": {"type": "object"},
        "output": "no-schema", "mode": "tool", "temperature": 0.5, "max_object_bytes": 10
    }))
    .unwrap();
    assert_eq!(r.output, ObjectOutput::NoSchema);
    assert_eq!(r.mode, ObjectMode::Tool);
    assert_eq!(r.settings.temperature, Some(0.5));
    assert_eq!(r.object_byte_limit(), 10);
    let bad = serde_json::from_value::<ObjectRequest>(json!({"model": "m", "shema": {}}));
    assert!(bad.is_err(), "unknown fields are rejected");
    let round = serde_json::to_value(ObjectRequest::new("m").prompt("p")).unwrap();
    assert_eq!(
        round,
        json!({"model": "m", "prompt": "p", "output": "object", "mode": "auto"})
    );
}

#[test]
fn auto_mode_asks_for_the_schema_natively() {
    let plan = ObjectRequest::new("m")
        .prompt("p")
        .schema(recipe())
        .plan()
        .unwrap();
    assert_eq!(
        plan.options.settings.response_format,
        Some(ResponseFormat::JsonSchema {
            schema: recipe(),
            name: None,
            description: None,
            strict: None
        })
    );
    assert!(plan.options.tools.is_empty());
}

#[test]
fn array_and_enum_are_wrapped_and_defs_hoisted() {
    let item = json!({"$defs": {"n": {"type": "integer"}}, "type": "object",
                      "properties": {"n": {"$ref": "#/$defs/n"}}});
    let req = ObjectRequest::new("m")
        .prompt("p")
        .schema(item)
        .output(ObjectOutput::Array);
    let plan = req.plan().unwrap();
    let Some(ResponseFormat::JsonSchema { schema, .. }) = plan.options.settings.response_format
    else {
        panic!()
    };
    assert_eq!(
        schema,
        json!({"type": "object", "$defs": {"n": {"type": "integer"}},
               "properties": {"elements": {"type": "array", "items": {"type": "object", "properties": {"n": {"$ref": "#/$defs/n"}}}}},
               "required": ["elements"], "additionalProperties": false})
    );
    assert!(crate::object::validate(&schema, &json!({"elements": [{"n": 1}]})).is_ok());
    assert!(crate::object::validate(&schema, &json!({"elements": [{"n": "x"}]})).is_err());

    let plan = ObjectRequest::new("m")
        .prompt("p")
        .enum_values(vec!["a".into(), "b".into()])
        .plan()
        .unwrap();
    assert_eq!(
        plan.shape.wire_schema().unwrap(),
        json!({"type": "object", "properties": {"result": {"type": "string", "enum": ["a", "b"]}},
               "required": ["result"], "additionalProperties": false})
    );
}

#[test]
fn json_mode_puts_the_schema_in_the_system_prompt() {
    let plan = ObjectRequest::new("m")
        .prompt("p")
        .system("Be brief.")
        .schema(recipe())
        .mode(ObjectMode::Json)
        .plan()
        .unwrap();
    assert_eq!(
        plan.options.settings.response_format,
        Some(ResponseFormat::Json)
    );
    let system = plan.options.prompt[0].content[0]
        .as_text()
        .unwrap()
        .to_owned();
    assert!(
        system.starts_with("Be brief.\n\nJSON schema:\n{"),
        "{system}"
    );
    assert!(system.ends_with("matches the JSON schema above."));
}

#[test]
fn tool_mode_forces_the_json_tool() {
    let plan = ObjectRequest::new("m")
        .prompt("p")
        .schema(recipe())
        .mode(ObjectMode::Tool)
        .plan()
        .unwrap();
    assert_eq!(plan.options.tools.len(), 1);
    assert_eq!(plan.options.tools[0].name(), "json");
    assert_eq!(plan.options.tool_choice, Some(ToolChoice::tool("json")));
    assert_eq!(plan.options.settings.response_format, None);
}

#[test]
fn bad_requests_are_rejected_clearly() {
    let cases: Vec<(ObjectRequest, &str)> = vec![
        (
            ObjectRequest::new("m").prompt("p"),
            "output `object` needs a `schema`",
        ),
        (
            ObjectRequest::new("m")
                .prompt("p")
                .output(ObjectOutput::Array),
            "output `array` needs a `schema`",
        ),
        (
            ObjectRequest::new("m").prompt("p").enum_values(vec![]),
            "at least one value",
        ),
        (
            ObjectRequest::new("m")
                .prompt("p")
                .schema(json!({}))
                .enum_values(vec!["a".into()]),
            "takes no `schema`",
        ),
        (
            ObjectRequest::new("m")
                .prompt("p")
                .output(ObjectOutput::NoSchema)
                .mode(ObjectMode::Tool),
            "mode `tool` needs a schema",
        ),
        (
            ObjectRequest::new("m").prompt("p").schema(json!("string")),
            "must be a JSON Schema object",
        ),
        (
            ObjectRequest {
                enum_values: vec!["a".into()],
                ..ObjectRequest::new("m").prompt("p").schema(recipe())
            },
            "only used with output `enum`",
        ),
        (
            ObjectRequest {
                max_object_bytes: Some(0),
                ..ObjectRequest::new("m").prompt("p").schema(recipe())
            },
            "at least 1",
        ),
        (ObjectRequest::new("m").schema(recipe()), "needs `prompt`"),
    ];
    for (req, want) in cases {
        let e = req.plan().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert!(e.message().contains(want), "{} vs {want}", e.message());
    }
    let mut req = ObjectRequest::new("m").prompt("p").schema(recipe());
    req.settings.response_format = Some(ResponseFormat::Json);
    assert!(req.plan().unwrap_err().message().contains("leave it unset"));
}

#[test]
fn unchecked_keywords_become_a_warning() {
    let schema =
        json!({"type": "object", "properties": {"id": {"type": "string", "pattern": "^x"}}});
    let plan = ObjectRequest::new("m")
        .prompt("p")
        .schema(schema)
        .plan()
        .unwrap();
    assert_eq!(plan.warnings.len(), 1);
    assert!(format!("{:?}", plan.warnings[0]).contains("pattern"));
}
