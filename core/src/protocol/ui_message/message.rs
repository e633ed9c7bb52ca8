use crate::types::ProviderMetadata;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The body `useChat` (`DefaultChatTransport`) posts: `{id, messages, trigger, messageId?}` plus
/// whatever the app adds with `body: {...}` (e.g. `model`). Unknown fields are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UiChatRequest {
    /// The chat id.
    #[serde(default)]
    pub id: String,
    /// The conversation so far.
    pub messages: Vec<UiMessage>,
    /// `submit-message` or `regenerate-message`.
    #[serde(default)]
    pub trigger: Option<String>,
    /// The id of the message to regenerate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The model to answer with (`provider:model` or an alias), when the app sends one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Any other fields of the body.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Who wrote a UI message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UiRole {
    /// Instructions.
    System,
    /// The user.
    User,
    /// The model.
    Assistant,
}

/// One message as `useChat` keeps it: `{id, role, metadata?, parts}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UiMessage {
    /// Message id.
    #[serde(default)]
    pub id: String,
    /// Who wrote it.
    pub role: UiRole,
    /// App-defined metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// The parts, in order.
    #[serde(default)]
    pub parts: Vec<UiPart>,
}

/// One part of a [`UiMessage`]. JSON as in the AI SDK (`type` tag, camelCase fields); tool
/// parts are `tool-<name>` (or `dynamic-tool` with a `toolName`), data parts `data-<name>`.
#[derive(Debug, Clone, PartialEq)]
pub enum UiPart {
    /// Text.
    Text {
        /// The text.
        text: String,
        /// Provider details.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// Reasoning.
    Reasoning {
        /// The reasoning text.
        text: String,
        /// Provider details (e.g. signatures).
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A file, by URL (often a `data:` URL).
    File {
        /// Media type.
        media_type: String,
        /// File name.
        filename: Option<String>,
        /// The URL.
        url: String,
        /// Provider details.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A step boundary.
    StepStart,
    /// A tool call and its state.
    Tool(UiToolPart),
    /// Any other part (`source-url`, `source-document`, `data-*`, ...), kept as sent.
    Other(Value),
}

/// The states of a tool part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UiToolState {
    /// The input is still streaming.
    InputStreaming,
    /// The input is complete; no output yet.
    InputAvailable,
    /// Waiting for the user's approval (ai 6).
    ApprovalRequested,
    /// The user answered the approval request (ai 6).
    ApprovalResponded,
    /// The tool returned `output`.
    OutputAvailable,
    /// The tool failed with `errorText`.
    OutputError,
    /// The user denied the call (ai 6).
    OutputDenied,
}

/// A tool part: `{"type":"tool-<name>", toolCallId, state, input?, output?, errorText?, ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UiToolPart {
    /// The tool's name (from the `tool-<name>` type, or `toolName` of a `dynamic-tool` part).
    #[serde(skip)]
    pub tool_name: String,
    /// True for a `dynamic-tool` part.
    #[serde(skip)]
    pub dynamic: bool,
    /// The tool call id.
    pub tool_call_id: String,
    /// Where the call stands.
    pub state: UiToolState,
    /// The input (absent while streaming).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    /// The raw input when it could not be parsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_input: Option<Value>,
    /// The output (state `output-available`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// The error (state `output-error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_text: Option<String>,
    /// True when the provider ran the tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_executed: Option<bool>,
    /// Provider details of the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_provider_metadata: Option<ProviderMetadata>,
    /// True for a preliminary output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preliminary: Option<bool>,
    /// The approval (ai 6): `{id, approved?, reason?}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TextRepr {
    text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider_metadata: Option<ProviderMetadata>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FileRepr {
    media_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    filename: Option<String>,
    url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider_metadata: Option<ProviderMetadata>,
}

fn tagged(type_name: &str, body: Value) -> Value {
    let mut map = match body {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    map.insert("type".into(), Value::String(type_name.to_owned()));
    Value::Object(map)
}

impl Serialize for UiPart {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let to = |v: Result<Value, serde_json::Error>| v.map_err(serde::ser::Error::custom);
        let value = match self {
            UiPart::Text {
                text,
                provider_metadata,
            }
            | UiPart::Reasoning {
                text,
                provider_metadata,
            } => {
                let name = if matches!(self, UiPart::Text { .. }) {
                    "text"
                } else {
                    "reasoning"
                };
                let repr = TextRepr {
                    text: text.clone(),
                    state: None,
                    provider_metadata: provider_metadata.clone(),
                };
                tagged(name, to(serde_json::to_value(repr))?)
            }
            UiPart::File {
                media_type,
                filename,
                url,
                provider_metadata,
            } => {
                let repr = FileRepr {
                    media_type: media_type.clone(),
                    filename: filename.clone(),
                    url: url.clone(),
                    provider_metadata: provider_metadata.clone(),
                };
                tagged("file", to(serde_json::to_value(repr))?)
            }
            UiPart::StepStart => tagged("step-start", Value::Null),
            UiPart::Tool(tool) => {
                let mut value = to(serde_json::to_value(tool))?;
                if tool.dynamic {
                    value["toolName"] = Value::String(tool.tool_name.clone());
                    tagged("dynamic-tool", value)
                } else {
                    tagged(&format!("tool-{}", tool.tool_name), value)
                }
            }
            UiPart::Other(v) => v.clone(),
        };
        value.serialize(s)
    }
}

impl<'de> Deserialize<'de> for UiPart {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let type_name = value
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| D::Error::custom("UI message part has no string \"type\""))?
            .to_owned();
        let parse_err = |e: serde_json::Error| D::Error::custom(format!("{type_name} part: {e}"));
        Ok(match type_name.as_str() {
            "text" | "reasoning" => {
                let r: TextRepr = serde_json::from_value(value).map_err(parse_err)?;
                if type_name == "text" {
                    UiPart::Text {
                        text: r.text,
                        provider_metadata: r.provider_metadata,
                    }
                } else {
                    UiPart::Reasoning {
                        text: r.text,
                        provider_metadata: r.provider_metadata,
                    }
                }
            }
            "file" => {
                let r: FileRepr = serde_json::from_value(value).map_err(parse_err)?;
                UiPart::File {
                    media_type: r.media_type,
                    filename: r.filename,
                    url: r.url,
                    provider_metadata: r.provider_metadata,
                }
            }
            "step-start" => UiPart::StepStart,
            "dynamic-tool" => {
                let name = value
                    .get("toolName")
                    .and_then(Value::as_str)
                    .ok_or_else(|| D::Error::custom("dynamic-tool part has no \"toolName\""))?
                    .to_owned();
                let mut tool: UiToolPart = serde_json::from_value(value).map_err(parse_err)?;
                tool.tool_name = name;
                tool.dynamic = true;
                UiPart::Tool(tool)
            }
            t if t.starts_with("tool-") && t.len() > "tool-".len() => {
                let name = t["tool-".len()..].to_owned();
                let mut tool: UiToolPart = serde_json::from_value(value).map_err(parse_err)?;
                tool.tool_name = name;
                UiPart::Tool(tool)
            }
            _ => UiPart::Other(value),
        })
    }
}

#[cfg(test)]
#[path = "message_tests.rs"]
mod tests;
