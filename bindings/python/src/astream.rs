//! The async `AsyncTextStream`: `async for ev in aclient.stream_text(...)`, over an
//! [`AsyncReader`] of `StreamEvent`s (see `areader.rs` for prefetching and cancellation).

use crate::aio;
use crate::areader::{stop_async, AsyncReader, Items, Opener};
use crate::event::PyStreamEvent;
use crate::host::HostLoop;
use crate::results::PyGenerateTextResult;
use crate::runtime::guard;
use ditto_llm::stream::{StreamCollector, DEFAULT_MAX_COLLECTED_BYTES};
use ditto_llm::StreamEvent;
use futures_util::future::BoxFuture;
use pyo3::prelude::*;
use std::sync::Arc;

/// An async stream of `StreamEvent`s.
#[pyclass(frozen, module = "ditto_llm._native", name = "AsyncTextStream")]
#[derive(Debug)]
pub struct PyAsyncTextStream {
    pub(crate) reader: AsyncReader<StreamEvent>,
}

impl PyAsyncTextStream {
    /// A stream that `open` opens on the first read; `host_loop` (agent streams) is set to the
    /// loop that reads it.
    pub fn new(open: Opener<StreamEvent>, host_loop: Option<Arc<HostLoop>>) -> Self {
        PyAsyncTextStream {
            reader: AsyncReader::new(open, host_loop),
        }
    }
}

fn to_event(py: Python<'_>, item: Option<StreamEvent>) -> PyResult<Py<PyAny>> {
    match item {
        Some(event) => Ok(Py::new(py, PyStreamEvent(event))?.into_any()),
        None => Err(stop_async()),
    }
}

fn drain_text(
    mut rx: Items<StreamEvent>,
) -> BoxFuture<'static, ditto_llm::Result<ditto_llm::GenerateTextResult>> {
    Box::pin(async move {
        let mut collector = StreamCollector::new(DEFAULT_MAX_COLLECTED_BYTES);
        while let Some(item) = rx.recv().await {
            collector.push(item?);
        }
        Ok(collector.finish())
    })
}

#[pymethods]
impl PyAsyncTextStream {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| self.reader.anext(py, to_event))
    }

    /// Consume the rest of the stream into a `GenerateTextResult` (awaitable; text capped at
    /// 32 MiB, with a warning beyond). Events already read are not included.
    fn collect<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            self.reader.collect(py, Box::new(drain_text), |py, r| {
                Ok(Py::new(py, PyGenerateTextResult::plain(r))?.into_any())
            })
        })
    }

    /// Split into `(text_stream, event_stream)` (both `async for`): the text deltas and the
    /// full events of the same stream, each side buffering at most `capacity` items. The
    /// request is sent now; this stream is closed afterwards.
    #[pyo3(signature = (capacity=16))]
    fn tee(
        &self,
        capacity: usize,
    ) -> PyResult<(crate::tee::PyAsyncTextDeltaStream, PyAsyncTextStream)> {
        guard(|| crate::tee::tee_async(self, capacity))
    }

    /// Stop the stream and close the upstream connection (awaitable). Idempotent.
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.reader.close();
        aio::ready(py, Ok(py.None()))
    }

    /// Stop the stream now, without awaiting.
    fn close(&self) {
        self.reader.close();
    }

    #[getter]
    fn closed(&self) -> bool {
        self.reader.is_closed()
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
        self.reader.close();
        aio::ready(
            py,
            Ok(false.into_pyobject(py)?.to_owned().into_any().unbind()),
        )
    }

    fn __repr__(&self) -> String {
        format!("AsyncTextStream(closed={})", self.closed())
    }
}
