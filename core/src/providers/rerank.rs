//! The rerank model trait: order documents by relevance to a query.

use crate::error::Result;
use crate::types::{RerankRequest, RerankResult};

/// A document reranking model (Cohere `rerank-*`, ...). Object-safe.
#[async_trait::async_trait]
pub trait RerankModel: Send + Sync + std::fmt::Debug {
    /// The provider name.
    fn provider(&self) -> &str;

    /// The model id without the provider prefix.
    fn model_id(&self) -> &str;

    /// Rank `request.documents` against `request.query` (the request's `model` is not read).
    async fn rerank(&self, request: &RerankRequest) -> Result<RerankResult>;
}
