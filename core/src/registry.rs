//! Resolves `"provider:model"` names to models. Built-in providers are a closed set
//! ([`ProviderHandle`]); anything else plugs in through the object-safe [`Provider`] trait.

use crate::error::{Error, ErrorKind, Result};
use crate::http::HttpClient;
use crate::model::{EmbeddingModel, LanguageModel};
use crate::providers::anthropic::AnthropicProvider;
use crate::providers::bedrock::BedrockProvider;
use crate::providers::cohere::CohereProvider;
use crate::providers::google::GoogleProvider;
use crate::providers::mock::MockProvider;
use crate::providers::openai::OpenAiProvider;
use crate::providers::{ImageModel, RerankModel, SpeechModel, TranscriptionModel};
use crate::providers::{ProviderSettings, Secret};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A user-supplied provider.
pub trait Provider: Send + Sync + std::fmt::Debug {
    /// The chat model `model_id`.
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>>;

    /// The rerank model `model_id`; unsupported unless overridden.
    fn rerank_model(&self, model_id: &str) -> Result<Arc<dyn RerankModel>> {
        Err(Error::new(
            ErrorKind::InvalidRequest,
            format!("this provider has no rerank models (asked for `{model_id}`)"),
        ))
    }

    /// The embedding model `model_id`; unsupported unless overridden.
    fn embedding_model(&self, model_id: &str) -> Result<Arc<dyn EmbeddingModel>> {
        Err(Error::new(
            ErrorKind::InvalidRequest,
            format!("this provider has no embedding models (asked for `{model_id}`)"),
        ))
    }
}

/// One registered provider.
#[derive(Debug, Clone)]
pub enum ProviderHandle {
    /// OpenAI or an OpenAI-compatible service.
    OpenAi(OpenAiProvider),
    /// The deterministic mock.
    Mock(MockProvider),
    /// Anthropic Messages.
    Anthropic(AnthropicProvider),
    /// Google Gemini or Vertex AI.
    Google(GoogleProvider),
    /// The OpenAI (or Azure OpenAI) Responses API.
    OpenAiResponses(OpenAiProvider),
    /// Cohere v2.
    Cohere(CohereProvider),
    /// Amazon Bedrock.
    Bedrock(BedrockProvider),
    /// A user-supplied provider.
    Custom(Arc<dyn Provider>),
}

impl ProviderHandle {
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
        Ok(match self {
            ProviderHandle::OpenAi(p) => Arc::new(p.chat_model(model_id)),
            ProviderHandle::Mock(p) => Arc::new(p.model(model_id)),
            ProviderHandle::Anthropic(p) => Arc::new(p.messages_model(model_id)),
            ProviderHandle::Google(p) => Arc::new(p.generative_model(model_id)),
            ProviderHandle::OpenAiResponses(p) => Arc::new(p.responses_model(model_id)),
            ProviderHandle::Cohere(p) => Arc::new(p.chat_model(model_id)),
            ProviderHandle::Bedrock(p) => Arc::new(p.model(model_id)),
            ProviderHandle::Custom(p) => p.language_model(model_id)?,
        })
    }

    fn embedding_model(&self, model_id: &str) -> Result<Arc<dyn EmbeddingModel>> {
        Ok(match self {
            ProviderHandle::OpenAi(p) => {
                refuse_known_gap(p.name(), "embedding", |c| c.embeddings, model_id)?;
                Arc::new(p.embedding_model(model_id))
            }
            ProviderHandle::Mock(p) => Arc::new(p.model(model_id)),
            ProviderHandle::Anthropic(_) => {
                return Err(Error::invalid_request(format!(
                    "Anthropic has no embedding models (asked for `{model_id}`)"
                )))
            }
            ProviderHandle::Google(p) => Arc::new(p.embedding_model(model_id)?),
            ProviderHandle::OpenAiResponses(p) => Arc::new(p.embedding_model(model_id)),
            ProviderHandle::Cohere(p) => Arc::new(p.chat_model(model_id)),
            ProviderHandle::Bedrock(p) => Arc::new(p.model(model_id)),
            ProviderHandle::Custom(p) => p.embedding_model(model_id)?,
        })
    }
}

impl ProviderHandle {
    fn openai(&self, what: &str, model_id: &str) -> Result<&OpenAiProvider> {
        match self {
            ProviderHandle::OpenAi(p) | ProviderHandle::OpenAiResponses(p) => {
                let has = |c: &crate::providers::capabilities::Capabilities| match what {
                    "image" => c.images_out,
                    _ => c.audio,
                };
                refuse_known_gap(p.name(), what, has, model_id)?;
                Ok(p)
            }
            _ => Err(Error::invalid_request(format!(
                "this provider has no {what} models (asked for `{model_id}`); images and audio are implemented for OpenAI and Azure OpenAI"
            ))),
        }
    }

    fn rerank_model(&self, model_id: &str) -> Result<Arc<dyn RerankModel>> {
        match self {
            ProviderHandle::Cohere(p) => Ok(Arc::new(p.chat_model(model_id))),
            ProviderHandle::Custom(p) => p.rerank_model(model_id),
            _ => Err(Error::invalid_request(format!(
                "this provider has no rerank models (asked for `{model_id}`)"
            ))),
        }
    }
}

/// A provider whose settings from the environment are incomplete: every use fails with the
/// configuration error it had, instead of failing the whole client at start-up.
#[derive(Debug)]
pub struct Misconfigured {
    info: crate::error::ErrorInfo,
}

impl Misconfigured {
    /// Remember `error` for every later use.
    pub fn new(error: &Error) -> Self {
        Misconfigured {
            info: error.to_info(),
        }
    }
}

impl Provider for Misconfigured {
    fn language_model(&self, _model_id: &str) -> Result<Arc<dyn LanguageModel>> {
        Err(self.info.clone().into())
    }

    fn embedding_model(&self, _model_id: &str) -> Result<Arc<dyn EmbeddingModel>> {
        Err(self.info.clone().into())
    }

    fn rerank_model(&self, _model_id: &str) -> Result<Arc<dyn RerankModel>> {
        Err(self.info.clone().into())
    }
}

/// A known OpenAI-compatible service without this endpoint gets a clear error instead of a
/// 404 from the service. Unknown names (a gateway, a self-hosted server) are let through.
fn refuse_known_gap(
    provider: &str,
    what: &str,
    has: impl Fn(&crate::providers::capabilities::Capabilities) -> bool,
    model_id: &str,
) -> Result<()> {
    match crate::providers::capabilities::capabilities(provider) {
        Some(c) if !has(c) => Err(Error::invalid_request(format!(
            "`{provider}` has no {what} models (asked for `{model_id}`); see docs/providers.md"
        ))),
        _ => Ok(()),
    }
}

/// Split `"provider:model"`. The model part may itself contain `:` (`ollama:llama3:8b`).
pub fn parse_model_spec(spec: &str) -> Result<(&str, &str)> {
    match spec.split_once(':') {
        Some((p, m)) if !p.is_empty() && !m.is_empty() => Ok((p, m)),
        _ => Err(Error::invalid_request(format!(
            "model must be written `provider:model` (e.g. `openai:gpt-4o-mini`), got `{spec}`"
        ))),
    }
}

/// The providers a client knows, by name.
#[derive(Debug, Clone, Default)]
pub struct ProviderRegistry {
    providers: BTreeMap<String, ProviderHandle>,
    /// When set, an unknown provider `foo` resolves to an OpenAI-compatible service if
    /// `FOO_BASE_URL` is set (with `FOO_API_KEY` when present).
    env_fallback: Option<HttpClient>,
}

impl ProviderRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add or replace a provider.
    pub fn register(&mut self, name: impl Into<String>, handle: ProviderHandle) {
        self.providers.insert(name.into(), handle);
    }

    /// The provider registered as `name`.
    pub fn get(&self, name: &str) -> Option<&ProviderHandle> {
        self.providers.get(name)
    }

    /// Resolve unknown providers from `<NAME>_BASE_URL` / `<NAME>_API_KEY`.
    pub fn enable_env_fallback(&mut self, http: HttpClient) {
        self.env_fallback = Some(http);
    }

    /// Names of the registered providers.
    pub fn names(&self) -> Vec<&str> {
        self.providers.keys().map(String::as_str).collect()
    }

    fn handle(&self, provider: &str) -> Result<ProviderHandle> {
        if let Some(h) = self.providers.get(provider) {
            return Ok(h.clone());
        }
        if let Some(http) = &self.env_fallback {
            let prefix = provider.to_ascii_uppercase().replace(['-', '.'], "_");
            if let Ok(base_url) = std::env::var(format!("{prefix}_BASE_URL")) {
                let mut settings = ProviderSettings::new(provider, base_url);
                settings.api_key = std::env::var(format!("{prefix}_API_KEY"))
                    .ok()
                    .map(Secret::new);
                return Ok(ProviderHandle::OpenAi(OpenAiProvider::new(
                    settings,
                    http.clone(),
                )));
            }
        }
        let hint = if provider == "openai" {
            " (set OPENAI_API_KEY, or configure it on the client)".to_owned()
        } else {
            format!(
                " (configure it on the client, or set {}_BASE_URL for an OpenAI-compatible service)",
                provider.to_ascii_uppercase().replace(['-', '.'], "_")
            )
        };
        Err(Error::config(format!(
            "provider `{provider}` is not configured{hint}; configured: {}",
            self.names().join(", ")
        )))
    }

    /// The chat model named `"provider:model"`.
    pub fn language_model(&self, spec: &str) -> Result<Arc<dyn LanguageModel>> {
        let (provider, model) = parse_model_spec(spec)?;
        self.handle(provider)?.language_model(model)
    }

    /// The embedding model named `"provider:model"`.
    pub fn embedding_model(&self, spec: &str) -> Result<Arc<dyn EmbeddingModel>> {
        let (provider, model) = parse_model_spec(spec)?;
        self.handle(provider)?.embedding_model(model)
    }

    /// The image model named `"provider:model"`.
    pub fn image_model(&self, spec: &str) -> Result<Arc<dyn ImageModel>> {
        let (provider, model) = parse_model_spec(spec)?;
        Ok(Arc::new(
            self.handle(provider)?
                .openai("image", model)?
                .media_model(model),
        ))
    }

    /// The transcription model named `"provider:model"`.
    pub fn transcription_model(&self, spec: &str) -> Result<Arc<dyn TranscriptionModel>> {
        let (provider, model) = parse_model_spec(spec)?;
        Ok(Arc::new(
            self.handle(provider)?
                .openai("transcription", model)?
                .media_model(model),
        ))
    }

    /// The speech model named `"provider:model"`.
    pub fn speech_model(&self, spec: &str) -> Result<Arc<dyn SpeechModel>> {
        let (provider, model) = parse_model_spec(spec)?;
        Ok(Arc::new(
            self.handle(provider)?
                .openai("speech", model)?
                .media_model(model),
        ))
    }

    /// The rerank model named `"provider:model"`.
    pub fn rerank_model(&self, spec: &str) -> Result<Arc<dyn RerankModel>> {
        let (provider, model) = parse_model_spec(spec)?;
        self.handle(provider)?.rerank_model(model)
    }
}
