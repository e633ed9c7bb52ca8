//! Every encoded Ditto v1 event validates against `docs/schema/ditto-stream-v1.schema.json`:
//! the events of every recorded stream, plus one of each event type the recordings lack; and
//! what the protocol forbids does not.

mod common;

use common::recordings::recordings;
use common::repo_root;
use ditto_llm::object::validate;
use ditto_llm::protocol::ditto_v1::encode_event;
use ditto_llm::{Error, ErrorKind, FinishReason, Source, StreamEvent, Usage, Warning};
use serde_json::{json, Value};

fn schema() -> Value {
    let text = std::fs::read_to_string(repo_root().join("docs/schema/ditto-stream-v1.schema.json"))
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The events of every recorded stream.
fn recorded_events() -> Vec<StreamEvent> {
    recordings().into_iter().flat_map(|r| r.events).collect()
}

fn synthetic_events() -> Vec<StreamEvent> {
    let rate_limited = Error::new(ErrorKind::RateLimited, "slow down")
        .with_status(429)
        .with_provider("openai")
        .with_code("rate_limit")
        .with_body("{}")
        .with_retry_after(std::time::Duration::from_millis(1500));
    vec![
        StreamEvent::StartStep {
            warnings: vec![
                Warning::unsupported_setting("top_k", Some("ignored".to_owned())),
                Warning::UnsupportedTool {
                    tool_name: "x".into(),
                    details: None,
                },
                Warning::Compatibility {
                    feature: "seed".into(),
                    details: None,
                },
                Warning::other("note"),
            ],
        },
        StreamEvent::ToolResult {
            tool_call_id: "c".into(),
            tool_name: "t".into(),
            input: json!({"a": 1}),
            output: json!([1, "x"]),
            provider_executed: true,
        },
        StreamEvent::ToolError {
            tool_call_id: "c".into(),
            tool_name: "t".into(),
            input: json!(null),
            error: "boom".into(),
        },
        StreamEvent::Source(Source::Document {
            id: "d".into(),
            media_type: "application/pdf".into(),
            title: "Doc".into(),
            filename: Some("a.pdf".into()),
            provider_metadata: None,
        }),
        StreamEvent::File {
            media_type: "image/png".into(),
            base64: "AAAA".into(),
        },
        StreamEvent::Error {
            error: rate_limited.to_info(),
        },
        StreamEvent::Error {
            error: Error::no_object_generated(
                "not json",
                "{oops",
                Usage::new(1, 2),
                FinishReason::Stop,
            )
            .to_info(),
        },
        StreamEvent::ToolApprovalRequest {
            approval_id: "ap1".into(),
            tool_call: ditto_llm::ToolCall::from_raw_arguments("c1", "rm", "{\"path\":\"/tmp\"}"),
        },
        StreamEvent::Abort,
        StreamEvent::Raw {
            raw_value: json!({"anything": [1, 2]}),
        },
    ]
}

#[test]
fn every_encoded_event_matches_the_schema() {
    let schema = schema();
    let mut events = recorded_events();
    assert!(events.len() > 500, "only {} recorded events", events.len());
    events.extend(synthetic_events());
    let mut seen = std::collections::BTreeSet::new();
    for event in &events {
        let encoded = encode_event(event);
        if let Err(errors) = validate(&schema, &encoded) {
            panic!("{encoded}\nfails the schema: {errors:?}");
        }
        seen.insert(event.type_name());
    }
    // Every event type that exists is covered.
    let schema_types: std::collections::BTreeSet<&str> = schema["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            b.pointer("/properties/type/const")
                .or_else(|| b.pointer("/oneOf/0/properties/type/const"))
                .and_then(Value::as_str)
                .unwrap()
        })
        .collect();
    for t in &seen {
        assert!(schema_types.contains(t), "schema has no branch for {t}");
    }
    for t in &schema_types {
        assert!(seen.contains(t), "no test event of type {t}");
    }
}

#[test]
fn the_schema_rejects_what_v1_forbids() {
    let schema = schema();
    for bad in [
        json!({"v": 2, "type": "start"}),
        json!({"type": "start"}),
        json!({"v": 1, "type": "start", "extra": 1}),
        json!({"v": 1, "type": "telepathy"}),
        json!({"v": 1, "type": "text-delta", "id": "t"}),
        json!({"v": 1, "type": "finish", "finish_reason": "done", "raw_finish_reason": null, "total_usage": {}}),
        json!({"v": 1, "type": "error", "error": {"kind": "oops", "message": "m"}}),
        json!({"v": 1, "type": "source", "source_type": "video", "id": "x"}),
    ] {
        assert!(validate(&schema, &bad).is_err(), "accepted {bad}");
    }
}
