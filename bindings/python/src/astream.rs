//! The async `AsyncTextStream`: `async for ev in aclient.stream_text(...)`.
//!
//! The request is sent on the first `__anext__`. Each `__anext__` first polls the Rust stream
//! without waiting and returns a completed future when an event is ready; otherwise the wait
//! runs on the shared runtime. Cancelling a pending `__anext__` (task cancellation, timeouts)
//! drops the Rust stream and closes the upstream connection; so do `aclose()`, leaving an
//! `async with` block, and dropping the object (breaking out of the loop).

use crate::aio;
use crate::errors::to_py_err;
use crate::event::PyStreamEvent;
use crate::results::PyGenerateTextResult;
use crate::runtime::{closed, guard, poll_now};
use ditto_llm::{Ditto, StreamEvent, TextRequest, TextStream};
use futures_util::StreamExt;
use pyo3::exceptions::{PyRuntimeError, PyStopAsyncIteration};
use pyo3::prelude::*;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use tokio::sync::watch;

#[derive(Debug)]
enum State {
    NotStarted(Box<(Ditto, TextRequest)>),
    Open(Box<TextStream>),
    Busy,
    Closed,
}

type Shared = Arc<Mutex<State>>;

/// Where a pending `__anext__` starts from.
enum Source {
    Start(Box<(Ditto, TextRequest)>),
    Open(Box<TextStream>),
}

fn set(state: &Shared, value: State) {
    *state.lock().unwrap_or_else(|p| p.into_inner()) = value;
}

/// Marks the stream closed if a pending `__anext__` is dropped before finishing (cancelled).
struct CloseOnDrop(Shared);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if matches!(*guard, State::Busy) {
            *guard = State::Closed;
        }
    }
}

/// An async stream of `StreamEvent`s.
#[pyclass(frozen, module = "ditto_llm._native", name = "AsyncTextStream")]
#[derive(Debug)]
pub struct PyAsyncTextStream {
    state: Shared,
    /// Set by `aclose()` / `close()`: a pending read ends with `StopAsyncIteration`.
    closing: watch::Sender<bool>,
}

impl PyAsyncTextStream {
    pub fn new(client: Ditto, request: TextRequest) -> Self {
        PyAsyncTextStream {
            state: Arc::new(Mutex::new(State::NotStarted(Box::new((client, request))))),
            closing: watch::Sender::new(false),
        }
    }

    fn take(&self) -> PyResult<State> {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match std::mem::replace(&mut *guard, State::Busy) {
            State::Busy => Err(PyRuntimeError::new_err(
                "anext(): another anext() of this stream is still pending",
            )),
            State::Closed => {
                *guard = State::Closed;
                Ok(State::Closed)
            }
            other => Ok(other),
        }
    }

    /// Store the stream back (or close it) after one item.
    fn settle(
        state: &Shared,
        stream: Box<TextStream>,
        item: Option<ditto_llm::Result<StreamEvent>>,
    ) -> ditto_llm::Result<Option<StreamEvent>> {
        match item {
            Some(Ok(event)) => {
                let mut guard = state.lock().unwrap_or_else(|p| p.into_inner());
                // A cancelled anext() closed the stream meanwhile: drop it, do not reopen.
                if matches!(*guard, State::Busy) {
                    *guard = State::Open(stream);
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

    fn settle_closed(state: &Shared) -> ditto_llm::Result<Option<StreamEvent>> {
        set(state, State::Closed);
        Ok(None)
    }

    fn close_now(&self) {
        // A pending read sees the signal, drops the stream and ends; otherwise close here.
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
            let source = match self.take()? {
                State::Closed => return aio::ready(py, Err(PyStopAsyncIteration::new_err(()))),
                State::Open(mut stream) => {
                    if let Poll::Ready(item) = poll_now(&mut stream.next()) {
                        let item = Self::settle(&self.state, stream, item);
                        let value = item
                            .map_err(|e| to_py_err(&e))
                            .and_then(|i| to_event(py, i));
                        return aio::ready(py, value);
                    }
                    Source::Open(stream)
                }
                State::NotStarted(start) => Source::Start(start),
                State::Busy => return Err(PyRuntimeError::new_err("anext(): the stream is busy")),
            };
            let closer = CloseOnDrop(self.state.clone());
            let closing = self.closing.subscribe();
            let work = async move {
                let mut stream = match source {
                    Source::Open(stream) => stream,
                    Source::Start(start) => {
                        let (client, request) = *start;
                        tokio::select! {
                            biased;
                            () = closed(closing.clone()) => return Self::settle_closed(&closer.0),
                            opened = client.stream_text(request) => Box::new(opened?),
                        }
                    }
                };
                let item = tokio::select! {
                    biased;
                    item = stream.next() => item,
                    () = closed(closing) => None,
                };
                Self::settle(&closer.0, stream, item)
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
            let source = match self.take()? {
                State::Open(stream) => Source::Open(stream),
                State::NotStarted(start) => Source::Start(start),
                State::Closed => {
                    return Err(PyRuntimeError::new_err("collect(): the stream is closed"))
                }
                State::Busy => {
                    return Err(PyRuntimeError::new_err(
                        "collect(): another read of this stream is still pending",
                    ))
                }
            };
            let closer = CloseOnDrop(self.state.clone());
            let closing = self.closing.subscribe();
            let work = async move {
                let stream = match source {
                    Source::Open(stream) => stream,
                    Source::Start(start) => {
                        let (client, request) = *start;
                        Box::new(client.stream_text(request).await?)
                    }
                };
                let collected = tokio::select! {
                    biased;
                    out = stream.collect_result() => out,
                    () = closed(closing) => Err(ditto_llm::Error::new(
                        ditto_llm::ErrorKind::Cancelled,
                        "collect(): the stream was closed",
                    )),
                };
                set(&closer.0, State::Closed);
                collected
            };
            let (fut, _) = aio::spawn(py, work, |py, r| {
                Ok(Py::new(py, PyGenerateTextResult(r))?.into_any())
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
