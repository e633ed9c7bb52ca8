//! Core calls as `'static + Send` boxed futures over an owned client. Naming the bounds here
//! sidesteps a compiler limitation with higher-ranked lifetimes in axum handlers.

use ditto_llm::{
    Ditto, EmbedManyResult, EmbedRequest, EmbeddingCall, Error, ErrorKind, GenerateTextResult,
    Result, TextRequest, TextStream,
};
use std::future::Future;
use std::pin::Pin;

type Boxed<T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'static>>;

/// `Ditto::stream_text`.
pub fn stream_text(ditto: Ditto, req: TextRequest) -> Boxed<TextStream> {
    Box::pin(async move { ditto.stream_text(req).await })
}

/// `Ditto::generate_text`.
pub fn generate_text(ditto: Ditto, req: TextRequest) -> Boxed<GenerateTextResult> {
    Box::pin(async move { ditto.generate_text(req).await })
}

/// `Ditto::embed_many`, batch after batch (the core's concurrent version is not provably
/// `Send` inside a handler).
pub fn embed_many(ditto: Ditto, req: EmbedRequest) -> Boxed<EmbedManyResult> {
    Box::pin(async move {
        let model = ditto.embedding_model(&req.model)?;
        let batch = model.max_embeddings_per_call().max(1);
        let mut out = EmbedManyResult::default();
        for values in req.input.chunks(batch) {
            let call = EmbeddingCall {
                values: values.to_vec(),
                dimensions: req.dimensions,
                provider_options: req.provider_options.clone(),
                headers: req.headers.clone(),
                max_retries: req.max_retries,
            };
            let resp = model.embed(&call).await?;
            if resp.embeddings.len() != values.len() {
                return Err(Error::new(
                    ErrorKind::Provider,
                    format!(
                        "asked for {} embeddings, got {}",
                        values.len(),
                        resp.embeddings.len()
                    ),
                ));
            }
            out.embeddings.extend(resp.embeddings);
            out.usage = out.usage.add(&resp.usage);
        }
        Ok(out)
    })
}
