//! Anthropic Messages (`POST /v1/messages`). Translation lives in `request` / `response` /
//! `stream` / `error`; this file only wires them to the HTTP layer.
//!
//! Auth is `x-api-key`; every request carries `anthropic-version`. The base URL has no version
//! path (`https://api.anthropic.com`), as in Anthropic's SDKs and `ANTHROPIC_BASE_URL`.

pub mod error;
pub mod request;
pub mod response;
pub mod stream;

use crate::error::Result;
use crate::http::{HttpClient, HttpRequest};
use crate::model::{LanguageModel, ModelStream};
use crate::providers::common::post_json;
use crate::providers::fetch::{fetch_response, fetch_sse};
use crate::providers::ProviderSettings;
use crate::types::{CallOptions, ModelResponse};
use std::sync::Arc;

/// The official API's base URL (no version path).
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
/// The `anthropic-version` header value sent with every request.
pub const API_VERSION: &str = "2023-06-01";

/// The Anthropic provider.
#[derive(Debug, Clone)]
pub struct AnthropicProvider {
    settings: Arc<ProviderSettings>,
    http: HttpClient,
}

impl AnthropicProvider {
    /// A provider over `settings`, sending through `http`.
    pub fn new(settings: ProviderSettings, http: HttpClient) -> Self {
        AnthropicProvider {
            settings: Arc::new(settings),
            http,
        }
    }

    /// A Messages model.
    pub fn messages_model(&self, model_id: &str) -> AnthropicMessagesModel {
        AnthropicMessagesModel {
            provider: self.clone(),
            model_id: model_id.to_owned(),
        }
    }

    fn request(&self, plan: &request::RequestPlan, options: &CallOptions) -> HttpRequest {
        let mut auth = vec![("anthropic-version", API_VERSION.to_owned())];
        if let Some(key) = &self.settings.api_key {
            auth.push(("x-api-key", key.expose().to_owned()));
        }
        if !plan.betas.is_empty() {
            auth.push(("anthropic-beta", plan.betas.join(",")));
        }
        // The convention is a base URL without the version; tolerate one that has it.
        let path = if self
            .settings
            .base_url
            .trim_end_matches('/')
            .ends_with("/v1")
        {
            "/messages"
        } else {
            "/v1/messages"
        };
        post_json(
            &self.settings,
            self.settings.url(path),
            &plan.body,
            &auth,
            &options.headers,
            options.max_retries,
        )
    }
}

/// An Anthropic Messages model.
#[derive(Debug, Clone)]
pub struct AnthropicMessagesModel {
    provider: AnthropicProvider,
    model_id: String,
}

#[async_trait::async_trait]
impl LanguageModel for AnthropicMessagesModel {
    fn provider(&self) -> &str {
        &self.provider.settings.name
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn generate(&self, options: &CallOptions) -> Result<ModelResponse> {
        let p = &self.provider;
        let plan = request::build_messages_request(&self.model_id, options, false)?;
        let req = p.request(&plan, options);
        let json_tool = plan.json_tool;
        fetch_response(&p.http, &req, &error::map_error, plan.warnings, |b| {
            response::parse_messages_response(b, json_tool)
        })
        .await
    }

    async fn stream(&self, options: &CallOptions) -> Result<ModelStream> {
        let p = &self.provider;
        let plan = request::build_messages_request(&self.model_id, options, true)?;
        let req = p.request(&plan, options);
        let decoder =
            stream::MessagesStreamDecoder::new(options.include_raw_chunks, plan.json_tool);
        fetch_sse(&p.http, &req, &error::map_error, plan.warnings, decoder).await
    }
}

#[cfg(test)]
#[path = "anthropic_tests.rs"]
mod tests;
