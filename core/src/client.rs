//! `Ditto`: the client. It holds the providers and the one HTTP pool, and resolves
//! `"provider:model"` names for `generate_text`, `stream_text`, `embed` and `embed_many`.

use crate::config::{DittoConfig, ProviderConfig, ProviderKind};
use crate::error::{Error, Result};
use crate::generate;
use crate::http::{HttpClient, HttpConfig};
use crate::middleware::{AliasBuilder, AliasConfig, CacheStore, MiddlewareSpec, SpanSink};
use crate::model::{EmbeddingModel, LanguageModel};
use crate::providers::anthropic::{self, AnthropicProvider};
use crate::providers::bedrock::{self, sigv4::AwsCredentials, BedrockAuth, BedrockProvider};
use crate::providers::cohere::CohereProvider;
use crate::providers::google::{self, GoogleApi, GoogleProvider};
use crate::providers::mock::MockProvider;
use crate::providers::openai::{self, OpenAiProvider};
use crate::providers::presets;
use crate::providers::{ProviderSettings, Secret};
use crate::registry::{Provider, ProviderHandle, ProviderRegistry};
use crate::stream::TextStream;
use crate::types::{EmbedManyResult, EmbedRequest, EmbedResult, GenerateTextResult, TextRequest};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// The client. Cheap to clone; clones share the connection pool.
#[derive(Debug, Clone)]
pub struct Ditto {
    registry: Arc<ProviderRegistry>,
    aliases: Arc<BTreeMap<String, Arc<dyn LanguageModel>>>,
}

impl Ditto {
    /// Providers from the environment (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, ...) plus `mock`.
    pub fn from_env() -> Result<Self> {
        Self::builder().from_env().build()
    }

    /// A builder with nothing configured but the `mock` provider.
    pub fn builder() -> DittoBuilder {
        DittoBuilder::default()
    }

    /// A client from a [`DittoConfig`] (what the bindings pass).
    pub fn from_config(config: DittoConfig) -> Result<Self> {
        Self::builder().config(config).build()
    }

    /// The provider names this client knows.
    pub fn providers(&self) -> Vec<&str> {
        self.registry.names()
    }

    /// The alias names this client knows.
    pub fn aliases(&self) -> Vec<&str> {
        self.aliases.keys().map(String::as_str).collect()
    }

    /// The chat model named `model`: an alias (see [`DittoBuilder::alias`]), else
    /// `"provider:model"`.
    pub fn language_model(&self, model: &str) -> Result<Arc<dyn LanguageModel>> {
        if let Some(m) = self.aliases.get(model) {
            return Ok(m.clone());
        }
        self.registry.language_model(model)
    }

    /// The embedding model named `"provider:model"`.
    pub fn embedding_model(&self, model: &str) -> Result<Arc<dyn EmbeddingModel>> {
        self.registry.embedding_model(model)
    }

    /// Generate text (non-streaming).
    pub async fn generate_text(&self, request: TextRequest) -> Result<GenerateTextResult> {
        let model = self.language_model(&request.model)?;
        generate::generate_text(model.as_ref(), &request).await
    }

    /// Stream text. Dropping the stream cancels the upstream request.
    pub async fn stream_text(&self, request: TextRequest) -> Result<TextStream> {
        let model = self.language_model(&request.model)?;
        generate::stream_text(model.as_ref(), &request).await
    }

    /// Run the agent loop (see [`crate::agent`]) on the model named in `request.model`.
    pub async fn run_agent(
        &self,
        request: TextRequest,
        tools: &crate::agent::ToolSet,
        opts: &crate::agent::AgentOptions,
    ) -> Result<crate::agent::AgentResult> {
        let model = self.language_model(&request.model)?;
        crate::agent::run_agent(model, &request, tools, opts).await
    }

    /// Stream the agent loop (see [`crate::agent`]) on the model named in `request.model`.
    /// Dropping the stream cancels the model call in flight and the running tools.
    pub fn stream_agent(
        &self,
        request: TextRequest,
        tools: &crate::agent::ToolSet,
        opts: &crate::agent::AgentOptions,
    ) -> Result<crate::agent::AgentStream> {
        let model = self.language_model(&request.model)?;
        crate::agent::stream_agent(model, &request, tools, opts)
    }

    /// Generate one object matching `request.schema` (see [`crate::object`]).
    pub async fn generate_object(
        &self,
        request: crate::object::ObjectRequest,
        repair: Option<&dyn crate::object::ObjectRepair>,
    ) -> Result<crate::object::GenerateObjectResult> {
        let model = self.language_model(&request.model)?;
        crate::object::generate_object(model.as_ref(), &request, repair).await
    }

    /// Stream one object: partial objects, then the validated one. Dropping the stream cancels
    /// the upstream request.
    pub async fn stream_object(
        &self,
        request: crate::object::ObjectRequest,
        repair: Option<Arc<dyn crate::object::ObjectRepair>>,
    ) -> Result<crate::object::ObjectStream> {
        let model = self.language_model(&request.model)?;
        crate::object::stream_object(model.as_ref(), &request, repair).await
    }

    /// Embed one text.
    pub async fn embed(&self, model: &str, value: impl Into<String>) -> Result<EmbedResult> {
        let request = EmbedRequest::new(model, vec![value.into()]);
        let m = self.embedding_model(model)?;
        generate::embed(m.as_ref(), &request).await
    }

    /// The rerank model named `"provider:model"`.
    pub fn rerank_model(&self, model: &str) -> Result<Arc<dyn crate::providers::RerankModel>> {
        self.registry.rerank_model(model)
    }

    /// Rank `request.documents` by relevance to `request.query` (most relevant first).
    pub async fn rerank(
        &self,
        request: crate::types::RerankRequest,
    ) -> Result<crate::types::RerankResult> {
        if request.documents.is_empty() {
            return Ok(crate::types::RerankResult::default());
        }
        let m = self.rerank_model(&request.model)?;
        m.rerank(&request).await
    }

    /// Generate images (`openai:gpt-image-1`, `azure:<deployment>`, ...).
    pub async fn generate_image(
        &self,
        request: crate::types::ImageRequest,
    ) -> Result<crate::types::ImageResult> {
        let m = self.registry.image_model(&request.model)?;
        m.generate(&request).await
    }

    /// Transcribe audio (`openai:whisper-1`, `openai:gpt-4o-transcribe`, ...).
    pub async fn transcribe(
        &self,
        request: crate::types::TranscriptionRequest,
    ) -> Result<crate::types::TranscriptionResult> {
        let m = self.registry.transcription_model(&request.model)?;
        m.transcribe(&request).await
    }

    /// Generate speech (`openai:gpt-4o-mini-tts`, `openai:tts-1`, ...).
    pub async fn generate_speech(
        &self,
        request: crate::types::SpeechRequest,
    ) -> Result<crate::types::SpeechResult> {
        let m = self.registry.speech_model(&request.model)?;
        m.speak(&request).await
    }

    /// Embed many texts (batched, in order).
    pub async fn embed_many(&self, request: EmbedRequest) -> Result<EmbedManyResult> {
        let m = self.embedding_model(&request.model)?;
        generate::embed_many(m.as_ref(), &request).await
    }
}

/// Builds a [`Ditto`].
#[derive(Debug, Default)]
pub struct DittoBuilder {
    read_env: bool,
    configs: BTreeMap<String, ProviderConfig>,
    custom: BTreeMap<String, ProviderHandle>,
    http: HttpConfig,
    aliases: BTreeMap<String, AliasConfig>,
    cache_store: Option<Arc<dyn CacheStore>>,
    span_sink: Option<Arc<dyn SpanSink>>,
}

impl DittoBuilder {
    /// Apply a [`DittoConfig`] (what the bindings pass): providers, timeouts, retries and
    /// aliases are added to what the builder already has.
    pub fn config(self, config: DittoConfig) -> Self {
        let mut b = self;
        if config.from_env {
            b = b.from_env();
        }
        if let Some(ms) = config.timeout_ms {
            b = b.timeout(Duration::from_millis(ms));
        }
        if let Some(ms) = config.connect_timeout_ms {
            b.http.connect_timeout = Duration::from_millis(ms);
        }
        if let Some(n) = config.max_retries {
            b = b.max_retries(n);
        }
        for (name, provider) in config.providers {
            b = b.provider(name, provider);
        }
        b.aliases.extend(config.aliases);
        b
    }

    /// Add an alias: `name` stands for `base_model` (`provider:model` or another alias) with
    /// `middleware` around it, outermost first. Use the alias as the `model` of any request.
    /// The layers are built once, in [`DittoBuilder::build`], so a cache is shared by all calls.
    pub fn alias(
        mut self,
        name: impl Into<String>,
        base_model: &str,
        middleware: Vec<MiddlewareSpec>,
    ) -> Self {
        self.aliases
            .insert(name.into(), AliasConfig::new(base_model, middleware));
        self
    }

    /// The store every alias's `cache` layer uses (for a host-language or shared store)
    /// instead of its own in-memory LRU.
    pub fn cache_store(mut self, store: Arc<dyn CacheStore>) -> Self {
        self.cache_store = Some(store);
        self
    }

    /// Where every alias's `telemetry` layer sends finished spans, instead of `tracing`.
    pub fn span_sink(mut self, sink: Arc<dyn SpanSink>) -> Self {
        self.span_sink = Some(sink);
        self
    }

    /// Also read providers from the environment; explicit settings win field by field.
    pub fn from_env(mut self) -> Self {
        self.read_env = true;
        self
    }

    /// Configure a provider by name.
    pub fn provider(mut self, name: impl Into<String>, config: ProviderConfig) -> Self {
        self.configs.insert(name.into(), config);
        self
    }

    /// Configure an OpenAI-compatible service under `name`.
    pub fn openai_compatible(
        self,
        name: impl Into<String>,
        base_url: impl Into<String>,
        api_key: Option<String>,
    ) -> Self {
        let mut config = ProviderConfig::new()
            .kind(ProviderKind::OpenaiCompatible)
            .base_url(base_url);
        config.api_key = api_key;
        self.provider(name, config)
    }

    /// Register a user-supplied provider.
    pub fn custom_provider(mut self, name: impl Into<String>, provider: Arc<dyn Provider>) -> Self {
        self.custom
            .insert(name.into(), ProviderHandle::Custom(provider));
        self
    }

    /// Replace the mock provider (e.g. one with scripts).
    pub fn mock(mut self, mock: MockProvider) -> Self {
        self.custom
            .insert("mock".into(), ProviderHandle::Mock(mock));
        self
    }

    /// Total deadline of non-streaming calls, and the first-byte and idle timeouts of streams.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.http.total_timeout = Some(timeout);
        self.http.first_byte_timeout = timeout;
        self.http.idle_timeout = timeout;
        self
    }

    /// Retries after the first attempt (default 2).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.http.retry.max_retries = n;
        self
    }

    /// Replace the whole HTTP configuration.
    pub fn http_config(mut self, http: HttpConfig) -> Self {
        self.http = http;
        self
    }

    /// Build the client.
    pub fn build(self) -> Result<Ditto> {
        let http = HttpClient::new(self.http)?;
        let mut registry = ProviderRegistry::new();
        registry.register("mock", ProviderHandle::Mock(MockProvider::new()));
        let mut configs = self.configs;
        let mut from_env_only = std::collections::BTreeSet::new();
        if self.read_env {
            registry.enable_env_fallback(http.clone());
            for preset in presets::PRESETS {
                if preset.in_env() && !configs.contains_key(preset.name) {
                    configs.insert(preset.name.into(), ProviderConfig::default());
                    from_env_only.insert(preset.name);
                }
            }
        }
        for (name, config) in configs {
            match build_provider(&name, config, self.read_env, &http) {
                Ok(handle) => registry.register(name, handle),
                // A provider found only through stray environment variables must not break the
                // whole client: it fails with the same error when it is used.
                Err(e) if from_env_only.contains(name.as_str()) => {
                    let handle =
                        ProviderHandle::Custom(Arc::new(crate::registry::Misconfigured::new(&e)));
                    registry.register(name, handle);
                }
                Err(e) => return Err(e),
            }
        }
        // `openai-responses:` (and `azure-responses:`) reuse the Chat Completions provider's
        // settings unless configured on their own.
        for base in ["openai", "azure"] {
            let name = format!("{base}-responses");
            if registry.get(&name).is_none() {
                if let Some(ProviderHandle::OpenAi(p)) = registry.get(base) {
                    let handle = ProviderHandle::OpenAiResponses(p.clone());
                    registry.register(name, handle);
                }
            }
        }
        for (name, handle) in self.custom {
            registry.register(name, handle);
        }
        let base = |name: &str| registry.language_model(name);
        let aliases = AliasBuilder::new(&self.aliases, &base)
            .shared(self.cache_store, self.span_sink)
            .build_all()?;
        Ok(Ditto {
            registry: Arc::new(registry),
            aliases: Arc::new(aliases),
        })
    }
}

fn env_var(provider: &str, suffix: &str) -> Option<String> {
    let prefix = provider.to_ascii_uppercase().replace(['-', '.'], "_");
    std::env::var(format!("{prefix}_{suffix}"))
        .ok()
        .filter(|v| !v.is_empty())
}

fn build_provider(
    name: &str,
    config: ProviderConfig,
    read_env: bool,
    http: &HttpClient,
) -> Result<ProviderHandle> {
    let preset = presets::preset(name);
    let kind = config.kind.unwrap_or(match (name, preset) {
        ("mock", _) => ProviderKind::Mock,
        (_, Some(p)) => p.kind,
        _ => ProviderKind::OpenaiCompatible,
    });
    // A preset's variables apply only when the adapter is the preset's own.
    let preset = preset.filter(|p| p.kind == kind);
    let from_env = |suffix: &str| {
        if !read_env {
            return None;
        }
        let named = preset.and_then(|p| match suffix {
            "API_KEY" => presets::Preset::env(p.api_key_env),
            "BASE_URL" => presets::Preset::env(p.base_url_env),
            _ => None,
        });
        named.or_else(|| env_var(name, suffix))
    };
    if kind == ProviderKind::Mock {
        return Ok(ProviderHandle::Mock(MockProvider::new()));
    }
    let vertex = (kind == ProviderKind::Vertex).then(|| {
        let project = config.project.clone().or_else(|| {
            read_env
                .then(|| presets::Preset::env(presets::VERTEX_PROJECT_ENV))
                .flatten()
        });
        let location = config
            .region
            .clone()
            .or_else(|| {
                read_env
                    .then(|| presets::Preset::env(presets::VERTEX_LOCATION_ENV))
                    .flatten()
            })
            .unwrap_or_else(|| "us-central1".into());
        (project, location)
    });
    let azure_base = (kind == ProviderKind::Azure && read_env)
        .then(|| {
            presets::Preset::env(presets::AZURE_ENDPOINT_ENV)
                .map(|e| format!("{}/openai", e.trim_end_matches('/')))
                .or_else(|| {
                    presets::Preset::env(presets::AZURE_RESOURCE_ENV)
                        .map(|r| format!("https://{r}.openai.azure.com/openai"))
                })
        })
        .flatten();
    let env_list = |names: &[&str]| {
        if read_env {
            presets::Preset::env(names)
        } else {
            None
        }
    };
    let aws_region = (kind == ProviderKind::Bedrock).then(|| {
        config
            .region
            .clone()
            .or_else(|| env_list(presets::AWS_REGION_ENV))
            .unwrap_or_else(|| "us-east-1".into())
    });
    let base_url = config
        .base_url
        .clone()
        .or_else(|| from_env("BASE_URL"))
        .or(azure_base)
        .or_else(|| aws_region.as_deref().map(bedrock::default_base_url))
        .or_else(|| vertex.as_ref().map(|(_, l)| GoogleApi::vertex_base_url(l)))
        .or_else(|| preset.and_then(|p| p.default_base_url).map(str::to_owned))
        .or_else(|| (kind == ProviderKind::Openai).then(|| openai::DEFAULT_BASE_URL.to_owned()))
        .or_else(|| {
            (kind == ProviderKind::Anthropic).then(|| anthropic::DEFAULT_BASE_URL.to_owned())
        });
    let Some(base_url) = base_url else {
        let what = if kind == ProviderKind::Azure {
            "Azure OpenAI (or set AZURE_RESOURCE_NAME / AZURE_OPENAI_ENDPOINT)"
        } else {
            "an OpenAI-compatible provider"
        };
        return Err(Error::config(format!(
            "providers.{name}.base_url is required for {what}"
        )));
    };
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        return Err(Error::config(format!(
            "providers.{name}.base_url must start with http:// or https://, got `{base_url}`"
        )));
    }
    let api_key = config.api_key.clone().or_else(|| from_env("API_KEY"));
    let official = [
        openai::DEFAULT_BASE_URL,
        anthropic::DEFAULT_BASE_URL,
        google::DEFAULT_BASE_URL,
    ]
    .contains(&base_url.trim_end_matches('/'))
        || base_url.contains("aiplatform.googleapis.com")
        || base_url.contains(".openai.azure.com")
        || (kind == ProviderKind::Bedrock && base_url.contains(".amazonaws.com"))
        || preset.is_some_and(|p| {
            p.key_required && p.default_base_url == Some(base_url.trim_end_matches('/'))
        });
    let aws_keys = (
        config
            .access_key_id
            .clone()
            .or_else(|| env_list(presets::AWS_ACCESS_KEY_ENV)),
        config
            .secret_access_key
            .clone()
            .or_else(|| env_list(presets::AWS_SECRET_KEY_ENV)),
    );
    // Bedrock checks its own credentials (keys or an API key) below.
    if api_key.is_none() && official && kind != ProviderKind::Bedrock {
        let hint = preset
            .and_then(|p| p.api_key_env.first())
            .map(|v| format!(" (or set {v})"))
            .unwrap_or_default();
        return Err(Error::config(format!(
            "providers.{name}.api_key is required for {base_url}{hint}"
        )));
    }
    let mut settings = ProviderSettings::new(name, base_url);
    settings.api_key = api_key.map(Secret::new);
    settings.headers = config.headers;
    settings.query = config.query;
    match kind {
        ProviderKind::Mock => Ok(ProviderHandle::Mock(MockProvider::new())), // handled above
        ProviderKind::Anthropic => Ok(ProviderHandle::Anthropic(AnthropicProvider::new(
            settings,
            http.clone(),
        ))),
        ProviderKind::Azure => {
            let version = settings
                .query
                .get("api-version")
                .cloned()
                .or_else(|| {
                    read_env
                        .then(|| presets::Preset::env(presets::AZURE_API_VERSION_ENV))
                        .flatten()
                })
                .unwrap_or_else(|| presets::AZURE_DEFAULT_API_VERSION.to_owned());
            Ok(ProviderHandle::OpenAi(OpenAiProvider::azure(
                settings,
                http.clone(),
                &version,
            )))
        }
        ProviderKind::Bedrock => {
            let no_keys = matches!(aws_keys, (None, None)) && settings.api_key.is_none();
            let shared_file = if read_env && no_keys {
                bedrock::credentials::from_shared_file()
            } else {
                None
            };
            let auth = match (aws_keys, shared_file) {
                ((Some(access_key_id), Some(secret_access_key)), _) => {
                    BedrockAuth::SigV4(AwsCredentials {
                        access_key_id,
                        secret_access_key,
                        session_token: config
                            .session_token
                            .clone()
                            .or_else(|| env_list(presets::AWS_SESSION_TOKEN_ENV)),
                    })
                }
                ((Some(_), None) | (None, Some(_)), _) => {
                    return Err(Error::config(format!(
                        "providers.{name}: give both access_key_id and secret_access_key (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
                    )))
                }
                ((None, None), _) if settings.api_key.is_some() => BedrockAuth::Bearer,
                ((None, None), Some(creds)) => BedrockAuth::SigV4(creds),
                ((None, None), None) => {
                    return Err(Error::config(format!(
                        "providers.{name} needs AWS credentials (access_key_id + secret_access_key, AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, or a profile in the shared credentials file) or a Bedrock API key (api_key or AWS_BEARER_TOKEN_BEDROCK)"
                    )))
                }
            };
            Ok(ProviderHandle::Bedrock(BedrockProvider::new(
                settings,
                http.clone(),
                auth,
                aws_region.unwrap_or_else(|| "us-east-1".into()),
            )))
        }
        ProviderKind::Cohere => Ok(ProviderHandle::Cohere(CohereProvider::new(
            settings,
            http.clone(),
        ))),
        ProviderKind::Google => Ok(ProviderHandle::Google(GoogleProvider::new(
            settings,
            http.clone(),
            GoogleApi::Gemini,
        ))),
        ProviderKind::Vertex => {
            let (project, location) = vertex.unwrap_or_default();
            let Some(project) = project else {
                return Err(Error::config(format!(
                    "providers.{name}.project is required for Vertex AI (or set GOOGLE_VERTEX_PROJECT)"
                )));
            };
            Ok(ProviderHandle::Google(GoogleProvider::new(
                settings,
                http.clone(),
                GoogleApi::Vertex { project, location },
            )))
        }
        ProviderKind::Openai | ProviderKind::OpenaiCompatible | ProviderKind::OpenaiResponses => {
            let org = config.organization.or_else(|| from_env("ORG_ID"));
            let project = config.project.or_else(|| from_env("PROJECT_ID"));
            if let Some(org) = org {
                settings.headers.insert("openai-organization".into(), org);
            }
            if let Some(project) = project {
                settings.headers.insert("openai-project".into(), project);
            }
            let provider = OpenAiProvider::new(settings, http.clone());
            Ok(if kind == ProviderKind::OpenaiResponses {
                ProviderHandle::OpenAiResponses(provider)
            } else {
                ProviderHandle::OpenAi(provider)
            })
        }
    }
}
