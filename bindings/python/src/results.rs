//! Result classes: attributes for the common fields, `to_dict()` for the whole JSON shape
//! (the same JSON as Rust's serde output, see docs/types.md).

use crate::agent_results::{AgentExtras, PyStepResult};
use crate::convert::{serde_to_py, to_py};
use ditto_llm::agent::StepResult;
use ditto_llm::{EmbedManyResult, GenerateTextResult, ResponseMetadata, ToolCall, Usage, Warning};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

fn opt_repr(v: Option<u64>) -> String {
    v.map_or_else(|| "None".to_owned(), |n| n.to_string())
}

/// Token usage; each field is `None` when the provider did not report it.
#[pyclass(frozen, eq, module = "ditto_llm._native", name = "Usage")]
#[derive(Debug, Clone, PartialEq)]
pub struct PyUsage(pub Usage);

#[pymethods]
impl PyUsage {
    #[getter]
    fn input_tokens(&self) -> Option<u64> {
        self.0.input_tokens
    }
    #[getter]
    fn output_tokens(&self) -> Option<u64> {
        self.0.output_tokens
    }
    #[getter]
    fn total_tokens(&self) -> Option<u64> {
        self.0.total_tokens
    }
    #[getter]
    fn cache_read_tokens(&self) -> Option<u64> {
        self.0.cache_read_tokens
    }
    #[getter]
    fn cache_write_tokens(&self) -> Option<u64> {
        self.0.cache_write_tokens
    }
    #[getter]
    fn reasoning_tokens(&self) -> Option<u64> {
        self.0.reasoning_tokens
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "Usage(input_tokens={}, output_tokens={}, total_tokens={})",
            opt_repr(self.0.input_tokens),
            opt_repr(self.0.output_tokens),
            opt_repr(self.0.total_tokens)
        )
    }
}

/// A tool call the model made.
#[pyclass(frozen, module = "ditto_llm._native", name = "ToolCall")]
#[derive(Debug, Clone)]
pub struct PyToolCall(pub ToolCall);

#[pymethods]
impl PyToolCall {
    #[getter]
    fn tool_call_id(&self) -> &str {
        &self.0.tool_call_id
    }
    #[getter]
    fn tool_name(&self) -> &str {
        &self.0.tool_name
    }
    /// The parsed arguments (a dict for well-formed calls; the raw text when `invalid_input`).
    #[getter]
    fn input<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0.input)
    }
    #[getter]
    fn invalid_input(&self) -> bool {
        self.0.invalid_input
    }
    #[getter]
    fn provider_executed(&self) -> bool {
        self.0.provider_executed
    }
    #[getter]
    fn provider_metadata<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0.provider_metadata)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "ToolCall(tool_call_id={:?}, tool_name={:?}, input={})",
            self.0.tool_call_id, self.0.tool_name, self.0.input
        )
    }
}

/// Something the provider could not honour (`type`: unsupported-setting, unsupported-tool,
/// compatibility, other).
#[pyclass(frozen, module = "ditto_llm._native", name = "CallWarning")]
#[derive(Debug, Clone)]
pub struct PyWarning(pub Warning);

#[pymethods]
impl PyWarning {
    #[getter(r#type)]
    fn kind(&self) -> &'static str {
        match self.0 {
            Warning::UnsupportedSetting { .. } => "unsupported-setting",
            Warning::UnsupportedTool { .. } => "unsupported-tool",
            Warning::Compatibility { .. } => "compatibility",
            Warning::Other { .. } => "other",
        }
    }
    #[getter]
    fn setting(&self) -> Option<&str> {
        match &self.0 {
            Warning::UnsupportedSetting { setting, .. } => Some(setting),
            _ => None,
        }
    }
    #[getter]
    fn tool_name(&self) -> Option<&str> {
        match &self.0 {
            Warning::UnsupportedTool { tool_name, .. } => Some(tool_name),
            _ => None,
        }
    }
    #[getter]
    fn feature(&self) -> Option<&str> {
        match &self.0 {
            Warning::Compatibility { feature, .. } => Some(feature),
            _ => None,
        }
    }
    #[getter]
    fn details(&self) -> Option<&str> {
        match &self.0 {
            Warning::UnsupportedSetting { details, .. }
            | Warning::UnsupportedTool { details, .. }
            | Warning::Compatibility { details, .. } => details.as_deref(),
            Warning::Other { .. } => None,
        }
    }
    #[getter]
    fn message(&self) -> Option<&str> {
        match &self.0 {
            Warning::Other { message } => Some(message),
            _ => None,
        }
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "CallWarning({})",
            serde_json::to_string(&self.0).unwrap_or_default()
        )
    }
}

/// Facts about the provider response.
#[pyclass(frozen, module = "ditto_llm._native", name = "ResponseMetadata")]
#[derive(Debug, Clone)]
pub struct PyResponseMetadata(pub ResponseMetadata);

#[pymethods]
impl PyResponseMetadata {
    #[getter]
    fn id(&self) -> Option<&str> {
        self.0.id.as_deref()
    }
    #[getter]
    fn model_id(&self) -> Option<&str> {
        self.0.model_id.as_deref()
    }
    #[getter]
    fn timestamp(&self) -> Option<i64> {
        self.0.timestamp
    }
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0.headers)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "ResponseMetadata(id={:?}, model_id={:?})",
            self.0.id, self.0.model_id
        )
    }
}

/// A Python list of `items`, each cloned and wrapped in its Python class by `wrap`.
pub fn wrapped_list<'py, T: Clone, W: IntoPyObject<'py>>(
    py: Python<'py>,
    items: &[T],
    wrap: impl Fn(T) -> W,
) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, items.iter().map(|item| wrap(item.clone())))
}

pub fn warnings_list<'py>(py: Python<'py>, warnings: &[Warning]) -> PyResult<Bound<'py, PyList>> {
    wrapped_list(py, warnings, PyWarning)
}

/// The result of `generate_text`; an agent run adds its steps (see `agent_results.rs`).
#[pyclass(frozen, module = "ditto_llm._native", name = "GenerateTextResult")]
#[derive(Debug)]
pub struct PyGenerateTextResult(pub GenerateTextResult, pub Option<Box<AgentExtras>>);

impl PyGenerateTextResult {
    /// A single model call's result.
    pub fn plain(r: GenerateTextResult) -> Self {
        PyGenerateTextResult(r, None)
    }

    /// An agent run's result.
    pub fn agent(r: ditto_llm::agent::AgentResult) -> Self {
        let (result, extras) = crate::agent_results::split(r);
        PyGenerateTextResult(result, Some(Box::new(extras)))
    }
}

#[pymethods]
impl PyGenerateTextResult {
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }
    #[getter]
    fn reasoning_text(&self) -> Option<&str> {
        self.0.reasoning_text.as_deref()
    }
    /// Output parts in order, as dicts (`{"type": "text", "text": ...}`, ...).
    #[getter]
    fn content<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0.content)
    }
    #[getter]
    fn tool_calls<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        wrapped_list(py, &self.0.tool_calls, PyToolCall)
    }
    /// Cited sources, as dicts.
    #[getter]
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0.sources)
    }
    #[getter]
    fn finish_reason(&self) -> &'static str {
        self.0.finish_reason.as_str()
    }
    #[getter]
    fn raw_finish_reason(&self) -> Option<&str> {
        self.0.raw_finish_reason.as_deref()
    }
    #[getter]
    fn usage(&self) -> PyUsage {
        PyUsage(self.0.usage)
    }
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        warnings_list(py, &self.0.warnings)
    }
    #[getter]
    fn response(&self) -> PyResponseMetadata {
        PyResponseMetadata(self.0.response.clone())
    }
    #[getter]
    fn provider_metadata<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0.provider_metadata)
    }
    /// The steps of an agent run (one model call each); a plain call has one step.
    #[getter]
    fn steps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        match &self.1 {
            Some(extras) => wrapped_list(py, &extras.steps, PyStepResult),
            None => PyList::new(
                py,
                [PyStepResult(StepResult::new(0, self.0.clone(), Vec::new()))],
            ),
        }
    }
    /// Usage summed over every step.
    #[getter]
    fn total_usage(&self) -> PyUsage {
        PyUsage(self.1.as_ref().map_or(self.0.usage, |e| e.total_usage))
    }
    /// The assistant and tool messages an agent run produced (as dicts; append them to
    /// `messages` to continue or resume). Empty for a plain call.
    #[getter]
    fn response_messages<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match &self.1 {
            Some(extras) => serde_to_py(py, &extras.response_messages),
            None => Ok(PyList::empty(py).into_any()),
        }
    }
    /// Tool calls waiting for approval (`{"approval_id", "tool_call"}` dicts); answer them with
    /// `approvals=[{"approval_id": ..., "approved": True}]` and the `response_messages`.
    #[getter]
    fn pending_approvals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match &self.1 {
            Some(extras) => serde_to_py(py, &extras.pending_approvals),
            None => Ok(PyList::empty(py).into_any()),
        }
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let out = serde_to_py(py, &self.0)?;
        if let Some(extras) = &self.1 {
            out.set_item("steps", serde_to_py(py, &extras.steps)?)?;
            out.set_item("total_usage", serde_to_py(py, &extras.total_usage)?)?;
            out.set_item("response_messages", self.response_messages(py)?)?;
            out.set_item("pending_approvals", self.pending_approvals(py)?)?;
        }
        Ok(out)
    }
    fn __repr__(&self) -> String {
        let mut text = self.0.text.clone();
        if text.len() > 60 {
            let mut cut = 60;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push('…');
        }
        format!(
            "GenerateTextResult(text={text:?}, finish_reason={:?}, tool_calls={})",
            self.0.finish_reason.as_str(),
            self.0.tool_calls.len()
        )
    }
}

/// The result of `embed`: one vector per input, in input order.
#[pyclass(frozen, module = "ditto_llm._native", name = "EmbedResult")]
#[derive(Debug)]
pub struct PyEmbedResult(pub EmbedManyResult);

#[pymethods]
impl PyEmbedResult {
    #[getter]
    fn embeddings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rows = self
            .0
            .embeddings
            .iter()
            .map(|row| PyList::new(py, row.iter().map(|x| f64::from(*x))))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, rows)
    }
    #[getter]
    fn usage(&self) -> PyUsage {
        PyUsage(self.0.usage)
    }
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        warnings_list(py, &self.0.warnings)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("embeddings", self.embeddings(py)?)?;
        d.set_item("usage", serde_to_py(py, &self.0.usage)?)?;
        d.set_item("warnings", serde_to_py(py, &self.0.warnings)?)?;
        Ok(d)
    }
    fn __len__(&self) -> usize {
        self.0.embeddings.len()
    }
    fn __repr__(&self) -> String {
        let dims = self.0.embeddings.first().map_or(0, Vec::len);
        format!(
            "EmbedResult(embeddings=<{} x {dims}>)",
            self.0.embeddings.len()
        )
    }
}

/// One ranked document.
#[pyclass(frozen, module = "ditto_llm._native", name = "RankedDocument")]
#[derive(Debug, Clone)]
pub struct PyRankedDocument(pub ditto_llm::RankedDocument);

#[pymethods]
impl PyRankedDocument {
    /// Its position in the request's `documents`.
    #[getter]
    fn index(&self) -> usize {
        self.0.index
    }
    #[getter]
    fn relevance_score(&self) -> f64 {
        self.0.relevance_score
    }
    #[getter]
    fn document(&self) -> &str {
        &self.0.document
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "RankedDocument(index={}, relevance_score={}, document={:?})",
            self.0.index, self.0.relevance_score, self.0.document
        )
    }
}

/// The result of `rerank`: documents, most relevant first.
#[pyclass(frozen, module = "ditto_llm._native", name = "RerankResult")]
#[derive(Debug)]
pub struct PyRerankResult(pub ditto_llm::RerankResult);

#[pymethods]
impl PyRerankResult {
    #[getter]
    fn results<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        wrapped_list(py, &self.0.results, PyRankedDocument)
    }
    #[getter]
    fn usage(&self) -> PyUsage {
        PyUsage(self.0.usage)
    }
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        warnings_list(py, &self.0.warnings)
    }
    #[getter]
    fn provider_metadata<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0.provider_metadata)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0)
    }
    fn __len__(&self) -> usize {
        self.0.results.len()
    }
    fn __repr__(&self) -> String {
        format!("RerankResult(results=<{}>)", self.0.results.len())
    }
}

/// Decode standard base64 with Python's `binascii` (the binding has no base64 crate of its own).
fn decode_base64<'py>(py: Python<'py>, data: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("binascii")?.call_method1("a2b_base64", (data,))
}

/// One generated image.
#[pyclass(frozen, module = "ditto_llm._native", name = "GeneratedImage")]
#[derive(Debug, Clone)]
pub struct PyGeneratedImage(pub ditto_llm::GeneratedImage);

#[pymethods]
impl PyGeneratedImage {
    /// The image bytes, base64.
    #[getter]
    fn base64(&self) -> &str {
        &self.0.base64
    }
    /// The image bytes.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decode_base64(py, &self.0.base64)
    }
    #[getter]
    fn media_type(&self) -> &str {
        &self.0.media_type
    }
    /// The prompt the provider actually used, when it rewrote it.
    #[getter]
    fn revised_prompt(&self) -> Option<&str> {
        self.0.revised_prompt.as_deref()
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "GeneratedImage(media_type={:?}, base64=<{} chars>)",
            self.0.media_type,
            self.0.base64.len()
        )
    }
}

/// The result of `generate_image`.
#[pyclass(frozen, module = "ditto_llm._native", name = "ImageResult")]
#[derive(Debug)]
pub struct PyImageResult(pub ditto_llm::ImageResult);

#[pymethods]
impl PyImageResult {
    #[getter]
    fn images<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        wrapped_list(py, &self.0.images, PyGeneratedImage)
    }
    #[getter]
    fn usage(&self) -> PyUsage {
        PyUsage(self.0.usage)
    }
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        warnings_list(py, &self.0.warnings)
    }
    #[getter]
    fn provider_metadata<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0.provider_metadata)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0)
    }
    fn __len__(&self) -> usize {
        self.0.images.len()
    }
    fn __repr__(&self) -> String {
        format!("ImageResult(images=<{}>)", self.0.images.len())
    }
}

/// A timed piece of a transcript.
#[pyclass(frozen, module = "ditto_llm._native", name = "TranscriptSegment")]
#[derive(Debug, Clone)]
pub struct PyTranscriptSegment(pub ditto_llm::TranscriptSegment);

#[pymethods]
impl PyTranscriptSegment {
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }
    /// Start, seconds.
    #[getter]
    fn start(&self) -> f64 {
        self.0.start
    }
    /// End, seconds.
    #[getter]
    fn end(&self) -> f64 {
        self.0.end
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "TranscriptSegment(start={}, end={}, text={:?})",
            self.0.start, self.0.end, self.0.text
        )
    }
}

/// The result of `transcribe`.
#[pyclass(frozen, module = "ditto_llm._native", name = "TranscriptionResult")]
#[derive(Debug)]
pub struct PyTranscriptionResult(pub ditto_llm::TranscriptionResult);

#[pymethods]
impl PyTranscriptionResult {
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }
    #[getter]
    fn segments<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        wrapped_list(py, &self.0.segments, PyTranscriptSegment)
    }
    /// Detected language.
    #[getter]
    fn language(&self) -> Option<&str> {
        self.0.language.as_deref()
    }
    /// Audio length in seconds.
    #[getter]
    fn duration_seconds(&self) -> Option<f64> {
        self.0.duration_seconds
    }
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        warnings_list(py, &self.0.warnings)
    }
    #[getter]
    fn provider_metadata<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0.provider_metadata)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        let mut text = self.0.text.clone();
        if text.len() > 60 {
            let mut cut = 60;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push('…');
        }
        format!(
            "TranscriptionResult(text={text:?}, segments={})",
            self.0.segments.len()
        )
    }
}

/// The result of `generate_speech`; `audio` is the bytes, `to_dict()` has them as
/// `audio_base64` (the JSON shape).
#[pyclass(frozen, module = "ditto_llm._native", name = "SpeechResult")]
#[derive(Debug)]
pub struct PySpeechResult(pub ditto_llm::SpeechResult);

#[pymethods]
impl PySpeechResult {
    /// The audio bytes.
    #[getter]
    fn audio<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        decode_base64(py, &self.0.audio_base64)
    }
    /// The audio, base64.
    #[getter]
    fn audio_base64(&self) -> &str {
        &self.0.audio_base64
    }
    /// `audio/mpeg`, ...
    #[getter]
    fn media_type(&self) -> &str {
        &self.0.media_type
    }
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        warnings_list(py, &self.0.warnings)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "SpeechResult(media_type={:?}, audio_base64=<{} chars>)",
            self.0.media_type,
            self.0.audio_base64.len()
        )
    }
}
