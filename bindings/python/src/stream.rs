//! The sync `TextStream`: `for ev in client.stream_text(...)`.
//!
//! Each `__next__` first polls the Rust stream without waiting (events already decoded cost no
//! GIL release); otherwise it waits with the GIL released, checking for Ctrl-C. Breaking out of
//! the loop, `close()`, leaving a `with` block, an exception or Ctrl-C drop the Rust stream,
//! which closes the upstream connection.

use crate::errors::to_py_err;
use crate::event::PyStreamEvent;
use crate::results::PyGenerateTextResult;
use crate::runtime::{closed, guard, wait};
use ditto_llm::stream::{StreamCollector, DEFAULT_MAX_COLLECTED_BYTES};
use ditto_llm::{Error, EventStream};
use futures_util::StreamExt;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::sync::Mutex;
use tokio::sync::watch;

enum Slot {
    Open(EventStream),
    Busy,
    Closed,
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Slot::Open(_) => "Open",
            Slot::Busy => "Busy",
            Slot::Closed => "Closed",
        })
    }
}

/// A sync stream of `StreamEvent`s.
#[pyclass(frozen, module = "ditto_llm._native", name = "TextStream")]
#[derive(Debug)]
pub struct PyTextStream {
    slot: Mutex<Slot>,
    /// Set by `close()`: a read blocked in another thread ends (`StopIteration`).
    closing: watch::Sender<bool>,
}

impl PyTextStream {
    /// Wrap a text stream or an agent stream (or any event stream).
    pub fn new(stream: EventStream) -> Self {
        PyTextStream {
            slot: Mutex::new(Slot::Open(stream)),
            closing: watch::Sender::new(false),
        }
    }

    fn set(&self, slot: Slot) {
        *self.slot.lock().unwrap_or_else(|p| p.into_inner()) = slot;
    }

    fn take(&self) -> PyResult<Option<EventStream>> {
        let mut guard = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        match std::mem::replace(&mut *guard, Slot::Busy) {
            Slot::Open(s) => Ok(Some(s)),
            Slot::Closed => {
                *guard = Slot::Closed;
                Ok(None)
            }
            Slot::Busy => Err(PyRuntimeError::new_err(
                "this stream is already being read by another thread",
            )),
        }
    }
}

/// Drain `stream` into a result (text capped like `TextStream::collect_result`).
pub async fn collect_events(
    mut stream: EventStream,
) -> ditto_llm::Result<ditto_llm::GenerateTextResult> {
    let mut collector = StreamCollector::new(DEFAULT_MAX_COLLECTED_BYTES);
    while let Some(item) = stream.next().await {
        collector.push(item?);
    }
    Ok(collector.finish())
}

#[pymethods]
impl PyTextStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<PyStreamEvent>> {
        guard(|| {
            let Some(mut stream) = self.take()? else {
                return Ok(None);
            };
            // On Ctrl-C (or any error raised by a signal handler) `stream` is dropped here.
            let closing = self.closing.subscribe();
            let item = wait(py, async {
                Ok::<_, Error>(tokio::select! {
                    biased;
                    item = stream.next() => item,
                    () = closed(closing) => None,
                })
            });
            match item {
                Ok(Some(Ok(event))) => {
                    let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
                    // close() from another thread meanwhile: drop the stream, do not reopen.
                    if matches!(*slot, Slot::Busy) {
                        *slot = Slot::Open(stream);
                    }
                    Ok(Some(PyStreamEvent(event)))
                }
                Ok(Some(Err(e))) => {
                    self.set(Slot::Closed);
                    Err(to_py_err(&e))
                }
                Ok(None) => {
                    self.set(Slot::Closed);
                    Ok(None)
                }
                Err(interrupted) => {
                    self.set(Slot::Closed);
                    Err(interrupted)
                }
            }
        })
    }

    /// Consume the rest of the stream into a `GenerateTextResult` (text capped at 32 MiB, with a
    /// warning beyond). Events already read are not included.
    fn collect(&self, py: Python<'_>) -> PyResult<PyGenerateTextResult> {
        guard(|| {
            let Some(stream) = self.take()? else {
                return Err(PyRuntimeError::new_err("collect(): the stream is closed"));
            };
            self.set(Slot::Closed);
            let result = wait(py, collect_events(stream))?;
            Ok(PyGenerateTextResult::plain(result))
        })
    }

    /// Stop the stream and close the upstream connection. Idempotent.
    fn close(&self) {
        self.closing.send_replace(true);
        self.set(Slot::Closed);
    }

    /// True once the stream ended, failed or was closed.
    #[getter]
    fn closed(&self) -> bool {
        matches!(
            *self.slot.lock().unwrap_or_else(|p| p.into_inner()),
            Slot::Closed
        )
    }

    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, _exc: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        self.close();
        false
    }

    fn __repr__(&self) -> String {
        format!("TextStream(closed={})", self.closed())
    }
}
