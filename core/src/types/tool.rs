use super::ProviderOptions;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A tool the model may call.
///
/// JSON: `{"type": "function", "name": "...", "description": "...", "input_schema": {...}}` or
/// `{"type": "provider-defined", "id": "openai.web_search", "name": "...", "args": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Tool {
    /// A function the caller implements, described by a JSON Schema.
    Function {
        /// Name the model uses to call it.
        name: String,
        /// What it does, for the model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// JSON Schema of the arguments (an object schema).
        #[serde(default = "empty_object_schema")]
        input_schema: Value,
        /// Ask the provider for strict schema adherence where supported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        strict: Option<bool>,
        /// Per-tool provider options.
        #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
        provider_options: ProviderOptions,
    },
    /// A tool the provider runs itself (web search, code execution, ...).
    ProviderDefined {
        /// `<provider>.<tool>`, e.g. `openai.web_search`.
        id: String,
        /// Name the model uses.
        name: String,
        /// Tool configuration.
        #[serde(default)]
        args: Map<String, Value>,
    },
}

fn empty_object_schema() -> Value {
    serde_json::json!({"type": "object", "properties": {}})
}

impl Tool {
    /// A function tool.
    pub fn function(name: impl Into<String>, description: Option<String>, schema: Value) -> Self {
        Tool::Function {
            name: name.into(),
            description,
            input_schema: schema,
            strict: None,
            provider_options: ProviderOptions::default(),
        }
    }

    /// The tool's name.
    pub fn name(&self) -> &str {
        match self {
            Tool::Function { name, .. } | Tool::ProviderDefined { name, .. } => name,
        }
    }
}

/// How the model may use tools.
///
/// JSON: `"auto"`, `"none"`, `"required"` or `{"type": "tool", "tool_name": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", untagged)]
pub enum ToolChoice {
    /// One of the simple modes.
    Mode(ToolChoiceMode),
    /// Force one tool.
    Tool(SpecificTool),
}

/// The simple tool choice modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ToolChoiceMode {
    /// The model decides.
    Auto,
    /// No tool calls.
    None,
    /// At least one tool call.
    Required,
}

/// Force a specific tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "tool")]
pub struct SpecificTool {
    /// The tool to call.
    pub tool_name: String,
}

impl ToolChoice {
    /// `"auto"`.
    pub const AUTO: ToolChoice = ToolChoice::Mode(ToolChoiceMode::Auto);
    /// `"none"`.
    pub const NONE: ToolChoice = ToolChoice::Mode(ToolChoiceMode::None);
    /// `"required"`.
    pub const REQUIRED: ToolChoice = ToolChoice::Mode(ToolChoiceMode::Required);

    /// Force the named tool.
    pub fn tool(name: impl Into<String>) -> Self {
        ToolChoice::Tool(SpecificTool {
            tool_name: name.into(),
        })
    }
}
