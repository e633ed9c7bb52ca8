//! Tools with executors: [`ToolExecutor`], [`AgentTool`] and the ordered [`ToolSet`].

use crate::error::{Error, Result};
use crate::types::{Message, Tool, ToolCall};
use serde_json::Value;
use std::sync::Arc;

/// What a tool executor sees besides the call: the step number (0-based) and the messages the
/// model was given for that step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolContext {
    /// The step whose tool calls are being executed, counting from 0.
    pub step: u32,
    /// The conversation the model saw in that step.
    pub messages: Vec<Message>,
}

/// Runs one tool. `Err(message)` is a tool failure: it is not a call error, it becomes a
/// `tool-error` event and an error tool result fed back to the model.
#[async_trait::async_trait]
pub trait ToolExecutor: Send + Sync + std::fmt::Debug {
    /// Execute `call` (its `input` already parsed and checked against the tool's schema).
    async fn execute(
        &self,
        call: &ToolCall,
        ctx: &ToolContext,
    ) -> std::result::Result<Value, String>;
}

/// A tool the agent may call: its definition for the model, and optionally how to run it.
///
/// A tool without an executor ends the loop when the model calls it; the call is returned to
/// the caller (in the last step's `tool_calls`), like the AI SDK does for tools without
/// `execute`.
#[derive(Debug, Clone)]
pub struct AgentTool {
    /// What the model sees (name, description, input schema).
    pub definition: Tool,
    /// How to run it; `None` hands the call back to the caller.
    pub executor: Option<Arc<dyn ToolExecutor>>,
    /// Pause for the caller's approval before running it.
    pub needs_approval: bool,
}

impl AgentTool {
    /// A tool with an executor that runs without approval.
    pub fn new(definition: Tool, executor: Arc<dyn ToolExecutor>) -> Self {
        AgentTool {
            definition,
            executor: Some(executor),
            needs_approval: false,
        }
    }

    /// A tool the caller runs itself (no executor).
    pub fn client_side(definition: Tool) -> Self {
        AgentTool {
            definition,
            executor: None,
            needs_approval: false,
        }
    }

    /// Require (or not) the caller's approval before each execution.
    pub fn with_approval(mut self, needs_approval: bool) -> Self {
        self.needs_approval = needs_approval;
        self
    }

    /// The tool's name.
    pub fn name(&self) -> &str {
        self.definition.name()
    }
}

/// Tools by name, in insertion order (the order the model sees them in).
#[derive(Debug, Clone, Default)]
pub struct ToolSet {
    tools: Vec<AgentTool>,
}

impl ToolSet {
    /// An empty set.
    pub fn new() -> Self {
        ToolSet::default()
    }

    /// Add `tool`, replacing a tool of the same name (which keeps its position).
    pub fn with(mut self, tool: AgentTool) -> Self {
        self.insert(tool);
        self
    }

    /// Add `tool`, replacing a tool of the same name (which keeps its position).
    pub fn insert(&mut self, tool: AgentTool) {
        match self.tools.iter_mut().find(|t| t.name() == tool.name()) {
            Some(slot) => *slot = tool,
            None => self.tools.push(tool),
        }
    }

    /// The tool named `name`.
    pub fn get(&self, name: &str) -> Option<&AgentTool> {
        self.tools.iter().find(|t| t.name() == name)
    }

    /// Mutable access to the tool named `name` (e.g. to set `needs_approval`).
    pub fn get_mut(&mut self, name: &str) -> Option<&mut AgentTool> {
        self.tools.iter_mut().find(|t| t.name() == name)
    }

    /// The tools in order.
    pub fn iter(&self) -> impl Iterator<Item = &AgentTool> {
        self.tools.iter()
    }

    /// Number of tools.
    pub fn len(&self) -> usize {
        self.tools.len()
    }

    /// True when there are no tools.
    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }

    /// The definitions, in order, as the model receives them.
    pub fn definitions(&self) -> Vec<Tool> {
        self.tools.iter().map(|t| t.definition.clone()).collect()
    }

    /// Mark the named tools as needing approval (what `AgentSpec::needs_approval` does).
    /// Unknown names are an `invalid_request` error.
    pub fn require_approval(&mut self, names: &[String]) -> Result<()> {
        for name in names {
            let tool = self.get_mut(name).ok_or_else(|| {
                Error::invalid_request(format!("needs_approval names unknown tool `{name}`"))
            })?;
            tool.needs_approval = true;
        }
        Ok(())
    }
}
