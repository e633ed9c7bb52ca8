use super::{FinishReason, ProviderMetadata, ResponseMetadata, Source, ToolCall, Usage, Warning};
use crate::error::ErrorInfo;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One event of a text stream. The names follow the AI SDK `fullStream` parts, so they map 1:1
/// onto its UI message stream; fields are snake_case.
///
/// Order of a stream: `start`, `start-step`, then text / reasoning / tool-input blocks (each
/// `*-start`, `*-delta`..., `*-end`, sharing an `id`), `tool-call` after its input ends,
/// `source` / `file` anywhere, `finish-step`, `finish`. A failure ends the stream with an `Err`
/// item; the `error` event is what protocol encoders write for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum StreamEvent {
    /// The stream began.
    Start,
    /// A model call (step) began.
    StartStep {
        /// What the provider could not honour for this step.
        #[serde(default)]
        warnings: Vec<Warning>,
    },
    /// A text block began.
    TextStart {
        /// Block id.
        id: String,
        /// Provider details.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// More text.
    TextDelta {
        /// Block id.
        id: String,
        /// The new text.
        text: String,
        /// Provider details.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A text block ended.
    TextEnd {
        /// Block id.
        id: String,
        /// Provider details.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A reasoning block began.
    ReasoningStart {
        /// Block id.
        id: String,
        /// Provider details (signatures, encrypted content).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// More reasoning.
    ReasoningDelta {
        /// Block id.
        id: String,
        /// The new reasoning text.
        text: String,
        /// Provider details.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A reasoning block ended.
    ReasoningEnd {
        /// Block id.
        id: String,
        /// Provider details.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// The model began writing a tool call's input.
    ToolInputStart {
        /// The tool call id.
        id: String,
        /// The tool's name.
        tool_name: String,
        /// True when the provider runs the tool itself.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        provider_executed: bool,
    },
    /// More tool input (a JSON text fragment).
    ToolInputDelta {
        /// The tool call id.
        id: String,
        /// The fragment.
        delta: String,
    },
    /// The tool input is complete.
    ToolInputEnd {
        /// The tool call id.
        id: String,
    },
    /// A complete tool call.
    ToolCall(ToolCall),
    /// A tool's result (from a provider-executed tool, or Ditto's agent loop).
    ToolResult {
        /// The tool call id.
        tool_call_id: String,
        /// The tool's name.
        tool_name: String,
        /// The input the tool ran with.
        #[serde(default)]
        input: Value,
        /// What it returned.
        output: Value,
        /// True when the provider ran the tool.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        provider_executed: bool,
    },
    /// A tool failed.
    ToolError {
        /// The tool call id.
        tool_call_id: String,
        /// The tool's name.
        tool_name: String,
        /// The input the tool ran with.
        #[serde(default)]
        input: Value,
        /// What went wrong.
        error: String,
    },
    /// An agent paused before running a tool that needs the caller's approval. Answer with a
    /// `ToolApprovalResponse` carrying the same `approval_id` to resume.
    ToolApprovalRequest {
        /// Identifies this request in the approval response.
        approval_id: String,
        /// The call waiting for approval.
        tool_call: ToolCall,
    },
    /// A cited source.
    Source(Source),
    /// A generated file.
    File {
        /// Media type.
        media_type: String,
        /// Base64 data.
        base64: String,
    },
    /// A model call (step) ended.
    FinishStep {
        /// Unified finish reason.
        finish_reason: FinishReason,
        /// The provider's own value.
        #[serde(default)]
        raw_finish_reason: Option<String>,
        /// Usage of this step.
        usage: Usage,
        /// Response facts.
        #[serde(default)]
        response: ResponseMetadata,
        /// Provider details.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// The whole stream ended.
    Finish {
        /// Finish reason of the last step.
        finish_reason: FinishReason,
        /// The provider's own value.
        #[serde(default)]
        raw_finish_reason: Option<String>,
        /// Usage over all steps.
        total_usage: Usage,
    },
    /// The stream failed (written by protocol encoders; Rust streams yield `Err` instead).
    Error {
        /// What went wrong.
        error: ErrorInfo,
    },
    /// The stream was aborted by the caller.
    Abort,
    /// A raw provider chunk (only when `include_raw_chunks` is set).
    Raw {
        /// The chunk as the provider sent it.
        raw_value: Value,
    },
}

impl StreamEvent {
    /// The kebab-case type name, as in JSON.
    pub fn type_name(&self) -> &'static str {
        match self {
            StreamEvent::Start => "start",
            StreamEvent::StartStep { .. } => "start-step",
            StreamEvent::TextStart { .. } => "text-start",
            StreamEvent::TextDelta { .. } => "text-delta",
            StreamEvent::TextEnd { .. } => "text-end",
            StreamEvent::ReasoningStart { .. } => "reasoning-start",
            StreamEvent::ReasoningDelta { .. } => "reasoning-delta",
            StreamEvent::ReasoningEnd { .. } => "reasoning-end",
            StreamEvent::ToolInputStart { .. } => "tool-input-start",
            StreamEvent::ToolInputDelta { .. } => "tool-input-delta",
            StreamEvent::ToolInputEnd { .. } => "tool-input-end",
            StreamEvent::ToolCall(_) => "tool-call",
            StreamEvent::ToolResult { .. } => "tool-result",
            StreamEvent::ToolError { .. } => "tool-error",
            StreamEvent::ToolApprovalRequest { .. } => "tool-approval-request",
            StreamEvent::Source(_) => "source",
            StreamEvent::File { .. } => "file",
            StreamEvent::FinishStep { .. } => "finish-step",
            StreamEvent::Finish { .. } => "finish",
            StreamEvent::Error { .. } => "error",
            StreamEvent::Abort => "abort",
            StreamEvent::Raw { .. } => "raw",
        }
    }

    /// A text delta.
    pub fn text_delta(id: &str, text: impl Into<String>) -> Self {
        StreamEvent::TextDelta {
            id: id.to_owned(),
            text: text.into(),
            provider_metadata: None,
        }
    }
}
