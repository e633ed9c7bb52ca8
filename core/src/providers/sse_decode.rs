//! The bridge every SSE provider shares: bytes → SSE events → a provider's chunk decoder →
//! unified stream events. Providers implement only [`ChunkDecoder`] (pure translation).

use crate::error::Result;
use crate::http::sse::{sse_events, SseEvent, SseLimits};
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

    /// The input ended cleanly; close open blocks and emit `finish-step`, or fail when the
    /// provider stopped before finishing.
    fn on_end(&mut self, out: &mut Vec<StreamEvent>) -> Result<()>;

    /// True once the decoder has emitted `finish-step`; later input is ignored.
    fn is_finished(&self) -> bool;
}

/// Decode `bytes` with `decoder`. The result ends after `finish-step` or after the first error.
pub fn decode_sse<S, D>(bytes: S, limits: SseLimits, decoder: D) -> EventStream
where
    S: Stream<Item = Result<Bytes>> + Send + 'static,
    D: ChunkDecoder,
{
    Box::pin(Decoded {
        sse: Box::pin(sse_events(bytes, limits)),
        decoder,
        pending: VecDeque::new(),
        scratch: Vec::new(),
        done: false,
    })
}

struct Decoded<D> {
    sse: Pin<Box<dyn Stream<Item = Result<SseEvent>> + Send>>,
    decoder: D,
    pending: VecDeque<StreamEvent>,
    scratch: Vec<StreamEvent>,
    done: bool,
}

impl<D: ChunkDecoder> Stream for Decoded<D> {
    type Item = Result<StreamEvent>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Decoded holds only Unpin fields besides D; D is moved in whole and never pinned.
        let this = Pin::into_inner(self);
        loop {
            if let Some(ev) = this.pending.pop_front() {
                return Poll::Ready(Some(Ok(ev)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            let step = match std::task::ready!(this.sse.as_mut().poll_next(cx)) {
                Some(Ok(event)) => this.decoder.on_event(&event, &mut this.scratch),
                Some(Err(e)) => Err(e),
                None => {
                    this.done = true;
                    this.decoder.on_end(&mut this.scratch)
                }
            };
            this.pending.extend(this.scratch.drain(..));
            if this.decoder.is_finished() {
                // Stop reading: whatever follows `finish-step` (e.g. `[DONE]`) carries nothing.
                this.done = true;
            }
            if let Err(e) = step {
                this.done = true;
                this.pending.clear();
                return Poll::Ready(Some(Err(e)));
            }
        }
    }
}

impl<D> Unpin for Decoded<D> {}
