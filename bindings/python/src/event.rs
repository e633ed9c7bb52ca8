//! `StreamEvent`: one event of a text stream, named like the AI SDK `fullStream` parts.
//! `ev.type` is the kebab-case name; the other attributes are `None` where an event type does
//! not carry them. `to_dict()` is the same JSON as Rust's serde output.

use crate::convert::{serde_to_py, to_py};
use crate::results::{warnings_list, PyResponseMetadata, PyUsage};
use ditto_llm::StreamEvent;
use pyo3::prelude::*;

/// One stream event.
#[pyclass(frozen, eq, module = "ditto_llm._native", name = "StreamEvent")]
#[derive(Debug, PartialEq)]
pub struct PyStreamEvent(pub StreamEvent);

type E = StreamEvent;

#[pymethods]
impl PyStreamEvent {
    #[getter(r#type)]
    fn kind(&self) -> &'static str {
        self.0.type_name()
    }

    /// Block id (text / reasoning / tool-input events, sources).
    #[getter]
    fn id(&self) -> Option<&str> {
        match &self.0 {
            E::TextStart { id, .. }
            | E::TextDelta { id, .. }
            | E::TextEnd { id, .. }
            | E::ReasoningStart { id, .. }
            | E::ReasoningDelta { id, .. }
            | E::ReasoningEnd { id, .. }
            | E::ToolInputStart { id, .. }
            | E::ToolInputDelta { id, .. }
            | E::ToolInputEnd { id } => Some(id),
            E::Source(ditto_llm::Source::Url { id, .. })
            | E::Source(ditto_llm::Source::Document { id, .. }) => Some(id),
            _ => None,
        }
    }

    /// The new text of a `text-delta` or `reasoning-delta`.
    #[getter]
    fn text(&self) -> Option<&str> {
        match &self.0 {
            E::TextDelta { text, .. } | E::ReasoningDelta { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The JSON fragment of a `tool-input-delta`.
    #[getter]
    fn delta(&self) -> Option<&str> {
        match &self.0 {
            E::ToolInputDelta { delta, .. } => Some(delta),
            _ => None,
        }
    }

    #[getter]
    fn tool_call_id(&self) -> Option<&str> {
        match &self.0 {
            E::ToolCall(c) | E::ToolApprovalRequest { tool_call: c, .. } => Some(&c.tool_call_id),
            E::ToolResult { tool_call_id, .. } | E::ToolError { tool_call_id, .. } => {
                Some(tool_call_id)
            }
            E::ToolInputStart { id, .. } => Some(id),
            _ => None,
        }
    }

    #[getter]
    fn tool_name(&self) -> Option<&str> {
        match &self.0 {
            E::ToolCall(c) | E::ToolApprovalRequest { tool_call: c, .. } => Some(&c.tool_name),
            E::ToolInputStart { tool_name, .. }
            | E::ToolResult { tool_name, .. }
            | E::ToolError { tool_name, .. } => Some(tool_name),
            _ => None,
        }
    }

    /// A tool call's (or result's) input, parsed.
    #[getter]
    fn input<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match &self.0 {
            E::ToolCall(c) | E::ToolApprovalRequest { tool_call: c, .. } => {
                to_py(py, &c.input).map(Some)
            }
            E::ToolResult { input, .. } | E::ToolError { input, .. } => to_py(py, input).map(Some),
            _ => Ok(None),
        }
    }

    /// The `approval_id` of a `tool-approval-request`.
    #[getter]
    fn approval_id(&self) -> Option<&str> {
        match &self.0 {
            E::ToolApprovalRequest { approval_id, .. } => Some(approval_id),
            _ => None,
        }
    }

    #[getter]
    fn invalid_input(&self) -> Option<bool> {
        match &self.0 {
            E::ToolCall(c) => Some(c.invalid_input),
            _ => None,
        }
    }

    #[getter]
    fn output<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match &self.0 {
            E::ToolResult { output, .. } => to_py(py, output).map(Some),
            _ => Ok(None),
        }
    }

    /// A `tool-error`'s message, or an `error` event's details as a dict.
    #[getter]
    fn error<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match &self.0 {
            E::ToolError { error, .. } => serde_to_py(py, error).map(Some),
            E::Error { error } => serde_to_py(py, error).map(Some),
            _ => Ok(None),
        }
    }

    #[getter]
    fn provider_executed(&self) -> Option<bool> {
        match &self.0 {
            E::ToolCall(c) => Some(c.provider_executed),
            E::ToolInputStart {
                provider_executed, ..
            }
            | E::ToolResult {
                provider_executed, ..
            } => Some(*provider_executed),
            _ => None,
        }
    }

    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, pyo3::types::PyList>>> {
        match &self.0 {
            E::StartStep { warnings } => warnings_list(py, warnings).map(Some),
            _ => Ok(None),
        }
    }

    #[getter]
    fn finish_reason(&self) -> Option<&'static str> {
        match &self.0 {
            E::FinishStep { finish_reason, .. } | E::Finish { finish_reason, .. } => {
                Some(finish_reason.as_str())
            }
            _ => None,
        }
    }

    #[getter]
    fn raw_finish_reason(&self) -> Option<&str> {
        match &self.0 {
            E::FinishStep {
                raw_finish_reason, ..
            }
            | E::Finish {
                raw_finish_reason, ..
            } => raw_finish_reason.as_deref(),
            _ => None,
        }
    }

    /// Usage of the step (`finish-step`), or of the whole stream (`finish`).
    #[getter]
    fn usage(&self) -> Option<PyUsage> {
        match &self.0 {
            E::FinishStep { usage, .. } => Some(PyUsage(*usage)),
            E::Finish { total_usage, .. } => Some(PyUsage(*total_usage)),
            _ => None,
        }
    }

    /// Usage of the whole stream (`finish`).
    #[getter]
    fn total_usage(&self) -> Option<PyUsage> {
        match &self.0 {
            E::Finish { total_usage, .. } => Some(PyUsage(*total_usage)),
            _ => None,
        }
    }

    #[getter]
    fn response(&self) -> Option<PyResponseMetadata> {
        match &self.0 {
            E::FinishStep { response, .. } => Some(PyResponseMetadata(response.clone())),
            _ => None,
        }
    }

    #[getter]
    fn provider_metadata<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let meta = match &self.0 {
            E::TextStart {
                provider_metadata, ..
            }
            | E::TextDelta {
                provider_metadata, ..
            }
            | E::TextEnd {
                provider_metadata, ..
            }
            | E::ReasoningStart {
                provider_metadata, ..
            }
            | E::ReasoningDelta {
                provider_metadata, ..
            }
            | E::ReasoningEnd {
                provider_metadata, ..
            }
            | E::FinishStep {
                provider_metadata, ..
            } => provider_metadata.as_ref(),
            E::ToolCall(c) => c.provider_metadata.as_ref(),
            _ => None,
        };
        meta.map(|m| serde_to_py(py, m)).transpose()
    }

    /// A `source` event's source, as a dict (`source_type`, `id`, `url`, `title`, ...).
    #[getter]
    fn source<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match &self.0 {
            E::Source(s) => serde_to_py(py, s).map(Some),
            _ => Ok(None),
        }
    }

    #[getter]
    fn media_type(&self) -> Option<&str> {
        match &self.0 {
            E::File { media_type, .. } => Some(media_type),
            _ => None,
        }
    }

    #[getter]
    fn base64(&self) -> Option<&str> {
        match &self.0 {
            E::File { base64, .. } => Some(base64),
            _ => None,
        }
    }

    #[getter]
    fn raw_value<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match &self.0 {
            E::Raw { raw_value } => to_py(py, raw_value).map(Some),
            _ => Ok(None),
        }
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0)
    }

    fn __repr__(&self) -> String {
        let json = serde_json::to_value(&self.0).unwrap_or_default();
        let mut out = format!("StreamEvent(type={:?}", self.0.type_name());
        if let Some(obj) = json.as_object() {
            for (k, v) in obj.iter().filter(|(k, _)| k.as_str() != "type") {
                out.push_str(&format!(", {k}={v}"));
            }
        }
        out.push(')');
        out
    }
}
