use super::*;
use serde_json::json;

#[test]
fn events_serialize_with_kebab_case_tags() {
    let cases = [
        (
            ObjectStreamEvent::PartialObject {
                object: json!({"a": 1}),
            },
            json!({"type": "partial-object", "object": {"a": 1}}),
        ),
        (
            ObjectStreamEvent::Element {
                index: 2,
                element: json!("x"),
            },
            json!({"type": "element", "index": 2, "element": "x"}),
        ),
        (
            ObjectStreamEvent::TextDelta { text: "{".into() },
            json!({"type": "text-delta", "text": "{"}),
        ),
    ];
    for (event, expected) in cases {
        assert_eq!(serde_json::to_value(&event).unwrap(), expected);
        let back: ObjectStreamEvent = serde_json::from_value(expected).unwrap();
        assert_eq!(back, event);
    }
    let finish = ObjectStreamEvent::Finish {
        object: json!([]),
        finish_reason: FinishReason::Stop,
        raw_finish_reason: Some("stop".into()),
        usage: Usage::new(1, 2),
        warnings: vec![],
        response: ResponseMetadata::default(),
        provider_metadata: None,
    };
    let v = serde_json::to_value(&finish).unwrap();
    assert_eq!(v["type"], "finish");
    assert_eq!(v["finish_reason"], "stop");
    assert_eq!(v["usage"]["total_tokens"], 3);
    assert_eq!(
        serde_json::from_value::<ObjectStreamEvent>(v).unwrap(),
        finish
    );
}

#[test]
fn json_starts_after_whitespace_or_a_fence_line() {
    assert_eq!(json_start(""), None);
    assert_eq!(json_start("  \n"), None);
    assert_eq!(json_start("  {"), Some(2));
    assert_eq!(json_start("`"), None);
    assert_eq!(json_start("``"), None);
    assert_eq!(json_start("```json"), None);
    assert_eq!(json_start("```json\n{"), Some(8));
    assert_eq!(json_start("\n```\n["), Some(5));
    assert_eq!(
        json_start("`x"),
        Some(0),
        "not a fence: the parser will reject it"
    );
}
