//! The one mapping from `ditto_llm::ErrorKind` to the Python exception classes defined in
//! `ditto_llm/_errors.py`. Each exception carries kind, message, status, code, body, provider
//! and `retry_after` (seconds).

use ditto_llm::{Error, ErrorKind};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};

static ERRORS_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The Python class for each kind. Mapped here and nowhere else.
pub fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidRequest => "BadRequestError",
        ErrorKind::Authentication => "AuthenticationError",
        ErrorKind::PermissionDenied => "PermissionDeniedError",
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::RateLimited => "RateLimitError",
        ErrorKind::ContextLengthExceeded => "ContextLengthExceededError",
        ErrorKind::ContentFiltered => "ContentFilterError",
        ErrorKind::Timeout => "APITimeoutError",
        ErrorKind::Connection => "APIConnectionError",
        ErrorKind::Provider => "InternalServerError",
        ErrorKind::Stream => "StreamError",
        ErrorKind::Config => "ConfigError",
        ErrorKind::Cancelled => "RequestCancelledError",
        ErrorKind::Internal => "InternalError",
        ErrorKind::NoObjectGenerated => "NoObjectGeneratedError",
    }
}

fn build(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let module = ERRORS_MODULE.get_or_try_init(py, || {
        PyModule::import(py, "ditto_llm._errors").map(Bound::unbind)
    })?;
    let class = module.bind(py).getattr(class_name(error.kind()))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("kind", error.kind().as_str())?;
    kwargs.set_item("status", error.status())?;
    kwargs.set_item("code", error.code())?;
    kwargs.set_item("body", error.body())?;
    kwargs.set_item("provider", error.provider())?;
    kwargs.set_item("retry_after", error.retry_after().map(|d| d.as_secs_f64()))?;
    if error.kind() == ErrorKind::NoObjectGenerated {
        let usage = match error.no_object_usage() {
            Some(u) => Some(crate::convert::to_py(
                py,
                &serde_json::to_value(u).unwrap_or_default(),
            )?),
            None => None,
        };
        kwargs.set_item("text", error.no_object_text())?;
        kwargs.set_item("usage", usage)?;
        kwargs.set_item(
            "finish_reason",
            error.no_object_finish_reason().map(|f| f.as_str()),
        )?;
    }
    let instance = class.call((error.message(),), Some(&kwargs))?;
    Ok(PyErr::from_value(instance))
}

/// The Python exception for a core error.
pub fn to_py_err(error: &Error) -> PyErr {
    Python::attach(|py| {
        build(py, error).unwrap_or_else(|import_failure| {
            PyRuntimeError::new_err(format!(
                "{error} (ditto_llm._errors could not be loaded: {import_failure})"
            ))
        })
    })
}

/// `BadRequestError` for input rejected before any request was made.
pub fn invalid_request(message: impl Into<String>) -> PyErr {
    to_py_err(&Error::invalid_request(message))
}

/// `ConfigError`.
pub fn config_error(message: impl Into<String>) -> PyErr {
    to_py_err(&Error::config(message))
}

/// `InternalError` (bugs and panics).
pub fn internal_error(message: &str) -> PyErr {
    to_py_err(&Error::internal(message))
}
