//! Parsing request JSON. `messages`, `tools` and `tool_choice` go through the core's interop
//! readers, so C and Go callers may pass our shape, the AI SDK shape or OpenAI's.

use crate::util::{bad_argument, Failure};
use ditto_llm::types::interop::{messages_from_json, tool_choice_from_json, tools_from_json};
use ditto_llm::{DittoConfig, EmbedRequest, Error, TextRequest};
use serde::de::DeserializeOwned;
use serde_json::Value;

pub(crate) fn parse_object(
    json: &str,
    what: &str,
) -> Result<serde_json::Map<String, Value>, Failure> {
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(bad_argument(&format!(
            "{what} must be a JSON object, got {}",
            kind_of(&other)
        ))),
        Err(e) => Err(bad_argument(&format!("{what} is not valid JSON: {e}"))),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn invalid(what: &str, e: serde_json::Error) -> Failure {
    Error::invalid_request(format!("{what}: {e}")).into()
}

/// A `TextRequest` from JSON.
pub(crate) fn text_request(json: &str) -> Result<TextRequest, Failure> {
    let mut obj = parse_object(json, "the request")?;
    let take = |obj: &mut serde_json::Map<String, Value>, key: &str| {
        obj.remove(key).filter(|v| !v.is_null())
    };
    let messages = take(&mut obj, "messages")
        .map(|v| messages_from_json(&v))
        .transpose()?;
    let tools = take(&mut obj, "tools")
        .map(|v| tools_from_json(&v))
        .transpose()?;
    let tool_choice = take(&mut obj, "tool_choice")
        .map(|v| tool_choice_from_json(&v))
        .transpose()?;
    let mut request: TextRequest =
        serde_json::from_value(Value::Object(obj)).map_err(|e| invalid("request", e))?;
    if let Some(messages) = messages {
        request.messages = messages;
    }
    if let Some(tools) = tools {
        request.tools = tools;
    }
    request.tool_choice = tool_choice.or(request.tool_choice);
    Ok(request)
}

/// An `EmbedRequest` from JSON.
pub(crate) fn embed_request(json: &str) -> Result<EmbedRequest, Failure> {
    let obj = parse_object(json, "the request")?;
    serde_json::from_value(Value::Object(obj)).map_err(|e| invalid("embed request", e))
}

/// A request of the core's type `T` (`RerankRequest`, `ImageRequest`, ...) from JSON; `what`
/// names it in errors. Unknown fields are rejected by the core's types.
pub(crate) fn typed_request<T: DeserializeOwned>(json: &str, what: &str) -> Result<T, Failure> {
    let obj = parse_object(json, "the request")?;
    serde_json::from_value(Value::Object(obj)).map_err(|e| invalid(what, e))
}

/// A client config: the `DittoConfig` and the host functions serving as the cache store
/// (`"cache_store_host_fn"`) and span sink (`"span_sink_host_fn"`).
#[derive(Debug)]
pub(crate) struct ClientConfig {
    pub(crate) config: DittoConfig,
    pub(crate) cache_store_fn: Option<u64>,
    pub(crate) span_sink_fn: Option<u64>,
}

/// A client config from JSON.
pub(crate) fn config(json: &str) -> Result<ClientConfig, Failure> {
    let mut obj = parse_object(json, "the config")?;
    let mut host_fn = |key: &str| match obj.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| {
            Failure::from(Error::config(format!(
                "config: `{key}` must be a host function id"
            )))
        }),
    };
    let cache_store_fn = host_fn("cache_store_host_fn")?;
    let span_sink_fn = host_fn("span_sink_host_fn")?;
    let config = serde_json::from_value(Value::Object(obj))
        .map_err(|e| Failure::from(Error::config(format!("config: {e}"))))?;
    Ok(ClientConfig {
        config,
        cache_store_fn,
        span_sink_fn,
    })
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
