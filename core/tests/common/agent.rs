//! Agent test helpers: the shared fixture `tests/fixtures/agent/two-tools-three-steps.json`,
//! its lookup executors, and the language-neutral summary of a run every language compares.

use super::repo_root;
use ditto_llm::agent::{
    AgentOptions, AgentResult, AgentSpec, AgentTool, StopCondition, ToolContext, ToolExecutor,
    ToolSet,
};
use ditto_llm::{Ditto, StreamEvent, TextRequest, Tool, ToolCall, ToolResultOutput};
use futures_util::StreamExt;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// The fixture JSON.
pub fn fixture() -> Value {
    let path = repo_root().join("tests/fixtures/agent/two-tools-three-steps.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Answers from a fixed `[{input, output}]` table; other inputs are the error `unknown input`.
#[derive(Debug)]
pub struct Lookup(pub Vec<(Value, Value)>);

#[async_trait::async_trait]
impl ToolExecutor for Lookup {
    async fn execute(&self, call: &ToolCall, _: &ToolContext) -> Result<Value, String> {
        self.0
            .iter()
            .find(|(input, _)| *input == call.input)
            .map(|(_, output)| output.clone())
            .ok_or_else(|| "unknown input".to_owned())
    }
}

/// The fixture's tools with lookup executors.
pub fn fixture_tools(fx: &Value) -> ToolSet {
    let mut set = ToolSet::new();
    for def in fx["tools"].as_array().unwrap() {
        let tool: Tool = serde_json::from_value(def.clone()).unwrap();
        let table = fx["tool_outputs"][tool.name()]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| (row["input"].clone(), row["output"].clone()))
            .collect();
        set.insert(AgentTool::new(tool, Arc::new(Lookup(table))));
    }
    set
}

/// The fixture's options.
pub fn fixture_spec(fx: &Value) -> AgentSpec {
    serde_json::from_value(fx["options"].clone()).unwrap()
}

/// The fixture's request: its model and prompt.
pub fn fixture_request(fx: &Value) -> TextRequest {
    TextRequest::new(fx["model"].as_str().unwrap()).prompt(fx["prompt"].as_str().unwrap())
}

/// The fixture's tools and its options.
pub fn fixture_tools_and_options(fx: &Value) -> (ToolSet, AgentOptions) {
    let mut tools = fixture_tools(fx);
    let opts = fixture_spec(fx).into_options(&mut tools).unwrap();
    (tools, opts)
}

/// The fixture's tools with `get_weather` needing approval.
pub fn approval_tools() -> ToolSet {
    let mut tools = fixture_tools(&fixture());
    tools.require_approval(&["get_weather".to_owned()]).unwrap();
    tools
}

/// `go plan: <plan>` for the OpenAI mock model.
pub fn plan_request(plan: &str) -> TextRequest {
    TextRequest::new("openai:gpt-4o-mini").prompt(format!("go plan: {plan}"))
}

/// Options that stop after `n` steps.
pub fn steps(n: u32) -> AgentOptions {
    AgentOptions::default().stop_when(vec![StopCondition::StepCount(n)])
}

/// Every event of `stream_agent`; panics on an error.
pub async fn stream_events(
    ditto: &Ditto,
    req: TextRequest,
    tools: &ToolSet,
    opts: &AgentOptions,
) -> Vec<StreamEvent> {
    ditto
        .stream_agent(req, tools, opts)
        .unwrap()
        .map(|e| e.unwrap())
        .collect()
        .await
}

fn result_json(tool_name: &str, output: &ToolResultOutput) -> Value {
    match output {
        ToolResultOutput::Json(v) => json!({"tool_name": tool_name, "output": v}),
        ToolResultOutput::Text(t) => json!({"tool_name": tool_name, "output": t}),
        e => json!({"tool_name": tool_name, "error": e.to_text()}),
    }
}

/// The comparable summary of a `run_agent` result.
pub fn summarize_result(r: &AgentResult) -> Value {
    let steps: Vec<Value> = r
        .steps
        .iter()
        .map(|s| {
            json!({
                "finish_reason": s.finish_reason,
                "text": s.text,
                "tool_calls": s.tool_calls.iter()
                    .map(|c| json!({"tool_name": c.tool_name, "input": c.input}))
                    .collect::<Vec<_>>(),
                "tool_results": s.tool_results.iter()
                    .map(|t| result_json(&t.tool_name, &t.output))
                    .collect::<Vec<_>>(),
                "usage": s.usage,
            })
        })
        .collect();
    json!({
        "steps": steps,
        "text": r.text,
        "finish_reason": r.finish_reason,
        "total_usage": r.total_usage,
        "response_message_roles": r.response_messages.iter().map(|m| m.role).collect::<Vec<_>>(),
    })
}

/// The comparable summary of a `stream_agent` event list (same shape as
/// [`summarize_result`] minus the messages, plus the event types with repeats collapsed).
pub fn summarize_events(events: &[StreamEvent]) -> Value {
    let mut steps = Vec::new();
    let mut step = Map::new();
    let mut total = json!({});
    for ev in events {
        match ev {
            StreamEvent::StartStep { .. } => {
                step = Map::new();
                step.insert("text".into(), json!(""));
                step.insert("tool_calls".into(), json!([]));
                step.insert("tool_results".into(), json!([]));
            }
            StreamEvent::TextDelta { text, .. } => {
                let t = step["text"].as_str().unwrap().to_owned() + text;
                step.insert("text".into(), json!(t));
            }
            StreamEvent::ToolCall(c) => step["tool_calls"]
                .as_array_mut()
                .unwrap()
                .push(json!({"tool_name": c.tool_name, "input": c.input})),
            StreamEvent::ToolResult {
                tool_name, output, ..
            } => step["tool_results"]
                .as_array_mut()
                .unwrap()
                .push(json!({"tool_name": tool_name, "output": output})),
            StreamEvent::ToolError {
                tool_name, error, ..
            } => step["tool_results"]
                .as_array_mut()
                .unwrap()
                .push(json!({"tool_name": tool_name, "error": error})),
            StreamEvent::FinishStep {
                finish_reason,
                usage,
                ..
            } => {
                step.insert("finish_reason".into(), json!(finish_reason));
                step.insert("usage".into(), json!(usage));
                steps.push(Value::Object(std::mem::take(&mut step)));
            }
            StreamEvent::Finish {
                finish_reason,
                total_usage,
                ..
            } => {
                total = json!({"finish_reason": finish_reason, "total_usage": total_usage});
            }
            _ => {}
        }
    }
    let mut types: Vec<&str> = events.iter().map(StreamEvent::type_name).collect();
    types.dedup();
    json!({
        "steps": steps,
        "text": steps.last().map_or(json!(""), |s| s["text"].clone()),
        "finish_reason": total["finish_reason"],
        "total_usage": total["total_usage"],
        "event_types": types,
    })
}

/// `get_weather` with a `{"city": string}` schema (no extra properties) and `executor`.
pub fn weather_tool(executor: Arc<dyn ToolExecutor>) -> AgentTool {
    let schema = json!({"type": "object", "properties": {"city": {"type": "string"}},
                        "required": ["city"], "additionalProperties": false});
    AgentTool::new(
        Tool::function("get_weather", Some("Weather in a city.".into()), schema),
        executor,
    )
}

/// Runs a closure on each call.
pub struct FnTool<F>(pub F);

impl<F> std::fmt::Debug for FnTool<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FnTool")
    }
}

#[async_trait::async_trait]
impl<F, Fut> ToolExecutor for FnTool<F>
where
    F: Fn(ToolCall) -> Fut + Send + Sync,
    Fut: std::future::Future<Output = Result<Value, String>> + Send,
{
    async fn execute(&self, call: &ToolCall, _: &ToolContext) -> Result<Value, String> {
        (self.0)(call.clone()).await
    }
}

/// The tool messages' `content` of a recorded Chat Completions body.
pub fn tool_contents(body: &Value) -> Vec<String> {
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "tool")
        .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
        .collect()
}
