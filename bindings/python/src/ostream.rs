//! `stream_object`: `ObjectStreamEvent`, the sync `ObjectStream` and the asyncio
//! `AsyncObjectStream` (over the generic readers), with `partial_object_stream`,
//! `element_stream` and `text_stream` helpers like the AI SDK's, and `collect()` for the final
//! (validated) result.

use crate::aio;
use crate::areader::{stop_async, AsyncReader, Items, Opener};
use crate::convert::{serde_to_py, to_py};
use crate::host::HostLoop;
use crate::objects::{convert_typed, PyGenerateObjectResult, Typed};
use crate::results::{warnings_list, PyResponseMetadata, PyUsage};
use crate::runtime::{guard, wait};
use crate::sreader::{Source, SyncReader};
use ditto_llm::object::{GenerateObjectResult, ObjectOutput, ObjectStreamEvent};
use ditto_llm::Error;
use futures_util::StreamExt;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use std::sync::Arc;

type E = ObjectStreamEvent;

/// One event of an object stream: `partial-object`, `element`, `text-delta` or `finish`.
#[pyclass(frozen, eq, module = "ditto_llm._native", name = "ObjectStreamEvent")]
#[derive(Debug, PartialEq)]
pub struct PyObjectStreamEvent(pub ObjectStreamEvent);

#[pymethods]
impl PyObjectStreamEvent {
    #[getter(r#type)]
    fn kind(&self) -> &'static str {
        match self.0 {
            E::PartialObject { .. } => "partial-object",
            E::Element { .. } => "element",
            E::TextDelta { .. } => "text-delta",
            E::Finish { .. } => "finish",
        }
    }
    /// The partial object (`partial-object`) or the final, validated one (`finish`), as JSON.
    #[getter]
    fn object<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match &self.0 {
            E::PartialObject { object } | E::Finish { object, .. } => to_py(py, object).map(Some),
            _ => Ok(None),
        }
    }
    /// An `element` event's position.
    #[getter]
    fn index(&self) -> Option<usize> {
        match &self.0 {
            E::Element { index, .. } => Some(*index),
            _ => None,
        }
    }
    /// An `element` event's element.
    #[getter]
    fn element<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match &self.0 {
            E::Element { element, .. } => to_py(py, element).map(Some),
            _ => Ok(None),
        }
    }
    /// A `text-delta` event's raw text.
    #[getter]
    fn text(&self) -> Option<&str> {
        match &self.0 {
            E::TextDelta { text } => Some(text),
            _ => None,
        }
    }
    #[getter]
    fn finish_reason(&self) -> Option<&'static str> {
        match &self.0 {
            E::Finish { finish_reason, .. } => Some(finish_reason.as_str()),
            _ => None,
        }
    }
    #[getter]
    fn usage(&self) -> Option<PyUsage> {
        match &self.0 {
            E::Finish { usage, .. } => Some(PyUsage(*usage)),
            _ => None,
        }
    }
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyList>>> {
        match &self.0 {
            E::Finish { warnings, .. } => warnings_list(py, warnings).map(Some),
            _ => Ok(None),
        }
    }
    #[getter]
    fn response(&self) -> Option<PyResponseMetadata> {
        match &self.0 {
            E::Finish { response, .. } => Some(PyResponseMetadata(response.clone())),
            _ => None,
        }
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "ObjectStreamEvent({})",
            serde_json::to_string(&self.0).unwrap_or_default()
        )
    }
}

/// Folds events into the final result: the raw text and the `finish` event.
#[derive(Default)]
struct Fold {
    text: String,
    result: Option<GenerateObjectResult>,
}

impl Fold {
    fn push(&mut self, ev: ObjectStreamEvent) {
        match ev {
            E::TextDelta { text } => self.text.push_str(&text),
            E::Finish {
                object,
                finish_reason,
                raw_finish_reason,
                usage,
                warnings,
                response,
                provider_metadata,
            } => {
                self.result = Some(GenerateObjectResult {
                    object,
                    text: std::mem::take(&mut self.text),
                    finish_reason,
                    raw_finish_reason,
                    usage,
                    warnings,
                    response,
                    provider_metadata,
                })
            }
            _ => {}
        }
    }

    fn finish(self) -> ditto_llm::Result<GenerateObjectResult> {
        self.result
            .ok_or_else(|| Error::stream("the object stream ended without a finish event"))
    }
}

/// How the stream's `collect()` types its object.
#[derive(Debug)]
struct Typing {
    model: Option<Py<PyAny>>,
    output: ObjectOutput,
}

impl Typing {
    fn model(&self, py: Python<'_>) -> Py<PyAny> {
        self.model
            .as_ref()
            .map_or_else(|| py.None(), |m| m.clone_ref(py))
    }
}

/// A helper generator from `ditto_llm._objects` (`name`) over `stream`, typing with the
/// stream's model (`None` without one).
fn helper<'py>(
    stream: Bound<'py, PyAny>,
    typing: &Typing,
    name: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let py = stream.py();
    let model = typing.model(py);
    let args = PyTuple::new(py, [stream, model.into_bound(py)])?;
    py.import("ditto_llm._objects")?.call_method1(name, args)
}

/// A sync stream of `ObjectStreamEvent`s.
#[pyclass(frozen, module = "ditto_llm._native", name = "ObjectStream")]
#[derive(Debug)]
pub struct PyObjectStream {
    reader: SyncReader<ObjectStreamEvent>,
    typing: Typing,
}

impl PyObjectStream {
    /// Read `stream`; `collect()` validates with `model` when given.
    pub fn new(
        stream: Source<ObjectStreamEvent>,
        model: Option<Py<PyAny>>,
        output: ObjectOutput,
    ) -> Self {
        PyObjectStream {
            reader: SyncReader::new(stream),
            typing: Typing { model, output },
        }
    }
}

#[pymethods]
impl PyObjectStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }
    fn __next__(&self, py: Python<'_>) -> PyResult<Option<PyObjectStreamEvent>> {
        guard(|| Ok(self.reader.next(py)?.map(PyObjectStreamEvent)))
    }
    /// The partial objects, each one as it changed (consumes the stream).
    #[getter]
    fn partial_object_stream<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        helper(slf.as_any().clone(), &slf.get().typing, "partial_objects")
    }
    /// `array` output: each complete element, in order (pydantic instances with a model).
    #[getter]
    fn element_stream<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        helper(slf.as_any().clone(), &slf.get().typing, "elements")
    }
    /// The raw text as the model wrote it (consumes the stream).
    #[getter]
    fn text_stream<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        helper(slf.as_any().clone(), &slf.get().typing, "texts")
    }
    /// Consume the rest of the stream into a `GenerateObjectResult` (its `text` covers the
    /// events not read yet).
    fn collect(&self, py: Python<'_>) -> PyResult<PyGenerateObjectResult> {
        guard(|| {
            let Some(mut stream) = self.reader.take()? else {
                return Err(PyRuntimeError::new_err("collect(): the stream is closed"));
            };
            let work = async move {
                let mut fold = Fold::default();
                while let Some(ev) = stream.next().await {
                    fold.push(ev?);
                }
                fold.finish()
            };
            let result = wait(py, work)?;
            PyGenerateObjectResult::new(py, result, self.typing.model.as_ref(), self.typing.output)
        })
    }
    /// Stop the stream and close the upstream connection. Idempotent.
    fn close(&self) {
        self.reader.close();
    }
    #[getter]
    fn closed(&self) -> bool {
        self.reader.is_closed()
    }
    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }
    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, _exc: &Bound<'_, PyTuple>) -> bool {
        self.reader.close();
        false
    }
    fn __repr__(&self) -> String {
        format!("ObjectStream(closed={})", self.closed())
    }
}

/// An asyncio stream of `ObjectStreamEvent`s; the request is sent on the first read.
#[pyclass(frozen, module = "ditto_llm._native", name = "AsyncObjectStream")]
#[derive(Debug)]
pub struct PyAsyncObjectStream {
    reader: AsyncReader<ObjectStreamEvent>,
    typing: Typing,
}

impl PyAsyncObjectStream {
    /// A stream `open` opens on the first read; `collect()` validates with `model`.
    pub fn new(
        open: Opener<ObjectStreamEvent>,
        host_loop: Arc<HostLoop>,
        model: Option<Py<PyAny>>,
        output: ObjectOutput,
    ) -> Self {
        PyAsyncObjectStream {
            reader: AsyncReader::new(open, Some(host_loop)),
            typing: Typing { model, output },
        }
    }
}

fn to_event(py: Python<'_>, item: Option<ObjectStreamEvent>) -> PyResult<Py<PyAny>> {
    match item {
        Some(ev) => Ok(Py::new(py, PyObjectStreamEvent(ev))?.into_any()),
        None => Err(stop_async()),
    }
}

#[pymethods]
impl PyAsyncObjectStream {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }
    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| self.reader.anext(py, to_event))
    }
    /// The partial objects, each one as it changed (`async for`; consumes the stream).
    #[getter]
    fn partial_object_stream<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        helper(slf.as_any().clone(), &slf.get().typing, "apartial_objects")
    }
    /// `array` output: each complete element, in order (`async for`).
    #[getter]
    fn element_stream<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        helper(slf.as_any().clone(), &slf.get().typing, "aelements")
    }
    /// The raw text as the model wrote it (`async for`).
    #[getter]
    fn text_stream<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        helper(slf.as_any().clone(), &slf.get().typing, "atexts")
    }
    /// Consume the rest into a `GenerateObjectResult` (awaitable).
    fn collect<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let model = self.typing.model.as_ref().map(|m| m.clone_ref(py));
            let output = self.typing.output;
            let drain = Box::new(move |mut rx: Items<ObjectStreamEvent>| {
                Box::pin(async move {
                    let mut fold = Fold::default();
                    while let Some(ev) = rx.recv().await {
                        fold.push(ev?);
                    }
                    Ok::<Typed, Error>((fold.finish()?, model, output))
                })
                    as futures_util::future::BoxFuture<'static, ditto_llm::Result<Typed>>
            });
            self.reader.collect(py, drain, convert_typed)
        })
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
        _exc: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.reader.close();
        aio::ready(
            py,
            Ok(false.into_pyobject(py)?.to_owned().into_any().unbind()),
        )
    }
    fn __repr__(&self) -> String {
        format!("AsyncObjectStream(closed={})", self.closed())
    }
}
