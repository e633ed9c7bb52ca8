//! [`ObjectRequest`] and how it becomes one model call: the output shape (object, array, enum,
//! no schema), the schema the model is asked for, and the mode that asks for it.

use super::partial::DEFAULT_MAX_OBJECT_BYTES;
use super::validate::ignored_keywords;
use crate::error::{Error, Result};
use crate::types::{
    CallOptions, CallSettings, Message, ResponseFormat, TextRequest, Tool, ToolChoice, Warning,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The name of the tool that carries the object in [`ObjectMode::Tool`] (the same name the
/// Anthropic and Bedrock adapters use for their JSON mode).
pub const JSON_TOOL_NAME: &str = "json";

/// A structured-output request: what `generate_object` and `stream_object` take.
///
/// JSON (what the bindings send): `{"model": "openai:gpt-4o-mini", "prompt": "...",
/// "schema": {...}, "output": "object", "mode": "auto", "temperature": 0, ...}` — the
/// [`CallSettings`] fields sit at the top level, like [`TextRequest`]'s.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ObjectRequest {
    /// `"<provider>:<model>"`.
    pub model: String,
    /// A single user turn; appended after `messages` when both are given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// A system prompt, placed before `messages`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The conversation so far.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<Message>,
    /// Generation settings (`response_format` must stay unset: the schema and mode decide it).
    #[serde(flatten)]
    pub settings: CallSettings,
    /// Extra HTTP headers for this call only.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Retries for this call (overrides the client's setting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
    /// JSON Schema of the object (`object` output) or of each element (`array` output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<Value>,
    /// A name for the schema, for providers that take one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_name: Option<String>,
    /// What the object is, for the model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_description: Option<String>,
    /// The shape of the result (default `object`).
    pub output: ObjectOutput,
    /// The allowed values of `enum` output.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<String>,
    /// How the model is asked for JSON (default `auto`).
    pub mode: ObjectMode,
    /// Cap on the object text in bytes (default 4 MiB); longer output fails with
    /// `no_object_generated`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_object_bytes: Option<usize>,
}

/// The shape of a generated object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectOutput {
    /// One object matching `schema`.
    #[default]
    Object,
    /// An array whose elements match `schema`. The model is asked for `{"elements": [...]}`.
    Array,
    /// One of `enum_values`. The model is asked for `{"result": "..."}`.
    Enum,
    /// Any JSON, unchecked.
    NoSchema,
}

/// How the model is asked for JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectMode {
    /// The provider's native structured output: `response_format` JSON schema (OpenAI
    /// `json_schema`, Gemini `responseSchema`; Anthropic and Bedrock turn it into a forced tool).
    #[default]
    Auto,
    /// Plain JSON mode (`response_format: json`) with the schema written into the system prompt.
    Json,
    /// A forced call of a tool named `json` whose input schema is the schema; its input is the
    /// object.
    Tool,
}

impl ObjectRequest {
    /// A request for `model` ("provider:model") with nothing else set.
    pub fn new(model: impl Into<String>) -> Self {
        ObjectRequest {
            model: model.into(),
            ..Default::default()
        }
    }

    /// Set the user prompt.
    pub fn prompt(mut self, prompt: impl Into<String>) -> Self {
        self.prompt = Some(prompt.into());
        self
    }

    /// Set the system prompt.
    pub fn system(mut self, system: impl Into<String>) -> Self {
        self.system = Some(system.into());
        self
    }

    /// Set the schema.
    pub fn schema(mut self, schema: Value) -> Self {
        self.schema = Some(schema);
        self
    }

    /// Set the output shape.
    pub fn output(mut self, output: ObjectOutput) -> Self {
        self.output = output;
        self
    }

    /// Enum output with these values.
    pub fn enum_values(mut self, values: Vec<String>) -> Self {
        self.output = ObjectOutput::Enum;
        self.enum_values = values;
        self
    }

    /// Set the mode.
    pub fn mode(mut self, mode: ObjectMode) -> Self {
        self.mode = mode;
        self
    }

    /// Add a header for this call.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }

    /// The byte cap in effect.
    pub fn object_byte_limit(&self) -> usize {
        self.max_object_bytes.unwrap_or(DEFAULT_MAX_OBJECT_BYTES)
    }

    /// Check the request and build the model call.
    pub(crate) fn plan(&self) -> Result<Plan> {
        let shape = self.shape()?;
        if self.settings.response_format.is_some() {
            return Err(Error::invalid_request(
                "`response_format` is chosen by generate_object from `schema` and `mode`; leave it unset",
            ));
        }
        if self.max_object_bytes == Some(0) {
            return Err(Error::invalid_request(
                "`max_object_bytes` must be at least 1",
            ));
        }
        let wire_schema = shape.wire_schema();
        let mut text = TextRequest {
            model: self.model.clone(),
            prompt: self.prompt.clone(),
            system: self.system.clone(),
            messages: self.messages.clone(),
            settings: self.settings.clone(),
            headers: self.headers.clone(),
            max_retries: self.max_retries,
            ..TextRequest::default()
        };
        match (self.mode, &wire_schema) {
            (ObjectMode::Auto, Some(schema)) => {
                text.settings.response_format = Some(ResponseFormat::JsonSchema {
                    schema: schema.clone(),
                    name: self.schema_name.clone(),
                    description: self.schema_description.clone(),
                    strict: None,
                });
            }
            (ObjectMode::Auto, None) => text.settings.response_format = Some(ResponseFormat::Json),
            (ObjectMode::Json, schema) => {
                text.settings.response_format = Some(ResponseFormat::Json);
                let instruction = json_instruction(schema.as_ref());
                text.system = Some(match text.system.take() {
                    Some(s) if !s.is_empty() => format!("{s}\n\n{instruction}"),
                    _ => instruction,
                });
            }
            (ObjectMode::Tool, Some(schema)) => {
                text.tools = vec![Tool::function(
                    JSON_TOOL_NAME,
                    Some(
                        self.schema_description
                            .clone()
                            .unwrap_or_else(|| "Respond with a JSON object.".into()),
                    ),
                    schema.clone(),
                )];
                text.tool_choice = Some(ToolChoice::tool(JSON_TOOL_NAME));
            }
            (ObjectMode::Tool, None) => {
                return Err(Error::invalid_request(
                    "mode `tool` needs a schema; use mode `auto` or `json` for `no-schema` output",
                ))
            }
        }
        let options = text.to_call_options()?;
        let mut warnings = Vec::new();
        if let Some(schema) = &self.schema {
            let ignored = ignored_keywords(schema);
            if !ignored.is_empty() {
                warnings.push(Warning::Compatibility {
                    feature: "schema".into(),
                    details: Some(format!(
                        "Ditto does not check these JSON Schema keywords itself: {}",
                        ignored.join(", ")
                    )),
                });
            }
        }
        Ok(Plan {
            options,
            shape,
            mode: self.mode,
            max_bytes: self.object_byte_limit(),
            warnings,
        })
    }

    fn shape(&self) -> Result<Shape> {
        if self.output != ObjectOutput::Enum && !self.enum_values.is_empty() {
            return Err(Error::invalid_request(
                "`enum_values` is only used with output `enum`",
            ));
        }
        let schema = match (&self.schema, self.output) {
            (Some(s), ObjectOutput::Object | ObjectOutput::Array) => {
                if !(s.is_object() || s.is_boolean()) {
                    return Err(Error::invalid_request(
                        "`schema` must be a JSON Schema object",
                    ));
                }
                s.clone()
            }
            (None, ObjectOutput::Object | ObjectOutput::Array) => {
                return Err(Error::invalid_request(format!(
                    "output `{}` needs a `schema`",
                    output_name(self.output)
                )))
            }
            (Some(_), _) => {
                return Err(Error::invalid_request(format!(
                    "output `{}` takes no `schema`",
                    output_name(self.output)
                )))
            }
            (None, _) => Value::Null,
        };
        Ok(match self.output {
            ObjectOutput::Object => Shape::Object(schema),
            ObjectOutput::Array => Shape::Array(schema),
            ObjectOutput::NoSchema => Shape::NoSchema,
            ObjectOutput::Enum => {
                if self.enum_values.is_empty() {
                    return Err(Error::invalid_request(
                        "output `enum` needs at least one value in `enum_values`",
                    ));
                }
                Shape::Enum(self.enum_values.clone())
            }
        })
    }
}

fn output_name(o: ObjectOutput) -> &'static str {
    match o {
        ObjectOutput::Object => "object",
        ObjectOutput::Array => "array",
        ObjectOutput::Enum => "enum",
        ObjectOutput::NoSchema => "no-schema",
    }
}

/// The AI SDK's wording for JSON mode without native schema support.
fn json_instruction(schema: Option<&Value>) -> String {
    match schema {
        Some(s) => format!(
            "JSON schema:\n{s}\nYou MUST answer with a JSON object that matches the JSON schema above."
        ),
        None => "You MUST answer with JSON.".into(),
    }
}

/// The checked output shape of a request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// One object; the schema.
    Object(Value),
    /// `{"elements": [...]}`; the element schema.
    Array(Value),
    /// `{"result": "..."}`; the values.
    Enum(Vec<String>),
    /// Anything.
    NoSchema,
}

impl Shape {
    /// The schema the model is asked to follow (`None` for no-schema output).
    pub(crate) fn wire_schema(&self) -> Option<Value> {
        match self {
            Shape::Object(s) => Some(s.clone()),
            Shape::Array(item) => Some(wrap("elements", item, json!({"type": "array"}))),
            Shape::Enum(values) => Some(wrap(
                "result",
                &json!({"type": "string", "enum": values}),
                Value::Null,
            )),
            Shape::NoSchema => None,
        }
    }
}

/// `{"type": "object", "properties": {key: <inner>}, "required": [key], "additionalProperties":
/// false}`, with the inner schema's `$defs` / `definitions` moved to the top so that its local
/// `$ref`s still resolve. With an `array` container, the inner schema becomes its `items`.
fn wrap(key: &str, inner: &Value, container: Value) -> Value {
    let mut inner = inner.clone();
    let mut root = Map::new();
    root.insert("type".into(), "object".into());
    for defs in ["$defs", "definitions"] {
        if let Some(d) = inner.as_object_mut().and_then(|m| m.remove(defs)) {
            root.insert(defs.into(), d);
        }
    }
    let property = match container {
        Value::Object(mut c) => {
            c.insert("items".into(), inner);
            Value::Object(c)
        }
        _ => inner,
    };
    root.insert("properties".into(), json!({ key: property }));
    root.insert("required".into(), json!([key]));
    root.insert("additionalProperties".into(), false.into());
    Value::Object(root)
}

/// One checked request, ready to run.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// What the model receives.
    pub options: CallOptions,
    /// How to read the answer.
    pub shape: Shape,
    /// Where the object text comes from (text, or the `json` tool's input).
    pub mode: ObjectMode,
    /// Cap on the object text.
    pub max_bytes: usize,
    /// Warnings about the schema itself.
    pub warnings: Vec<Warning>,
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
