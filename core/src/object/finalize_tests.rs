use super::*;
use crate::error::ErrorKind;
use crate::object::{ObjectOutput, ObjectRequest};
use serde_json::json;

fn outcome() -> Outcome {
    Outcome {
        usage: Usage::new(3, 4),
        finish_reason: FinishReason::Stop,
    }
}

fn plan(req: ObjectRequest) -> Plan {
    req.prompt("p").plan().unwrap()
}

fn object_plan() -> Plan {
    plan(ObjectRequest::new("m").schema(json!({
        "type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]
    })))
}

struct Fix(Option<&'static str>);

#[async_trait::async_trait]
impl ObjectRepair for Fix {
    async fn repair(&self, text: &str, error: &Error) -> Result<Option<String>> {
        assert_eq!(error.kind(), ErrorKind::NoObjectGenerated);
        assert_eq!(error.no_object_text(), Some(text));
        Ok(self.0.map(str::to_owned))
    }
}

#[test]
fn fences_and_whitespace_are_ignored() {
    assert_eq!(parse_json_text(" {\"a\":1} \n").unwrap(), json!({"a": 1}));
    assert_eq!(
        parse_json_text("```json\n{\"a\":1}\n```").unwrap(),
        json!({"a": 1})
    );
    assert_eq!(parse_json_text("```\n[1]\n```\n").unwrap(), json!([1]));
    assert!(parse_json_text("").unwrap_err().contains("no text"));
    assert!(parse_json_text("{").unwrap_err().contains("not valid JSON"));
}

#[tokio::test]
async fn valid_text_gives_the_object() {
    let v = object_plan()
        .finalize(r#"{"n": 2}"#, None, outcome())
        .await
        .unwrap();
    assert_eq!(v, json!({"n": 2}));
}

#[tokio::test]
async fn failures_carry_text_usage_and_finish_reason() {
    for (text, want) in [
        (
            r#"{"n": "two"}"#,
            "does not match the schema: /n: expected integer",
        ),
        (r#"{"n": 2"#, "not valid JSON"),
    ] {
        let e = object_plan()
            .finalize(text, None, outcome())
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NoObjectGenerated);
        assert!(e.message().contains(want), "{e}");
        assert_eq!(e.no_object_text(), Some(text));
        assert_eq!(e.no_object_usage(), Some(Usage::new(3, 4)));
        assert_eq!(e.no_object_finish_reason(), Some(FinishReason::Stop));
        let info = serde_json::to_value(e.to_info()).unwrap();
        assert_eq!(info["kind"], "no_object_generated");
        assert_eq!(info["text"], text);
        assert_eq!(info["usage"]["total_tokens"], 7);
        assert_eq!(info["finish_reason"], "stop");
        let back = Error::from(e.to_info());
        assert_eq!(back.no_object_text(), Some(text));
    }
}

#[tokio::test]
async fn repair_fixes_or_keeps_the_error() {
    let p = object_plan();
    let fixed = p
        .finalize("{n: 2}", Some(&Fix(Some(r#"{"n": 2}"#))), outcome())
        .await;
    assert_eq!(fixed.unwrap(), json!({"n": 2}));
    let declined = p
        .finalize("{n: 2}", Some(&Fix(None)), outcome())
        .await
        .unwrap_err();
    assert_eq!(declined.no_object_text(), Some("{n: 2}"));
    let still_bad = p
        .finalize("{n: 2}", Some(&Fix(Some("{}"))), outcome())
        .await
        .unwrap_err();
    assert!(still_bad.message().contains("after repair"), "{still_bad}");
    assert_eq!(still_bad.no_object_text(), Some("{}"));
}

#[tokio::test]
async fn array_enum_and_no_schema_are_unwrapped() {
    let arr = plan(
        ObjectRequest::new("m")
            .schema(json!({"type": "integer"}))
            .output(ObjectOutput::Array),
    );
    let v = arr
        .finalize(r#"{"elements": [1, 2]}"#, None, outcome())
        .await;
    assert_eq!(v.unwrap(), json!([1, 2]));
    let e = arr
        .finalize(r#"{"elements": [1, "x"]}"#, None, outcome())
        .await
        .unwrap_err();
    assert!(e.message().contains("/elements/1"), "{e}");
    let e = arr.finalize("[1, 2]", None, outcome()).await.unwrap_err();
    assert!(e.message().contains("`elements`"), "{e}");

    let en = plan(ObjectRequest::new("m").enum_values(vec!["sunny".into(), "rainy".into()]));
    let v = en.finalize(r#"{"result": "rainy"}"#, None, outcome()).await;
    assert_eq!(v.unwrap(), json!("rainy"));
    let e = en
        .finalize(r#"{"result": "snowy"}"#, None, outcome())
        .await
        .unwrap_err();
    assert!(e.message().contains(r#"["sunny","rainy"]"#), "{e}");

    let any = plan(ObjectRequest::new("m").output(ObjectOutput::NoSchema));
    let v = any.finalize("[true, null]", None, outcome()).await;
    assert_eq!(v.unwrap(), json!([true, null]));
}

#[tokio::test]
async fn a_repair_over_the_cap_is_refused() {
    let mut p = object_plan();
    p.max_bytes = 8;
    let e = p
        .finalize("{", Some(&Fix(Some(r#"{"n": 12345678}"#))), outcome())
        .await
        .unwrap_err();
    assert!(e.message().contains("over the limit of 8 bytes"), "{e}");
}
