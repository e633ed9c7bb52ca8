//! `Fallback`: when the model fails with a retryable kind of error, try the next model.

use super::stream_util::open_first;
use super::Middleware;
use crate::error::{ErrorKind, Result};
use crate::model::{LanguageModel, ModelStream};
use crate::types::{CallOptions, ModelResponse};
use std::sync::Arc;

/// The error kinds that trigger a fallback unless configured otherwise.
pub const DEFAULT_FALLBACK_ON: [ErrorKind; 4] = [
    ErrorKind::RateLimited,
    ErrorKind::Timeout,
    ErrorKind::Connection,
    ErrorKind::Provider,
];

/// Calls the wrapped model, then each of `models` in order, while the call fails with one of
/// the kinds in `on`. The last error is returned when every model failed; an error of any
/// other kind is returned at once.
///
/// Streams fall back only before their first event was delivered: a failure to open, or a
/// first item that is an error. `stream` therefore returns once the first event is there.
/// The response of a fallback model carries its own `response.model_id`.
#[derive(Debug, Clone)]
pub struct Fallback {
    /// The models to try after the wrapped one, in order.
    pub models: Vec<Arc<dyn LanguageModel>>,
    /// Error kinds that move on to the next model (default [`DEFAULT_FALLBACK_ON`]).
    pub on: Vec<ErrorKind>,
}

impl Fallback {
    /// Fall back to `models` on the default error kinds.
    pub fn new(models: Vec<Arc<dyn LanguageModel>>) -> Self {
        Fallback {
            models,
            on: DEFAULT_FALLBACK_ON.to_vec(),
        }
    }

    /// Set the error kinds that trigger a fallback.
    pub fn on(mut self, kinds: Vec<ErrorKind>) -> Self {
        self.on = kinds;
        self
    }

    fn chain<'a>(
        &'a self,
        next: &'a Arc<dyn LanguageModel>,
    ) -> impl Iterator<Item = &'a Arc<dyn LanguageModel>> {
        std::iter::once(next).chain(self.models.iter())
    }
}

#[async_trait::async_trait]
impl Middleware for Fallback {
    async fn generate(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelResponse> {
        let mut last = None;
        for model in self.chain(next) {
            match model.generate(options).await {
                Err(e) if self.on.contains(&e.kind()) => {
                    tracing::debug!(provider = model.provider(), model = model.model_id(), error = %e, "fallback: trying the next model");
                    last = Some(e);
                }
                other => return other,
            }
        }
        Err(last.expect("the chain holds at least the wrapped model"))
    }

    async fn stream(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelStream> {
        let mut last = None;
        for model in self.chain(next) {
            match open_first(model, options).await {
                Err(e) if self.on.contains(&e.kind()) => {
                    tracing::debug!(provider = model.provider(), model = model.model_id(), error = %e, "fallback: trying the next model");
                    last = Some(e);
                }
                other => return other,
            }
        }
        Err(last.expect("the chain holds at least the wrapped model"))
    }
}

#[cfg(test)]
#[path = "fallback_tests.rs"]
mod tests;
