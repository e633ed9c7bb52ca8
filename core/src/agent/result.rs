//! What an agent run returns: one [`StepResult`] per model call, and the [`AgentResult`].

use super::ToolApprovalRequest;
use crate::types::{
    ContentPart, FinishReason, GenerateTextResult, Message, ResponseMetadata, ToolCall, ToolResult,
    Usage, Warning,
};
use serde::{Deserialize, Serialize};

/// One model call of an agent run and the tools executed after it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StepResult {
    /// The step number, counting from 0.
    pub step: u32,
    /// The model's output parts, then one `tool-result` part per executed (or failed) call.
    pub content: Vec<ContentPart>,
    /// The step's text parts joined.
    pub text: String,
    /// The tool calls the model made in this step.
    pub tool_calls: Vec<ToolCall>,
    /// The results of the calls that ran (or failed), in call order; errors have an
    /// `error-text` / `error-json` output.
    pub tool_results: Vec<ToolResult>,
    /// Why the model stopped.
    pub finish_reason: FinishReason,
    /// The provider's own finish reason.
    #[serde(default)]
    pub raw_finish_reason: Option<String>,
    /// Usage of this model call.
    pub usage: Usage,
    /// What the provider could not honour.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Response facts.
    #[serde(default)]
    pub response: ResponseMetadata,
}

impl StepResult {
    /// A step from one model call's result and the tool results that followed it.
    pub fn new(step: u32, model: GenerateTextResult, tool_results: Vec<ToolResult>) -> Self {
        let mut content = model.content;
        content.extend(tool_results.iter().cloned().map(ContentPart::ToolResult));
        StepResult {
            step,
            content,
            text: model.text,
            tool_calls: model.tool_calls,
            tool_results,
            finish_reason: model.finish_reason,
            raw_finish_reason: model.raw_finish_reason,
            usage: model.usage,
            warnings: model.warnings,
            response: model.response,
        }
    }
}

/// The result of `run_agent`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentResult {
    /// The last step's text.
    pub text: String,
    /// Every step, in order.
    pub steps: Vec<StepResult>,
    /// Usage summed over the steps.
    pub total_usage: Usage,
    /// The last step's finish reason (`tool-calls` when the run stopped on a call it did not
    /// execute: a tool without executor, a pending approval, a stop condition or `max_steps`).
    pub finish_reason: FinishReason,
    /// The messages the run produced (assistant and tool messages), to append to the
    /// conversation for the next turn or a resume.
    pub response_messages: Vec<Message>,
    /// Calls waiting for approval; resume with `AgentOptions::approvals`.
    pub pending_approvals: Vec<ToolApprovalRequest>,
}
