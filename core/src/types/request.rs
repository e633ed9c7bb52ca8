use super::{CallSettings, Message, Role, Tool, ToolChoice};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A text generation request: what `generate_text` and `stream_text` take.
///
/// JSON (what the bindings send): `{"model": "openai:gpt-4o-mini", "prompt": "Hi", "system": "...",
/// "messages": [...], "tools": [...], "tool_choice": "auto", "max_output_tokens": 100, ...}` —
/// the [`CallSettings`] fields sit at the top level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TextRequest {
    /// `"<provider>:<model>"`.
    pub model: String,
    /// A single user turn; appended after `messages` when both are given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// A system prompt, placed before `messages`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The conversation so far.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<Message>,
    /// Tools the model may call.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    /// How the model may use the tools.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    /// Generation settings.
    #[serde(flatten)]
    pub settings: CallSettings,
    /// Extra HTTP headers for this call only.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Retries for this call (overrides the client's setting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
    /// Emit `raw` stream events with each provider chunk.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub include_raw_chunks: bool,
}

impl TextRequest {
    /// A request for `model` ("provider:model") with nothing else set.
    pub fn new(model: impl Into<String>) -> Self {
        TextRequest {
            model: model.into(),
            ..Default::default()
        }
    }

    /// Set the user prompt.
    pub fn prompt(mut self, prompt: impl Into<String>) -> Self {
        self.prompt = Some(prompt.into());
        self
    }

    /// Set the system prompt.
    pub fn system(mut self, system: impl Into<String>) -> Self {
        self.system = Some(system.into());
        self
    }

    /// Set the conversation.
    pub fn messages(mut self, messages: Vec<Message>) -> Self {
        self.messages = messages;
        self
    }

    /// Set the tools.
    pub fn tools(mut self, tools: Vec<Tool>) -> Self {
        self.tools = tools;
        self
    }

    /// Set the maximum output tokens.
    pub fn max_output_tokens(mut self, n: u32) -> Self {
        self.settings.max_output_tokens = Some(n);
        self
    }

    /// Set the temperature.
    pub fn temperature(mut self, t: f64) -> Self {
        self.settings.temperature = Some(t);
        self
    }

    /// Add a header for this call.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }

    /// Normalize into what a model receives: one message list, validated.
    pub fn to_call_options(&self) -> Result<CallOptions> {
        let mut prompt = Vec::with_capacity(self.messages.len() + 2);
        if let Some(system) = &self.system {
            prompt.push(Message::system(system.clone()));
        }
        prompt.extend(self.messages.iter().cloned());
        if let Some(p) = &self.prompt {
            prompt.push(Message::user(p.clone()));
        }
        if prompt.iter().all(|m| m.role == Role::System) {
            return Err(Error::invalid_request(
                "a request needs `prompt` or at least one non-system message in `messages`",
            ));
        }
        validate_settings(&self.settings)?;
        let mut names = std::collections::HashSet::new();
        for tool in &self.tools {
            if tool.name().is_empty() {
                return Err(Error::invalid_request("a tool has an empty name"));
            }
            if !names.insert(tool.name()) {
                return Err(Error::invalid_request(format!(
                    "tool `{}` is defined twice",
                    tool.name()
                )));
            }
        }
        Ok(CallOptions {
            prompt,
            tools: self.tools.clone(),
            tool_choice: self.tool_choice.clone(),
            settings: self.settings.clone(),
            headers: self.headers.clone(),
            include_raw_chunks: self.include_raw_chunks,
            max_retries: self.max_retries,
        })
    }
}

fn validate_settings(s: &CallSettings) -> Result<()> {
    let finite = |name: &str, v: Option<f64>| match v {
        Some(x) if !x.is_finite() => Err(Error::invalid_request(format!(
            "`{name}` must be a finite number"
        ))),
        _ => Ok(()),
    };
    finite("temperature", s.temperature)?;
    finite("top_p", s.top_p)?;
    finite("presence_penalty", s.presence_penalty)?;
    finite("frequency_penalty", s.frequency_penalty)?;
    if s.max_output_tokens == Some(0) {
        return Err(Error::invalid_request(
            "`max_output_tokens` must be at least 1",
        ));
    }
    Ok(())
}

/// What a [`crate::LanguageModel`] receives: the normalized prompt and settings of one call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallOptions {
    /// All messages, system first.
    pub prompt: Vec<Message>,
    /// Tools.
    #[serde(default)]
    pub tools: Vec<Tool>,
    /// Tool choice.
    #[serde(default)]
    pub tool_choice: Option<ToolChoice>,
    /// Settings.
    #[serde(default)]
    pub settings: CallSettings,
    /// Extra headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Emit `raw` events.
    #[serde(default)]
    pub include_raw_chunks: bool,
    /// Retries for this call; the client's policy when `None`.
    #[serde(default)]
    pub max_retries: Option<u32>,
}
