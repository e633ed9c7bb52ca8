use crate::types::ProviderMetadata;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which `ai` package's chunk schema to target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UiVersion {
    /// `ai` 5.x: only the fields every 5.x client accepts (some reject unknown fields).
    #[default]
    V5,
    /// `ai` 6.x: adds `providerMetadata`, `finishReason`, `tool-approval-request`.
    V6,
}

/// Options of the UI message stream encoder (JSON: snake_case, every field optional).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UiStreamOptions {
    /// Target chunk schema.
    pub version: UiVersion,
    /// The assistant message id sent in the `start` chunk.
    pub message_id: Option<String>,
    /// Send reasoning blocks (default true).
    pub send_reasoning: bool,
    /// Send `source-url` / `source-document` chunks (default false).
    pub send_sources: bool,
    /// Send the `start` chunk (default true; false when appending to another stream).
    pub send_start: bool,
    /// Send the `finish` chunk (default true; false when more streams follow).
    pub send_finish: bool,
    /// Replace error details with "An error occurred." in `error` / `tool-output-error`
    /// chunks, as the AI SDK does by default (default false: the error's kind and message).
    pub mask_errors: bool,
}

impl Default for UiStreamOptions {
    fn default() -> Self {
        UiStreamOptions {
            version: UiVersion::V5,
            message_id: None,
            send_reasoning: true,
            send_sources: false,
            send_start: true,
            send_finish: true,
            mask_errors: false,
        }
    }
}

/// One UI message stream chunk, serialized as the AI SDK expects (`type` tag, camelCase
/// fields). `data-*` chunks are free-form: build them with [`data_chunk`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum UiChunk {
    /// The assistant message began.
    Start {
        /// The message id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_id: Option<String>,
        /// Message metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_metadata: Option<Value>,
    },
    /// A step began.
    StartStep,
    /// A text part began.
    TextStart {
        /// Part id.
        id: String,
        /// Provider details (V6).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// More text.
    TextDelta {
        /// Part id.
        id: String,
        /// The text.
        delta: String,
        /// Provider details (V6).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A text part ended.
    TextEnd {
        /// Part id.
        id: String,
        /// Provider details (V6).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A reasoning part began.
    ReasoningStart {
        /// Part id.
        id: String,
        /// Provider details (V6).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// More reasoning.
    ReasoningDelta {
        /// Part id.
        id: String,
        /// The text.
        delta: String,
        /// Provider details (V6).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A reasoning part ended.
    ReasoningEnd {
        /// Part id.
        id: String,
        /// Provider details (V6).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A tool call's input began streaming.
    ToolInputStart {
        /// Tool call id.
        tool_call_id: String,
        /// Tool name.
        tool_name: String,
        /// True when the provider runs the tool.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
    },
    /// More tool input text.
    ToolInputDelta {
        /// Tool call id.
        tool_call_id: String,
        /// JSON text fragment.
        input_text_delta: String,
    },
    /// The tool input is complete.
    ToolInputAvailable {
        /// Tool call id.
        tool_call_id: String,
        /// Tool name.
        tool_name: String,
        /// The parsed input.
        input: Value,
        /// True when the provider runs the tool.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
        /// Provider details (V6).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// The model sent tool input that is not valid.
    ToolInputError {
        /// Tool call id.
        tool_call_id: String,
        /// Tool name.
        tool_name: String,
        /// The raw input.
        input: Value,
        /// True when the provider runs the tool.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
        /// Provider details (V6).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
        /// What is wrong.
        error_text: String,
    },
    /// The tool call waits for the user's approval (V6 only).
    ToolApprovalRequest {
        /// Approval id, echoed back with the decision.
        approval_id: String,
        /// Tool call id.
        tool_call_id: String,
    },
    /// The tool's output.
    ToolOutputAvailable {
        /// Tool call id.
        tool_call_id: String,
        /// The output.
        output: Value,
        /// True when the provider ran the tool.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
    },
    /// The tool failed.
    ToolOutputError {
        /// Tool call id.
        tool_call_id: String,
        /// What went wrong.
        error_text: String,
        /// True when the provider ran the tool.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
    },
    /// A cited web page.
    SourceUrl {
        /// Source id.
        source_id: String,
        /// The URL.
        url: String,
        /// Title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// A cited document.
    SourceDocument {
        /// Source id.
        source_id: String,
        /// Media type.
        media_type: String,
        /// Title.
        title: String,
        /// File name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filename: Option<String>,
    },
    /// A generated file (as a `data:` URL).
    File {
        /// URL (usually `data:<media type>;base64,...`).
        url: String,
        /// Media type.
        media_type: String,
    },
    /// The stream failed.
    Error {
        /// What went wrong.
        error_text: String,
    },
    /// A step ended.
    FinishStep,
    /// The assistant message is complete.
    Finish {
        /// Why the model stopped (V6).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        finish_reason: Option<String>,
        /// Message metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_metadata: Option<Value>,
    },
    /// The stream was aborted.
    Abort,
}

/// A `data-<name>` chunk (custom data part): `{"type":"data-<name>","id"?,"data","transient"?}`.
pub fn data_chunk(name: &str, id: Option<&str>, data: Value, transient: bool) -> Value {
    let mut map = serde_json::Map::new();
    map.insert("type".into(), Value::String(format!("data-{name}")));
    if let Some(id) = id {
        map.insert("id".into(), Value::String(id.to_owned()));
    }
    map.insert("data".into(), data);
    if transient {
        map.insert("transient".into(), Value::Bool(true));
    }
    Value::Object(map)
}
