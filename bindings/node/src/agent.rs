//! The agent loop from JavaScript: tools whose `execute` is a JS function, custom stop
//! conditions and the tool-call repair hook — each a core trait implemented over the one
//! [`HostBridge`] — and the agent options JSON the JS wrapper sends.

use crate::case::{to_camel, to_snake};
use crate::host::HostBridge;
use crate::options::text_request;
use ditto_llm::agent::{
    AgentOptions, AgentTool, StepResult, StopCondition, StopPredicate, ToolApprovalResponse,
    ToolCallRepair, ToolContext, ToolExecutor, ToolSet,
};
use ditto_llm::{Error, Result, TextRequest, Tool, ToolCall};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// A request for the agent loop: the text request without its tools, the tools, the options.
#[derive(Debug)]
pub struct AgentCall {
    /// The request (its `tools` moved into `tools`).
    pub request: TextRequest,
    /// The tools, in order.
    pub tools: ToolSet,
    /// The loop options with their host hooks.
    pub options: AgentOptions,
}

/// The agent part of a call, as the JS wrapper (`lib/agent.js`) writes it.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AgentWire {
    stop_when: Vec<StopWire>,
    max_steps: Option<u32>,
    max_parallel_tools: Option<usize>,
    max_tool_output_bytes: Option<usize>,
    approvals: Vec<ToolApprovalResponse>,
    needs_approval: Vec<String>,
    /// Names of the tools that have an `execute` function.
    execute: Vec<String>,
    /// Whether a `repairToolCall` function was given.
    repair: bool,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
enum StopWire {
    StepCount { count: u32 },
    HasToolCall { tool_name: String },
    Custom { id: u32 },
}

/// Build an [`AgentCall`] from the text options JSON and the agent options JSON.
pub fn agent_call(request_json: &str, agent_json: &str, host: &HostBridge) -> Result<AgentCall> {
    let mut request = text_request(request_json)?;
    let mut de = serde_json::Deserializer::from_str(agent_json);
    let wire: AgentWire = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| Error::invalid_request(format!("agent options: {e}")))?;
    let mut tools = ToolSet::new();
    for def in std::mem::take(&mut request.tools) {
        let name = def.name().to_owned();
        let tool = if wire.execute.contains(&name) {
            AgentTool::new(
                def,
                Arc::new(HostTool {
                    host: host.clone(),
                    name,
                }),
            )
        } else {
            AgentTool::client_side(def)
        };
        tools.insert(tool);
    }
    if let Some(missing) = wire.execute.iter().find(|n| tools.get(n).is_none()) {
        return Err(Error::invalid_request(format!(
            "tool `{missing}` has an execute function but no definition"
        )));
    }
    tools.require_approval(&wire.needs_approval)?;
    let defaults = AgentOptions::default();
    let stop_when = if wire.stop_when.is_empty() {
        // `maxSteps` alone keeps its AI SDK 4 meaning: run up to that many steps.
        match wire.max_steps {
            Some(n) => vec![StopCondition::StepCount(n)],
            None => defaults.stop_when,
        }
    } else {
        wire.stop_when
            .into_iter()
            .map(|s| match s {
                StopWire::StepCount { count } => StopCondition::StepCount(count),
                StopWire::HasToolCall { tool_name } => StopCondition::HasToolCall(tool_name),
                StopWire::Custom { id } => StopCondition::Custom(Arc::new(HostStop {
                    host: host.clone(),
                    id,
                })),
            })
            .collect()
    };
    let options = AgentOptions {
        stop_when,
        max_steps: wire.max_steps.unwrap_or(defaults.max_steps),
        max_parallel_tools: wire
            .max_parallel_tools
            .unwrap_or(defaults.max_parallel_tools),
        max_tool_output_bytes: wire
            .max_tool_output_bytes
            .unwrap_or(defaults.max_tool_output_bytes),
        repair: wire
            .repair
            .then(|| Arc::new(HostToolRepair { host: host.clone() }) as Arc<dyn ToolCallRepair>),
        approvals: wire.approvals,
    };
    options.validate()?;
    Ok(AgentCall {
        request,
        tools,
        options,
    })
}

fn camel<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value)
        .map(to_camel)
        .unwrap_or(Value::Null)
}

/// A tool whose `execute` is a JavaScript function.
#[derive(Debug)]
struct HostTool {
    host: HostBridge,
    name: String,
}

#[async_trait::async_trait]
impl ToolExecutor for HostTool {
    async fn execute(
        &self,
        call: &ToolCall,
        ctx: &ToolContext,
    ) -> std::result::Result<Value, String> {
        let args = json!({
            "name": self.name,
            "toolCallId": call.tool_call_id,
            "input": call.input,
            "step": ctx.step,
            "messages": camel(&ctx.messages),
        });
        self.host.call("tool", args).await
    }
}

/// A stop condition written in JavaScript: `({steps}) => boolean`. A throwing predicate stops
/// the loop (running on after a broken check could loop until `maxSteps`).
#[derive(Debug)]
struct HostStop {
    host: HostBridge,
    id: u32,
}

#[async_trait::async_trait]
impl StopPredicate for HostStop {
    async fn should_stop(&self, steps: &[StepResult]) -> bool {
        let args = json!({ "id": self.id, "steps": camel(&steps) });
        match self.host.call("stop", args).await {
            Ok(v) => v.as_bool().unwrap_or(true),
            Err(_) => true,
        }
    }
}

/// `repairToolCall({toolCall, error, tools})` → a fixed call or `null`.
#[derive(Debug)]
struct HostToolRepair {
    host: HostBridge,
}

#[async_trait::async_trait]
impl ToolCallRepair for HostToolRepair {
    async fn repair(
        &self,
        call: &ToolCall,
        error: &str,
        tools: &[Tool],
    ) -> Result<Option<ToolCall>> {
        let args = json!({ "toolCall": camel(call), "error": error, "tools": camel(&tools) });
        let fixed = self
            .host
            .call("repair-tool-call", args)
            .await
            .map_err(|e| Error::invalid_request(format!("repairToolCall threw: {e}")))?;
        if fixed.is_null() {
            return Ok(None);
        }
        let mut fixed = serde_json::from_value::<ToolCall>(to_snake(fixed)).map_err(|e| {
            Error::invalid_request(format!(
                "repairToolCall must return {{toolCallId, toolName, input}} or null: {e}"
            ))
        })?;
        // The AI SDK's repair returns the input as JSON text; an object is taken as is.
        fixed.invalid_input = false;
        if let Value::String(text) = &fixed.input {
            match serde_json::from_str::<Value>(text) {
                Ok(v) => fixed.input = v,
                Err(_) => fixed.invalid_input = true,
            }
        }
        Ok(Some(fixed))
    }
}

#[cfg(test)]
#[path = "agent_tests.rs"]
mod tests;
