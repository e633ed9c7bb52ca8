use super::StreamCollector;
use crate::error::{Error, Result};
use crate::model::{EventStream, ModelStream};
use crate::types::{GenerateTextResult, StreamEvent, Usage};
use futures_core::Stream;
use futures_util::StreamExt;
use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The stream `stream_text` returns: `start`, `start-step` (with warnings), the model's events,
/// `finish-step`, `finish`. Any failure is yielded once as `Err`, then the stream ends.
/// Dropping it cancels the upstream request and closes its connection.
pub struct TextStream {
    inner: EventStream,
    queued: VecDeque<StreamEvent>,
    total_usage: Usage,
    saw_finish_step: bool,
    done: bool,
}

impl std::fmt::Debug for TextStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextStream")
            .field("queued", &self.queued.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl TextStream {
    /// Wrap one model call's stream.
    pub fn new(model_stream: ModelStream) -> Self {
        let mut queued = VecDeque::with_capacity(4);
        queued.push_back(StreamEvent::Start);
        queued.push_back(StreamEvent::StartStep {
            warnings: model_stream.warnings,
        });
        TextStream {
            inner: model_stream.events,
            queued,
            total_usage: Usage::default(),
            saw_finish_step: false,
            done: false,
        }
    }

    /// Consume the stream into a result, with the default byte cap.
    pub async fn collect_result(self) -> Result<GenerateTextResult> {
        self.collect_result_with_limit(super::DEFAULT_MAX_COLLECTED_BYTES)
            .await
    }

    /// Consume the stream into a result; text beyond `max_bytes` is dropped with a warning.
    pub async fn collect_result_with_limit(
        mut self,
        max_bytes: usize,
    ) -> Result<GenerateTextResult> {
        let mut collector = StreamCollector::new(max_bytes);
        while let Some(event) = self.next().await {
            collector.push(event?);
        }
        Ok(collector.finish())
    }

    /// Only the text deltas.
    pub fn text_stream(self) -> impl Stream<Item = Result<String>> + Send {
        self.filter_map(|ev| async move {
            match ev {
                Ok(StreamEvent::TextDelta { text, .. }) => Some(Ok(text)),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            }
        })
    }
}

impl Stream for TextStream {
    type Item = Result<StreamEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some(ev) = self.queued.pop_front() {
            return Poll::Ready(Some(Ok(ev)));
        }
        if self.done {
            return Poll::Ready(None);
        }
        match std::task::ready!(self.inner.as_mut().poll_next(cx)) {
            Some(Ok(event)) => {
                if let StreamEvent::FinishStep {
                    finish_reason,
                    raw_finish_reason,
                    usage,
                    ..
                } = &event
                {
                    self.total_usage = self.total_usage.add(usage);
                    self.saw_finish_step = true;
                    let finish = StreamEvent::Finish {
                        finish_reason: *finish_reason,
                        raw_finish_reason: raw_finish_reason.clone(),
                        total_usage: self.total_usage.with_computed_total(),
                    };
                    self.queued.push_back(finish);
                    self.done = true;
                }
                Poll::Ready(Some(Ok(event)))
            }
            Some(Err(e)) => {
                self.done = true;
                Poll::Ready(Some(Err(e)))
            }
            None => {
                self.done = true;
                if self.saw_finish_step {
                    Poll::Ready(None)
                } else {
                    Poll::Ready(Some(Err(Error::stream(
                        "the model stream ended without a finish event",
                    ))))
                }
            }
        }
    }
}
