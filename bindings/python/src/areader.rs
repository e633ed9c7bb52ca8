//! The machinery behind every asyncio stream class (`AsyncTextStream`, `AsyncObjectStream`):
//! an [`AsyncReader`] of any item type.
//!
//! The first read starts a pump task on the shared runtime: it opens the Rust stream (sends the
//! request) and reads it into a bounded channel ([`PREFETCH`] items; a slow consumer slows the
//! upstream read, nothing queues beyond that). `__anext__` takes a ready item without leaving
//! the event loop's thread and only waits on the runtime when the channel is empty.
//!
//! Closing drops the channel's receiver, which ends the pump and drops the Rust stream, closing
//! the upstream connection: cancelling a pending read (task cancellation, timeouts),
//! `aclose()`, leaving `async with`, or dropping the object (breaking out of the loop).

use crate::aio;
use crate::errors::to_py_err;
use crate::host::HostLoop;
use crate::runtime::{closed, panic_message, runtime};
use ditto_llm::Error;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt};
use pyo3::exceptions::{PyRuntimeError, PyStopAsyncIteration};
use pyo3::prelude::*;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::{mpsc, watch};

/// Items read ahead of the consumer.
const PREFETCH: usize = 16;

type Item<T> = ditto_llm::Result<T>;
/// The receiving end of a started reader.
pub type Items<T> = mpsc::Receiver<Item<T>>;

/// Opens the stream (sends the request) when first read.
pub type Opener<T> =
    Box<dyn FnOnce() -> BoxFuture<'static, ditto_llm::Result<BoxStream<'static, Item<T>>>> + Send>;

/// Drains the rest of a started reader into one value (`collect()`).
pub type Drain<T, R> = Box<dyn FnOnce(Items<T>) -> BoxFuture<'static, ditto_llm::Result<R>> + Send>;

enum State<T> {
    NotStarted(Opener<T>),
    Open(Items<T>),
    Busy,
    Closed,
}

type Shared<T> = Arc<Mutex<State<T>>>;

fn set<T>(state: &Shared<T>, value: State<T>) {
    *state.lock().unwrap_or_else(|p| p.into_inner()) = value;
}

/// Marks the reader closed if a pending read is dropped before finishing (cancelled).
struct CloseOnDrop<T>(Shared<T>);

impl<T> Drop for CloseOnDrop<T> {
    fn drop(&mut self) {
        let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if matches!(*guard, State::Busy) {
            *guard = State::Closed;
        }
    }
}

/// Open the stream and forward its items until it ends or the receiver is gone.
async fn pump_items<T: Send + 'static>(open: Opener<T>, tx: &mpsc::Sender<Item<T>>) {
    let opened = tokio::select! {
        biased;
        () = tx.closed() => return,
        opened = open() => opened,
    };
    let mut stream = match opened {
        Ok(stream) => stream,
        Err(e) => {
            let _ = tx.send(Err(e)).await;
            return;
        }
    };
    loop {
        let item = tokio::select! {
            biased;
            () = tx.closed() => return,
            item = stream.next() => item,
        };
        let Some(item) = item else { return };
        let last = item.is_err();
        if tx.send(item).await.is_err() || last {
            return;
        }
    }
}

fn start_pump<T: Send + 'static>(open: Opener<T>) -> Items<T> {
    let (tx, rx) = mpsc::channel(PREFETCH);
    runtime().spawn(async move {
        if let Err(panic) = AssertUnwindSafe(pump_items(open, &tx)).catch_unwind().await {
            let _ = tx
                .send(Err(Error::internal(panic_message(panic.as_ref()))))
                .await;
        }
    });
    rx
}

/// An asyncio reader of `T`s.
pub struct AsyncReader<T> {
    state: Shared<T>,
    /// The loop Python callbacks of this stream run on: the one reading it.
    host_loop: Option<Arc<HostLoop>>,
    /// Set by `aclose()` / `close()`: a pending read ends with `StopAsyncIteration`.
    closing: watch::Sender<bool>,
}

impl<T: Send + 'static> std::fmt::Debug for AsyncReader<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncReader")
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> AsyncReader<T> {
    /// A reader that `open` opens on the first read; `host_loop` (streams with Python
    /// callbacks) is set to the loop that reads it.
    pub fn new(open: Opener<T>, host_loop: Option<Arc<HostLoop>>) -> Self {
        AsyncReader {
            state: Arc::new(Mutex::new(State::NotStarted(open))),
            host_loop,
            closing: watch::Sender::new(false),
        }
    }

    /// The item receiver, marking the reader busy; `None` once closed.
    fn take(&self, py: Python<'_>, what: &str) -> PyResult<Option<Items<T>>> {
        if let Some(host_loop) = &self.host_loop {
            host_loop.capture(py);
        }
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match std::mem::replace(&mut *guard, State::Busy) {
            State::Open(rx) => Ok(Some(rx)),
            State::NotStarted(open) => Ok(Some(start_pump(open))),
            State::Closed => {
                *guard = State::Closed;
                Ok(None)
            }
            State::Busy => Err(PyRuntimeError::new_err(format!(
                "{what}: another read of this stream is still pending"
            ))),
        }
    }

    /// Store the receiver back (or close) after one item.
    fn settle(
        state: &Shared<T>,
        rx: Items<T>,
        item: Option<Item<T>>,
    ) -> ditto_llm::Result<Option<T>> {
        match item {
            Some(Ok(value)) => {
                let mut guard = state.lock().unwrap_or_else(|p| p.into_inner());
                // Closed meanwhile (cancelled, aclose()): drop the receiver, do not reopen.
                if matches!(*guard, State::Busy) {
                    *guard = State::Open(rx);
                }
                Ok(Some(value))
            }
            Some(Err(e)) => {
                set(state, State::Closed);
                Err(e)
            }
            None => {
                set(state, State::Closed);
                Ok(None)
            }
        }
    }

    /// Take what is left of the stream out as an opener (for `tee()`): the original opener
    /// when not started, else the prefetched items and the rest. The reader is closed after.
    pub fn take_opener(&self) -> PyResult<Opener<T>> {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match std::mem::replace(&mut *guard, State::Closed) {
            State::NotStarted(open) => Ok(open),
            State::Open(rx) => Ok(Box::new(move || {
                Box::pin(async move {
                    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
                        rx.recv().await.map(|item| (item, rx))
                    });
                    Ok(rest.boxed())
                })
            })),
            State::Closed => Err(PyRuntimeError::new_err("the stream is closed")),
            State::Busy => {
                *guard = State::Busy;
                Err(PyRuntimeError::new_err(
                    "another read of this stream is still pending",
                ))
            }
        }
    }

    /// Close now: a pending read sees the signal and ends; otherwise the receiver is dropped.
    pub fn close(&self) {
        self.closing.send_replace(true);
        set(&self.state, State::Closed);
    }

    /// True once the stream ended, failed or was closed.
    pub fn is_closed(&self) -> bool {
        matches!(
            *self.state.lock().unwrap_or_else(|p| p.into_inner()),
            State::Closed
        )
    }

    /// `__anext__`: an awaitable of the next item converted by `convert`, raising
    /// `StopAsyncIteration` at the end.
    pub fn anext<'py>(
        &self,
        py: Python<'py>,
        convert: aio::Convert<Option<T>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let Some(mut rx) = self.take(py, "anext()")? else {
            return aio::ready(py, Err(PyStopAsyncIteration::new_err(())));
        };
        let ready = match rx.try_recv() {
            Ok(item) => Some(Some(item)),
            Err(TryRecvError::Disconnected) => Some(None),
            Err(TryRecvError::Empty) => None,
        };
        if let Some(item) = ready {
            let value = Self::settle(&self.state, rx, item)
                .map_err(|e| to_py_err(&e))
                .and_then(|i| convert(py, i));
            return aio::ready(py, value);
        }
        let closer = CloseOnDrop(self.state.clone());
        let closing = self.closing.subscribe();
        let work = async move {
            let item = tokio::select! {
                biased;
                item = rx.recv() => item,
                () = closed(closing) => None,
            };
            Self::settle(&closer.0, rx, item)
        };
        let state = self.state.clone();
        let on_cancel: aio::OnCancel = Box::new(move || set(&state, State::Closed));
        let (fut, _) = aio::spawn_with_cancel(py, work, convert, Some(on_cancel))?;
        Ok(fut)
    }

    /// `collect()`: an awaitable of `drain` over the rest of the stream.
    pub fn collect<'py, R: Send + 'static>(
        &self,
        py: Python<'py>,
        drain: Drain<T, R>,
        convert: aio::Convert<R>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let Some(rx) = self.take(py, "collect()")? else {
            return Err(PyRuntimeError::new_err("collect(): the stream is closed"));
        };
        let closer = CloseOnDrop(self.state.clone());
        let closing = self.closing.subscribe();
        let work = async move {
            let collected = tokio::select! {
                biased;
                out = drain(rx) => out,
                () = closed(closing) => Err(Error::new(
                    ditto_llm::ErrorKind::Cancelled,
                    "collect(): the stream was closed",
                )),
            };
            set(&closer.0, State::Closed);
            collected
        };
        let (fut, _) = aio::spawn(py, work, convert)?;
        Ok(fut)
    }
}

/// `StopAsyncIteration` for the end of a stream.
pub fn stop_async() -> PyErr {
    PyStopAsyncIteration::new_err(())
}
