//! Language model middleware: layers that wrap any [`LanguageModel`] and change how its calls
//! behave (default settings, reasoning extraction, simulated streaming, fallback, retries,
//! telemetry, caching).
//!
//! A [`Middleware`] sees each call together with the model below it (`next`) and decides what
//! to do: change the options, call `next` zero or more times, transform the result. [`wrap`]
//! stacks layers around a model; the result is again an `Arc<dyn LanguageModel>`, so wrapped
//! models work everywhere a model does (`generate_text`, `stream_text`, agents, objects).
//!
//! ```no_run
//! # fn demo(base: std::sync::Arc<dyn ditto_llm::LanguageModel>) {
//! use ditto_llm::middleware::{self, Cache, ExtractReasoning, RetryPolicy, Telemetry};
//! use std::sync::Arc;
//! let model = middleware::wrap(base, vec![
//!     Arc::new(Telemetry::default()),               // outermost: sees the call first
//!     Arc::new(Cache::memory(1000, 64 << 20)),
//!     Arc::new(RetryPolicy::default()),
//!     Arc::new(ExtractReasoning::new("think")),     // innermost: next to the model
//! ]);
//! # }
//! ```
//!
//! From JSON (what the bindings use) the same stack is a list of [`MiddlewareSpec`]s, usually
//! behind an alias: `{"aliases": {"fast": {"model": "openai:gpt-4o-mini", "middleware": [...]}}}`.
//! See `docs/middleware.md`.

mod alias;
mod cache;
mod cache_key;
mod cache_store;
mod default_settings;
mod extract_reasoning;
mod fallback;
mod observe;
mod retry;
mod simulate_streaming;
mod span;
mod spec;
mod stream_util;
mod telemetry;
#[cfg(test)]
pub(crate) mod test_models;

pub(crate) use alias::AliasBuilder;
pub use alias::AliasConfig;
pub use cache::{Cache, DEFAULT_MAX_ENTRY_BYTES};
pub use cache_key::{cache_key, OUTPUT_NEUTRAL_HEADERS};
pub use cache_store::{CacheStore, MemoryCacheStore};
pub use default_settings::DefaultSettings;
pub use extract_reasoning::ExtractReasoning;
pub use fallback::{Fallback, DEFAULT_FALLBACK_ON};
pub use retry::RetryPolicy;
pub use simulate_streaming::SimulateStreaming;
pub use span::{SpanRecord, SpanSink, SpanStatus, TracingSink};
pub use spec::{MiddlewareSpec, SpecContext};
pub use telemetry::Telemetry;

use crate::error::Result;
use crate::model::{LanguageModel, ModelStream};
use crate::types::{CallOptions, ModelResponse};
use std::sync::Arc;

/// One layer around a model. Implement it to write your own middleware; every built-in one
/// implements it too.
///
/// Both methods get the model directly below this layer as `next`. The default
/// implementations pass the call through unchanged.
#[async_trait::async_trait]
pub trait Middleware: Send + Sync + std::fmt::Debug {
    /// One non-streaming call.
    async fn generate(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelResponse> {
        next.generate(options).await
    }

    /// One streaming call. The returned stream follows the [`ModelStream`] rules (provider
    /// events, exactly one `finish-step` last).
    async fn stream(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelStream> {
        next.stream(options).await
    }
}

/// Stack `layers` around `model`. `layers[0]` is the outermost layer (it sees each call
/// first and the result last); the last layer sits directly on `model`. With no layers the
/// model is returned as is.
///
/// The wrapped model reports the provider and model id of `model`.
pub fn wrap(
    model: Arc<dyn LanguageModel>,
    layers: Vec<Arc<dyn Middleware>>,
) -> Arc<dyn LanguageModel> {
    layers.into_iter().rev().fold(model, |inner, layer| {
        Arc::new(Wrapped { inner, layer }) as Arc<dyn LanguageModel>
    })
}

/// A model with one middleware layer around it (what [`wrap`] builds).
#[derive(Debug, Clone)]
pub struct Wrapped {
    inner: Arc<dyn LanguageModel>,
    layer: Arc<dyn Middleware>,
}

impl Wrapped {
    /// `layer` around `inner`.
    pub fn new(inner: Arc<dyn LanguageModel>, layer: Arc<dyn Middleware>) -> Self {
        Wrapped { inner, layer }
    }

    /// The model below this layer.
    pub fn inner(&self) -> &Arc<dyn LanguageModel> {
        &self.inner
    }
}

#[async_trait::async_trait]
impl LanguageModel for Wrapped {
    fn provider(&self) -> &str {
        self.inner.provider()
    }

    fn model_id(&self) -> &str {
        self.inner.model_id()
    }

    async fn generate(&self, options: &CallOptions) -> Result<ModelResponse> {
        self.layer.generate(&self.inner, options).await
    }

    async fn stream(&self, options: &CallOptions) -> Result<ModelStream> {
        self.layer.stream(&self.inner, options).await
    }
}

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;
