//! Google Gemini (`generateContent`, `streamGenerateContent?alt=sse`, `batchEmbedContents`)
//! and its Vertex AI variant. Translation lives in `request` / `response` / `stream` /
//! `embedding` / `error`; this file only wires them to the HTTP layer.
//!
//! - Gemini API: base URL without version (`https://generativelanguage.googleapis.com`),
//!   key in `x-goog-api-key`, paths under `/v1beta/models/`.
//! - Vertex AI: `/v1/projects/{project}/locations/{location}/publishers/google/models/`, on
//!   `https://{location}-aiplatform.googleapis.com` by default, with a bearer token the caller
//!   supplies (Ditto does not run Google's OAuth flows).

pub mod embedding;
pub mod error;
pub mod request;
pub mod response;
pub mod stream;

use crate::error::Result;
use crate::http::{HttpClient, HttpRequest};
use crate::model::{EmbeddingCall, EmbeddingModel, LanguageModel, ModelStream};
use crate::providers::common::post_json;
use crate::providers::fetch::{fetch_response, fetch_sse};
use crate::providers::ProviderSettings;
use crate::types::{CallOptions, EmbeddingResponse, ModelResponse};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The Gemini API's base URL (no version path).
pub const DEFAULT_BASE_URL: &str = "https://generativelanguage.googleapis.com";

/// Which Google API a provider speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoogleApi {
    /// The Gemini API (API key).
    Gemini,
    /// Vertex AI (bearer token) in a project and location.
    Vertex {
        /// The Google Cloud project id.
        project: String,
        /// The location, e.g. `us-central1` or `global`.
        location: String,
    },
}

impl GoogleApi {
    /// The default base URL of a Vertex location.
    pub fn vertex_base_url(location: &str) -> String {
        if location == "global" {
            "https://aiplatform.googleapis.com".into()
        } else {
            format!("https://{location}-aiplatform.googleapis.com")
        }
    }
}

/// A Gemini or Vertex AI provider.
#[derive(Debug, Clone)]
pub struct GoogleProvider {
    settings: Arc<ProviderSettings>,
    http: HttpClient,
    api: GoogleApi,
}

impl GoogleProvider {
    /// A provider over `settings`, sending through `http`.
    pub fn new(settings: ProviderSettings, http: HttpClient, api: GoogleApi) -> Self {
        GoogleProvider {
            settings: Arc::new(settings),
            http,
            api,
        }
    }

    /// A chat model.
    pub fn generative_model(&self, model_id: &str) -> GoogleGenerativeModel {
        GoogleGenerativeModel {
            provider: self.clone(),
            model_id: model_id.trim_start_matches("models/").to_owned(),
        }
    }

    /// An embedding model (`batchEmbedContents` on the Gemini API, `:predict` on Vertex AI).
    pub fn embedding_model(&self, model_id: &str) -> Result<GoogleEmbeddingModel> {
        Ok(GoogleEmbeddingModel {
            provider: self.clone(),
            model_id: model_id.trim_start_matches("models/").to_owned(),
        })
    }

    /// Key under which metadata and options are read: `google`, or `vertex` then `google`.
    fn keys(&self) -> Vec<&'static str> {
        match self.api {
            GoogleApi::Gemini => vec!["google"],
            GoogleApi::Vertex { .. } => vec!["vertex", "google"],
        }
    }

    fn metadata_key(&self) -> &'static str {
        match self.api {
            GoogleApi::Gemini => "google",
            GoogleApi::Vertex { .. } => "vertex",
        }
    }

    fn url(&self, model_id: &str, method: &str) -> String {
        let path = match &self.api {
            // The convention is a base URL without the version; tolerate one that has it.
            GoogleApi::Gemini
                if ["/v1beta", "/v1"]
                    .iter()
                    .any(|v| self.settings.base_url.trim_end_matches('/').ends_with(v)) =>
            {
                format!("/models/{model_id}:{method}")
            }
            GoogleApi::Gemini => format!("/v1beta/models/{model_id}:{method}"),
            GoogleApi::Vertex { project, location } => format!(
                "/v1/projects/{project}/locations/{location}/publishers/google/models/{model_id}:{method}"
            ),
        };
        self.settings.url(&path)
    }

    fn request(
        &self,
        url: String,
        body: &serde_json::Value,
        headers: &BTreeMap<String, String>,
        max_retries: Option<u32>,
    ) -> HttpRequest {
        let mut auth = Vec::new();
        if let Some(key) = &self.settings.api_key {
            match self.api {
                GoogleApi::Gemini => auth.push(("x-goog-api-key", key.expose().to_owned())),
                GoogleApi::Vertex { .. } => {
                    auth.push(("authorization", format!("Bearer {}", key.expose())))
                }
            }
        }
        post_json(&self.settings, url, body, &auth, headers, max_retries)
    }

    fn map_error(
        &self,
    ) -> impl Fn(u16, &reqwest::header::HeaderMap, &[u8]) -> crate::Error + Send + Sync + '_ {
        move |status, headers, body| error::map_error(self.metadata_key(), status, headers, body)
    }
}

/// A Gemini model.
#[derive(Debug, Clone)]
pub struct GoogleGenerativeModel {
    provider: GoogleProvider,
    model_id: String,
}

#[async_trait::async_trait]
impl LanguageModel for GoogleGenerativeModel {
    fn provider(&self) -> &str {
        &self.provider.settings.name
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn generate(&self, options: &CallOptions) -> Result<ModelResponse> {
        let p = &self.provider;
        let (body, warnings) = request::build_generate_request(options, &p.keys())?;
        let url = p.url(&self.model_id, "generateContent");
        let req = p.request(url, &body, &options.headers, options.max_retries);
        fetch_response(&p.http, &req, &p.map_error(), warnings, |b| {
            response::parse_generate_response(p.metadata_key(), b)
        })
        .await
    }

    async fn stream(&self, options: &CallOptions) -> Result<ModelStream> {
        let p = &self.provider;
        let (body, warnings) = request::build_generate_request(options, &p.keys())?;
        let url = p.url(&self.model_id, "streamGenerateContent?alt=sse");
        let req = p.request(url, &body, &options.headers, options.max_retries);
        let decoder =
            stream::GenerateStreamDecoder::new(p.metadata_key(), options.include_raw_chunks);
        fetch_sse(&p.http, &req, &p.map_error(), warnings, decoder).await
    }
}

/// A Gemini embedding model.
#[derive(Debug, Clone)]
pub struct GoogleEmbeddingModel {
    provider: GoogleProvider,
    model_id: String,
}

#[async_trait::async_trait]
impl EmbeddingModel for GoogleEmbeddingModel {
    fn provider(&self) -> &str {
        &self.provider.settings.name
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn max_embeddings_per_call(&self) -> usize {
        match self.provider.api {
            GoogleApi::Gemini => embedding::MAX_PER_CALL,
            GoogleApi::Vertex { .. } => embedding::VERTEX_MAX_PER_CALL,
        }
    }

    async fn embed(&self, call: &EmbeddingCall) -> Result<EmbeddingResponse> {
        let p = &self.provider;
        let vertex = matches!(p.api, GoogleApi::Vertex { .. });
        let (body, method) = if vertex {
            (embedding::build_vertex_request(call), "predict")
        } else {
            (
                embedding::build_embedding_request(&self.model_id, call),
                "batchEmbedContents",
            )
        };
        let url = p.url(&self.model_id, method);
        let req = p.request(url, &body, &call.headers, call.max_retries);
        let resp = p.http.send(&req, &p.map_error()).await?;
        let bytes = resp.bytes().await?;
        if vertex {
            embedding::parse_vertex_response(p.metadata_key(), call.values.len(), &bytes)
        } else {
            embedding::parse_embedding_response(p.metadata_key(), call.values.len(), &bytes)
        }
    }
}

#[cfg(test)]
#[path = "google_tests.rs"]
mod tests;
