use super::ProviderOptions;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Generation settings shared by every provider. A provider that cannot honour one reports a
/// [`crate::types::Warning`] instead of dropping it silently.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CallSettings {
    /// Maximum number of tokens to generate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    /// Sampling temperature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Top-k sampling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    /// Stop sequences.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stop: Vec<String>,
    /// Seed for deterministic sampling where supported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Presence penalty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f64>,
    /// Frequency penalty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f64>,
    /// Output format: text (default), any JSON, or JSON matching a schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_format: Option<ResponseFormat>,
    /// Provider-specific options, keyed by provider name.
    #[serde(skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

/// The output format the model should produce.
///
/// JSON: `{"type": "text"}`, `{"type": "json"}`, or
/// `{"type": "json-schema", "schema": {...}, "name": "...", "description": "...", "strict": true}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ResponseFormat {
    /// Free text.
    Text,
    /// Any JSON object.
    Json,
    /// JSON matching a schema.
    JsonSchema {
        /// The JSON Schema.
        schema: Value,
        /// A name for the schema (providers require one; defaults to `response`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// What the output is.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// Ask for strict adherence where supported (default true).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        strict: Option<bool>,
    },
}
