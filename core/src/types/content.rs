use super::{DataSource, ProviderMetadata, ProviderOptions};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One piece of a message's content.
///
/// JSON: `{"type": "text", "text": "..."}`, `{"type": "image", "image": {"url": ...}}`,
/// `{"type": "file", ...}`, `{"type": "reasoning", ...}`, `{"type": "tool-call", ...}`,
/// `{"type": "tool-result", ...}`. Which parts a role may carry: system — text; user — text,
/// image, file; assistant — text, reasoning, tool-call, file; tool — tool-result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ContentPart {
    /// Plain text.
    Text(TextPart),
    /// An image, by URL or inline bytes.
    Image(ImagePart),
    /// A file such as a PDF, by URL or inline bytes.
    File(FilePart),
    /// Model reasoning (thinking), with the provider metadata needed to send it back.
    Reasoning(ReasoningPart),
    /// A tool call the assistant made.
    ToolCall(ToolCall),
    /// The result of a tool call.
    ToolResult(ToolResult),
}

impl ContentPart {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        ContentPart::Text(TextPart {
            text: text.into(),
            provider_options: ProviderOptions::default(),
        })
    }

    /// The text of a text part.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            ContentPart::Text(t) => Some(&t.text),
            _ => None,
        }
    }

    /// The kebab-case type name, as in JSON.
    pub fn type_name(&self) -> &'static str {
        match self {
            ContentPart::Text(_) => "text",
            ContentPart::Image(_) => "image",
            ContentPart::File(_) => "file",
            ContentPart::Reasoning(_) => "reasoning",
            ContentPart::ToolCall(_) => "tool-call",
            ContentPart::ToolResult(_) => "tool-result",
        }
    }
}

/// Text content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextPart {
    /// The text.
    pub text: String,
    /// Per-part provider options (e.g. Anthropic `cache_control`).
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

/// Image content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImagePart {
    /// The image data or URL.
    pub image: DataSource,
    /// `image/png`, `image/jpeg`, ...; guessed from a data URL when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Per-part provider options (e.g. OpenAI `detail`).
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

/// File content (PDF, audio, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilePart {
    /// The file data or URL.
    pub data: DataSource,
    /// IANA media type, e.g. `application/pdf`.
    pub media_type: String,
    /// Original file name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Per-part provider options.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

/// Reasoning (thinking) content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasoningPart {
    /// The reasoning text (may be empty when the provider only sent a signature).
    pub text: String,
    /// What the provider needs to accept the reasoning back (signatures, encrypted content).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_metadata: Option<ProviderMetadata>,
}

/// A tool call made by the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// The provider's id for this call; tool results refer to it.
    pub tool_call_id: String,
    /// The tool's name.
    pub tool_name: String,
    /// The arguments as JSON. When the model sent text that is not JSON, this is that text as
    /// a JSON string and `invalid_input` is true.
    pub input: Value,
    /// True when `input` could not be parsed as JSON.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invalid_input: bool,
    /// True when the provider ran the tool itself (web search, code interpreter).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub provider_executed: bool,
    /// Provider-specific details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_metadata: Option<ProviderMetadata>,
}

impl ToolCall {
    /// Build a call from the raw argument text a provider streamed. Empty text means `{}`.
    pub fn from_raw_arguments(
        tool_call_id: impl Into<String>,
        tool_name: impl Into<String>,
        arguments: &str,
    ) -> Self {
        let trimmed = arguments.trim();
        let (input, invalid_input) = if trimmed.is_empty() {
            (Value::Object(Default::default()), false)
        } else {
            match serde_json::from_str(trimmed) {
                Ok(v) => (v, false),
                Err(_) => (Value::String(arguments.to_owned()), true),
            }
        };
        ToolCall {
            tool_call_id: tool_call_id.into(),
            tool_name: tool_name.into(),
            input,
            invalid_input,
            provider_executed: false,
            provider_metadata: None,
        }
    }

    /// The arguments as JSON text, as providers expect them back.
    pub fn arguments_json(&self) -> String {
        match (&self.input, self.invalid_input) {
            (Value::String(raw), true) => raw.clone(),
            (v, _) => v.to_string(),
        }
    }
}

/// The result of a tool call, sent back to the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolResult {
    /// The id of the call this answers.
    pub tool_call_id: String,
    /// The tool's name.
    pub tool_name: String,
    /// What the tool returned.
    pub output: ToolResultOutput,
    /// Per-part provider options.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

/// A tool's output: `{"type": "text", "value": "..."}`, `{"type": "json", "value": {...}}`,
/// `{"type": "error-text", ...}` or `{"type": "error-json", ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum ToolResultOutput {
    /// Text output.
    Text(String),
    /// JSON output.
    Json(Value),
    /// The tool failed; text description.
    ErrorText(String),
    /// The tool failed; JSON description.
    ErrorJson(Value),
}

impl ToolResultOutput {
    /// The output as text for providers that take a string.
    pub fn to_text(&self) -> String {
        match self {
            ToolResultOutput::Text(t) | ToolResultOutput::ErrorText(t) => t.clone(),
            ToolResultOutput::Json(v) | ToolResultOutput::ErrorJson(v) => v.to_string(),
        }
    }

    /// True for the error variants.
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            ToolResultOutput::ErrorText(_) | ToolResultOutput::ErrorJson(_)
        )
    }
}
