//! `generate_text`, `stream_text`, `embed` and `embed_many` over any model.

use crate::error::{Error, Result};
use crate::model::{EmbeddingCall, EmbeddingModel, LanguageModel};
use crate::stream::TextStream;
use crate::types::{
    EmbedManyResult, EmbedRequest, EmbedResult, GenerateTextResult, TextRequest, Usage,
};
use futures_util::{StreamExt, TryStreamExt};

/// Embedding batches in flight at once.
const EMBED_CONCURRENCY: usize = 4;

/// One non-streaming call of `model` (the request's `model` field is not consulted).
pub async fn generate_text(
    model: &dyn LanguageModel,
    request: &TextRequest,
) -> Result<GenerateTextResult> {
    let options = request.to_call_options()?;
    let response = model.generate(&options).await?;
    Ok(GenerateTextResult::from(response))
}

/// One streaming call of `model`. Errors before the first byte are returned here; later ones
/// arrive as the stream's `Err` item.
pub async fn stream_text(model: &dyn LanguageModel, request: &TextRequest) -> Result<TextStream> {
    let options = request.to_call_options()?;
    Ok(TextStream::new(model.stream(&options).await?))
}

/// Embed many texts, split into batches the model accepts, results in input order.
pub async fn embed_many(
    model: &dyn EmbeddingModel,
    request: &EmbedRequest,
) -> Result<EmbedManyResult> {
    if request.input.is_empty() {
        return Ok(EmbedManyResult::default());
    }
    let batch = model.max_embeddings_per_call().max(1);
    let calls: Vec<EmbeddingCall> = request
        .input
        .chunks(batch)
        .map(|values| EmbeddingCall {
            values: values.to_vec(),
            dimensions: request.dimensions,
            provider_options: request.provider_options.clone(),
            headers: request.headers.clone(),
            max_retries: request.max_retries,
        })
        .collect();
    // Collect the futures first: a lazy `map` closure over `&dyn EmbeddingModel` makes the
    // returned future impossible to prove `Send`.
    let pending: Vec<_> = calls.iter().map(|c| model.embed(c)).collect();
    let responses: Vec<_> = futures_util::stream::iter(pending)
        .buffered(EMBED_CONCURRENCY)
        .try_collect()
        .await?;
    let mut out = EmbedManyResult {
        embeddings: Vec::with_capacity(request.input.len()),
        usage: Usage::default(),
        warnings: Vec::new(),
    };
    for (call, resp) in calls.iter().zip(responses) {
        if resp.embeddings.len() != call.values.len() {
            return Err(Error::new(
                crate::ErrorKind::Provider,
                format!(
                    "asked for {} embeddings, got {}",
                    call.values.len(),
                    resp.embeddings.len()
                ),
            ));
        }
        out.embeddings.extend(resp.embeddings);
        out.usage = out.usage.add(&resp.usage);
        for w in resp.warnings {
            if !out.warnings.contains(&w) {
                out.warnings.push(w);
            }
        }
    }
    Ok(out)
}

/// Embed one text.
pub async fn embed(model: &dyn EmbeddingModel, request: &EmbedRequest) -> Result<EmbedResult> {
    if request.input.len() != 1 {
        return Err(Error::invalid_request(format!(
            "embed takes exactly one input, got {}; use embed_many",
            request.input.len()
        )));
    }
    let mut many = embed_many(model, request).await?;
    Ok(EmbedResult {
        embedding: many.embeddings.pop().unwrap_or_default(),
        usage: many.usage,
        warnings: many.warnings,
    })
}
