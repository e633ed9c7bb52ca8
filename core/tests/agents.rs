//! The agent loop over real sockets: an OpenAI chat model on `ditto-mock-upstream` following
//! `plan:` prompts. The shared fixture `tests/fixtures/agent/two-tools-three-steps.json` is the
//! expectation every language compares to.

mod common;

use common::agent::*;
use common::*;
use ditto_llm::{StreamEvent, TextRequest};
use futures_util::StreamExt;
use serde_json::Value;

fn fixture_request(fx: &Value) -> TextRequest {
    TextRequest::new(fx["model"].as_str().unwrap()).prompt(fx["prompt"].as_str().unwrap())
}

/// `expected` without the keys a summary does not have.
fn expected_for(fx: &Value, drop: &[&str]) -> Value {
    let mut e = fx["expected"].clone();
    for k in drop {
        e.as_object_mut().unwrap().remove(*k);
    }
    e
}

#[tokio::test]
async fn fixture_run_agent() {
    let fx = fixture();
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let mut tools = fixture_tools(&fx);
    let opts = fixture_spec(&fx).into_options(&mut tools).unwrap();
    let r = ditto
        .run_agent(fixture_request(&fx), &tools, &opts)
        .await
        .unwrap();
    let actual = summarize_result(&r);
    assert_eq!(actual, expected_for(&fx, &["event_types", "model_calls"]));
    assert_eq!(
        server.requests().len() as u64,
        fx["expected"]["model_calls"]
    );
}

#[tokio::test]
async fn fixture_stream_agent() {
    let fx = fixture();
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let mut tools = fixture_tools(&fx);
    let opts = fixture_spec(&fx).into_options(&mut tools).unwrap();
    let s = ditto
        .stream_agent(fixture_request(&fx), &tools, &opts)
        .unwrap();
    let events: Vec<StreamEvent> = s.map(|e| e.unwrap()).collect().await;
    let actual = summarize_events(&events);
    assert_eq!(
        actual,
        expected_for(&fx, &["response_message_roles", "model_calls"])
    );
    assert_eq!(
        server.requests().len() as u64,
        fx["expected"]["model_calls"]
    );
}
