use super::{ContentPart, FinishReason, ProviderMetadata, Source, ToolCall, Usage, Warning};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Facts about the provider response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponseMetadata {
    /// The provider's response id.
    #[serde(default)]
    pub id: Option<String>,
    /// The model that actually answered.
    #[serde(default)]
    pub model_id: Option<String>,
    /// Creation time, Unix seconds.
    #[serde(default)]
    pub timestamp: Option<i64>,
    /// Response headers (lowercase names; credentials never included).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// What a [`crate::LanguageModel`] returns for a non-streaming call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelResponse {
    /// Output parts in order: text, reasoning, tool calls, files.
    pub content: Vec<ContentPart>,
    /// Cited sources.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Unified finish reason.
    pub finish_reason: FinishReason,
    /// The provider's own finish reason.
    #[serde(default)]
    pub raw_finish_reason: Option<String>,
    /// Token usage.
    #[serde(default)]
    pub usage: Usage,
    /// What the provider could not honour.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Response facts.
    #[serde(default)]
    pub response: ResponseMetadata,
    /// Provider-specific output.
    #[serde(default)]
    pub provider_metadata: Option<ProviderMetadata>,
}

/// The result of `generate_text`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GenerateTextResult {
    /// All text parts joined.
    pub text: String,
    /// Reasoning text joined, when the model reasoned visibly.
    pub reasoning_text: Option<String>,
    /// Output parts in order.
    pub content: Vec<ContentPart>,
    /// The tool calls the model made.
    pub tool_calls: Vec<ToolCall>,
    /// Cited sources.
    pub sources: Vec<Source>,
    /// Unified finish reason.
    pub finish_reason: FinishReason,
    /// The provider's own finish reason.
    pub raw_finish_reason: Option<String>,
    /// Token usage.
    pub usage: Usage,
    /// What the provider could not honour.
    pub warnings: Vec<Warning>,
    /// Response facts.
    pub response: ResponseMetadata,
    /// Provider-specific output.
    pub provider_metadata: Option<ProviderMetadata>,
}

impl From<ModelResponse> for GenerateTextResult {
    fn from(r: ModelResponse) -> Self {
        let text = r
            .content
            .iter()
            .filter_map(ContentPart::as_text)
            .collect::<String>();
        let reasoning: Vec<&str> = r
            .content
            .iter()
            .filter_map(|p| match p {
                ContentPart::Reasoning(r) => Some(r.text.as_str()),
                _ => None,
            })
            .collect();
        let tool_calls = r
            .content
            .iter()
            .filter_map(|p| match p {
                ContentPart::ToolCall(c) => Some(c.clone()),
                _ => None,
            })
            .collect();
        GenerateTextResult {
            text,
            reasoning_text: (!reasoning.is_empty()).then(|| reasoning.concat()),
            content: r.content,
            tool_calls,
            sources: r.sources,
            finish_reason: r.finish_reason,
            raw_finish_reason: r.raw_finish_reason,
            usage: r.usage.with_computed_total(),
            warnings: r.warnings,
            response: r.response,
            provider_metadata: r.provider_metadata,
        }
    }
}
