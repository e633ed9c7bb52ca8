//! Cohere v2: chat (`/v2/chat`, SSE with `event:` lines), embeddings (`/v2/embed`) and rerank
//! (`/v2/rerank`). Bearer auth; base URL without version (`https://api.cohere.com`).

pub mod embed;
pub mod error;
pub mod request;
pub mod response;

use crate::error::Result;
use crate::http::{HttpClient, HttpRequest};
use crate::model::{EmbeddingCall, EmbeddingModel, LanguageModel, ModelStream};
use crate::providers::common::post_json;
use crate::providers::fetch::{fetch_response, fetch_sse};
use crate::providers::rerank::RerankModel;
use crate::providers::ProviderSettings;
use crate::types::{CallOptions, EmbeddingResponse, ModelResponse, RerankRequest, RerankResult};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The official API's base URL (no version path).
pub const DEFAULT_BASE_URL: &str = "https://api.cohere.com";

/// The Cohere provider.
#[derive(Debug, Clone)]
pub struct CohereProvider {
    settings: Arc<ProviderSettings>,
    http: HttpClient,
}

impl CohereProvider {
    /// A provider over `settings`, sending through `http`.
    pub fn new(settings: ProviderSettings, http: HttpClient) -> Self {
        CohereProvider {
            settings: Arc::new(settings),
            http,
        }
    }

    /// A chat model.
    pub fn chat_model(&self, model_id: &str) -> CohereModel {
        CohereModel {
            provider: self.clone(),
            model_id: model_id.to_owned(),
        }
    }

    fn request(
        &self,
        path: &str,
        body: &serde_json::Value,
        headers: &BTreeMap<String, String>,
        max_retries: Option<u32>,
    ) -> HttpRequest {
        let mut auth = Vec::new();
        if let Some(key) = &self.settings.api_key {
            auth.push(("authorization", format!("Bearer {}", key.expose())));
        }
        post_json(
            &self.settings,
            self.settings.url(path),
            body,
            &auth,
            headers,
            max_retries,
        )
    }
}

/// A Cohere model: chat, embeddings and rerank share the type.
#[derive(Debug, Clone)]
pub struct CohereModel {
    provider: CohereProvider,
    model_id: String,
}

#[async_trait::async_trait]
impl LanguageModel for CohereModel {
    fn provider(&self) -> &str {
        &self.provider.settings.name
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn generate(&self, options: &CallOptions) -> Result<ModelResponse> {
        let p = &self.provider;
        let (body, warnings) = request::build_chat_request(&self.model_id, options, false)?;
        let req = p.request("/v2/chat", &body, &options.headers, options.max_retries);
        let mut out = fetch_response(
            &p.http,
            &req,
            &error::map_error,
            warnings,
            response::parse_chat_response,
        )
        .await?;
        out.response.model_id = Some(self.model_id.clone());
        Ok(out)
    }

    async fn stream(&self, options: &CallOptions) -> Result<ModelStream> {
        let p = &self.provider;
        let (body, warnings) = request::build_chat_request(&self.model_id, options, true)?;
        let req = p.request("/v2/chat", &body, &options.headers, options.max_retries);
        let decoder = response::CohereStreamDecoder::new(options.include_raw_chunks)
            .with_model(&self.model_id);
        fetch_sse(&p.http, &req, &error::map_error, warnings, decoder).await
    }
}

#[async_trait::async_trait]
impl EmbeddingModel for CohereModel {
    fn provider(&self) -> &str {
        &self.provider.settings.name
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn max_embeddings_per_call(&self) -> usize {
        embed::MAX_PER_CALL
    }

    async fn embed(&self, call: &EmbeddingCall) -> Result<EmbeddingResponse> {
        let p = &self.provider;
        let body = embed::build_embed_request(&self.model_id, call);
        let req = p.request("/v2/embed", &body, &call.headers, call.max_retries);
        let resp = p.http.send(&req, &error::map_error).await?;
        let bytes = resp.bytes().await?;
        embed::parse_embed_response(call.values.len(), &bytes)
    }
}

#[async_trait::async_trait]
impl RerankModel for CohereModel {
    fn provider(&self) -> &str {
        &self.provider.settings.name
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn rerank(&self, request: &RerankRequest) -> Result<RerankResult> {
        let p = &self.provider;
        let body = embed::build_rerank_request(&self.model_id, request);
        let req = p.request("/v2/rerank", &body, &request.headers, request.max_retries);
        let resp = p.http.send(&req, &error::map_error).await?;
        let bytes = resp.bytes().await?;
        embed::parse_rerank_response(request, &bytes)
    }
}

#[cfg(test)]
#[path = "cohere_tests.rs"]
mod tests;
