//! The model traits. Built-in providers implement them; so can any user type.

use crate::error::Result;
use crate::types::{
    CallOptions, EmbeddingResponse, ModelResponse, ProviderOptions, StreamEvent, Warning,
};
use futures_core::Stream;
use std::collections::BTreeMap;
use std::pin::Pin;

/// A boxed stream of events.
pub type EventStream = Pin<Box<dyn Stream<Item = Result<StreamEvent>> + Send>>;

/// What [`LanguageModel::stream`] returns: the warnings known before the first token, and the
/// events of one model call.
///
/// The events are the provider-level ones: text / reasoning / tool-input blocks, `tool-call`,
/// `source`, `file`, `raw`, and exactly one `finish-step` last. `start`, `start-step` and
/// `finish` are added by [`crate::stream::TextStream`].
pub struct ModelStream {
    /// Settings the provider could not honour.
    pub warnings: Vec<Warning>,
    /// The events.
    pub events: EventStream,
}

impl std::fmt::Debug for ModelStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelStream")
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

/// A chat / text model. Object-safe: user-supplied models go behind `Arc<dyn LanguageModel>`.
#[async_trait::async_trait]
pub trait LanguageModel: Send + Sync + std::fmt::Debug {
    /// The provider name (`"openai"`, `"mock"`, ...).
    fn provider(&self) -> &str;

    /// The model id without the provider prefix.
    fn model_id(&self) -> &str;

    /// One non-streaming call.
    async fn generate(&self, options: &CallOptions) -> Result<ModelResponse>;

    /// One streaming call. Dropping the returned stream cancels the upstream request.
    async fn stream(&self, options: &CallOptions) -> Result<ModelStream>;
}

/// One embedding call: a batch of texts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmbeddingCall {
    /// The texts, at most [`EmbeddingModel::max_embeddings_per_call`] of them.
    pub values: Vec<String>,
    /// Output dimensions, when the model can shorten vectors.
    pub dimensions: Option<u32>,
    /// Provider-specific options.
    pub provider_options: ProviderOptions,
    /// Extra headers.
    pub headers: BTreeMap<String, String>,
    /// Retries for this call.
    pub max_retries: Option<u32>,
}

/// A text embedding model.
#[async_trait::async_trait]
pub trait EmbeddingModel: Send + Sync + std::fmt::Debug {
    /// The provider name.
    fn provider(&self) -> &str;

    /// The model id without the provider prefix.
    fn model_id(&self) -> &str;

    /// The largest batch one call accepts; `embed_many` splits bigger inputs.
    fn max_embeddings_per_call(&self) -> usize {
        2048
    }

    /// Embed one batch.
    async fn embed(&self, call: &EmbeddingCall) -> Result<EmbeddingResponse>;
}
