use super::*;
use crate::error::Result;
use crate::model::{LanguageModel, ModelStream};
use crate::stream::response_events;
use crate::types::{
    CallOptions, ContentPart, FinishReason, ModelResponse, Role, StreamEvent, TextRequest, Tool,
    ToolCall, ToolResultOutput, Usage,
};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// Answers with its responses in turn (the last one repeats) and keeps every prompt.
#[derive(Debug, Default)]
struct Scripted {
    replies: Vec<ModelResponse>,
    prompts: Mutex<Vec<CallOptions>>,
}

impl Scripted {
    fn new(replies: Vec<ModelResponse>) -> Arc<Self> {
        Arc::new(Scripted {
            replies,
            prompts: Mutex::default(),
        })
    }

    fn next(&self, options: &CallOptions) -> ModelResponse {
        let mut p = self.prompts.lock().unwrap();
        p.push(options.clone());
        self.replies[(p.len() - 1).min(self.replies.len() - 1)].clone()
    }

    fn calls(&self) -> Vec<CallOptions> {
        self.prompts.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl LanguageModel for Scripted {
    fn provider(&self) -> &str {
        "scripted"
    }
    fn model_id(&self) -> &str {
        "m"
    }
    async fn generate(&self, options: &CallOptions) -> Result<ModelResponse> {
        Ok(self.next(options))
    }
    async fn stream(&self, options: &CallOptions) -> Result<ModelStream> {
        let events = response_events(&self.next(options), 1);
        Ok(ModelStream {
            warnings: Vec::new(),
            events: Box::pin(futures_util::stream::iter(events.into_iter().map(Ok))),
        })
    }
}

fn call(id: &str, name: &str, input: Value) -> ToolCall {
    ToolCall {
        tool_call_id: id.into(),
        tool_name: name.into(),
        input,
        invalid_input: false,
        provider_executed: false,
        provider_metadata: None,
    }
}

fn calls(list: Vec<ToolCall>) -> ModelResponse {
    ModelResponse {
        content: list.into_iter().map(ContentPart::ToolCall).collect(),
        finish_reason: FinishReason::ToolCalls,
        usage: Usage::new(10, 2),
        ..Default::default()
    }
}

fn text(t: &str) -> ModelResponse {
    ModelResponse {
        content: vec![ContentPart::text(t)],
        finish_reason: FinishReason::Stop,
        usage: Usage::new(20, 3),
        ..Default::default()
    }
}

/// Doubles `input.n`; fails on negative numbers; returns a huge string for `n == 1000`.
#[derive(Debug)]
struct Double;

#[async_trait::async_trait]
impl ToolExecutor for Double {
    async fn execute(
        &self,
        call: &ToolCall,
        _: &ToolContext,
    ) -> std::result::Result<Value, String> {
        let n = call.input["n"].as_i64().ok_or("n missing")?;
        match n {
            n if n < 0 => Err(format!("negative: {n}")),
            1000 => Ok(json!("x".repeat(2000))),
            n => Ok(json!({ "doubled": n * 2 })),
        }
    }
}

fn double_tool() -> AgentTool {
    AgentTool::new(
        Tool::function("double", None, json!({"type": "object"})),
        Arc::new(Double),
    )
}

fn opts(steps: u32) -> AgentOptions {
    AgentOptions::default().stop_when(vec![StopCondition::StepCount(steps)])
}

fn req() -> TextRequest {
    TextRequest::new("x").prompt("go")
}

#[tokio::test]
async fn runs_tools_and_feeds_results_back() {
    let model = Scripted::new(vec![
        calls(vec![
            call("a", "double", json!({"n": 2})),
            call("b", "double", json!({"n": -1})),
        ]),
        text("done"),
    ]);
    let tools = ToolSet::new().with(double_tool());
    let r = run_agent(model.clone(), &req(), &tools, &opts(5))
        .await
        .unwrap();
    assert_eq!(r.steps.len(), 2);
    assert_eq!(r.text, "done");
    assert_eq!(r.finish_reason, FinishReason::Stop);
    assert_eq!(r.total_usage, Usage::new(30, 5));
    let results = &r.steps[0].tool_results;
    assert_eq!(
        results[0].output,
        ToolResultOutput::Json(json!({"doubled": 4}))
    );
    assert_eq!(
        results[1].output,
        ToolResultOutput::ErrorText("negative: -1".into())
    );
    // assistant(calls), tool(results), assistant(text)
    let roles: Vec<Role> = r.response_messages.iter().map(|m| m.role).collect();
    assert_eq!(roles, [Role::Assistant, Role::Tool, Role::Assistant]);
    let second = &model.calls()[1];
    assert_eq!(second.prompt.len(), 3);
    assert_eq!(second.tools.len(), 1);
}

#[tokio::test]
async fn default_stops_after_one_step() {
    let model = Scripted::new(vec![calls(vec![call("a", "double", json!({"n": 1}))])]);
    let tools = ToolSet::new().with(double_tool());
    let r = run_agent(model, &req(), &tools, &AgentOptions::default())
        .await
        .unwrap();
    assert_eq!(r.steps.len(), 1);
    assert_eq!(r.steps[0].tool_results.len(), 1);
    assert_eq!(r.finish_reason, FinishReason::ToolCalls);
}

#[tokio::test]
async fn invalid_input_and_unknown_tool_become_errors() {
    let mut bad = call("a", "double", Value::String("{oops".into()));
    bad.invalid_input = true;
    let model = Scripted::new(vec![
        calls(vec![bad, call("b", "nope", json!({}))]),
        text("ok"),
    ]);
    let tools = ToolSet::new().with(double_tool());
    let r = run_agent(model, &req(), &tools, &opts(3)).await.unwrap();
    let res = &r.steps[0].tool_results;
    assert!(
        res[0].output.to_text().contains("not valid JSON"),
        "{:?}",
        res[0]
    );
    assert_eq!(
        res[1].output,
        ToolResultOutput::ErrorText("no such tool: `nope`".into())
    );
    assert_eq!(r.steps.len(), 2);
}

#[tokio::test]
async fn huge_output_is_a_tool_error() {
    let model = Scripted::new(vec![calls(vec![call("a", "double", json!({"n": 1000}))])]);
    let tools = ToolSet::new().with(double_tool());
    let mut o = opts(1);
    o.max_tool_output_bytes = 1000;
    let r = run_agent(model, &req(), &tools, &o).await.unwrap();
    let out = r.steps[0].tool_results[0].output.to_text();
    assert_eq!(out, "tool output is 2002 bytes, over the 1000-byte limit");
}

#[tokio::test]
async fn client_side_tool_ends_the_loop() {
    let model = Scripted::new(vec![calls(vec![
        call("a", "double", json!({"n": 1})),
        call("b", "ask", json!({})),
    ])]);
    let ask = AgentTool::client_side(Tool::function("ask", None, json!({"type": "object"})));
    let tools = ToolSet::new().with(double_tool()).with(ask);
    let r = run_agent(model.clone(), &req(), &tools, &opts(9))
        .await
        .unwrap();
    assert_eq!(r.steps.len(), 1);
    assert_eq!(r.steps[0].tool_calls.len(), 2);
    assert_eq!(r.steps[0].tool_results.len(), 1);
    assert_eq!(model.calls().len(), 1);
}

#[tokio::test]
async fn stream_orders_events_and_sums_usage() {
    let model = Scripted::new(vec![
        calls(vec![call("a", "double", json!({"n": 2}))]),
        text("hi"),
    ]);
    let tools = ToolSet::new().with(double_tool());
    let s = stream_agent(model, &req(), &tools, &opts(5)).unwrap();
    let events: Vec<StreamEvent> = s.map(|e| e.unwrap()).collect().await;
    let types: Vec<&str> = events.iter().map(StreamEvent::type_name).collect();
    assert_eq!(
        types,
        [
            "start",
            "start-step",
            "tool-input-start",
            "tool-input-delta",
            "tool-input-end",
            "tool-call",
            "tool-result",
            "finish-step",
            "start-step",
            "text-start",
            "text-delta",
            "text-end",
            "finish-step",
            "finish"
        ]
    );
    match events.last().unwrap() {
        StreamEvent::Finish {
            total_usage,
            finish_reason,
            ..
        } => {
            assert_eq!(*total_usage, Usage::new(30, 5));
            assert_eq!(*finish_reason, FinishReason::Stop);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn approval_pauses_and_resumes() {
    let model = Scripted::new(vec![
        calls(vec![call("a", "double", json!({"n": 3}))]),
        text("ok"),
    ]);
    let tools = ToolSet::new().with(double_tool().with_approval(true));
    let r = run_agent(model.clone(), &req(), &tools, &opts(5))
        .await
        .unwrap();
    assert_eq!(r.pending_approvals.len(), 1);
    assert_eq!(r.pending_approvals[0].approval_id, "approval-a");
    assert!(r.steps[0].tool_results.is_empty());

    let resumed = TextRequest::new("x").messages(
        std::iter::once(crate::types::Message::user("go"))
            .chain(r.response_messages.clone())
            .collect(),
    );
    let o = opts(5).approvals(vec![ToolApprovalResponse::approve("approval-a")]);
    let r2 = run_agent(model.clone(), &resumed, &tools, &o)
        .await
        .unwrap();
    assert_eq!(r2.text, "ok");
    assert_eq!(r2.response_messages[0].role, Role::Tool);
    let prompt = &model.calls()[1].prompt;
    match &prompt[2].content[0] {
        ContentPart::ToolResult(t) => {
            assert_eq!(t.output, ToolResultOutput::Json(json!({"doubled": 6})))
        }
        other => panic!("{other:?}"),
    }

    let o = opts(5).approvals(vec![ToolApprovalResponse::deny(
        "approval-a",
        Some("no".into()),
    )]);
    let r3 = run_agent(model.clone(), &resumed, &tools, &o)
        .await
        .unwrap();
    match &r3.response_messages[0].content[0] {
        ContentPart::ToolResult(t) => {
            assert_eq!(
                t.output,
                ToolResultOutput::ErrorText("tool execution denied: no".into())
            )
        }
        other => panic!("{other:?}"),
    }

    let o = opts(5).approvals(vec![ToolApprovalResponse::approve("approval-zzz")]);
    let err = run_agent(model, &resumed, &tools, &o).await.unwrap_err();
    assert!(err.message().contains("approval-zzz"));
}

#[test]
fn spec_json_round_trip() {
    let spec: AgentSpec = serde_json::from_value(json!({
        "stop_when": [{"type": "step-count", "count": 3}, {"type": "has-tool-call", "tool_name": "x"}],
        "needs_approval": ["double"],
        "approvals": [{"approval_id": "approval-a", "approved": false, "reason": "no"}],
    }))
    .unwrap();
    assert_eq!(spec.max_steps, DEFAULT_MAX_STEPS);
    let back = serde_json::to_value(&spec).unwrap();
    assert_eq!(
        back["stop_when"][1],
        json!({"type": "has-tool-call", "tool_name": "x"})
    );
    let mut tools = ToolSet::new().with(double_tool());
    let o = spec.clone().into_options(&mut tools).unwrap();
    assert!(tools.get("double").unwrap().needs_approval);
    assert_eq!(o.stop_when.len(), 2);
    let mut none = ToolSet::new();
    assert!(spec.into_options(&mut none).is_err());
    assert!(serde_json::from_value::<StopCondition>(json!({"type": "custom"})).is_err());
}

#[test]
fn bad_options_are_rejected() {
    let model = Scripted::new(vec![text("x")]);
    let o = AgentOptions::default().max_steps(0);
    assert!(stream_agent(model, &req(), &ToolSet::new(), &o).is_err());
}

#[tokio::test]
async fn input_failing_the_schema_is_a_tool_error() {
    let model = Scripted::new(vec![calls(vec![call("a", "strict", json!({"n": "two"}))])]);
    let schema =
        json!({"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]});
    let tools = ToolSet::new().with(AgentTool::new(
        Tool::function("strict", None, schema),
        Arc::new(Double),
    ));
    let r = run_agent(model, &req(), &tools, &opts(1)).await.unwrap();
    let out = r.steps[0].tool_results[0].output.to_text();
    assert!(
        out.starts_with("invalid input for tool `strict`: "),
        "{out}"
    );
    assert!(out.contains("/n"), "{out}");
}
