//! Test-only models and events for the unit tests (middleware, stream, object).
#![allow(dead_code)]

use crate::error::{Error, Result};
use crate::model::{LanguageModel, ModelStream};
use crate::types::{CallOptions, ContentPart, FinishReason, ModelResponse, StreamEvent, Usage};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What one call of a [`Scripted`] model does.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Reply {
    /// Answer `generate` with this response.
    Response(ModelResponse),
    /// Answer `stream` with these items.
    Events(Vec<Result<StreamEvent>>),
    /// Fail the call.
    Fail(Error),
}

/// A model answering calls from a queue of replies (then echoing `ok`), counting calls.
#[derive(Debug, Default)]
pub struct Scripted {
    pub name: String,
    replies: Mutex<VecDeque<Reply>>,
    pub calls: AtomicUsize,
}

impl Scripted {
    pub fn new(name: &str, replies: Vec<Reply>) -> Arc<Self> {
        Arc::new(Scripted {
            name: name.into(),
            replies: Mutex::new(replies.into()),
            calls: AtomicUsize::new(0),
        })
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn next(&self) -> Option<Reply> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.replies.lock().unwrap().pop_front()
    }
}

/// A plain `text` response.
pub fn text_response(text: &str) -> ModelResponse {
    ModelResponse {
        content: vec![ContentPart::text(text)],
        finish_reason: FinishReason::Stop,
        usage: Usage::new(1, 1),
        ..Default::default()
    }
}

/// A `finish-step` event.
pub fn finish_step() -> StreamEvent {
    StreamEvent::FinishStep {
        finish_reason: FinishReason::Stop,
        raw_finish_reason: None,
        usage: Usage::new(1, 1),
        response: Default::default(),
        provider_metadata: None,
    }
}

/// One text block with these deltas, then `finish-step`.
pub fn text_events(id: &str, deltas: &[&str]) -> Vec<StreamEvent> {
    let mut v = vec![StreamEvent::TextStart {
        id: id.into(),
        provider_metadata: None,
    }];
    v.extend(deltas.iter().map(|d| StreamEvent::text_delta(id, *d)));
    v.push(StreamEvent::TextEnd {
        id: id.into(),
        provider_metadata: None,
    });
    v.push(finish_step());
    v
}

#[async_trait::async_trait]
impl LanguageModel for Scripted {
    fn provider(&self) -> &str {
        "scripted"
    }

    fn model_id(&self) -> &str {
        &self.name
    }

    async fn generate(&self, _options: &CallOptions) -> Result<ModelResponse> {
        match self.next() {
            Some(Reply::Response(r)) => Ok(r),
            Some(Reply::Fail(e)) => Err(e),
            Some(Reply::Events(_)) => Err(Error::internal("scripted a stream for generate")),
            None => Ok(text_response(&format!("ok from {}", self.name))),
        }
    }

    async fn stream(&self, _options: &CallOptions) -> Result<ModelStream> {
        let items = match self.next() {
            Some(Reply::Events(items)) => items,
            Some(Reply::Fail(e)) => return Err(e),
            Some(Reply::Response(_)) => {
                return Err(Error::internal("scripted a response for stream"))
            }
            None => text_events("t", &["ok from ", &self.name])
                .into_iter()
                .map(Ok)
                .collect(),
        };
        Ok(ModelStream {
            warnings: Vec::new(),
            events: Box::pin(futures_util::stream::iter(items)),
        })
    }
}

/// Collect a model stream's items.
pub async fn collect(s: ModelStream) -> Vec<Result<StreamEvent>> {
    use futures_util::StreamExt;
    s.events.collect().await
}
