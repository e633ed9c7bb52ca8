//! What a mock model answers: the echo behaviour, or a script.

use crate::error::{Error, ErrorInfo, Result};
use crate::types::{
    CallOptions, ContentPart, FinishReason, ModelResponse, ReasoningPart, ResponseMetadata, Role,
    ToolCall, ToolResultOutput, Usage,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Fixed reply when there is nothing to echo.
pub const PANGRAM: &str = "The quick brown fox jumps over the lazy dog.";

/// A scripted answer. Register one per model name with
/// [`super::MockProvider::with_script`], or pass one per call as `provider_options.mock`.
/// Every field is optional; unset fields fall back to the echo behaviour.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MockScript {
    /// The reply text.
    pub text: Option<String>,
    /// Reasoning to emit before the text.
    pub reasoning: Option<String>,
    /// Tool calls to make.
    pub tool_calls: Vec<MockToolCall>,
    /// Finish reason (default: `tool-calls` with tool calls, else `stop`).
    pub finish_reason: Option<FinishReason>,
    /// Usage to report (default: whitespace word counts).
    pub usage: Option<Usage>,
    /// Fail with this error instead of answering.
    pub error: Option<ErrorInfo>,
    /// Words per streamed text chunk (default 1).
    pub chunk_words: Option<usize>,
    /// Delay before the answer and between streamed chunks, in milliseconds.
    pub delay_ms: Option<u64>,
}

/// A scripted tool call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MockToolCall {
    /// The tool to call.
    pub tool_name: String,
    /// Its arguments.
    #[serde(default)]
    pub input: Value,
    /// The call id (default `call_<n>`).
    #[serde(default)]
    pub tool_call_id: Option<String>,
}

fn words(s: &str) -> u64 {
    s.split_whitespace().count() as u64
}

impl MockScript {
    /// The script for one call: the registered one overlaid with `provider_options.mock`.
    pub fn for_call(registered: Option<&MockScript>, options: &CallOptions) -> Result<MockScript> {
        let mut script = registered.cloned().unwrap_or_default();
        if let Some(map) = options.settings.provider_options.get("mock") {
            let overlay: MockScript =
                serde_json::from_value(Value::Object(map.clone())).map_err(|e| {
                    Error::invalid_request(format!("invalid provider_options.mock: {e}"))
                })?;
            script.overlay(overlay);
        }
        Ok(script)
    }

    fn overlay(&mut self, o: MockScript) {
        macro_rules! take {
            ($($f:ident),*) => { $( if o.$f.is_some() { self.$f = o.$f; } )* };
        }
        take!(
            text,
            reasoning,
            finish_reason,
            usage,
            error,
            chunk_words,
            delay_ms
        );
        if !o.tool_calls.is_empty() {
            self.tool_calls = o.tool_calls;
        }
    }

    /// The answer to `options` from model `model_id`.
    pub fn respond(&self, model_id: &str, options: &CallOptions) -> Result<ModelResponse> {
        if let Some(err) = &self.error {
            return Err(Error::from(err.clone()).with_provider("mock"));
        }
        let (mut text, mut tool_calls) = echo(options);
        if let Some(t) = &self.text {
            text = t.clone();
            tool_calls.clear();
        }
        if !self.tool_calls.is_empty() {
            tool_calls = self
                .tool_calls
                .iter()
                .enumerate()
                .map(|(i, c)| ToolCall {
                    tool_call_id: c
                        .tool_call_id
                        .clone()
                        .unwrap_or_else(|| format!("call_{i}")),
                    tool_name: c.tool_name.clone(),
                    input: if c.input.is_null() {
                        serde_json::json!({})
                    } else {
                        c.input.clone()
                    },
                    invalid_input: false,
                    provider_executed: false,
                    provider_metadata: None,
                })
                .collect();
            if self.text.is_none() {
                text.clear();
            }
        }
        let mut finish = if tool_calls.is_empty() {
            FinishReason::Stop
        } else {
            FinishReason::ToolCalls
        };
        if let Some(max) = options.settings.max_output_tokens {
            let kept: Vec<&str> = text.split_whitespace().take(max as usize).collect();
            if (kept.len() as u64) < words(&text) {
                text = kept.join(" ");
                finish = FinishReason::Length;
            }
        }
        let finish = self.finish_reason.unwrap_or(finish);
        let input_words: u64 = options
            .prompt
            .iter()
            .flat_map(|m| m.content.iter())
            .filter_map(ContentPart::as_text)
            .map(words)
            .sum();
        let output_words = words(&text) + self.reasoning.as_deref().map_or(0, words);
        let mut content = Vec::new();
        if let Some(r) = &self.reasoning {
            content.push(ContentPart::Reasoning(ReasoningPart {
                text: r.clone(),
                provider_metadata: None,
            }));
        }
        if !text.is_empty() {
            content.push(ContentPart::text(text));
        }
        content.extend(tool_calls.into_iter().map(ContentPart::ToolCall));
        Ok(ModelResponse {
            content,
            sources: Vec::new(),
            finish_reason: finish,
            raw_finish_reason: Some(finish.as_str().to_owned()),
            usage: self
                .usage
                .unwrap_or_else(|| Usage::new(input_words, output_words)),
            warnings: Vec::new(),
            response: ResponseMetadata {
                id: Some("mock-response".into()),
                model_id: Some(model_id.to_owned()),
                timestamp: None,
                headers: Default::default(),
            },
            provider_metadata: None,
        })
    }
}

/// The echo behaviour: answer a tool result with its output, call a tool when the user writes
/// `call:<tool> {json}` and that tool exists, otherwise echo the last user text.
fn echo(options: &CallOptions) -> (String, Vec<ToolCall>) {
    let Some(last) = options.prompt.last() else {
        return (PANGRAM.into(), Vec::new());
    };
    if last.role == Role::Tool {
        let results: Vec<String> = last
            .content
            .iter()
            .filter_map(|p| match p {
                ContentPart::ToolResult(r) => Some(format!(
                    "{} returned {}",
                    r.tool_name,
                    match &r.output {
                        ToolResultOutput::Text(t) => t.clone(),
                        other => other.to_text(),
                    }
                )),
                _ => None,
            })
            .collect();
        return (format!("tool results: {}", results.join("; ")), Vec::new());
    }
    let user_text = options
        .prompt
        .iter()
        .rev()
        .find(|m| m.role == Role::User)
        .map(|m| {
            m.content
                .iter()
                .filter_map(ContentPart::as_text)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    if user_text.trim().is_empty() {
        return (PANGRAM.into(), Vec::new());
    }
    if let Some(call) = requested_tool_call(&user_text, options) {
        return (String::new(), vec![call]);
    }
    (format!("echo: {user_text}"), Vec::new())
}

fn requested_tool_call(text: &str, options: &CallOptions) -> Option<ToolCall> {
    if options.tool_choice == Some(crate::types::ToolChoice::NONE) {
        return None;
    }
    let (_, rest) = text.split_once("call:")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    options.tools.iter().find(|t| t.name() == name)?;
    let args = rest[name.len()..].trim();
    Some(ToolCall::from_raw_arguments("call_0", name, args))
}
