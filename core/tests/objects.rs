//! Objects over real sockets against `ditto-mock-upstream`: partial objects in order, array
//! elements, enum output, schema violations, the repair hook, and what each provider receives.

mod common;

use common::*;
use ditto_llm::object::{
    validate, ObjectMode, ObjectOutput, ObjectRepair, ObjectRequest, ObjectStreamEvent,
};
use ditto_llm::{Ditto, Error, ErrorKind, FinishReason, Usage};
use ditto_mock_upstream::{MockServer, Step};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn recipe_fixture() -> Value {
    let path = repo_root().join("tests/fixtures/objects/recipe-stream.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Queue `steps` under a fresh scenario key and return a request that uses it.
fn scripted(server: &MockServer, key: &str, steps: Vec<Step>, req: ObjectRequest) -> ObjectRequest {
    server.push_scenario(key, steps);
    req.header("x-mock-scenario", key)
}

/// A Chat Completions SSE script: a role chunk, one chunk per delta, the finish chunk, usage.
fn openai_sse(deltas: &[&str], finish: &str) -> Step {
    let chunk = |delta: Value, finish: Value| {
        json!({"id": "chatcmpl-x", "object": "chat.completion.chunk", "created": 1700000000,
               "model": "gpt-4o-mini", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        .to_string()
    };
    let mut sse = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    sse.extend(
        deltas
            .iter()
            .map(|d| chunk(json!({"content": d}), Value::Null)),
    );
    sse.push(chunk(json!({}), json!(finish)));
    sse.push(
        json!({"id": "chatcmpl-x", "object": "chat.completion.chunk", "created": 1700000000,
               "model": "gpt-4o-mini", "choices": [],
               "usage": {"prompt_tokens": 7, "completion_tokens": 11, "total_tokens": 18}})
        .to_string(),
    );
    Step {
        sse: Some(sse),
        ..Step::default()
    }
}

/// A non-streaming Chat Completions answer with `content`.
fn openai_body(content: &str, finish: &str) -> Step {
    Step {
        body: Some(json!({
            "id": "chatcmpl-x", "object": "chat.completion", "created": 1700000000,
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": finish}],
            "usage": {"prompt_tokens": 7, "completion_tokens": 11, "total_tokens": 18}
        })),
        ..Step::default()
    }
}

async fn collect(ditto: &Ditto, req: ObjectRequest) -> (Vec<ObjectStreamEvent>, Option<Error>) {
    let mut s = ditto.stream_object(req, None).await.unwrap();
    let mut events = Vec::new();
    while let Some(ev) = s.next().await {
        match ev {
            Ok(ev) => events.push(ev),
            Err(e) => return (events, Some(e)),
        }
    }
    (events, None)
}

fn partials(events: &[ObjectStreamEvent]) -> Vec<Value> {
    events
        .iter()
        .filter_map(|e| match e {
            ObjectStreamEvent::PartialObject { object } => Some(object.clone()),
            _ => None,
        })
        .collect()
}

/// The `finish` event that ends `events`: its object, finish reason and usage.
fn finish(events: &[ObjectStreamEvent]) -> (&Value, FinishReason, &Usage) {
    match events.last() {
        Some(ObjectStreamEvent::Finish {
            object,
            finish_reason,
            usage,
            ..
        }) => (object, *finish_reason, usage),
        other => panic!("the stream did not end with `finish`: {other:?}"),
    }
}

/// "Who?" for the OpenAI mock, asking for a [`person_schema`] object.
fn who_request() -> ObjectRequest {
    ObjectRequest::new("openai:gpt-4o-mini")
        .prompt("Who?")
        .schema(person_schema())
}

fn person_schema() -> Value {
    json!({"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
           "required": ["name", "age"], "additionalProperties": false})
}

#[tokio::test]
async fn recipe_fixture_streams_partials_in_order_and_a_valid_final_object() {
    let fx = recipe_fixture();
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let steps: Vec<Step> = serde_json::from_value(fx["scenario_steps"].clone()).unwrap();
    let req: ObjectRequest = serde_json::from_value(fx["request"].clone()).unwrap();
    let req = scripted(&server, "recipe", steps, req);
    let (events, err) = collect(&ditto, req).await;
    assert!(err.is_none(), "{err:?}");
    let expected = &fx["expected"];

    let deltas: Vec<Value> = events
        .iter()
        .filter_map(|e| match e {
            ObjectStreamEvent::TextDelta { text } => Some(json!(text)),
            _ => None,
        })
        .collect();
    assert_eq!(Value::Array(deltas), expected["text_deltas"]);
    assert_eq!(Value::Array(partials(&events)), expected["partial_objects"]);
    // Each delta is followed by its partial object.
    let types: Vec<&str> = events
        .iter()
        .map(|e| match e {
            ObjectStreamEvent::TextDelta { .. } => "t",
            ObjectStreamEvent::PartialObject { .. } => "p",
            ObjectStreamEvent::Element { .. } => "e",
            ObjectStreamEvent::Finish { .. } => "f",
        })
        .collect();
    assert_eq!(types.concat(), "tp".repeat(9) + "f");

    let (object, finish_reason, usage) = finish(&events);
    assert_eq!(object, &expected["object"]);
    assert!(validate(&fx["request"]["schema"], object).is_ok());
    assert_eq!(finish_reason.as_str(), expected["finish_reason"]);
    let usage = serde_json::to_value(usage).unwrap();
    for key in ["input_tokens", "output_tokens", "total_tokens"] {
        assert_eq!(usage[key], expected["usage"][key], "{key}");
    }
    let body = &server.requests()[0].body;
    assert_eq!(body["response_format"], expected["request_response_format"]);
    assert_eq!(body["stream"], true);
}

#[tokio::test]
async fn generate_object_sends_json_schema_and_returns_the_object() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let req = who_request();
    let req = scripted(
        &server,
        "gen",
        vec![openai_body(r#"{"name":"Ann","age":41}"#, "stop")],
        req,
    );
    let r = ditto.generate_object(req, None).await.unwrap();
    assert_eq!(r.object, json!({"name": "Ann", "age": 41}));
    assert_eq!(r.text, r#"{"name":"Ann","age":41}"#);
    assert_eq!(r.finish_reason, FinishReason::Stop);
    assert_eq!(r.usage.total_tokens, Some(18));
    let body = &server.requests()[0].body;
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["name"], "response");
    assert_eq!(
        body["response_format"]["json_schema"]["schema"],
        person_schema()
    );
    assert!(body.get("tools").is_none());
}

#[tokio::test]
async fn array_mode_streams_each_element_in_order() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let deltas = [
        r#"{"elements":[{"city":"Par"#,
        r#"is","temp":18},{"city":"Rome","te"#,
        r#"mp":24},{"city":"Oslo","temp":"#,
        r#"9}]}"#,
    ];
    let req = ObjectRequest::new("openai:gpt-4o-mini")
        .prompt("Weather?")
        .schema(json!({"type": "object", "properties": {"city": {"type": "string"}, "temp": {"type": "integer"}},
                       "required": ["city", "temp"]}))
        .output(ObjectOutput::Array);
    let req = scripted(&server, "arr", vec![openai_sse(&deltas, "stop")], req);
    let (events, err) = collect(&ditto, req).await;
    assert!(err.is_none(), "{err:?}");
    let elements: Vec<(usize, Value)> = events
        .iter()
        .filter_map(|e| match e {
            ObjectStreamEvent::Element { index, element } => Some((*index, element.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        elements,
        vec![
            (0, json!({"city": "Paris", "temp": 18})),
            (1, json!({"city": "Rome", "temp": 24})),
            (2, json!({"city": "Oslo", "temp": 9})),
        ]
    );
    // Elements arrive while streaming: the first two before the last text delta.
    let pos = |pred: &dyn Fn(&ObjectStreamEvent) -> bool| events.iter().position(pred).unwrap();
    let second = pos(&|e| matches!(e, ObjectStreamEvent::Element { index: 1, .. }));
    let last_delta = events
        .iter()
        .rposition(|e| matches!(e, ObjectStreamEvent::TextDelta { .. }))
        .unwrap();
    assert!(second < last_delta);
    // Partial arrays hold only complete elements.
    assert_eq!(
        partials(&events),
        vec![
            json!([]),
            json!([{"city": "Paris", "temp": 18}]),
            json!([{"city": "Paris", "temp": 18}, {"city": "Rome", "temp": 24}]),
        ]
    );
    let object = finish(&events).0;
    assert_eq!(object.as_array().unwrap().len(), 3);
    let schema = &server.requests()[0].body["response_format"]["json_schema"]["schema"];
    assert_eq!(schema["properties"]["elements"]["type"], "array");
    assert_eq!(schema["required"], json!(["elements"]));
}

#[tokio::test]
async fn enum_mode_generates_and_streams_the_value() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let values = vec!["sunny".to_owned(), "rainy".to_owned(), "cloudy".to_owned()];
    let req = ObjectRequest::new("openai:gpt-4o-mini")
        .prompt("Weather in Bergen?")
        .enum_values(values.clone());
    let gen = scripted(
        &server,
        "enum-gen",
        vec![openai_body(r#"{"result":"rainy"}"#, "stop")],
        req.clone(),
    );
    let r = ditto.generate_object(gen, None).await.unwrap();
    assert_eq!(r.object, json!("rainy"));
    let enum_schema = &server.requests()[0].body["response_format"]["json_schema"]["schema"];
    assert_eq!(enum_schema["properties"]["result"]["enum"], json!(values));

    let st = scripted(
        &server,
        "enum-stream",
        vec![openai_sse(
            &[r#"{"result":""#, "r", "ai", r#"ny"}"#],
            "stop",
        )],
        req,
    );
    let (events, err) = collect(&ditto, st).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        partials(&events),
        vec![json!("rainy")],
        "sent once it is unambiguous"
    );
    let object = finish(&events).0;
    assert_eq!(object, &json!("rainy"));
}

#[tokio::test]
async fn schema_violation_is_no_object_generated_with_text_usage_and_finish_reason() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let bad = r#"{"name":"Ann","age":"forty"}"#;
    let req = who_request();
    let gen = scripted(
        &server,
        "bad-gen",
        vec![openai_body(bad, "length")],
        req.clone(),
    );
    let e = ditto.generate_object(gen, None).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoObjectGenerated);
    assert!(
        e.message().contains("/age: expected integer, got string"),
        "{e}"
    );
    assert_eq!(e.no_object_text(), Some(bad));
    assert_eq!(e.no_object_usage().unwrap().total_tokens, Some(18));
    assert_eq!(e.no_object_finish_reason(), Some(FinishReason::Length));

    let st = scripted(
        &server,
        "bad-stream",
        vec![openai_sse(&[&bad[..10], &bad[10..]], "stop")],
        req,
    );
    let (events, err) = collect(&ditto, st).await;
    let e = err.expect("the stream ends with an error");
    assert_eq!(e.kind(), ErrorKind::NoObjectGenerated);
    assert_eq!(e.no_object_text(), Some(bad));
    assert_eq!(e.no_object_usage().unwrap().output_tokens, Some(11));
    assert_eq!(e.no_object_finish_reason(), Some(FinishReason::Stop));
    assert!(
        !partials(&events).is_empty(),
        "partials came before the failure"
    );
    assert!(!events
        .iter()
        .any(|e| matches!(e, ObjectStreamEvent::Finish { .. })));
    let info = serde_json::to_value(e.to_info()).unwrap();
    assert_eq!(info["text"], bad);
}

/// Drops trailing commas and single quotes: enough for the broken outputs below.
#[derive(Default)]
struct TrailingCommaFix {
    calls: AtomicUsize,
}

#[async_trait::async_trait]
impl ObjectRepair for TrailingCommaFix {
    async fn repair(&self, text: &str, error: &Error) -> ditto_llm::Result<Option<String>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        assert_eq!(error.kind(), ErrorKind::NoObjectGenerated);
        Ok(Some(text.replace(",}", "}").replace('\'', "\"")))
    }
}

#[tokio::test]
async fn repair_hook_fixes_broken_json() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let broken = "{'name':'Ann','age':41,}";
    let req = who_request();
    let fix = TrailingCommaFix::default();
    let gen = scripted(
        &server,
        "fix-gen",
        vec![openai_body(broken, "stop")],
        req.clone(),
    );
    let r = ditto.generate_object(gen, Some(&fix)).await.unwrap();
    assert_eq!(r.object, json!({"name": "Ann", "age": 41}));
    assert_eq!(r.text, broken, "the raw text stays what the model wrote");
    assert_eq!(fix.calls.load(Ordering::SeqCst), 1);

    let fix = Arc::new(TrailingCommaFix::default());
    let st = scripted(
        &server,
        "fix-stream",
        vec![openai_sse(&[&broken[..9], &broken[9..]], "stop")],
        req,
    );
    let object = ditto
        .stream_object(st, Some(fix.clone()))
        .await
        .unwrap()
        .object()
        .await
        .unwrap();
    assert_eq!(object, json!({"name": "Ann", "age": 41}));
    assert_eq!(fix.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn anthropic_gets_the_forced_json_tool() {
    let server = mock().await;
    let ditto = client(&server, &["anthropic"], &[]);
    // The mock answers `call:<tool> {json}` with a tool_use of that tool.
    let req = ObjectRequest::new("anthropic:claude-sonnet-4-5")
        .prompt(r#"call:json {"name":"Ann","age":41}"#)
        .schema(person_schema());
    let r = ditto.generate_object(req.clone(), None).await.unwrap();
    assert_eq!(r.object, json!({"name": "Ann", "age": 41}));
    let body = &server.requests()[0].body;
    assert_eq!(body["tools"][0]["name"], "json");
    assert_eq!(body["tools"][0]["input_schema"], person_schema());
    assert_eq!(body["tool_choice"], json!({"type": "tool", "name": "json"}));

    let object = ditto
        .stream_object(req, None)
        .await
        .unwrap()
        .object()
        .await
        .unwrap();
    assert_eq!(object, json!({"name": "Ann", "age": 41}));
}

#[tokio::test]
async fn anthropic_recording_streams_array_elements() {
    if shared_fixtures().is_none() {
        eprintln!("skipped: the shared AI SDK recordings are not available");
        return;
    }
    let server = mock().await;
    let ditto = client(&server, &["anthropic"], &[]);
    let req = ObjectRequest::new("anthropic:claude-haiku-4-5")
        .prompt("Weather?")
        .schema(
            json!({"type": "object", "properties": {"location": {"type": "string"},
                       "temperature": {"type": "number"}, "condition": {"type": "string"}},
                       "required": ["location", "temperature", "condition"]}),
        )
        .output(ObjectOutput::Array)
        .header(
            "x-mock-fixture",
            "anthropic/anthropic-json-tool.1.chunks.txt",
        );
    let (events, err) = collect(&ditto, req).await;
    assert!(err.is_none(), "{err:?}");
    let sf = json!({"location": "San Francisco", "temperature": 58, "condition": "sunny"});
    assert!(events.contains(&ObjectStreamEvent::Element {
        index: 0,
        element: sf.clone()
    }));
    let (object, finish_reason, usage) = finish(&events);
    assert_eq!(object, &json!([sf]));
    assert_eq!(finish_reason, FinishReason::Stop);
    assert_eq!(usage.output_tokens, Some(47));
    let body = &server.requests()[0].body;
    assert_eq!(body["tool_choice"], json!({"type": "tool", "name": "json"}));
    assert_eq!(
        body["tools"][0]["input_schema"]["required"],
        json!(["elements"])
    );
}

#[tokio::test]
async fn tool_mode_reads_the_json_tool_input_and_streams_it() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let req = ObjectRequest::new("openai:gpt-4o-mini")
        .prompt(r#"call:json {"name":"Bartholomew","age":41}"#)
        .schema(person_schema())
        .mode(ObjectMode::Tool);
    let r = ditto.generate_object(req.clone(), None).await.unwrap();
    assert_eq!(r.object, json!({"name": "Bartholomew", "age": 41}));
    let body = &server.requests()[0].body;
    assert_eq!(body["tools"][0]["function"]["name"], "json");
    assert_eq!(
        body["tool_choice"],
        json!({"type": "function", "function": {"name": "json"}})
    );
    assert!(body.get("response_format").is_none());

    // The mock streams the arguments in pieces of at most 8 bytes: several partials.
    let (events, err) = collect(&ditto, req).await;
    assert!(err.is_none(), "{err:?}");
    let ps = partials(&events);
    assert!(ps.len() >= 3, "{ps:?}");
    assert!(ps.contains(&json!({"name": "Bartholomew"})), "{ps:?}");
    let object = finish(&events).0;
    assert_eq!(object, &json!({"name": "Bartholomew", "age": 41}));
}

#[tokio::test]
async fn json_mode_sends_json_object_and_the_schema_in_the_system_prompt() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let req = who_request().mode(ObjectMode::Json);
    let fenced = "```json\n{\"name\":\"Ann\",\"age\":41}\n```";
    let gen = scripted(
        &server,
        "json-mode",
        vec![openai_body(fenced, "stop")],
        req.clone(),
    );
    let r = ditto.generate_object(gen, None).await.unwrap();
    assert_eq!(
        r.object,
        json!({"name": "Ann", "age": 41}),
        "code fences are ignored"
    );
    let body = &server.requests()[0].body;
    assert_eq!(body["response_format"], json!({"type": "json_object"}));
    let system = body["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains(r#""required":["name","age"]"#), "{system}");

    // Streamed, the fence line is skipped before partial parsing starts.
    let chunks = ["``", "`json\n{\"name\":\"A", "nn\",\"age\":41}\n```"];
    let st = scripted(
        &server,
        "json-mode-stream",
        vec![openai_sse(&chunks, "stop")],
        req,
    );
    let (events, err) = collect(&ditto, st).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        partials(&events),
        vec![json!({"name": "A"}), json!({"name": "Ann", "age": 41})]
    );
}

#[tokio::test]
async fn byte_cap_stops_the_stream_with_a_clear_error() {
    let fx = recipe_fixture();
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let steps: Vec<Step> = serde_json::from_value(fx["scenario_steps"].clone()).unwrap();
    let mut req: ObjectRequest = serde_json::from_value(fx["request"].clone()).unwrap();
    req.max_object_bytes = Some(40);
    let (events, err) = collect(&ditto, scripted(&server, "cap", steps, req)).await;
    let e = err.expect("over the cap");
    assert_eq!(e.kind(), ErrorKind::NoObjectGenerated);
    assert!(e.message().contains("over the limit of 40 bytes"), "{e}");
    assert!(e.no_object_text().unwrap().len() <= 40);
    assert!(!events
        .iter()
        .any(|e| matches!(e, ObjectStreamEvent::Finish { .. })));
}

#[tokio::test]
async fn gemini_gets_its_native_json_schema() {
    let server = mock().await;
    let ditto = client(&server, &["google"], &[]);
    let answer = Step {
        body: Some(json!({
            "candidates": [{"content": {"role": "model", "parts": [{"text": "{\"name\":\"Ann\",\"age\":41}"}]},
                            "finishReason": "STOP"}],
            "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 4, "totalTokenCount": 7}
        })),
        ..Step::default()
    };
    let req = ObjectRequest::new("google:gemini-2.5-flash")
        .prompt("Who?")
        .schema(person_schema());
    let r = ditto
        .generate_object(scripted(&server, "gemini", vec![answer], req), None)
        .await
        .unwrap();
    assert_eq!(r.object, json!({"name": "Ann", "age": 41}));
    assert_eq!(r.usage.total_tokens, Some(7));
    let config = &server.requests()[0].body["generationConfig"];
    assert_eq!(config["responseMimeType"], "application/json");
    assert_eq!(config["responseJsonSchema"], person_schema());
}

/// An object stream whose upstream fails after 3 chunks (`fault` shapes the step): the error
/// of `kind`, and no `finish` event (no final object).
async fn fails_without_a_final_object(
    id: &str,
    fault: impl FnOnce(&mut Step),
    kind: ErrorKind,
) -> ditto_mock_upstream::MockServer {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let mut step = openai_sse(&["{\"name\":", "\"Ann\",", "\"age\":41}"], "stop");
    fault(&mut step);
    let (events, err) = collect(&ditto, scripted(&server, id, vec![step], who_request())).await;
    let e = err.expect("the failure is an error");
    assert!(e.kind() == kind, "{:?}: {e}", e.kind());
    assert!(!events
        .iter()
        .any(|e| matches!(e, ObjectStreamEvent::Finish { .. })));
    server
}

#[tokio::test]
async fn an_upstream_reset_mid_stream_is_a_connection_error_without_a_final_object() {
    let server = fails_without_a_final_object(
        "reset",
        |s| s.reset_after_chunks = Some(3),
        ErrorKind::Connection,
    )
    .await;
    assert_eq!(server.stats().streams_reset, 1);
}

#[tokio::test]
async fn a_stream_truncated_without_a_finish_is_a_stream_error_without_a_final_object() {
    fails_without_a_final_object(
        "trunc",
        |s| s.truncate_after_chunks = Some(3),
        ErrorKind::Stream,
    )
    .await;
}
