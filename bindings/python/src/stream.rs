//! The sync `TextStream`: `for ev in client.stream_text(...)`, over a [`SyncReader`] of
//! `StreamEvent`s. Breaking out of the loop, `close()`, leaving a `with` block, an exception or
//! Ctrl-C drop the Rust stream, which closes the upstream connection.

use crate::event::PyStreamEvent;
use crate::results::PyGenerateTextResult;
use crate::runtime::{guard, wait};
use crate::sreader::{Source, SyncReader};
use ditto_llm::stream::{StreamCollector, DEFAULT_MAX_COLLECTED_BYTES};
use ditto_llm::StreamEvent;
use futures_util::StreamExt;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// A sync stream of `StreamEvent`s.
#[pyclass(frozen, module = "ditto_llm._native", name = "TextStream")]
#[derive(Debug)]
pub struct PyTextStream {
    pub(crate) reader: SyncReader<StreamEvent>,
}

impl PyTextStream {
    /// Wrap a text stream or an agent stream (or any event stream).
    pub fn new(stream: Source<StreamEvent>) -> Self {
        PyTextStream {
            reader: SyncReader::new(stream),
        }
    }
}

/// Drain `stream` into a result (text capped like `TextStream::collect_result`).
pub async fn collect_events(
    mut stream: Source<StreamEvent>,
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
        guard(|| Ok(self.reader.next(py)?.map(PyStreamEvent)))
    }

    /// Consume the rest of the stream into a `GenerateTextResult` (text capped at 32 MiB, with a
    /// warning beyond). Events already read are not included.
    fn collect(&self, py: Python<'_>) -> PyResult<PyGenerateTextResult> {
        guard(|| {
            let Some(stream) = self.reader.take()? else {
                return Err(PyRuntimeError::new_err("collect(): the stream is closed"));
            };
            let result = wait(py, collect_events(stream))?;
            Ok(PyGenerateTextResult::plain(result))
        })
    }

    /// Split into `(text_stream, event_stream)`: the text deltas and the full events of the same
    /// stream, each side buffering at most `capacity` items (consume both at once, e.g. from
    /// two threads: a full side pauses the other). This stream is closed afterwards.
    #[pyo3(signature = (capacity=16))]
    fn tee(&self, capacity: usize) -> PyResult<(crate::tee::PyTextDeltaStream, PyTextStream)> {
        guard(|| crate::tee::tee_sync(self, capacity))
    }

    /// Stop the stream and close the upstream connection. Idempotent.
    fn close(&self) {
        self.reader.close();
    }

    /// True once the stream ended, failed or was closed.
    #[getter]
    fn closed(&self) -> bool {
        self.reader.is_closed()
    }

    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, _exc: &Bound<'_, pyo3::types::PyTuple>) -> bool {
        self.reader.close();
        false
    }

    fn __repr__(&self) -> String {
        format!("TextStream(closed={})", self.closed())
    }
}
