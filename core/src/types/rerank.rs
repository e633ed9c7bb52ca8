use super::{ProviderOptions, Usage, Warning};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A rerank request: order `documents` by relevance to `query`.
///
/// JSON: `{"model": "cohere:rerank-v3.5", "query": "...", "documents": ["...", "..."], "top_n": 3}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RerankRequest {
    /// `"<provider>:<model>"`.
    pub model: String,
    /// What the documents are ranked against.
    pub query: String,
    /// The documents (texts) to rank.
    pub documents: Vec<String>,
    /// Return only the best `top_n` (all when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_n: Option<u32>,
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

impl RerankRequest {
    /// A request to rank `documents` against `query` with `model`.
    pub fn new(model: impl Into<String>, query: impl Into<String>, documents: Vec<String>) -> Self {
        RerankRequest {
            model: model.into(),
            query: query.into(),
            documents,
            ..Default::default()
        }
    }
}

/// One ranked document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedDocument {
    /// Its position in the request's `documents`.
    pub index: usize,
    /// The provider's relevance score (higher is more relevant).
    pub relevance_score: f64,
    /// The document text.
    pub document: String,
}

/// The result of `rerank`: documents, most relevant first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RerankResult {
    /// Ranked documents, most relevant first.
    pub results: Vec<RankedDocument>,
    /// Usage as reported (Cohere bills search units; see `provider_metadata`).
    #[serde(default)]
    pub usage: Usage,
    /// What the provider could not honour.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Provider-specific details (billed units, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_metadata: Option<super::ProviderMetadata>,
}
