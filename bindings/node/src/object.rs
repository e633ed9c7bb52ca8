//! `generateObject` / `streamObject` options → the core's [`ObjectRequest`], and the repair
//! hook written in JavaScript (over the [`HostBridge`]).

use crate::case::to_camel;
use crate::host::HostBridge;
use crate::options::{parse_object, text_request_from, TEXT_OPTIONS};
use ditto_llm::object::{ObjectMode, ObjectOutput, ObjectRepair, ObjectRequest};
use ditto_llm::{Error, ErrorKind, FinishReason, Result};
use serde_json::{json, Map, Value};

/// The text options an object call also takes (no tools, no response format: the schema and
/// mode decide those).
const SHARED: &[&str] = &[
    "model",
    "prompt",
    "system",
    "messages",
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

/// Take option `name` (camelCase or snake_case spelling) out of `raw`; `null` counts as absent.
fn take(raw: &mut Map<String, Value>, names: &[&str]) -> Result<Option<Value>> {
    let mut found = None;
    for name in names {
        if let Some(v) = raw.remove(*name) {
            if found.is_some() {
                return Err(Error::invalid_request(format!(
                    "object option `{name}` is given twice"
                )));
            }
            found = Some(v);
        }
    }
    Ok(found.filter(|v| !v.is_null()))
}

fn string(raw: &mut Map<String, Value>, names: &[&str]) -> Result<Option<String>> {
    match take(raw, names)? {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Error::invalid_request(format!(
            "object option `{}` must be a string, got {other}",
            names[0]
        ))),
    }
}

fn choice<T: serde::de::DeserializeOwned>(
    raw: &mut Map<String, Value>,
    name: &str,
    allowed: &str,
) -> Result<Option<T>> {
    match take(raw, &[name])? {
        None => Ok(None),
        Some(v) => serde_json::from_value(v.clone()).map(Some).map_err(|_| {
            Error::invalid_request(format!(
                "object option `{name}` must be one of {allowed}, got {v}"
            ))
        }),
    }
}

/// `generateObject` / `streamObject` options → an [`ObjectRequest`].
pub fn object_request(json: &str) -> Result<ObjectRequest> {
    let mut raw = parse_object(json, "generateObject")?;
    debug_assert!(SHARED.iter().all(|k| TEXT_OPTIONS.contains(k)));
    let schema = match take(&mut raw, &["schema"])? {
        None => None,
        Some(v @ Value::Object(_)) => Some(v),
        Some(other) => {
            return Err(Error::invalid_request(format!(
                "object option `schema` must be a JSON Schema object or a zod schema, got {other}"
            )))
        }
    };
    let schema_name = string(&mut raw, &["schemaName", "schema_name"])?;
    let schema_description = string(&mut raw, &["schemaDescription", "schema_description"])?;
    let mut output: Option<ObjectOutput> = choice(
        &mut raw,
        "output",
        "\"object\", \"array\", \"enum\", \"no-schema\"",
    )?;
    let mode: Option<ObjectMode> = choice(&mut raw, "mode", "\"auto\", \"json\", \"tool\"")?;
    let enum_values = match take(&mut raw, &["enum", "enumValues", "enum_values"])? {
        None => Vec::new(),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(other) => {
            return Err(Error::invalid_request(format!(
                "object option `enum` must be a list of strings, got {other}"
            )))
        }
    };
    if output.is_none() && !enum_values.is_empty() {
        output = Some(ObjectOutput::Enum);
    }
    let max_object_bytes = match take(&mut raw, &["maxObjectBytes", "max_object_bytes"])? {
        None => None,
        Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64().map(|v| v as usize),
        Some(other) => {
            return Err(Error::invalid_request(format!(
                "object option `maxObjectBytes` must be a non-negative integer, got {other}"
            )))
        }
    };
    let text = text_request_from(raw, "object", SHARED)?;
    Ok(ObjectRequest {
        model: text.model,
        prompt: text.prompt,
        system: text.system,
        messages: text.messages,
        settings: text.settings,
        headers: text.headers,
        max_retries: text.max_retries,
        schema,
        schema_name,
        schema_description,
        output: output.unwrap_or_default(),
        enum_values,
        mode: mode.unwrap_or_default(),
        max_object_bytes,
    })
}

/// `repair: async ({text, error}) => fixedText | null`, in JavaScript. A throwing hook fails
/// the call with `no_object_generated` (keeping the text, usage and finish reason), its
/// message added.
#[derive(Debug)]
pub struct HostObjectRepair {
    host: HostBridge,
}

impl HostObjectRepair {
    /// The hook over `host`.
    pub fn new(host: HostBridge) -> Self {
        HostObjectRepair { host }
    }
}

#[async_trait::async_trait]
impl ObjectRepair for HostObjectRepair {
    async fn repair(&self, text: &str, error: &Error) -> Result<Option<String>> {
        let info = serde_json::to_value(error.to_info())
            .map(to_camel)
            .unwrap_or(Value::Null);
        let args = json!({ "text": text, "error": info });
        match self.host.call("repair-text", args).await {
            Ok(Value::String(fixed)) => Ok(Some(fixed)),
            Ok(_) => Ok(None),
            Err(msg) => Err(hook_failed(error, text, &msg)),
        }
    }
}

fn hook_failed(error: &Error, text: &str, msg: &str) -> Error {
    let message = format!("{} (the repair hook failed: {msg})", error.message());
    if error.kind() != ErrorKind::NoObjectGenerated {
        return Error::new(error.kind(), message);
    }
    Error::no_object_generated(
        message,
        error.no_object_text().unwrap_or(text),
        error.no_object_usage().unwrap_or_default(),
        error
            .no_object_finish_reason()
            .unwrap_or(FinishReason::Other),
    )
}

#[cfg(test)]
#[path = "object_tests.rs"]
mod tests;
