//! `generate_object` / `stream_object`: keyword arguments -> `ObjectRequest`, the Python repair
//! hook, and `GenerateObjectResult` (whose `.object` is a validated pydantic instance when the
//! schema was a pydantic model class).

use crate::convert::{serde_to_py, to_json, to_py};
use crate::errors::{invalid_request, to_py_err};
use crate::host::{exception_message, HostFn, HostLoop};
use crate::results::{warnings_list, PyResponseMetadata, PyUsage};
use ditto_llm::object::{GenerateObjectResult, ObjectOutput, ObjectRepair, ObjectRequest};
use ditto_llm::types::interop;
use ditto_llm::{Error, ErrorKind, FinishReason};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// The keyword arguments of `generate_object` / `stream_object`.
const OBJECT_ARGS: &[&str] = &[
    "model",
    "prompt",
    "system",
    "messages",
    "schema",
    "schema_name",
    "schema_description",
    "output",
    "enum",
    "mode",
    "repair",
    "max_object_bytes",
    "max_output_tokens",
    "temperature",
    "top_p",
    "top_k",
    "stop",
    "seed",
    "presence_penalty",
    "frequency_penalty",
    "provider_options",
    "headers",
    "max_retries",
];

/// A parsed `generate_object(**kwargs)`.
#[derive(Debug)]
pub struct ObjectCall {
    /// The core request.
    pub request: ObjectRequest,
    /// The pydantic model class given as `schema`, if any.
    pub model: Option<Py<PyAny>>,
    /// The `repair` hook.
    pub repair: Option<Arc<PyObjectRepair>>,
}

fn is_model_class(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(v.is_instance_of::<PyType>() && v.hasattr("model_validate")?)
}

/// Build the request from `generate_object(**kwargs)`; Python callbacks run on `event_loop`.
pub fn object_call(
    method: &str,
    kwargs: Option<&Bound<'_, PyDict>>,
    event_loop: &Arc<HostLoop>,
) -> PyResult<ObjectCall> {
    let Some(kwargs) = kwargs else {
        return Err(PyTypeError::new_err(format!(
            "{method}() missing required keyword argument: 'model'"
        )));
    };
    let mut map = Map::new();
    let mut model = None;
    let mut repair = None;
    for (key, value) in kwargs.iter() {
        let key = key.cast::<PyString>()?.to_cow()?.into_owned();
        if !OBJECT_ARGS.contains(&key.as_str()) {
            return Err(PyTypeError::new_err(format!(
                "{method}() got an unexpected keyword argument '{key}'"
            )));
        }
        if value.is_none() {
            continue;
        }
        match key.as_str() {
            "messages" => {
                let json = to_json(&value, "messages")?;
                let messages = interop::messages_from_json(&json).map_err(|e| to_py_err(&e))?;
                map.insert(key, serde_json::to_value(messages).unwrap_or_default());
            }
            "schema" => {
                if is_model_class(&value)? {
                    let name: String = value.getattr("__name__")?.extract()?;
                    map.entry("schema_name").or_insert(json!(name));
                    model = Some(value.clone().unbind());
                }
                map.insert(key, to_json(&value, "schema")?);
            }
            "repair" => {
                if !value.is_callable() {
                    return Err(invalid_request("`repair` must be callable"));
                }
                let host = HostFn::new(value.unbind(), event_loop.clone());
                repair = Some(Arc::new(PyObjectRepair(host)));
            }
            "enum" => {
                map.insert("enum_values".into(), to_json(&value, "enum")?);
            }
            "stop" if value.is_instance_of::<PyString>() => {
                map.insert(key, json!([value.extract::<String>()?]));
            }
            _ => {
                let json = to_json(&value, &key)?;
                map.insert(key, json);
            }
        }
    }
    if !map.contains_key("model") {
        return Err(PyTypeError::new_err(format!(
            "{method}() missing required keyword argument: 'model'"
        )));
    }
    let request: ObjectRequest =
        serde_json::from_value(Value::Object(map.clone())).map_err(|e| {
            // Name the argument: deserialize the fields one by one to find the bad one.
            let culprit = map.iter().find_map(|(k, v)| {
                let one = Value::Object(Map::from_iter([(k.clone(), v.clone())]));
                serde_json::from_value::<ObjectRequest>(one)
                    .err()
                    .map(|e| format!("`{k}`: {e}"))
            });
            invalid_request(format!("{method}(): {}", culprit.unwrap_or(e.to_string())))
        })?;
    Ok(ObjectCall {
        request,
        model,
        repair,
    })
}

/// The `repair(text, error)` hook: returns fixed text or `None`.
#[derive(Debug)]
pub struct PyObjectRepair(HostFn);

fn optional_text(v: &Bound<'_, PyAny>) -> Result<Option<String>, String> {
    if v.is_none() {
        return Ok(None);
    }
    v.extract::<String>()
        .map(Some)
        .map_err(|_| "`repair` must return a str or None".to_owned())
}

#[async_trait::async_trait]
impl ObjectRepair for PyObjectRepair {
    async fn repair(&self, text: &str, error: &Error) -> ditto_llm::Result<Option<String>> {
        let (t, e) = (text.to_owned(), Error::from(error.to_info()));
        let args = Box::new(move |py: Python<'_>| {
            let exc = to_py_err(&e).into_value(py).into_any();
            Ok(PyTuple::new(py, [t.into_pyobject(py)?.into_any(), exc.into_bound(py)])?.unbind())
        });
        self.0.call(args, optional_text).await.map_err(|message| {
            let message = format!("the repair hook failed: {message}");
            match error.kind() {
                ErrorKind::NoObjectGenerated => Error::no_object_generated(
                    message,
                    error.no_object_text().unwrap_or(text),
                    error.no_object_usage().unwrap_or_default(),
                    error
                        .no_object_finish_reason()
                        .unwrap_or(FinishReason::Other),
                ),
                _ => Error::invalid_request(message),
            }
        })
    }
}

/// `.object` for a result: JSON as Python, or validated by the pydantic `model` (each element
/// for `array` output). A pydantic validation failure is `NoObjectGeneratedError`.
pub fn typed_object<'py>(
    py: Python<'py>,
    object: &Value,
    model: Option<&Py<PyAny>>,
    output: ObjectOutput,
    failed: impl FnOnce(String) -> Error,
) -> PyResult<Py<PyAny>> {
    let value = to_py(py, object)?;
    let Some(model) = model else {
        return Ok(value.unbind());
    };
    let model = model.bind(py);
    let check = |v: &Bound<'py, PyAny>| model.call_method1("model_validate", (v,));
    let validated = match output {
        ObjectOutput::Array => value
            .try_iter()?
            .map(|v| check(&v?))
            .collect::<PyResult<Vec<_>>>()
            .and_then(|items| PyList::new(py, items).map(Bound::into_any)),
        ObjectOutput::Object => check(&value),
        _ => Ok(value),
    };
    validated.map(Bound::unbind).map_err(|e| {
        let name = model
            .getattr("__name__")
            .map(|n| n.to_string())
            .unwrap_or_default();
        to_py_err(&failed(format!(
            "the object does not validate as {name}: {}",
            exception_message(py, &e)
        )))
    })
}

/// The result of `generate_object`.
#[pyclass(frozen, module = "ditto_llm._native", name = "GenerateObjectResult")]
#[derive(Debug)]
pub struct PyGenerateObjectResult {
    result: GenerateObjectResult,
    object: Py<PyAny>,
}

impl PyGenerateObjectResult {
    /// Build it, validating with the pydantic `model` if given.
    pub fn new(
        py: Python<'_>,
        result: GenerateObjectResult,
        model: Option<&Py<PyAny>>,
        output: ObjectOutput,
    ) -> PyResult<Self> {
        let (text, usage, finish) = (result.text.clone(), result.usage, result.finish_reason);
        let object = typed_object(py, &result.object, model, output, |m| {
            Error::no_object_generated(m, text, usage, finish)
        })?;
        Ok(PyGenerateObjectResult { result, object })
    }
}

/// What an async call hands to the asyncio future: the result and how to type it.
pub type Typed = (GenerateObjectResult, Option<Py<PyAny>>, ObjectOutput);

/// [`crate::aio::Convert`] for [`Typed`].
pub fn convert_typed(py: Python<'_>, t: Typed) -> PyResult<Py<PyAny>> {
    let (r, model, output) = t;
    Ok(Py::new(
        py,
        PyGenerateObjectResult::new(py, r, model.as_ref(), output)?,
    )?
    .into_any())
}

#[pymethods]
impl PyGenerateObjectResult {
    /// The object: a pydantic instance (a list of them for `array` output) when `schema` was
    /// a pydantic model class, else dicts / lists / str as parsed.
    #[getter]
    fn object(&self, py: Python<'_>) -> Py<PyAny> {
        self.object.clone_ref(py)
    }
    /// The validated object as plain JSON values (dicts, lists, ...).
    #[getter]
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.result.object)
    }
    /// The model's raw text.
    #[getter]
    fn text(&self) -> &str {
        &self.result.text
    }
    #[getter]
    fn finish_reason(&self) -> &'static str {
        self.result.finish_reason.as_str()
    }
    #[getter]
    fn raw_finish_reason(&self) -> Option<&str> {
        self.result.raw_finish_reason.as_deref()
    }
    #[getter]
    fn usage(&self) -> PyUsage {
        PyUsage(self.result.usage)
    }
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        warnings_list(py, &self.result.warnings)
    }
    #[getter]
    fn response(&self) -> PyResponseMetadata {
        PyResponseMetadata(self.result.response.clone())
    }
    #[getter]
    fn provider_metadata<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.result.provider_metadata)
    }
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.result)
    }
    fn __repr__(&self) -> String {
        let mut object = self.result.object.to_string();
        if object.len() > 80 {
            let mut cut = 80;
            while !object.is_char_boundary(cut) {
                cut -= 1;
            }
            object.truncate(cut);
            object.push('…');
        }
        format!(
            "GenerateObjectResult(object={object}, finish_reason={:?})",
            self.result.finish_reason.as_str()
        )
    }
}
