//! Tools and agents: a multi-step loop that calls the model, runs the tools it asks for, feeds
//! the results back and calls it again until a stop condition holds.
//!
//! ```no_run
//! # async fn demo(ditto: ditto_llm::Ditto) -> ditto_llm::Result<()> {
//! use ditto_llm::agent::{AgentOptions, AgentTool, StopCondition, ToolContext, ToolExecutor, ToolSet};
//! use ditto_llm::{TextRequest, Tool, ToolCall};
//! use serde_json::{json, Value};
//! use std::sync::Arc;
//!
//! #[derive(Debug)]
//! struct Weather;
//! #[async_trait::async_trait]
//! impl ToolExecutor for Weather {
//!     async fn execute(&self, call: &ToolCall, _: &ToolContext) -> Result<Value, String> {
//!         Ok(json!({"city": call.input["city"], "celsius": 21}))
//!     }
//! }
//!
//! let tools = ToolSet::new().with(AgentTool::new(
//!     Tool::function("get_weather", None, json!({"type": "object"})),
//!     Arc::new(Weather),
//! ));
//! let opts = AgentOptions::default().stop_when(vec![StopCondition::StepCount(5)]);
//! let r = ditto
//!     .run_agent(TextRequest::new("openai:gpt-4o-mini").prompt("Weather in Paris?"), &tools, &opts)
//!     .await?;
//! println!("{} after {} steps", r.text, r.steps.len());
//! # Ok(()) }
//! ```
//!
//! See `docs/agents.md`.

mod approval;
mod engine;
mod execute;
mod options;
mod result;
mod run;
mod stop;
mod stream;
mod tools;

pub use approval::{approval_id, ToolApprovalRequest, ToolApprovalResponse};
pub use options::{
    AgentOptions, AgentSpec, ToolCallRepair, DEFAULT_MAX_PARALLEL_TOOLS, DEFAULT_MAX_STEPS,
    DEFAULT_MAX_TOOL_OUTPUT_BYTES,
};
pub use result::{AgentResult, StepResult};
pub use run::{run_agent, stream_agent};
pub use stop::{StopCondition, StopPredicate};
pub use stream::AgentStream;
pub use tools::{AgentTool, ToolContext, ToolExecutor, ToolSet};

#[cfg(test)]
#[path = "agent_tests.rs"]
mod tests;
