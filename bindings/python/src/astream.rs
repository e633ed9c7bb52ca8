//! The async `AsyncTextStream`: `async for ev in aclient.stream_text(...)`.
//!
//! The first `__anext__` starts a pump task on the shared runtime: it sends the request and
//! reads the Rust stream into a bounded channel ([`PREFETCH`] events; a slow consumer slows the
//! upstream read, nothing queues beyond that). `__anext__` takes a ready event without leaving
//! the event loop's thread and only waits on the runtime when the channel is empty.
//!
//! Closing drops the channel's receiver, which ends the pump and drops the Rust stream, closing
//! the upstream connection: cancelling a pending `__anext__` (task cancellation, timeouts),
//! `aclose()`, leaving `async with`, or dropping the object (breaking out of the loop).

use crate::aio;
use crate::errors::to_py_err;
use crate::event::PyStreamEvent;
use crate::host::HostLoop;
use crate::results::PyGenerateTextResult;
use crate::runtime::{closed, guard, panic_message, runtime};
use ditto_llm::stream::{StreamCollector, DEFAULT_MAX_COLLECTED_BYTES};
use ditto_llm::{Error, ErrorKind, EventStream, StreamEvent};
use futures_util::future::BoxFuture;
use futures_util::{FutureExt, StreamExt};
use pyo3::exceptions::{PyRuntimeError, PyStopAsyncIteration};
use pyo3::prelude::*;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::{mpsc, watch};

/// Events read ahead of the consumer.
const PREFETCH: usize = 16;

type Item = ditto_llm::Result<StreamEvent>;
type Events = mpsc::Receiver<Item>;

/// Opens the stream (sends the request) when first read.
pub type Opener = Box<dyn FnOnce() -> BoxFuture<'static, ditto_llm::Result<EventStream>> + Send>;

/// A stream not opened yet.
pub struct Start(Opener);

impl std::fmt::Debug for Start {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Start")
    }
}

#[derive(Debug)]
enum State {
    NotStarted(Start),
    Open(Events),
    Busy,
    Closed,
}

type Shared = Arc<Mutex<State>>;

fn set(state: &Shared, value: State) {
    *state.lock().unwrap_or_else(|p| p.into_inner()) = value;
}

/// Marks the stream closed if a pending read is dropped before finishing (cancelled).
struct CloseOnDrop(Shared);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if matches!(*guard, State::Busy) {
            *guard = State::Closed;
        }
    }
}

/// Send the request and forward the stream's items until it ends or the receiver is gone.
async fn pump_items(start: Start, tx: &mpsc::Sender<Item>) {
    let opened = tokio::select! {
        biased;
        () = tx.closed() => return,
        opened = (start.0)() => opened,
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

fn start_pump(start: Start) -> Events {
    let (tx, rx) = mpsc::channel(PREFETCH);
    runtime().spawn(async move {
        if let Err(panic) = AssertUnwindSafe(pump_items(start, &tx))
            .catch_unwind()
            .await
        {
            let _ = tx
                .send(Err(Error::internal(panic_message(panic.as_ref()))))
                .await;
        }
    });
    rx
}

/// An async stream of `StreamEvent`s.
#[pyclass(frozen, module = "ditto_llm._native", name = "AsyncTextStream")]
#[derive(Debug)]
pub struct PyAsyncTextStream {
    state: Shared,
    /// The loop async tool callbacks run on: the one iterating this stream.
    host_loop: Option<Arc<HostLoop>>,
    /// Set by `aclose()` / `close()`: a pending read ends with `StopAsyncIteration`.
    closing: watch::Sender<bool>,
}

impl PyAsyncTextStream {
    /// A stream that `open` opens on the first read; `host_loop` (for agent streams) is set to
    /// the loop that reads it.
    pub fn new(open: Opener, host_loop: Option<Arc<HostLoop>>) -> Self {
        PyAsyncTextStream {
            state: Arc::new(Mutex::new(State::NotStarted(Start(open)))),
            host_loop,
            closing: watch::Sender::new(false),
        }
    }

    /// The event receiver, marking the stream busy; `None` once closed.
    fn take(&self, py: Python<'_>, what: &str) -> PyResult<Option<Events>> {
        if let Some(host_loop) = &self.host_loop {
            host_loop.capture(py);
        }
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match std::mem::replace(&mut *guard, State::Busy) {
            State::Open(rx) => Ok(Some(rx)),
            State::NotStarted(start) => Ok(Some(start_pump(start))),
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
        state: &Shared,
        rx: Events,
        item: Option<Item>,
    ) -> ditto_llm::Result<Option<StreamEvent>> {
        match item {
            Some(Ok(event)) => {
                let mut guard = state.lock().unwrap_or_else(|p| p.into_inner());
                // Closed meanwhile (cancelled, aclose()): drop the receiver, do not reopen.
                if matches!(*guard, State::Busy) {
                    *guard = State::Open(rx);
                }
                Ok(Some(event))
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

    fn close_now(&self) {
        // A pending read sees the signal and ends; otherwise the receiver is dropped here.
        self.closing.send_replace(true);
        set(&self.state, State::Closed);
    }
}

fn to_event(py: Python<'_>, item: Option<StreamEvent>) -> PyResult<Py<PyAny>> {
    match item {
        Some(event) => Ok(Py::new(py, PyStreamEvent(event))?.into_any()),
        None => Err(PyStopAsyncIteration::new_err(())),
    }
}

#[pymethods]
impl PyAsyncTextStream {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
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
                    .and_then(|i| to_event(py, i));
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
            let (fut, _) = aio::spawn_with_cancel(py, work, to_event, Some(on_cancel))?;
            Ok(fut)
        })
    }

    /// Consume the rest of the stream into a `GenerateTextResult` (awaitable; text capped at
    /// 32 MiB, with a warning beyond). Events already read are not included.
    fn collect<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let Some(mut rx) = self.take(py, "collect()")? else {
                return Err(PyRuntimeError::new_err("collect(): the stream is closed"));
            };
            let closer = CloseOnDrop(self.state.clone());
            let closing = self.closing.subscribe();
            let work = async move {
                let drain = async {
                    let mut collector = StreamCollector::new(DEFAULT_MAX_COLLECTED_BYTES);
                    while let Some(item) = rx.recv().await {
                        collector.push(item?);
                    }
                    Ok(collector.finish())
                };
                let collected = tokio::select! {
                    biased;
                    out = drain => out,
                    () = closed(closing) => Err(Error::new(
                        ErrorKind::Cancelled,
                        "collect(): the stream was closed",
                    )),
                };
                set(&closer.0, State::Closed);
                collected
            };
            let (fut, _) = aio::spawn(py, work, |py, r| {
                Ok(Py::new(py, PyGenerateTextResult::plain(r))?.into_any())
            })?;
            Ok(fut)
        })
    }

    /// Stop the stream and close the upstream connection (awaitable). Idempotent.
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.close_now();
        aio::ready(py, Ok(py.None()))
    }

    /// Stop the stream now, without awaiting.
    fn close(&self) {
        self.close_now();
    }

    #[getter]
    fn closed(&self) -> bool {
        matches!(
            *self.state.lock().unwrap_or_else(|p| p.into_inner()),
            State::Closed
        )
    }

    fn __aenter__<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        aio::ready(py, Ok(slf.into_any().unbind()))
    }

    #[pyo3(signature = (*_exc))]
    fn __aexit__<'py>(
        &self,
        py: Python<'py>,
        _exc: &Bound<'py, pyo3::types::PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.close_now();
        aio::ready(
            py,
            Ok(false.into_pyobject(py)?.to_owned().into_any().unbind()),
        )
    }

    fn __repr__(&self) -> String {
        format!("AsyncTextStream(closed={})", self.closed())
    }
}
