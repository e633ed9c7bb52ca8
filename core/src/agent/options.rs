//! Agent options: [`AgentOptions`] (Rust, with hooks) and its JSON part [`AgentSpec`].

use super::{StopCondition, ToolApprovalResponse, ToolSet};
use crate::error::{Error, Result};
use crate::types::{Tool, ToolCall};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Default hard cap on steps.
pub const DEFAULT_MAX_STEPS: u32 = 20;
/// Default number of a step's tool calls executed at once.
pub const DEFAULT_MAX_PARALLEL_TOOLS: usize = 8;
/// Default cap on one tool result's JSON size: 1 MiB. Bigger results become tool errors.
pub const DEFAULT_MAX_TOOL_OUTPUT_BYTES: usize = 1024 * 1024;

/// Fixes a tool call whose input is not JSON or does not match the tool's input schema.
#[async_trait::async_trait]
pub trait ToolCallRepair: Send + Sync + std::fmt::Debug {
    /// A corrected call, or `None` to give up (the call then gets a `tool-error`). `error`
    /// says what was wrong; `tools` are the definitions the model had.
    async fn repair(
        &self,
        call: &ToolCall,
        error: &str,
        tools: &[Tool],
    ) -> Result<Option<ToolCall>>;
}

/// How the agent loop runs.
#[derive(Debug, Clone)]
pub struct AgentOptions {
    /// Stop when any holds (checked after each step that would continue). Default: one step,
    /// like the AI SDK's `stepCountIs(1)`.
    pub stop_when: Vec<StopCondition>,
    /// Hard cap on model calls, whatever `stop_when` says. Default 20.
    pub max_steps: u32,
    /// How many of one step's tool calls run at once. Default 8.
    pub max_parallel_tools: usize,
    /// Largest tool result (serialized JSON bytes); a bigger one becomes a tool error.
    /// Default 1 MiB.
    pub max_tool_output_bytes: usize,
    /// Fixes invalid tool input before it turns into a tool error.
    pub repair: Option<Arc<dyn ToolCallRepair>>,
    /// Answers to earlier `tool-approval-request`s; resumes a paused run.
    pub approvals: Vec<ToolApprovalResponse>,
}

impl Default for AgentOptions {
    fn default() -> Self {
        AgentOptions {
            stop_when: vec![StopCondition::StepCount(1)],
            max_steps: DEFAULT_MAX_STEPS,
            max_parallel_tools: DEFAULT_MAX_PARALLEL_TOOLS,
            max_tool_output_bytes: DEFAULT_MAX_TOOL_OUTPUT_BYTES,
            repair: None,
            approvals: Vec::new(),
        }
    }
}

impl AgentOptions {
    /// Stop when any of `conditions` holds (replaces the default).
    pub fn stop_when(mut self, conditions: Vec<StopCondition>) -> Self {
        self.stop_when = conditions;
        self
    }

    /// Set the hard step cap.
    pub fn max_steps(mut self, n: u32) -> Self {
        self.max_steps = n;
        self
    }

    /// Set the tool parallelism.
    pub fn max_parallel_tools(mut self, n: usize) -> Self {
        self.max_parallel_tools = n;
        self
    }

    /// Set the repair hook.
    pub fn repair(mut self, repair: Arc<dyn ToolCallRepair>) -> Self {
        self.repair = Some(repair);
        self
    }

    /// Set the approval answers.
    pub fn approvals(mut self, approvals: Vec<ToolApprovalResponse>) -> Self {
        self.approvals = approvals;
        self
    }

    /// Reject values the loop cannot run with.
    pub fn validate(&self) -> Result<()> {
        if self.max_steps == 0 {
            return Err(Error::invalid_request("`max_steps` must be at least 1"));
        }
        if self.max_parallel_tools == 0 {
            return Err(Error::invalid_request(
                "`max_parallel_tools` must be at least 1",
            ));
        }
        if self.max_tool_output_bytes == 0 {
            return Err(Error::invalid_request(
                "`max_tool_output_bytes` must be at least 1",
            ));
        }
        Ok(())
    }
}

/// The JSON-able part of [`AgentOptions`], what the bindings send:
/// `{"stop_when": [{"type": "step-count", "count": 3}], "max_steps": 20,
/// "max_parallel_tools": 8, "max_tool_output_bytes": 1048576, "approvals": [...],
/// "needs_approval": ["tool_name", ...]}`. Every field is optional.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgentSpec {
    /// Stop conditions (default: one step).
    pub stop_when: Vec<StopCondition>,
    /// Hard step cap.
    pub max_steps: u32,
    /// Tool parallelism.
    pub max_parallel_tools: usize,
    /// Largest tool result in bytes.
    pub max_tool_output_bytes: usize,
    /// Approval answers.
    pub approvals: Vec<ToolApprovalResponse>,
    /// Names of tools that need approval before each execution.
    pub needs_approval: Vec<String>,
}

impl Default for AgentSpec {
    fn default() -> Self {
        let o = AgentOptions::default();
        AgentSpec {
            stop_when: o.stop_when,
            max_steps: o.max_steps,
            max_parallel_tools: o.max_parallel_tools,
            max_tool_output_bytes: o.max_tool_output_bytes,
            approvals: Vec::new(),
            needs_approval: Vec::new(),
        }
    }
}

impl AgentSpec {
    /// The options, after marking `needs_approval` tools in `tools` (unknown names are an
    /// `invalid_request` error). Add a repair hook on the result if needed.
    pub fn into_options(self, tools: &mut ToolSet) -> Result<AgentOptions> {
        tools.require_approval(&self.needs_approval)?;
        let options = AgentOptions {
            stop_when: self.stop_when,
            max_steps: self.max_steps,
            max_parallel_tools: self.max_parallel_tools,
            max_tool_output_bytes: self.max_tool_output_bytes,
            repair: None,
            approvals: self.approvals,
        };
        options.validate()?;
        Ok(options)
    }
}
