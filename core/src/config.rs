//! Client configuration: what `Ditto::builder()` and the bindings' constructors accept.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which built-in adapter serves a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProviderKind {
    /// OpenAI itself.
    Openai,
    /// Any service speaking OpenAI Chat Completions (Groq, vLLM, Ollama, a gateway, ...).
    OpenaiCompatible,
    /// The deterministic mock.
    Mock,
    /// Anthropic Messages.
    Anthropic,
    /// Google Gemini API.
    Google,
    /// Google Vertex AI (Gemini models, bearer token, project and location).
    Vertex,
    /// The OpenAI Responses API.
    OpenaiResponses,
    /// Cohere v2.
    Cohere,
    /// Azure OpenAI (deployment URLs, `api-version`, `api-key` header).
    Azure,
    /// Amazon Bedrock (Converse, SigV4 or a Bedrock API key).
    Bedrock,
}

/// One provider's settings. JSON: `{"api_key": "...", "base_url": "...", "headers": {...}}`.
/// Unset fields fall back to the provider's environment variables when the client reads the
/// environment (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, ...).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderConfig {
    /// The adapter; inferred from the provider name when unset (`openai`, `mock`, `anthropic`,
    /// ..., otherwise OpenAI-compatible).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<ProviderKind>,
    /// API key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    /// Base URL (OpenAI's includes `/v1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Headers sent with every request.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Query parameters sent with every request.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    /// OpenAI organization id (`OpenAI-Organization` header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// OpenAI project id (`OpenAI-Project` header), or the Google Cloud project of Vertex AI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Vertex AI location (`us-central1`, `global`) or AWS region (`us-east-1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// AWS access key id (Bedrock SigV4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    /// AWS secret access key (Bedrock SigV4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_access_key: Option<String>,
    /// AWS session token for temporary credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_token: Option<String>,
}

impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("kind", &self.kind)
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("base_url", &self.base_url)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("query", &self.query.keys().collect::<Vec<_>>())
            .field("project", &self.project)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "***"),
            )
            .field("session_token", &self.session_token.as_ref().map(|_| "***"))
            .finish()
    }
}

impl ProviderConfig {
    /// Empty settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set the API key.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Set the base URL.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Add a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }

    /// Add a query parameter.
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.insert(name.into(), value.into());
        self
    }

    /// Set the adapter.
    pub fn kind(mut self, kind: ProviderKind) -> Self {
        self.kind = Some(kind);
        self
    }
}

/// A whole client configuration, as the bindings pass it (JSON).
///
/// `{"providers": {"openai": {...}}, "from_env": true, "timeout_ms": 60000, "max_retries": 2}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DittoConfig {
    /// Providers by name.
    pub providers: BTreeMap<String, ProviderConfig>,
    /// Also read providers from the environment (default true).
    pub from_env: bool,
    /// Total deadline of a non-streaming call, and the first-byte and idle timeouts of a stream.
    pub timeout_ms: Option<u64>,
    /// Connect timeout.
    pub connect_timeout_ms: Option<u64>,
    /// Retries after the first attempt (default 2).
    pub max_retries: Option<u32>,
    /// Model aliases: a name usable wherever a `provider:model` is, standing for a base model
    /// with middleware around it. `{"fast": {"model": "openai:gpt-4o-mini", "middleware":
    /// [{"type": "cache", "max_entries": 100}]}}`. See `docs/middleware.md`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub aliases: BTreeMap<String, crate::middleware::AliasConfig>,
}

impl Default for DittoConfig {
    fn default() -> Self {
        DittoConfig {
            providers: BTreeMap::new(),
            from_env: true,
            timeout_ms: None,
            connect_timeout_ms: None,
            max_retries: None,
            aliases: BTreeMap::new(),
        }
    }
}
