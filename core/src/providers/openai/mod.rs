//! OpenAI Chat Completions and Embeddings, also serving every OpenAI-compatible service through
//! a base URL. Translation lives in `request` / `response` / `stream` / `embedding` / `error`;
//! this file only wires them to the HTTP layer.

pub mod embedding;
pub mod error;
pub mod media;
pub mod request;
pub mod response;
pub mod responses;
pub mod stream;
pub mod usage;

use crate::error::Result;
use crate::http::{HttpClient, HttpRequest};
use crate::model::{EmbeddingCall, EmbeddingModel, LanguageModel, ModelStream};
use crate::providers::fetch::{fetch_response, fetch_sse};
use crate::providers::ProviderSettings;
use crate::types::{CallOptions, EmbeddingResponse, ModelResponse};
use request::ChatDialect;
use std::sync::Arc;

/// The official API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

/// An OpenAI or OpenAI-compatible provider.
#[derive(Debug, Clone)]
pub struct OpenAiProvider {
    settings: Arc<ProviderSettings>,
    http: HttpClient,
    dialect: ChatDialect,
    azure: Option<AzureMode>,
}

/// How Azure OpenAI addresses models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AzureMode {
    /// `{base}/deployments/{deployment}/chat/completions?api-version=...` (base ends in `/openai`).
    Deployments,
    /// The v1 API: `{base}/chat/completions` with the model in the body (base ends in `/openai/v1`).
    V1,
}

impl OpenAiProvider {
    /// A provider over `settings`, sending through `http`. Known services (`mistral`, `groq`,
    /// ...) get their quirks by name.
    pub fn new(settings: ProviderSettings, http: HttpClient) -> Self {
        let official = settings.base_url.trim_end_matches('/') == DEFAULT_BASE_URL;
        let mut dialect = crate::providers::presets::chat_dialect(&settings.name);
        dialect.openai_reasoning_rules = official || settings.name == "openai";
        OpenAiProvider {
            settings: Arc::new(settings),
            http,
            dialect,
            azure: None,
        }
    }

    /// An Azure OpenAI provider: `api-key` auth; a base URL ending in `/openai/v1` uses the v1
    /// API, otherwise deployment URLs with `api_version` (also used by `/responses`).
    pub fn azure(mut settings: ProviderSettings, http: HttpClient, api_version: &str) -> Self {
        let mode = if settings.base_url.trim_end_matches('/').ends_with("/v1") {
            AzureMode::V1
        } else {
            AzureMode::Deployments
        };
        if mode == AzureMode::Deployments && !settings.query.contains_key("api-version") {
            settings
                .query
                .insert("api-version".into(), api_version.to_owned());
        }
        let mut p = Self::new(settings, http);
        p.dialect.openai_reasoning_rules = true;
        p.azure = Some(mode);
        p
    }

    /// The provider's name (the model prefix it is registered under).
    pub fn name(&self) -> &str {
        &self.settings.name
    }

    /// A chat model.
    pub fn chat_model(&self, model_id: &str) -> OpenAiChatModel {
        OpenAiChatModel {
            provider: self.clone(),
            model_id: model_id.to_owned(),
        }
    }

    /// A Responses API model.
    pub fn responses_model(&self, model_id: &str) -> responses::OpenAiResponsesModel {
        responses::OpenAiResponsesModel {
            provider: self.clone(),
            model_id: model_id.to_owned(),
        }
    }

    /// The URL path of `endpoint` (`/chat/completions`, `/responses`, ...) for `model_id`.
    fn endpoint(&self, model_id: &str, endpoint: &str) -> String {
        match &self.azure {
            Some(AzureMode::Deployments) if endpoint != "/responses" => {
                format!("/deployments/{model_id}{endpoint}")
            }
            _ => endpoint.to_owned(),
        }
    }

    /// An embedding model.
    pub fn embedding_model(&self, model_id: &str) -> OpenAiEmbeddingModel {
        OpenAiEmbeddingModel {
            provider: self.clone(),
            model_id: model_id.to_owned(),
        }
    }

    fn option_keys(&self) -> Vec<&str> {
        let name = self.settings.name.as_str();
        if name == "openai" {
            vec!["openai"]
        } else {
            vec![name, "openai"]
        }
    }

    fn wants_responses(&self, options: &CallOptions) -> bool {
        self.option_keys().iter().any(|k| {
            options
                .settings
                .provider_options
                .value(k, "api")
                .and_then(|v| v.as_str())
                == Some("responses")
        })
    }

    fn request(
        &self,
        path: &str,
        body: &serde_json::Value,
        options_headers: &std::collections::BTreeMap<String, String>,
        max_retries: Option<u32>,
    ) -> HttpRequest {
        let mut req = HttpRequest::post_json(self.settings.url(path), body);
        if let Some(key) = &self.settings.api_key {
            req = match self.azure {
                Some(_) => req.header("api-key", key.expose()),
                None => req.header("authorization", format!("Bearer {}", key.expose())),
            };
        }
        req.headers.extend(
            self.settings
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        req.headers
            .extend(options_headers.iter().map(|(k, v)| (k.clone(), v.clone())));
        req.max_retries = max_retries;
        req
    }

    fn map_error(
        &self,
    ) -> impl Fn(u16, &reqwest::header::HeaderMap, &[u8]) -> crate::Error + Send + Sync + '_ {
        move |status, headers, body| error::map_error(&self.settings.name, status, headers, body)
    }
}

/// An OpenAI Chat Completions model.
#[derive(Debug, Clone)]
pub struct OpenAiChatModel {
    provider: OpenAiProvider,
    model_id: String,
}

#[async_trait::async_trait]
impl LanguageModel for OpenAiChatModel {
    fn provider(&self) -> &str {
        &self.provider.settings.name
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn generate(&self, options: &CallOptions) -> Result<ModelResponse> {
        let p = &self.provider;
        if p.wants_responses(options) {
            return p.responses_model(&self.model_id).generate(options).await;
        }
        let keys = p.option_keys();
        let (body, warnings) =
            request::build_chat_request(&self.model_id, options, &keys, p.dialect, false)?;
        let req = p.request(
            &p.endpoint(&self.model_id, "/chat/completions"),
            &body,
            &options.headers,
            options.max_retries,
        );
        fetch_response(&p.http, &req, &p.map_error(), warnings, |b| {
            response::parse_chat_response(&p.settings.name, b)
        })
        .await
    }

    async fn stream(&self, options: &CallOptions) -> Result<ModelStream> {
        let p = &self.provider;
        if p.wants_responses(options) {
            return p.responses_model(&self.model_id).stream(options).await;
        }
        let keys = p.option_keys();
        let (body, warnings) =
            request::build_chat_request(&self.model_id, options, &keys, p.dialect, true)?;
        let req = p.request(
            &p.endpoint(&self.model_id, "/chat/completions"),
            &body,
            &options.headers,
            options.max_retries,
        );
        let decoder = stream::ChatStreamDecoder::new(&p.settings.name, options.include_raw_chunks);
        fetch_sse(&p.http, &req, &p.map_error(), warnings, decoder).await
    }
}

/// An OpenAI embedding model.
#[derive(Debug, Clone)]
pub struct OpenAiEmbeddingModel {
    provider: OpenAiProvider,
    model_id: String,
}

#[async_trait::async_trait]
impl EmbeddingModel for OpenAiEmbeddingModel {
    fn provider(&self) -> &str {
        &self.provider.settings.name
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn embed(&self, call: &EmbeddingCall) -> Result<EmbeddingResponse> {
        let p = &self.provider;
        let body = embedding::build_embedding_request(&self.model_id, call, &p.option_keys());
        let req = p.request(
            &p.endpoint(&self.model_id, "/embeddings"),
            &body,
            &call.headers,
            call.max_retries,
        );
        let resp = p.http.send(&req, &p.map_error()).await?;
        let bytes = resp.bytes().await?;
        embedding::parse_embedding_response(&p.settings.name, call.values.len(), &bytes)
    }
}

/// An OpenAI image, transcription or speech model (one type for the three traits).
#[derive(Debug, Clone)]
pub struct OpenAiMediaModel {
    provider: OpenAiProvider,
    model_id: String,
}

impl OpenAiProvider {
    /// An image / transcription / speech model.
    pub fn media_model(&self, model_id: &str) -> OpenAiMediaModel {
        OpenAiMediaModel {
            provider: self.clone(),
            model_id: model_id.to_owned(),
        }
    }
}

#[async_trait::async_trait]
impl crate::providers::media::ImageModel for OpenAiMediaModel {
    fn provider(&self) -> &str {
        &self.provider.settings.name
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn generate(
        &self,
        request: &crate::types::ImageRequest,
    ) -> Result<crate::types::ImageResult> {
        let p = &self.provider;
        let body = media::build_image_request(&self.model_id, request, &p.option_keys())?;
        let req = p.request(
            &p.endpoint(&self.model_id, "/images/generations"),
            &body,
            &request.headers,
            request.max_retries,
        );
        let resp = p.http.send(&req, &p.map_error()).await?;
        let bytes = resp.bytes().await?;
        media::parse_image_response(&p.settings.name, &bytes)
    }
}

#[async_trait::async_trait]
impl crate::providers::media::TranscriptionModel for OpenAiMediaModel {
    fn provider(&self) -> &str {
        &self.provider.settings.name
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn transcribe(
        &self,
        request: &crate::types::TranscriptionRequest,
    ) -> Result<crate::types::TranscriptionResult> {
        let p = &self.provider;
        let boundary = format!("ditto-{:016x}", fastrand::u64(..));
        let (content_type, body) =
            media::build_transcription_request(&self.model_id, request, &boundary)?;
        let mut req = p.request(
            &p.endpoint(&self.model_id, "/audio/transcriptions"),
            &serde_json::Value::Null,
            &request.headers,
            request.max_retries,
        );
        req.body = Some(bytes::Bytes::from(body));
        for (k, v) in req.headers.iter_mut() {
            if k == "content-type" {
                *v = content_type.clone();
            }
        }
        let resp = p.http.send(&req, &p.map_error()).await?;
        let bytes = resp.bytes().await?;
        media::parse_transcription_response(&p.settings.name, &bytes)
    }
}

#[async_trait::async_trait]
impl crate::providers::media::SpeechModel for OpenAiMediaModel {
    fn provider(&self) -> &str {
        &self.provider.settings.name
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn speak(
        &self,
        request: &crate::types::SpeechRequest,
    ) -> Result<crate::types::SpeechResult> {
        use base64::Engine as _;
        let p = &self.provider;
        let (body, media_type) = media::build_speech_request(&self.model_id, request)?;
        let req = p.request(
            &p.endpoint(&self.model_id, "/audio/speech"),
            &body,
            &request.headers,
            request.max_retries,
        );
        let resp = p.http.send(&req, &p.map_error()).await?;
        let bytes = resp.bytes().await?;
        Ok(crate::types::SpeechResult {
            audio_base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
            media_type: media_type.to_owned(),
            warnings: Vec::new(),
        })
    }
}

#[cfg(test)]
#[path = "openai_tests.rs"]
mod tests;
