//! `POST /v1/ditto/stream`: the core's `TextRequest` in, the Ditto stream protocol v1 out (SSE
//! or NDJSON), with the same keys, routing, limits and budgets as `/v1/chat/completions`.
//! Every event is decoded with the core decoder and validated against
//! `docs/schema/ditto-stream-v1.schema.json`.

use crate::common::*;
use ditto_llm::protocol::ditto_v1::{Decoder, Framing};
use ditto_llm::StreamEvent;
use serde_json::{json, Value};
use std::path::Path;

const PATH: &str = "/v1/ditto/stream";

fn schema() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/schema/ditto-stream-v1.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The body's events: each JSON payload validated against the schema, then the whole body
/// decoded with the core decoder (which checks the terminator).
fn events(body: &[u8], framing: Framing) -> Vec<StreamEvent> {
    let schema = schema();
    let text = std::str::from_utf8(body).unwrap();
    let payloads: Vec<String> = match framing {
        Framing::Sse => {
            let data = sse_data(text);
            assert_eq!(data.last().map(String::as_str), Some("[DONE]"), "{text}");
            data[..data.len() - 1].to_vec()
        }
        Framing::Ndjson => {
            assert!(!text.contains("[DONE]"), "{text}");
            text.lines().map(str::to_owned).collect()
        }
    };
    assert!(!payloads.is_empty(), "{text}");
    for p in &payloads {
        let v: Value = serde_json::from_str(p).unwrap();
        assert_eq!(v["v"], 1, "{p}");
        if let Err(errors) = ditto_llm::object::validate(&schema, &v) {
            panic!("{p} fails the schema: {errors:?}");
        }
    }
    let mut decoder = Decoder::new(framing);
    let mut out = Vec::new();
    // Split the body at an awkward place: the decoder is incremental.
    let (a, b) = body.split_at(body.len() / 3);
    decoder.feed(a, &mut out).unwrap();
    decoder.feed(b, &mut out).unwrap();
    decoder.finish(&mut out).unwrap();
    assert_eq!(out.len(), payloads.len());
    out
}

fn text_of(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

fn total_tokens(events: &[StreamEvent]) -> u64 {
    match events.last() {
        Some(StreamEvent::Finish { total_usage, .. }) => total_usage.total_tokens.unwrap(),
        other => panic!("the stream does not end with finish: {other:?}"),
    }
}

#[tokio::test]
async fn sse_by_default_routed_and_the_budget_settles_to_the_usage() {
    let env = setup(STREAM_ROUTES).await;
    let body = json!({"model": "smart", "prompt": "hello ditto", "max_output_tokens": 50,
                      "headers": {"authorization": "Bearer sk-client-override"}});
    let r = env.post(PATH, KEY, &body).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let events = events(&r.bytes().await.unwrap(), Framing::Sse);
    assert_eq!(events[0], StreamEvent::Start);
    assert_eq!(text_of(&events), "echo: hello ditto");
    let total = total_tokens(&events);

    // Upstream saw the gateway's key and the mapped model, never the client's key or headers.
    let rec = &env.mock.requests()[0];
    assert_eq!(rec.path, "/v1/chat/completions");
    assert_eq!(
        rec.headers["authorization"],
        format!("Bearer {UPSTREAM_KEY}")
    );
    let seen = format!("{:?}", rec.headers);
    assert!(!seen.contains(KEY) && !seen.contains("sk-client-override"));
    assert_eq!(rec.body["model"], "gpt-4o-mini");
    assert_eq!(rec.body["max_tokens"], 50);

    // Reserve → settle: the charge is exactly the usage of the finish event.
    assert_eq!(env.spent("k").await, (total, 0));
}

#[tokio::test]
async fn ndjson_framing_from_accept_or_query() {
    let env = setup(STREAM_ROUTES).await;
    let body = json!({"model": "smart", "messages": [
        {"role": "user", "content": [{"type": "text", "text": "as lines"}]}
    ]});
    let r = env
        .http
        .post(env.url(PATH))
        .bearer_auth(KEY)
        .header("accept", "application/x-ndjson")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/x-ndjson");
    let first = events(&r.bytes().await.unwrap(), Framing::Ndjson);
    assert_eq!(text_of(&first), "echo: as lines");

    let r = env
        .post(&format!("{PATH}?framing=ndjson"), KEY, &body)
        .await;
    assert_eq!(r.headers()["content-type"], "application/x-ndjson");
    let second = events(&r.bytes().await.unwrap(), Framing::Ndjson);
    assert_eq!(text_of(&second), "echo: as lines");
    let spent = env.spent("k").await;
    assert_eq!(spent, (total_tokens(&first) + total_tokens(&second), 0));
}

#[tokio::test]
async fn provider_backends_stream_through_the_core_adapter() {
    let env = setup(STREAM_ROUTES).await;
    let r = env
        .post(PATH, KEY, &json!({"model": "mock", "prompt": "native"}))
        .await;
    assert_eq!(r.status(), 200);
    let events = events(&r.bytes().await.unwrap(), Framing::Sse);
    assert_eq!(text_of(&events), "echo: native");
    assert!(env.mock.requests().is_empty());
    assert_eq!(env.spent("k").await.1, 0);
}

#[tokio::test]
async fn errors_before_the_stream_are_openai_errors() {
    let env = setup(STREAM_ROUTES).await;
    let ok = json!({"model": "smart", "prompt": "hi"});
    let bad = vec![
        (
            PATH,
            json!({"model": "smart", "prompt": "x", "bogus": 1}),
            "bogus",
        ),
        (PATH, json!({"prompt": "x"}), "model"),
        (PATH, json!({"model": "smart"}), "prompt"),
        (PATH, json!({"model": "smart", "prompt": 5}), "TextRequest"),
        ("/v1/ditto/stream?framing=xml", ok.clone(), "xml"),
    ];
    assert_early_errors(&env, PATH, &ok, bad).await;
}

#[tokio::test]
async fn an_upstream_failure_mid_stream_is_an_error_event_then_the_terminator() {
    let env = setup(STREAM_ROUTES).await;
    for framing in [Framing::Sse, Framing::Ndjson] {
        let r = env
            .post(
                &format!("{PATH}?framing={framing}"),
                KEY,
                &json!({"model": "flaky", "prompt": "one two three four five six"}),
            )
            .await;
        assert_eq!(r.status(), 200);
        let events = events(&r.bytes().await.unwrap(), framing);
        match events.last() {
            Some(StreamEvent::Error { error }) => assert!(error.message.len() > 3),
            other => panic!("{framing}: last event {other:?}"),
        }
        assert!(!events
            .iter()
            .any(|e| matches!(e, StreamEvent::Finish { .. })));
    }
    assert_eq!(env.spent("k").await.1, 0, "no reservation left behind");
}

#[tokio::test]
async fn uncapped_output_is_capped_to_the_rest_of_the_budget() {
    let env = setup(BUDGET_200).await;
    let r = env
        .post(
            PATH,
            KEY,
            &json!({"model": "gpt-4o-mini", "prompt": "one two three four five"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let events = events(&r.bytes().await.unwrap(), Framing::Sse);
    let sent = &env.mock.requests()[0].body;
    let cap = sent["max_tokens"]
        .as_u64()
        .expect("the gateway capped the output");
    assert!(cap < 200);
    assert_eq!(env.spent("k").await, (total_tokens(&events), 0));
}

#[tokio::test]
async fn an_oversize_body_is_a_413_openai_error_with_no_reservation() {
    let env = setup(&format!(
        "server: {{ max_body_bytes: 1000 }}\n{STREAM_ROUTES}"
    ))
    .await;
    let big = "x".repeat(5000);
    env.assert_oversize_refused(PATH, &json!({"model": "smart", "prompt": big}))
        .await;
    assert_eq!(env.spent("k").await, (0, 0), "nothing spent or reserved");
}
