//! `stream.tee()`: one text stream consumed as text deltas and as full events at once, through
//! the core's bounded fan-out (`TextStream::tee`): a slow side slows the upstream read, a
//! dropped side does not block the other, the request is cancelled when both are gone.

use crate::aio;
use crate::areader::{stop_async, AsyncReader, Opener};
use crate::astream::PyAsyncTextStream;
use crate::runtime::{guard, runtime};
use crate::sreader::SyncReader;
use crate::stream::PyTextStream;
use ditto_llm::stream::fan_out;
use ditto_llm::{Error, StreamEvent};
use futures_util::StreamExt;
use pyo3::prelude::*;
use tokio::sync::oneshot;

/// The sync text side of a tee: yields each `text-delta`'s text.
#[pyclass(frozen, module = "ditto_llm._native", name = "TextDeltaStream")]
#[derive(Debug)]
pub struct PyTextDeltaStream(pub SyncReader<String>);

#[pymethods]
impl PyTextDeltaStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }
    fn __next__(&self, py: Python<'_>) -> PyResult<Option<String>> {
        guard(|| self.0.next(py))
    }
    /// Stop reading this side. Idempotent.
    fn close(&self) {
        self.0.close();
    }
    #[getter]
    fn closed(&self) -> bool {
        self.0.is_closed()
    }
    fn __repr__(&self) -> String {
        format!("TextDeltaStream(closed={})", self.0.is_closed())
    }
}

/// Split a sync stream (already open) into its text side and its event side.
pub fn tee_sync(
    stream: &PyTextStream,
    capacity: usize,
) -> PyResult<(PyTextDeltaStream, PyTextStream)> {
    let Some(source) = stream.reader.take()? else {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(
            "tee(): the stream is closed",
        ));
    };
    let (text, events) = fan_out(source, capacity);
    Ok((
        PyTextDeltaStream(SyncReader::new(text.boxed())),
        PyTextStream::new(events.boxed()),
    ))
}

/// The asyncio text side of a tee.
#[pyclass(frozen, module = "ditto_llm._native", name = "AsyncTextDeltaStream")]
#[derive(Debug)]
pub struct PyAsyncTextDeltaStream(AsyncReader<String>);

fn to_text(py: Python<'_>, item: Option<String>) -> PyResult<Py<PyAny>> {
    match item {
        Some(text) => Ok(text.into_pyobject(py)?.into_any().unbind()),
        None => Err(stop_async()),
    }
}

#[pymethods]
impl PyAsyncTextDeltaStream {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }
    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| self.0.anext(py, to_text))
    }
    /// Stop reading this side (awaitable). Idempotent.
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.0.close();
        aio::ready(py, Ok(py.None()))
    }
    /// Stop reading this side now.
    fn close(&self) {
        self.0.close();
    }
    #[getter]
    fn closed(&self) -> bool {
        self.0.is_closed()
    }
    fn __repr__(&self) -> String {
        format!("AsyncTextDeltaStream(closed={})", self.0.is_closed())
    }
}

/// Split an async stream: the request is sent now (on the runtime), each side reads its half
/// of the fan-out. A side dropped before its first read is dropped from the fan-out too.
pub fn tee_async(
    stream: &PyAsyncTextStream,
    capacity: usize,
) -> PyResult<(PyAsyncTextDeltaStream, PyAsyncTextStream)> {
    let open = stream.reader.take_opener()?;
    let (tx_text, rx_text) = oneshot::channel();
    let (tx_events, rx_events) = oneshot::channel();
    runtime().spawn(async move {
        match open().await {
            Ok(source) => {
                let (text, events) = fan_out(source, capacity);
                let _ = tx_text.send(Ok(text.boxed()));
                let _ = tx_events.send(Ok(events.boxed()));
            }
            Err(e) => {
                let _ = tx_text.send(Err(Error::from(e.to_info())));
                let _ = tx_events.send(Err(e));
            }
        }
    });
    let gone = || Error::new(ditto_llm::ErrorKind::Cancelled, "tee(): the source is gone");
    let open_text: Opener<String> =
        Box::new(move || Box::pin(async move { rx_text.await.unwrap_or_else(|_| Err(gone())) }));
    let open_events: Opener<StreamEvent> =
        Box::new(move || Box::pin(async move { rx_events.await.unwrap_or_else(|_| Err(gone())) }));
    Ok((
        PyAsyncTextDeltaStream(AsyncReader::new(open_text, None)),
        PyAsyncTextStream::new(open_events, None),
    ))
}
