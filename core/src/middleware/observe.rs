//! Observing a stream to its end with an async hook (telemetry spans, cache writes).

use crate::error::{Error, Result};
use crate::model::EventStream;
use crate::types::StreamEvent;
use futures_core::Stream;
use futures_util::future::BoxFuture;
use std::pin::Pin;
use std::task::{Context, Poll};

/// How an observed stream ended.
#[derive(Debug)]
pub(crate) enum Outcome<'a> {
    /// `finish-step` arrived.
    Finished,
    /// The stream failed with this error.
    Failed(&'a Error),
    /// The stream ended without `finish-step`.
    Incomplete,
    /// The consumer dropped the stream before it ended.
    Dropped,
}

/// Watches the events of a stream; `end` runs exactly once.
pub(crate) trait Observer: Send + Unpin + 'static {
    /// One event, before the consumer gets it.
    fn event(&mut self, event: &StreamEvent);
    /// The end; the returned future runs before the last item reaches the consumer (or, after a
    /// drop, on the current Tokio runtime).
    fn end(&mut self, outcome: Outcome<'_>) -> Option<BoxFuture<'static, ()>>;
}

/// A stream passing every item to an [`Observer`].
pub(crate) struct Observed<O: Observer> {
    inner: EventStream,
    observer: O,
    ended: bool,
    finishing: Option<(BoxFuture<'static, ()>, Option<Result<StreamEvent>>)>,
    span: Option<tracing::Span>,
}

impl<O: Observer> Observed<O> {
    /// Observe `inner`.
    pub(crate) fn new(inner: EventStream, observer: O) -> Self {
        Observed {
            inner,
            observer,
            ended: false,
            finishing: None,
            span: None,
        }
    }

    /// Enter `span` while polling the inner stream (so its logs nest under it).
    pub(crate) fn in_span(mut self, span: tracing::Span) -> Self {
        self.span = Some(span);
        self
    }

    fn end_with(
        &mut self,
        outcome: Outcome<'_>,
        item: Option<Result<StreamEvent>>,
    ) -> Option<Option<Result<StreamEvent>>> {
        self.ended = true;
        match self.observer.end(outcome) {
            Some(fut) => {
                self.finishing = Some((fut, item));
                None
            }
            None => Some(item),
        }
    }
}

impl<O: Observer> Stream for Observed<O> {
    type Item = Result<StreamEvent>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let span = this.span.clone();
        let _entered = span.as_ref().map(tracing::Span::enter);
        loop {
            if let Some((fut, _)) = &mut this.finishing {
                std::task::ready!(fut.as_mut().poll(cx));
                let (_, item) = this.finishing.take().expect("checked above");
                return Poll::Ready(item);
            }
            if this.ended {
                return this.inner.as_mut().poll_next(cx);
            }
            let ready = match std::task::ready!(this.inner.as_mut().poll_next(cx)) {
                Some(Ok(event)) => {
                    this.observer.event(&event);
                    if matches!(event, StreamEvent::FinishStep { .. }) {
                        this.end_with(Outcome::Finished, Some(Ok(event)))
                    } else {
                        Some(Some(Ok(event)))
                    }
                }
                Some(Err(e)) => {
                    this.ended = true;
                    match this.observer.end(Outcome::Failed(&e)) {
                        Some(fut) => {
                            this.finishing = Some((fut, Some(Err(e))));
                            None
                        }
                        None => Some(Some(Err(e))),
                    }
                }
                None => this.end_with(Outcome::Incomplete, None),
            };
            if let Some(item) = ready {
                return Poll::Ready(item);
            }
            // Otherwise the end hook is pending: poll it on the next turn of the loop.
        }
    }
}

impl<O: Observer> Drop for Observed<O> {
    fn drop(&mut self) {
        if let Some((fut, _)) = self.finishing.take() {
            spawn_detached(fut);
        }
        if !self.ended {
            self.ended = true;
            if let Some(fut) = self.observer.end(Outcome::Dropped) {
                spawn_detached(fut);
            }
        }
    }
}

fn spawn_detached(fut: BoxFuture<'static, ()>) {
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(fut);
    }
}
