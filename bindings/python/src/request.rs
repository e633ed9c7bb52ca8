//! Keyword arguments -> core requests and client configuration.
//!
//! Messages, tools and tool choice go through `ditto_llm::types::interop`, so our JSON shape, the
//! AI SDK's (camelCase) and OpenAI's Chat Completions shape are all accepted. Unknown keyword
//! arguments are a `TypeError`; bad values are `BadRequestError` / `ConfigError` naming the
//! argument.

use crate::convert::to_json;
use crate::errors::{config_error, invalid_request, to_py_err};
use ditto_llm::types::interop;
use ditto_llm::{
    CallSettings, DataSource, DittoConfig, EmbedRequest, ImageRequest, RerankRequest,
    SpeechRequest, TextRequest, TranscriptionRequest,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple, PyType};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

/// The keyword arguments of `generate_text` / `stream_text`.
pub const TEXT_ARGS: &[&str] = &[
    "model",
    "prompt",
    "system",
    "messages",
    "tools",
    "tool_choice",
    "max_output_tokens",
    "temperature",
    "top_p",
    "top_k",
    "stop",
    "seed",
    "presence_penalty",
    "frequency_penalty",
    "response_format",
    "provider_options",
    "headers",
    "max_retries",
    "include_raw_chunks",
];

const SETTINGS: &[&str] = &[
    "max_output_tokens",
    "temperature",
    "top_p",
    "top_k",
    "stop",
    "seed",
    "presence_penalty",
    "frequency_penalty",
    "provider_options",
];

/// A typed value from one argument; errors name it.
fn arg<T: DeserializeOwned>(name: &str, v: &Bound<'_, PyAny>) -> PyResult<T> {
    let json = to_json(v, name)?;
    serde_json::from_value(json).map_err(|e| invalid_request(format!("`{name}`: {e}")))
}

fn hint(name: &str) -> &'static str {
    match name {
        "max_tokens" | "max_completion_tokens" | "maxOutputTokens" => {
            " (did you mean `max_output_tokens`?)"
        }
        "system_prompt" => " (did you mean `system`?)",
        "stream" => " (use stream_text() to stream)",
        _ => "",
    }
}

fn unexpected(method: &str, name: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "{method}() got an unexpected keyword argument '{name}'{}",
        hint(name)
    ))
}

/// Build a `TextRequest` from `generate_text(**kwargs)`.
pub fn text_request(method: &str, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<TextRequest> {
    let Some(kwargs) = kwargs else {
        return Err(PyTypeError::new_err(format!(
            "{method}() missing required keyword argument: 'model'"
        )));
    };
    let mut req = TextRequest::default();
    let mut settings = Map::new();
    let mut saw_model = false;
    for (key, value) in kwargs.iter() {
        let key = key.cast::<PyString>()?.to_cow()?.into_owned();
        if crate::agent::AGENT_ARGS.contains(&key.as_str()) {
            continue; // read by `agent::agent_call`
        }
        if !TEXT_ARGS.contains(&key.as_str()) {
            return Err(unexpected(method, &key));
        }
        if value.is_none() && key != "model" {
            continue;
        }
        match key.as_str() {
            "model" => {
                req.model = value.extract::<String>().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "{method}(): `model` must be a str like \"openai:gpt-4o-mini\""
                    ))
                })?;
                saw_model = true;
            }
            "prompt" => req.prompt = Some(arg(&key, &value)?),
            "system" => req.system = Some(arg(&key, &value)?),
            "messages" => {
                let json = to_json(&value, "messages")?;
                req.messages = interop::messages_from_json(&json).map_err(|e| to_py_err(&e))?;
            }
            "tools" => {
                let json = tools_json(&value)?;
                req.tools = interop::tools_from_json(&json).map_err(|e| to_py_err(&e))?;
            }
            "tool_choice" => {
                let json = if is_model_class(&value)? {
                    // A pydantic model class used as a tool: force that tool.
                    json!({"type": "tool", "tool_name": value.getattr("__name__")?.extract::<String>()?})
                } else {
                    to_json(&value, "tool_choice")?
                };
                req.tool_choice =
                    Some(interop::tool_choice_from_json(&json).map_err(|e| to_py_err(&e))?);
            }
            "response_format" => {
                settings.insert(key, response_format_json(&value)?);
            }
            "stop" if value.is_instance_of::<PyString>() => {
                settings.insert(key, json!([value.extract::<String>()?]));
            }
            "headers" => req.headers = arg(&key, &value)?,
            "max_retries" => req.max_retries = Some(arg(&key, &value)?),
            "include_raw_chunks" => req.include_raw_chunks = arg(&key, &value)?,
            _ => {
                debug_assert!(SETTINGS.contains(&key.as_str()));
                let json = to_json(&value, &key)?;
                settings.insert(key, json);
            }
        }
    }
    if !saw_model {
        return Err(PyTypeError::new_err(format!(
            "{method}() missing required keyword argument: 'model'"
        )));
    }
    req.settings = settings_from(settings)?;
    Ok(req)
}

fn settings_from(map: Map<String, Value>) -> PyResult<CallSettings> {
    // Deserialize field by field so an error names the argument.
    let mut out = Map::new();
    for (key, value) in map {
        let mut one = Map::new();
        one.insert(key.clone(), value.clone());
        serde_json::from_value::<CallSettings>(Value::Object(one))
            .map_err(|e| invalid_request(format!("`{key}`: {e}")))?;
        out.insert(key, value);
    }
    serde_json::from_value(Value::Object(out)).map_err(|e| invalid_request(e.to_string()))
}

/// A pydantic model class used as a tool: name = class name, description = docstring.
fn model_class_tool(class: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    let name: String = class.getattr("__name__")?.extract()?;
    let doc = class
        .getattr("__doc__")
        .ok()
        .and_then(|d| d.extract::<String>().ok())
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());
    let schema = to_json(class, path)?;
    let mut tool = json!({"type": "function", "name": name, "input_schema": schema});
    if let Some(doc) = doc {
        tool["description"] = Value::String(doc);
    }
    Ok(tool)
}

fn is_model_class(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(v.is_instance_of::<PyType>() && v.hasattr("model_json_schema")?)
}

/// `tools` as JSON: a list or a name -> tool mapping; pydantic classes become function tools.
/// `ditto_llm.Tool` objects are left out: `agent::agent_call` turns them into agent tools.
fn tools_json(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Ok(map) = value.cast::<PyDict>() {
        let plain = PyDict::new(value.py());
        for (k, v) in map.iter() {
            if !crate::agent::is_host_tool(&v)? {
                plain.set_item(k, v)?;
            }
        }
        return to_json(&plain, "tools");
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in value.try_iter()?.enumerate() {
            let item = item?;
            if crate::agent::is_host_tool(&item)? {
                continue;
            }
            let path = format!("tools[{i}]");
            items.push(if is_model_class(&item)? {
                model_class_tool(&item, &path)?
            } else {
                to_json(&item, &path)?
            });
        }
        return Ok(Value::Array(items));
    }
    to_json(value, "tools")
}

/// `response_format`: ours, OpenAI's (`json_object`, `json_schema`), or a pydantic model class.
fn response_format_json(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    if is_model_class(value)? {
        let name: String = value.getattr("__name__")?.extract()?;
        let schema = to_json(value, "response_format")?;
        return Ok(json!({"type": "json-schema", "name": name, "schema": schema}));
    }
    let mut json = to_json(value, "response_format")?;
    match json.get("type").and_then(Value::as_str) {
        Some("json_object") => json = json!({"type": "json"}),
        Some("json_schema") => {
            let spec = json.get("json_schema").cloned().unwrap_or(Value::Null);
            let mut out = json!({"type": "json-schema", "schema": spec.get("schema").cloned().unwrap_or(json!({}))});
            for key in ["name", "description", "strict"] {
                if let Some(v) = spec.get(key) {
                    out[key] = v.clone();
                }
            }
            json = out;
        }
        _ => {}
    }
    Ok(json)
}

/// Build an `EmbedRequest`; `input` is a str or a sequence of str.
pub fn embed_request(
    model: String,
    input: &Bound<'_, PyAny>,
    dimensions: Option<u32>,
    extras: &CallExtras<'_, '_>,
) -> PyResult<EmbedRequest> {
    let input: Vec<String> = if let Ok(s) = input.cast::<PyString>() {
        vec![s.to_cow()?.into_owned()]
    } else {
        input
            .extract()
            .map_err(|_| PyTypeError::new_err("embed(): `input` must be a str or a list of str"))?
    };
    let mut req = EmbedRequest::new(model, input);
    req.dimensions = dimensions;
    req.max_retries = extras.max_retries;
    req.provider_options = extras.provider_options()?;
    req.headers = extras.headers()?;
    Ok(req)
}

/// Build a `RerankRequest`; `documents` is a sequence of str.
pub fn rerank_request(
    model: String,
    query: String,
    documents: &Bound<'_, PyAny>,
    top_n: Option<u32>,
    extras: &CallExtras<'_, '_>,
) -> PyResult<RerankRequest> {
    if documents.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "rerank(): `documents` must be a list of str, not a str",
        ));
    }
    let documents: Vec<String> = documents
        .extract()
        .map_err(|_| PyTypeError::new_err("rerank(): `documents` must be a list of str"))?;
    let mut req = RerankRequest::new(model, query, documents);
    req.top_n = top_n;
    req.max_retries = extras.max_retries;
    req.provider_options = extras.provider_options()?;
    req.headers = extras.headers()?;
    Ok(req)
}

/// The per-call options every media request shares.
#[derive(Debug, Default)]
pub struct CallExtras<'a, 'py> {
    pub provider_options: Option<&'a Bound<'py, PyAny>>,
    pub headers: Option<&'a Bound<'py, PyAny>>,
    pub max_retries: Option<u32>,
}

impl CallExtras<'_, '_> {
    fn provider_options(&self) -> PyResult<ditto_llm::ProviderOptions> {
        match self.provider_options.filter(|v| !v.is_none()) {
            Some(v) => arg("provider_options", v),
            None => Ok(Default::default()),
        }
    }
    fn headers(&self) -> PyResult<std::collections::BTreeMap<String, String>> {
        match self.headers.filter(|v| !v.is_none()) {
            Some(v) => arg("headers", v),
            None => Ok(Default::default()),
        }
    }
}

/// Build an `ImageRequest`.
pub fn image_request(
    model: String,
    prompt: String,
    n: Option<u32>,
    size: Option<String>,
    extras: &CallExtras<'_, '_>,
) -> PyResult<ImageRequest> {
    Ok(ImageRequest {
        model,
        prompt,
        n,
        size,
        provider_options: extras.provider_options()?,
        headers: extras.headers()?,
        max_retries: extras.max_retries,
    })
}

/// The `audio` argument: raw bytes (`bytes`, `bytearray`, `memoryview`), a base64 or `data:`
/// URL string, or `{"url": ...}` / `{"base64": ...}`.
fn audio_source(audio: &Bound<'_, PyAny>) -> PyResult<DataSource> {
    if let Ok(b) = audio.cast::<PyBytes>() {
        return Ok(DataSource::Bytes(b.as_bytes().to_vec().into()));
    }
    if let Ok(b) = audio.cast::<PyByteArray>() {
        return Ok(DataSource::Bytes(b.to_vec().into()));
    }
    if audio.get_type().name()?.to_cow()? == "memoryview" {
        let bytes = audio.call_method0("tobytes")?;
        let bytes = bytes.cast::<PyBytes>()?;
        return Ok(DataSource::Bytes(bytes.as_bytes().to_vec().into()));
    }
    if audio.is_instance_of::<PyString>() || audio.is_instance_of::<PyDict>() {
        return arg("audio", audio);
    }
    Err(PyTypeError::new_err(
        "transcribe(): `audio` must be bytes, a base64 str, or {\"url\": ...} / {\"base64\": ...}",
    ))
}

/// Build a `TranscriptionRequest`.
pub fn transcription_request(
    model: String,
    audio: &Bound<'_, PyAny>,
    media_type: String,
    language: Option<String>,
    prompt: Option<String>,
    extras: &CallExtras<'_, '_>,
) -> PyResult<TranscriptionRequest> {
    Ok(TranscriptionRequest {
        model,
        audio: audio_source(audio)?,
        media_type,
        language,
        prompt,
        provider_options: extras.provider_options()?,
        headers: extras.headers()?,
        max_retries: extras.max_retries,
    })
}

/// The optional settings of `generate_speech`.
#[derive(Debug, Default)]
pub struct SpeechSettings {
    pub voice: Option<String>,
    pub output_format: Option<String>,
    pub speed: Option<f64>,
    pub instructions: Option<String>,
}

/// Build a `SpeechRequest`.
pub fn speech_request(
    model: String,
    text: String,
    settings: SpeechSettings,
    extras: &CallExtras<'_, '_>,
) -> PyResult<SpeechRequest> {
    if let Some(s) = settings.speed.filter(|s| !s.is_finite()) {
        return Err(invalid_request(format!(
            "`speed`: {s} is not a finite number"
        )));
    }
    Ok(SpeechRequest {
        model,
        text,
        voice: settings.voice,
        output_format: settings.output_format,
        speed: settings.speed,
        instructions: settings.instructions,
        provider_options: extras.provider_options()?,
        headers: extras.headers()?,
        max_retries: extras.max_retries,
    })
}

/// Seconds (float) -> milliseconds, rejecting negative and non-finite values.
fn millis(name: &str, seconds: Option<f64>) -> PyResult<Option<u64>> {
    match seconds {
        None => Ok(None),
        Some(s) if s.is_finite() && s > 0.0 => Ok(Some((s * 1000.0).ceil() as u64)),
        Some(s) => Err(config_error(format!(
            "`{name}` must be a positive number of seconds, got {s}"
        ))),
    }
}

/// The client constructor's arguments as a `DittoConfig`.
pub fn client_config(
    providers: Option<&Bound<'_, PyAny>>,
    aliases: Option<&Bound<'_, PyAny>>,
    from_env: bool,
    timeout: Option<f64>,
    connect_timeout: Option<f64>,
    max_retries: Option<u32>,
) -> PyResult<DittoConfig> {
    let mut config = DittoConfig {
        from_env,
        timeout_ms: millis("timeout", timeout)?,
        connect_timeout_ms: millis("connect_timeout", connect_timeout)?,
        max_retries,
        ..DittoConfig::default()
    };
    if let Some(p) = providers.filter(|p| !p.is_none()) {
        let json = to_json(p, "providers")?;
        let Value::Object(map) = json else {
            return Err(config_error(
                "`providers` must be a dict like {\"openai\": {\"api_key\": ..., \"base_url\": ...}}",
            ));
        };
        for (name, settings) in map {
            let parsed = serde_json::from_value(settings)
                .map_err(|e| config_error(format!("providers.{name}: {e}")))?;
            config.providers.insert(name, parsed);
        }
    }
    if let Some(a) = aliases.filter(|a| !a.is_none()) {
        let Value::Object(map) = to_json(a, "aliases")? else {
            return Err(config_error(
                "`aliases` must be a dict like {\"fast\": {\"model\": \"openai:gpt-4o-mini\", \"middleware\": [...]}}",
            ));
        };
        for (name, alias) in map {
            let parsed = serde_json::from_value(alias)
                .map_err(|e| config_error(format!("aliases.{name}: {e}")))?;
            config.aliases.insert(name, parsed);
        }
    }
    Ok(config)
}
