//! The deterministic `mock:<name>` provider: echo and scripted answers, streaming included, with
//! no network. Used by tests, examples and the gateway's demo mode.

mod embedding;
mod script;

pub use embedding::mock_embedding;
pub use script::{MockScript, MockToolCall, PANGRAM};

use crate::error::Result;
use crate::model::{EmbeddingCall, EmbeddingModel, LanguageModel, ModelStream};
use crate::stream::response_events;
use crate::types::{CallOptions, EmbeddingResponse, ModelResponse, StreamEvent};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The mock provider. Any model name echoes; names registered with a script follow it.
#[derive(Debug, Clone, Default)]
pub struct MockProvider {
    scripts: Arc<HashMap<String, MockScript>>,
}

impl MockProvider {
    /// A provider with no scripts.
    pub fn new() -> Self {
        Self::default()
    }

    /// Make model `name` follow `script`.
    pub fn with_script(mut self, name: impl Into<String>, script: MockScript) -> Self {
        Arc::make_mut(&mut self.scripts).insert(name.into(), script);
        self
    }

    /// The model `model_id`.
    pub fn model(&self, model_id: &str) -> MockModel {
        MockModel {
            model_id: model_id.to_owned(),
            script: self.scripts.get(model_id).cloned(),
        }
    }
}

/// A mock model.
#[derive(Debug, Clone)]
pub struct MockModel {
    model_id: String,
    script: Option<MockScript>,
}

#[async_trait::async_trait]
impl LanguageModel for MockModel {
    fn provider(&self) -> &str {
        "mock"
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn generate(&self, options: &CallOptions) -> Result<ModelResponse> {
        let script = MockScript::for_call(self.script.as_ref(), options)?;
        if let Some(ms) = script.delay_ms {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        script.respond(&self.model_id, options)
    }

    async fn stream(&self, options: &CallOptions) -> Result<ModelStream> {
        let script = MockScript::for_call(self.script.as_ref(), options)?;
        let response = script.respond(&self.model_id, options)?;
        let events = response_events(&response, script.chunk_words.unwrap_or(1));
        let delay = script.delay_ms.map(Duration::from_millis);
        let stream = futures_util::stream::iter(events).then(move |ev: StreamEvent| async move {
            if let Some(d) = delay {
                tokio::time::sleep(d).await;
            }
            Ok(ev)
        });
        Ok(ModelStream {
            warnings: response.warnings,
            events: Box::pin(stream),
        })
    }
}

#[async_trait::async_trait]
impl EmbeddingModel for MockModel {
    fn provider(&self) -> &str {
        "mock"
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn embed(&self, call: &EmbeddingCall) -> Result<EmbeddingResponse> {
        let dims = call.dimensions.unwrap_or(8) as usize;
        let tokens: u64 = call
            .values
            .iter()
            .map(|v| v.split_whitespace().count() as u64)
            .sum();
        Ok(EmbeddingResponse {
            embeddings: call
                .values
                .iter()
                .map(|v| mock_embedding(v, dims))
                .collect(),
            usage: crate::types::Usage {
                input_tokens: Some(tokens),
                total_tokens: Some(tokens),
                ..Default::default()
            },
            warnings: Vec::new(),
        })
    }
}

#[cfg(test)]
#[path = "mock_tests.rs"]
mod tests;
