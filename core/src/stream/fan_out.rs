//! Bounded fan-out: one event stream consumed at once as text deltas and as full events.
//!
//! No task is spawned: whichever consumer is polled pulls the source and queues a copy for
//! the other. Each queue holds at most `capacity` items, so a slow consumer slows the
//! producer (the fast one waits) instead of growing a queue; a dropped consumer stops
//! receiving and never blocks the other. Errors go to both.

use super::TextStream;
use crate::error::{Error, Result};
use crate::types::StreamEvent;
use futures_core::Stream;
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};

type Source = Pin<Box<dyn Stream<Item = Result<StreamEvent>> + Send>>;

const TEXT: usize = 0;
const EVENTS: usize = 1;

/// Wakes every consumer waiting on the source (the source keeps only the last waker it saw).
#[derive(Default)]
struct Wakers([Mutex<Option<Waker>>; 2]);

impl Wakers {
    fn set(&self, side: usize, waker: &Waker) {
        let mut slot = self.0[side].lock().unwrap_or_else(|e| e.into_inner());
        if !slot.as_ref().is_some_and(|w| w.will_wake(waker)) {
            *slot = Some(waker.clone());
        }
    }

    fn wake_side(&self, side: usize) {
        let waker = self.0[side]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl Wake for Wakers {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wake_side(TEXT);
        self.wake_side(EVENTS);
    }
}

struct Shared {
    source: Source,
    text: VecDeque<Result<String>>,
    events: VecDeque<Result<StreamEvent>>,
    alive: [bool; 2],
    done: bool,
    capacity: usize,
}

impl Shared {
    fn queued(&self, side: usize) -> usize {
        if side == TEXT {
            self.text.len()
        } else {
            self.events.len()
        }
    }

    /// True when `side` is alive and has no room for one more item.
    fn full(&self, side: usize) -> bool {
        self.alive[side] && self.queued(side) >= self.capacity
    }
}

struct Inner {
    shared: Mutex<Shared>,
    wakers: Arc<Wakers>,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Pull the source until `side`'s queue has an item, the source ends, or the other side's
    /// queue is full (backpressure) or the source is pending.
    fn poll_side(&self, side: usize, cx: &mut Context<'_>) -> Poll<()> {
        let other = 1 - side;
        self.wakers.set(side, cx.waker());
        let mut shared = self.lock();
        loop {
            if shared.queued(side) > 0 || shared.done {
                return Poll::Ready(());
            }
            if shared.full(other) {
                // Wait for the other consumer to make room; it wakes us when it pops.
                return Poll::Pending;
            }
            let waker = Waker::from(self.wakers.clone());
            let mut source_cx = Context::from_waker(&waker);
            match shared.source.as_mut().poll_next(&mut source_cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    shared.done = true;
                    drop(shared);
                    self.wakers.wake_side(other);
                    return Poll::Ready(());
                }
                Poll::Ready(Some(item)) => {
                    let before = shared.queued(other);
                    push(&mut shared, item);
                    if shared.queued(other) > before {
                        self.wakers.wake_side(other);
                    }
                }
            }
        }
    }

    fn popped(&self, side: usize) {
        // Room was made on this side: the other consumer may be waiting for it.
        self.wakers.wake_side(1 - side);
    }

    fn drop_side(&self, side: usize) {
        let mut shared = self.lock();
        shared.alive[side] = false;
        if side == TEXT {
            shared.text.clear();
        } else {
            shared.events.clear();
        }
        drop(shared);
        self.wakers.wake_side(1 - side);
    }
}

/// Queue one source item for every live consumer that wants it.
fn push(shared: &mut Shared, item: Result<StreamEvent>) {
    match item {
        Ok(event) => {
            if shared.alive[TEXT] {
                if let StreamEvent::TextDelta { text, .. } = &event {
                    shared.text.push_back(Ok(text.clone()));
                }
            }
            if shared.alive[EVENTS] {
                shared.events.push_back(Ok(event));
            }
        }
        Err(error) => {
            if shared.alive[TEXT] && shared.alive[EVENTS] {
                shared.text.push_back(Err(Error::from(error.to_info())));
                shared.events.push_back(Err(error));
            } else if shared.alive[TEXT] {
                shared.text.push_back(Err(error));
            } else if shared.alive[EVENTS] {
                shared.events.push_back(Err(error));
            }
        }
    }
}

/// The text-delta side of a fan-out: yields each `text-delta`'s text, and errors.
pub struct TeeTextStream {
    inner: Arc<Inner>,
}

/// The full-event side of a fan-out: yields every event, and errors.
pub struct TeeEventStream {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for TeeTextStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeeTextStream").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for TeeEventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeeEventStream").finish_non_exhaustive()
    }
}

impl Stream for TeeTextStream {
    type Item = Result<String>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        std::task::ready!(self.inner.poll_side(TEXT, cx));
        let item = self.inner.lock().text.pop_front();
        if item.is_some() {
            self.inner.popped(TEXT);
        }
        Poll::Ready(item)
    }
}

impl Stream for TeeEventStream {
    type Item = Result<StreamEvent>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        std::task::ready!(self.inner.poll_side(EVENTS, cx));
        let item = self.inner.lock().events.pop_front();
        if item.is_some() {
            self.inner.popped(EVENTS);
        }
        Poll::Ready(item)
    }
}

impl Drop for TeeTextStream {
    fn drop(&mut self) {
        self.inner.drop_side(TEXT);
    }
}

impl Drop for TeeEventStream {
    fn drop(&mut self) {
        self.inner.drop_side(EVENTS);
    }
}

/// Split `stream` into a text-delta stream and a full-event stream, each buffering at most
/// `capacity` items (at least 1) that its consumer has not taken yet. The source is dropped
/// (cancelling the request) when both sides are dropped.
pub fn fan_out<S>(stream: S, capacity: usize) -> (TeeTextStream, TeeEventStream)
where
    S: Stream<Item = Result<StreamEvent>> + Send + 'static,
{
    let inner = Arc::new(Inner {
        shared: Mutex::new(Shared {
            source: Box::pin(stream),
            text: VecDeque::new(),
            events: VecDeque::new(),
            alive: [true, true],
            done: false,
            capacity: capacity.max(1),
        }),
        wakers: Arc::new(Wakers::default()),
    });
    (
        TeeTextStream {
            inner: inner.clone(),
        },
        TeeEventStream { inner },
    )
}

impl TextStream {
    /// Consume this stream as text deltas and as full events at once; see [`fan_out`].
    pub fn tee(self, capacity: usize) -> (TeeTextStream, TeeEventStream) {
        fan_out(self, capacity)
    }
}

#[cfg(test)]
#[path = "fan_out_tests.rs"]
mod tests;
