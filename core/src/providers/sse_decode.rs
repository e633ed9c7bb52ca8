//! The bridge every SSE provider shares: bytes → SSE events → a provider's chunk decoder →
//! unified stream events. Providers implement only [`ChunkDecoder`] (pure translation).

use crate::error::Result;
use crate::http::sse::{SseDecoder, SseEvent, SseLimits};
use crate::model::EventStream;
use crate::types::StreamEvent;
use bytes::Bytes;
use futures_core::Stream;
use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A provider's streaming translation: one SSE event in, zero or more unified events out.
pub trait ChunkDecoder: Send + 'static {
    /// Translate one SSE event.
    fn on_event(&mut self, event: &SseEvent, out: &mut Vec<StreamEvent>) -> Result<()>;

    /// The input ended. `truncated` is true when it stopped in the middle of an SSE event (the
    /// partial event is discarded, as the SSE rules say). Close open blocks and emit
    /// `finish-step`, or fail when the provider stopped before finishing.
    fn on_end(&mut self, truncated: bool, out: &mut Vec<StreamEvent>) -> Result<()>;

    /// True once the decoder has emitted `finish-step`; later input is ignored.
    fn is_finished(&self) -> bool;
}

/// Decode `bytes` with `decoder`. The result ends after `finish-step` or after the first error.
/// Memory is bounded by `limits` plus the events of one chunk.
pub fn decode_sse<S, D>(bytes: S, limits: SseLimits, decoder: D) -> EventStream
where
    S: Stream<Item = Result<Bytes>> + Send + 'static,
    D: ChunkDecoder,
{
    Box::pin(Decoded {
        bytes: Box::pin(bytes),
        sse: SseDecoder::new(limits),
        decoder,
        sse_events: Vec::new(),
        pending: VecDeque::new(),
        scratch: Vec::new(),
        error: None,
        done: false,
    })
}

struct Decoded<D> {
    bytes: Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>>,
    sse: SseDecoder,
    decoder: D,
    sse_events: Vec<SseEvent>,
    pending: VecDeque<StreamEvent>,
    scratch: Vec<StreamEvent>,
    error: Option<crate::Error>,
    done: bool,
}

impl<D: ChunkDecoder> Decoded<D> {
    fn translate(&mut self) -> Result<()> {
        for event in self.sse_events.drain(..) {
            if self.decoder.is_finished() {
                break;
            }
            self.decoder.on_event(&event, &mut self.scratch)?;
        }
        Ok(())
    }
}

impl<D: ChunkDecoder> Stream for Decoded<D> {
    type Item = Result<StreamEvent>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = Pin::into_inner(self);
        loop {
            if let Some(ev) = this.pending.pop_front() {
                return Poll::Ready(Some(Ok(ev)));
            }
            if let Some(e) = this.error.take() {
                return Poll::Ready(Some(Err(e)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            let step = match std::task::ready!(this.bytes.as_mut().poll_next(cx)) {
                Some(Ok(chunk)) => this
                    .sse
                    .feed(&chunk, &mut this.sse_events)
                    .and_then(|()| this.translate()),
                Some(Err(e)) => Err(e),
                None => {
                    this.done = true;
                    this.sse.finish(&mut this.sse_events).and_then(|truncated| {
                        this.translate()?;
                        if this.decoder.is_finished() {
                            Ok(())
                        } else {
                            this.decoder.on_end(truncated, &mut this.scratch)
                        }
                    })
                }
            };
            // Events translated before a failure are delivered first, then the error.
            this.pending.extend(this.scratch.drain(..));
            if this.decoder.is_finished() {
                // Whatever follows `finish-step` (e.g. `[DONE]`) carries nothing: stop reading,
                // which also releases the connection.
                this.done = true;
            }
            if let Err(e) = step {
                this.done = true;
                this.error = Some(e);
            }
        }
    }
}

impl<D> Unpin for Decoded<D> {}
