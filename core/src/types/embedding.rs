use super::{ProviderOptions, Usage, Warning};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An embedding request: `{"model": "openai:text-embedding-3-small", "input": ["a", "b"]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmbedRequest {
    /// `"<provider>:<model>"`.
    pub model: String,
    /// The texts to embed.
    pub input: Vec<String>,
    /// Output dimensions, for models that can shorten vectors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<u32>,
    /// Provider-specific options.
    #[serde(skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
    /// Extra HTTP headers for this call only.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Retries for this call (overrides the client's setting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
}

impl EmbedRequest {
    /// A request to embed `input` with `model`.
    pub fn new(model: impl Into<String>, input: Vec<String>) -> Self {
        EmbedRequest {
            model: model.into(),
            input,
            ..Default::default()
        }
    }
}

/// What an [`crate::EmbeddingModel`] returns for one batch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingResponse {
    /// One vector per input, in input order.
    pub embeddings: Vec<Vec<f32>>,
    /// Token usage (`output_tokens` is `None`).
    pub usage: Usage,
    /// What the provider could not honour.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

/// The result of `embed`: one vector.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbedResult {
    /// The vector.
    pub embedding: Vec<f32>,
    /// Token usage.
    pub usage: Usage,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

/// The result of `embed_many`: one vector per input, in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbedManyResult {
    /// The vectors.
    pub embeddings: Vec<Vec<f32>>,
    /// Token usage summed over batches.
    pub usage: Usage,
    /// Warnings from all batches, deduplicated.
    pub warnings: Vec<Warning>,
}
