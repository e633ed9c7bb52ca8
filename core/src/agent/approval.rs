//! Tool approval: the request an agent pauses on, and the caller's answer.

use crate::types::ToolCall;
use serde::{Deserialize, Serialize};

/// A tool call waiting for the caller's approval (also the `tool-approval-request` event).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolApprovalRequest {
    /// Identifies the request; derived from the call id, so a resumed run finds it again
    /// from the messages alone.
    pub approval_id: String,
    /// The call waiting for approval.
    pub tool_call: ToolCall,
}

/// The caller's answer to a [`ToolApprovalRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolApprovalResponse {
    /// The `approval_id` of the request.
    pub approval_id: String,
    /// True to run the tool, false to refuse it.
    pub approved: bool,
    /// Why (sent to the model with a refusal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl ToolApprovalResponse {
    /// Approve the request `approval_id`.
    pub fn approve(approval_id: impl Into<String>) -> Self {
        ToolApprovalResponse {
            approval_id: approval_id.into(),
            approved: true,
            reason: None,
        }
    }

    /// Refuse the request `approval_id`, optionally saying why.
    pub fn deny(approval_id: impl Into<String>, reason: Option<String>) -> Self {
        ToolApprovalResponse {
            approval_id: approval_id.into(),
            approved: false,
            reason,
        }
    }
}

/// The approval id of a call: `approval-<tool_call_id>`.
pub fn approval_id(call: &ToolCall) -> String {
    format!("approval-{}", call.tool_call_id)
}

/// The tool error text a refused call feeds back to the model.
pub fn denied_message(reason: Option<&str>) -> String {
    match reason {
        Some(r) if !r.is_empty() => format!("tool execution denied: {r}"),
        _ => "tool execution denied".to_owned(),
    }
}
