//! The agent loop over real sockets: an OpenAI chat model on `ditto-mock-upstream` following
//! `plan:` prompts. The shared fixture `tests/fixtures/agent/two-tools-three-steps.json` is the
//! expectation every language compares to.

mod common;

use common::agent::*;
use common::*;
use ditto_llm::agent::{
    AgentOptions, AgentTool, StepResult, StopCondition, StopPredicate, ToolCallRepair, ToolSet,
};
use ditto_llm::{FinishReason, StreamEvent, TextRequest, Tool, ToolCall, ToolResultOutput};
use serde_json::{json, Value};
use std::sync::Arc;

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
    let (tools, opts) = fixture_tools_and_options(&fx);
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
    let (tools, opts) = fixture_tools_and_options(&fx);
    let events = stream_events(&ditto, fixture_request(&fx), &tools, &opts).await;
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

fn weather_ok() -> AgentTool {
    weather_tool(Arc::new(FnTool(|call: ToolCall| async move {
        Ok(json!({"city": call.input["city"], "celsius": 20}))
    })))
}

#[derive(Debug)]
struct OutputTokensAtLeast(u64);

#[async_trait::async_trait]
impl StopPredicate for OutputTokensAtLeast {
    async fn should_stop(&self, steps: &[StepResult]) -> bool {
        let total: u64 = steps.iter().filter_map(|s| s.usage.output_tokens).sum();
        total >= self.0
    }
}

#[tokio::test]
async fn stop_conditions_step_count_tool_call_and_custom() {
    let fx = fixture();
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let tools = fixture_tools(&fx);
    let cases = [
        (StopCondition::StepCount(2), 2),
        (StopCondition::HasToolCall("get_weather".into()), 1),
        (StopCondition::HasToolCall("convert_temperature".into()), 2),
        (StopCondition::Custom(Arc::new(OutputTokensAtLeast(6))), 2),
        (StopCondition::StepCount(9), 3),
    ];
    for (cond, steps) in cases {
        server.clear_requests();
        let opts = AgentOptions::default().stop_when(vec![cond.clone()]);
        let r = ditto
            .run_agent(fixture_request(&fx), &tools, &opts)
            .await
            .unwrap();
        assert_eq!(r.steps.len(), steps, "{cond:?}");
        assert_eq!(server.requests().len(), steps, "{cond:?}");
        // Tools of the last step ran even when a condition stopped the loop.
        let last = r.steps.last().unwrap();
        assert_eq!(last.tool_results.len(), last.tool_calls.len());
    }
}

#[tokio::test]
async fn max_steps_caps_a_plan_that_never_ends() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let tools = ToolSet::new().with(weather_ok());
    let opts = AgentOptions::default()
        .stop_when(vec![StopCondition::StepCount(1000)])
        .max_steps(3);
    let req = plan_request("call:get_weather {\"city\":\"Paris\"}");
    let r = ditto.run_agent(req.clone(), &tools, &opts).await.unwrap();
    assert_eq!(r.steps.len(), 3);
    assert_eq!(r.finish_reason, FinishReason::ToolCalls);
    assert_eq!(server.requests().len(), 3);
    // Messages grow by exactly the steps taken: user + 3 x (assistant, tool).
    assert_eq!(r.response_messages.len(), 6);
    let events = stream_events(&ditto, req, &tools, &opts).await;
    let steps = events
        .iter()
        .filter(|e| matches!(e, StreamEvent::StartStep { .. }))
        .count();
    assert_eq!(steps, 3);
    let finishes = events.iter().filter(|e| e.type_name() == "finish").count();
    assert_eq!(finishes, 1);
}

#[tokio::test]
async fn tool_error_is_fed_back_to_the_model() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let failing = weather_tool(Arc::new(FnTool(|_call: ToolCall| async move {
        Err::<Value, _>("weather service down".to_owned())
    })));
    let tools = ToolSet::new().with(failing);
    let opts = AgentOptions::default().stop_when(vec![StopCondition::StepCount(5)]);
    let req = plan_request("call:get_weather {\"city\":\"Paris\"} | sorry");
    let r = ditto.run_agent(req.clone(), &tools, &opts).await.unwrap();
    assert_eq!(r.text, "sorry");
    assert_eq!(
        r.steps[0].tool_results[0].output,
        ToolResultOutput::ErrorText("weather service down".into())
    );
    let reqs = server.requests();
    assert_eq!(tool_contents(&reqs[1].body), ["weather service down"]);

    let events = stream_events(&ditto, req, &tools, &opts).await;
    let err = events.iter().find_map(|e| match e {
        StreamEvent::ToolError { error, input, .. } => Some((error.clone(), input.clone())),
        _ => None,
    });
    assert_eq!(
        err,
        Some(("weather service down".into(), json!({"city": "Paris"})))
    );
}

#[derive(Debug)]
struct FixCity;

#[async_trait::async_trait]
impl ToolCallRepair for FixCity {
    async fn repair(
        &self,
        call: &ToolCall,
        error: &str,
        tools: &[Tool],
    ) -> ditto_llm::Result<Option<ToolCall>> {
        assert!(
            error.starts_with("invalid input for tool `get_weather`"),
            "{error}"
        );
        assert!(tools.iter().any(|t| t.name() == "get_weather"));
        let mut fixed = call.clone();
        fixed.input = json!({"city": "Paris"});
        fixed.invalid_input = false;
        Ok(Some(fixed))
    }
}

#[tokio::test]
async fn invalid_tool_input_is_repaired_or_becomes_a_tool_error() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let tools = ToolSet::new().with(weather_ok());
    let base = AgentOptions::default().stop_when(vec![StopCondition::StepCount(5)]);
    for plan in [
        "call:get_weather {city:Paris} | done",
        "call:get_weather {\"town\":\"Paris\"} | done",
    ] {
        // No repair hook: a tool error the model sees.
        server.clear_requests();
        let r = ditto
            .run_agent(plan_request(plan), &tools, &base)
            .await
            .unwrap();
        let out = &r.steps[0].tool_results[0].output;
        assert!(out.is_error(), "{out:?}");
        assert!(out
            .to_text()
            .starts_with("invalid input for tool `get_weather`"));
        let sent = tool_contents(&server.requests()[1].body);
        assert!(sent[0].starts_with("invalid input"), "{sent:?}");

        // With the hook: the repaired call runs, and the model sees the repaired input.
        server.clear_requests();
        let opts = base.clone().repair(Arc::new(FixCity));
        let r = ditto
            .run_agent(plan_request(plan), &tools, &opts)
            .await
            .unwrap();
        assert_eq!(
            r.steps[0].tool_results[0].output,
            ToolResultOutput::Json(json!({"city": "Paris", "celsius": 20}))
        );
        assert_eq!(r.steps[0].tool_calls[0].input, json!({"city": "Paris"}));
        let body = &server.requests()[1].body;
        let args = &body["messages"][1]["tool_calls"][0]["function"]["arguments"];
        assert_eq!(args, "{\"city\":\"Paris\"}");
    }
}

#[tokio::test]
async fn huge_tool_output_becomes_a_tool_error() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let big = weather_tool(Arc::new(FnTool(|_call: ToolCall| async move {
        Ok(json!("x".repeat(2 * 1024 * 1024)))
    })));
    let tools = ToolSet::new().with(big);
    let opts = AgentOptions::default().stop_when(vec![StopCondition::StepCount(5)]);
    let r = ditto
        .run_agent(
            plan_request("call:get_weather {\"city\":\"Paris\"} | ok"),
            &tools,
            &opts,
        )
        .await
        .unwrap();
    let msg = "tool output is 2097154 bytes, over the 1048576-byte limit";
    assert_eq!(
        r.steps[0].tool_results[0].output,
        ToolResultOutput::ErrorText(msg.into())
    );
    assert_eq!(tool_contents(&server.requests()[1].body), [msg]);
    assert!(server.requests()[1].body.to_string().len() < 10_000);
}

#[tokio::test]
async fn fixture_plan_on_anthropic_gives_the_same_steps() {
    let fx = fixture();
    let server = mock().await;
    let ditto = client(&server, &["anthropic"], &[]);
    let (tools, opts) = fixture_tools_and_options(&fx);
    let request = TextRequest::new("anthropic:claude-sonnet-4-5")
        .prompt(fx["prompt"].as_str().unwrap())
        .max_output_tokens(200);
    let events = stream_events(&ditto, request, &tools, &opts).await;
    let actual = summarize_events(&events);
    for (a, e) in actual["steps"]
        .as_array()
        .unwrap()
        .iter()
        .zip(fx["expected"]["steps"].as_array().unwrap())
    {
        for key in ["finish_reason", "text", "tool_calls", "tool_results"] {
            assert_eq!(a[key], e[key], "{key}");
        }
    }
    assert_eq!(actual["steps"].as_array().unwrap().len(), 3);
    // Tool results went back in one user turn after the assistant's tool_use blocks.
    let body = &server.requests()[1].body;
    assert_eq!(body["messages"][2]["role"], "user");
    assert_eq!(body["messages"][2]["content"][1]["type"], "tool_result");
}
