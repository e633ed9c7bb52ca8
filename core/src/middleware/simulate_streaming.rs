//! `SimulateStreaming`: serve `stream` calls with one non-streaming call.

use super::Middleware;
use crate::error::Result;
use crate::model::{LanguageModel, ModelStream};
use crate::stream::response_events;
use crate::types::CallOptions;
use std::sync::Arc;

/// Streams by calling the model's `generate` and replaying the response as events: each
/// part as a block (text and reasoning in one delta, or in pieces of `words_per_chunk`
/// words), tool calls with their input, sources, then `finish-step`. For models or
/// deployments without streaming support. `generate` calls pass through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimulateStreaming {
    /// Words per text / reasoning delta; `None` sends each part as a single delta.
    pub words_per_chunk: Option<usize>,
}

impl SimulateStreaming {
    /// One delta per part.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait::async_trait]
impl Middleware for SimulateStreaming {
    async fn stream(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelStream> {
        let response = next.generate(options).await?;
        let per = self.words_per_chunk.unwrap_or(usize::MAX);
        let events = response_events(&response, per);
        Ok(ModelStream {
            warnings: response.warnings,
            events: Box::pin(futures_util::stream::iter(events.into_iter().map(Ok))),
        })
    }
}

#[cfg(test)]
#[path = "simulate_streaming_tests.rs"]
mod tests;
