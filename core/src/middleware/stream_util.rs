//! Waiting for a stream's first item, so failures before anything was delivered can be
//! retried or fall back.

use crate::error::{Error, Result};
use crate::model::{LanguageModel, ModelStream};
use crate::types::CallOptions;
use futures_util::StreamExt;
use std::sync::Arc;

/// Open a stream on `model` and wait for its first item. A failure to open, or a first item
/// that is an error, is returned as `Err`: nothing has been delivered yet, so the caller may
/// try again. Otherwise the stream is returned with the first item put back in front.
pub(crate) async fn open_first(
    model: &Arc<dyn LanguageModel>,
    options: &CallOptions,
) -> Result<ModelStream> {
    let mut s = model.stream(options).await?;
    let first = match s.events.next().await {
        Some(Err(e)) => return Err(e),
        Some(Ok(ev)) => ev,
        None => return Err(Error::stream("the model stream ended without any event")),
    };
    let events = futures_util::stream::once(async move { Ok(first) }).chain(s.events);
    Ok(ModelStream {
        warnings: s.warnings,
        events: Box::pin(events),
    })
}
