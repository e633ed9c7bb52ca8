//! Agent results: `StepResult` (one model call and the tools run after it), and how an
//! `AgentResult` becomes the `GenerateTextResult` that `generate_text` returns (the last step's
//! output, plus `steps`, `total_usage`, `response_messages`, `pending_approvals`).

use crate::convert::serde_to_py;
use crate::results::{warnings_list, wrapped_list, PyResponseMetadata, PyToolCall, PyUsage};
use ditto_llm::agent::{AgentResult, StepResult, ToolApprovalRequest};
use ditto_llm::{ContentPart, GenerateTextResult, Message, Usage};
use pyo3::prelude::*;
use pyo3::types::PyList;

/// What an agent run adds to a `GenerateTextResult`.
#[derive(Debug, Clone, Default)]
pub struct AgentExtras {
    /// Every step, in order.
    pub steps: Vec<StepResult>,
    /// Usage summed over the steps.
    pub total_usage: Usage,
    /// Assistant and tool messages the run produced.
    pub response_messages: Vec<Message>,
    /// Calls waiting for approval.
    pub pending_approvals: Vec<ToolApprovalRequest>,
}

/// Split an agent result into the last step's `GenerateTextResult` and the extras.
pub fn split(r: AgentResult) -> (GenerateTextResult, AgentExtras) {
    let last = r.steps.last().cloned().unwrap_or_default();
    let reasoning: Vec<&str> = last
        .content
        .iter()
        .filter_map(|p| match p {
            ContentPart::Reasoning(part) => Some(part.text.as_str()),
            _ => None,
        })
        .collect();
    let result = GenerateTextResult {
        text: r.text,
        reasoning_text: (!reasoning.is_empty()).then(|| reasoning.concat()),
        content: last.content.clone(),
        tool_calls: last.tool_calls.clone(),
        sources: Vec::new(),
        finish_reason: r.finish_reason,
        raw_finish_reason: last.raw_finish_reason.clone(),
        usage: last.usage,
        warnings: last.warnings.clone(),
        response: last.response.clone(),
        provider_metadata: None,
    };
    let extras = AgentExtras {
        steps: r.steps,
        total_usage: r.total_usage,
        response_messages: r.response_messages,
        pending_approvals: r.pending_approvals,
    };
    (result, extras)
}

/// One step of an agent run: one model call and the tools executed after it.
#[pyclass(frozen, module = "ditto_llm._native", name = "StepResult")]
#[derive(Debug, Clone)]
pub struct PyStepResult(pub StepResult);

#[pymethods]
impl PyStepResult {
    /// The step number, counting from 0.
    #[getter]
    fn step(&self) -> u32 {
        self.0.step
    }
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }
    /// The model's output parts, then one `tool-result` part per executed call, as dicts.
    #[getter]
    fn content<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0.content)
    }
    #[getter]
    fn tool_calls<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        wrapped_list(py, &self.0.tool_calls, PyToolCall)
    }
    /// Results of the calls that ran (or failed), in call order, as dicts
    /// (`{"tool_call_id", "tool_name", "output": {"type": "json" | "error-text" | ..., "value"}}`).
    #[getter]
    fn tool_results<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0.tool_results)
    }
    #[getter]
    fn finish_reason(&self) -> &'static str {
        self.0.finish_reason.as_str()
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
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "StepResult(step={}, finish_reason={:?}, tool_calls={}, tool_results={})",
            self.0.step,
            self.0.finish_reason.as_str(),
            self.0.tool_calls.len(),
            self.0.tool_results.len()
        )
    }
}
