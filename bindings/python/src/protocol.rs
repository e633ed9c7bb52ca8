//! Wire protocols, one event at a time (the generators in `ditto_llm/protocol.py` drive them):
//! the Ditto stream protocol v1 encoder and bounded decoder, the AI SDK UI message stream
//! encoder, and the `useChat` request body converted into core messages.

use crate::convert::{serde_to_py, to_json};
use crate::errors::{invalid_request, to_py_err};
use crate::event::PyStreamEvent;
use ditto_llm::protocol::ditto_v1::{encode_frame, terminator, Decoder, Framing};
use ditto_llm::protocol::ui_message::{
    ui_frame, ui_messages_to_messages, UiChatRequest, UiMessageEncoder, UiStreamOptions, UI_DONE,
};
use ditto_llm::{Error, ErrorInfo, StreamEvent};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use std::sync::Mutex;

fn parse_framing(name: &str) -> PyResult<Framing> {
    name.parse::<Framing>().map_err(|_| {
        invalid_request(format!(
            "`framing` must be \"sse\" or \"ndjson\", got {name:?}"
        ))
    })
}

/// A `StreamEvent` object, or its dict form.
fn event_of(v: &Bound<'_, PyAny>) -> PyResult<StreamEvent> {
    if let Ok(ev) = v.cast::<PyStreamEvent>() {
        return Ok(ev.get().0.clone());
    }
    let json = to_json(v, "event")?;
    serde_json::from_value(json).map_err(|e| invalid_request(format!("not a stream event: {e}")))
}

/// An error dict (`DittoError.to_dict()` shape: kind, message, ...) as `ErrorInfo`.
fn error_info(v: &Bound<'_, PyAny>) -> PyResult<ErrorInfo> {
    let json = to_json(v, "error")?;
    serde_json::from_value(json).map_err(|e| invalid_request(format!("not an error dict: {e}")))
}

fn bytes<'py>(py: Python<'py>, b: &[u8]) -> Bound<'py, PyBytes> {
    PyBytes::new(py, b)
}

/// Encodes events as Ditto stream protocol v1 frames (`{"v":1,"type":...}`).
#[pyclass(frozen, module = "ditto_llm._native", name = "DittoV1Encoder")]
#[derive(Debug)]
pub struct PyDittoV1Encoder(Framing);

#[pymethods]
impl PyDittoV1Encoder {
    #[new]
    #[pyo3(signature = (framing="sse"))]
    fn new(framing: &str) -> PyResult<Self> {
        Ok(PyDittoV1Encoder(parse_framing(framing)?))
    }
    /// One event (a `StreamEvent` or its dict) as a frame.
    fn encode<'py>(
        &self,
        py: Python<'py>,
        event: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        Ok(bytes(py, &encode_frame(&event_of(event)?, self.0)))
    }
    /// An `error` event frame for a failure (`DittoError.to_dict()` shape).
    fn error<'py>(
        &self,
        py: Python<'py>,
        error: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let event = StreamEvent::Error {
            error: error_info(error)?,
        };
        Ok(bytes(py, &encode_frame(&event, self.0)))
    }
    /// What ends the body: `data: [DONE]\n\n` for SSE, nothing for NDJSON.
    fn terminator<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, terminator(self.0).as_deref().unwrap_or_default())
    }
    /// The content type of the framing.
    #[getter]
    fn content_type(&self) -> &'static str {
        self.0.content_type()
    }
}

/// A bounded incremental decoder of Ditto stream protocol v1 bytes (rejects `v` other than 1
/// and oversized lines).
#[pyclass(frozen, module = "ditto_llm._native", name = "DittoV1Decoder")]
#[derive(Debug)]
pub struct PyDittoV1Decoder(Mutex<Decoder>);

fn events_list<'py>(py: Python<'py>, events: Vec<StreamEvent>) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, events.into_iter().map(PyStreamEvent))
}

#[pymethods]
impl PyDittoV1Decoder {
    #[new]
    #[pyo3(signature = (framing="sse"))]
    fn new(framing: &str) -> PyResult<Self> {
        Ok(PyDittoV1Decoder(Mutex::new(Decoder::new(parse_framing(
            framing,
        )?))))
    }
    /// Feed bytes; returns the events completed by them.
    fn feed<'py>(&self, py: Python<'py>, chunk: &[u8]) -> PyResult<Bound<'py, PyList>> {
        let mut out = Vec::new();
        let mut dec = self.0.lock().unwrap_or_else(|p| p.into_inner());
        dec.feed(chunk, &mut out).map_err(|e| to_py_err(&e))?;
        events_list(py, out)
    }
    /// End of input; returns any last event (fails on a truncated frame).
    fn finish<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let mut out = Vec::new();
        let mut dec = self.0.lock().unwrap_or_else(|p| p.into_inner());
        dec.finish(&mut out).map_err(|e| to_py_err(&e))?;
        events_list(py, out)
    }
    /// True once the SSE terminator was seen.
    #[getter]
    fn done(&self) -> bool {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).is_done()
    }
}

/// Encodes events as AI SDK UI message stream chunks (SSE frames).
#[pyclass(frozen, module = "ditto_llm._native", name = "UiMessageEncoder")]
#[derive(Debug)]
pub struct PyUiMessageEncoder(Mutex<UiMessageEncoder>);

#[pymethods]
impl PyUiMessageEncoder {
    /// `options`: `{"version": "v5" | "v6", "message_id", "send_reasoning", "send_sources",
    /// "send_start", "send_finish", "mask_errors"}`, every key optional.
    #[new]
    #[pyo3(signature = (options=None))]
    fn new(options: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let opts: UiStreamOptions = match options.filter(|o| !o.is_none()) {
            Some(o) => serde_json::from_value(to_json(o, "options")?)
                .map_err(|e| invalid_request(format!("UI stream options: {e}")))?,
            None => UiStreamOptions::default(),
        };
        Ok(PyUiMessageEncoder(Mutex::new(UiMessageEncoder::new(opts))))
    }
    /// One event as a frame (empty when the event has no UI chunk).
    fn encode<'py>(
        &self,
        py: Python<'py>,
        event: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let event = event_of(event)?;
        let mut enc = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(match enc.encode(&event) {
            Some(chunk) => bytes(py, &ui_frame(&chunk)),
            None => bytes(py, b""),
        })
    }
    /// The `error` chunk for a failure (`DittoError.to_dict()` shape).
    fn error<'py>(
        &self,
        py: Python<'py>,
        error: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let err = Error::from(error_info(error)?);
        let enc = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(bytes(py, &ui_frame(&enc.error_chunk(&err))))
    }
    /// `data: [DONE]\n\n`.
    fn done<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, UI_DONE.as_bytes())
    }
}

/// The `useChat` request body (bytes, str or dict) as `{"id", "trigger", "message_id",
/// "model", "extra", "messages"}` with `messages` converted to core messages (dicts ready for
/// `messages=`).
#[pyfunction]
#[pyo3(name = "_ui_chat_request")]
pub fn ui_chat_request<'py>(
    py: Python<'py>,
    body: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let req: UiChatRequest = if let Ok(b) = body.cast::<PyBytes>() {
        serde_json::from_slice(b.as_bytes())
    } else if let Ok(s) = body.extract::<String>() {
        serde_json::from_str(&s)
    } else {
        serde_json::from_value(to_json(body, "body")?)
    }
    .map_err(|e| invalid_request(format!("not a useChat request body: {e}")))?;
    let messages = ui_messages_to_messages(&req.messages).map_err(|e| to_py_err(&e))?;
    let out = PyDict::new(py);
    out.set_item("id", &req.id)?;
    out.set_item("trigger", &req.trigger)?;
    out.set_item("message_id", &req.message_id)?;
    out.set_item("model", &req.model)?;
    out.set_item("extra", serde_to_py(py, &req.extra)?)?;
    out.set_item("messages", serde_to_py(py, &messages)?)?;
    out.set_item("ui_messages", serde_to_py(py, &req.messages)?)?;
    Ok(out)
}
