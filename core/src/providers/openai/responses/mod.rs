//! The OpenAI Responses API (`POST /responses`), reached as `openai-responses:<model>` or with
//! `provider_options.openai.api = "responses"` on `openai:`. Translation in `request` /
//! `response` / `stream`; IO through the OpenAI provider's settings and error mapping.

pub mod request;
pub mod response;
pub mod stream;

use super::OpenAiProvider;
use crate::error::Result;
use crate::model::{LanguageModel, ModelStream};
use crate::providers::fetch::{fetch_response, fetch_sse};
use crate::types::{CallOptions, ModelResponse};

/// A Responses API model.
#[derive(Debug, Clone)]
pub struct OpenAiResponsesModel {
    pub(super) provider: OpenAiProvider,
    pub(super) model_id: String,
}

#[async_trait::async_trait]
impl LanguageModel for OpenAiResponsesModel {
    fn provider(&self) -> &str {
        &self.provider.settings.name
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn generate(&self, options: &CallOptions) -> Result<ModelResponse> {
        let p = &self.provider;
        let (body, warnings) =
            request::build_responses_request(&self.model_id, options, &p.option_keys(), false)?;
        let req = p.request(
            &p.endpoint(&self.model_id, "/responses"),
            &body,
            &options.headers,
            options.max_retries,
        );
        fetch_response(&p.http, &req, &p.map_error(), warnings, |b| {
            response::parse_responses_response(&p.settings.name, b)
        })
        .await
    }

    async fn stream(&self, options: &CallOptions) -> Result<ModelStream> {
        let p = &self.provider;
        let (body, warnings) =
            request::build_responses_request(&self.model_id, options, &p.option_keys(), true)?;
        let req = p.request(
            &p.endpoint(&self.model_id, "/responses"),
            &body,
            &options.headers,
            options.max_retries,
        );
        let decoder =
            stream::ResponsesStreamDecoder::new(&p.settings.name, options.include_raw_chunks);
        fetch_sse(&p.http, &req, &p.map_error(), warnings, decoder).await
    }
}

#[cfg(test)]
#[path = "responses_tests.rs"]
mod tests;
