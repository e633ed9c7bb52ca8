//! Accept the message, tool and tool-choice JSON users already have: our own shape, the AI SDK
//! shape (camelCase: `toolCallId`, `toolName`, `mediaType`, `inputSchema`, ...), or the OpenAI
//! Chat Completions shape (`image_url` parts, assistant `tool_calls`, `role: "tool"` messages).
//! The bindings and the gateway call these; errors are `InvalidRequest` naming the path.

use super::{
    ContentPart, DataSource, FilePart, ImagePart, Message, ProviderOptions, ReasoningPart, Role,
    TextPart, Tool, ToolCall, ToolChoice, ToolResult, ToolResultOutput,
};
use crate::error::{Error, Result};
use serde_json::{Map, Value};

fn bad(path: &str, what: impl std::fmt::Display) -> Error {
    Error::invalid_request(format!("{path}: {what}"))
}

/// The first present key among `keys`.
fn field<'a>(obj: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter()
        .find_map(|k| obj.get(*k).filter(|v| !v.is_null()))
}

fn string_field(obj: &Map<String, Value>, keys: &[&str], path: &str) -> Result<String> {
    match field(obj, keys) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(bad(
            &format!("{path}.{}", keys[0]),
            format!("expected a string, got {other}"),
        )),
        None => Err(bad(path, format!("missing `{}`", keys[0]))),
    }
}

fn options_of(obj: &Map<String, Value>, path: &str) -> Result<ProviderOptions> {
    match field(obj, &["provider_options", "providerOptions"]) {
        None => Ok(ProviderOptions::default()),
        Some(v) => serde_json::from_value(v.clone())
            .map_err(|e| bad(&format!("{path}.provider_options"), e)),
    }
}

/// One message.
pub fn message_from_json(v: &Value) -> Result<Message> {
    message_at(v, "message")
}

/// A list of messages.
pub fn messages_from_json(v: &Value) -> Result<Vec<Message>> {
    let items = v
        .as_array()
        .ok_or_else(|| bad("messages", "expected a list of messages"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, m)| message_at(m, &format!("messages[{i}]")))
        .collect()
}

fn message_at(v: &Value, path: &str) -> Result<Message> {
    let obj = v
        .as_object()
        .ok_or_else(|| bad(path, "expected an object"))?;
    let role = match string_field(obj, &["role"], path)?.as_str() {
        "system" | "developer" => Role::System,
        "user" => Role::User,
        "assistant" => Role::Assistant,
        "tool" | "function" => Role::Tool,
        other => {
            return Err(bad(
                &format!("{path}.role"),
                format!("unknown role `{other}`"),
            ))
        }
    };
    let mut content = match obj.get("content") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => match role {
            // OpenAI tool messages carry the result as a string beside `tool_call_id`.
            Role::Tool => vec![openai_tool_result(obj, s, path)?],
            _ => vec![ContentPart::text(s.clone())],
        },
        Some(Value::Array(parts)) => parts
            .iter()
            .enumerate()
            .map(|(i, p)| part_at(p, &format!("{path}.content[{i}]")))
            .collect::<Result<Vec<_>>>()?,
        Some(other) => {
            return Err(bad(
                &format!("{path}.content"),
                format!("expected a string or a list, got {other}"),
            ))
        }
    };
    if role == Role::Assistant {
        if let Some(calls) = obj.get("tool_calls").and_then(Value::as_array) {
            for (i, call) in calls.iter().enumerate() {
                content.push(openai_tool_call(call, &format!("{path}.tool_calls[{i}]"))?);
            }
        }
        if let Some(r) = field(obj, &["reasoning_content", "reasoning"]).and_then(Value::as_str) {
            content.insert(
                0,
                ContentPart::Reasoning(ReasoningPart {
                    text: r.to_owned(),
                    provider_metadata: None,
                }),
            );
        }
    }
    if content.is_empty() && role != Role::Assistant {
        return Err(bad(&format!("{path}.content"), "a message needs content"));
    }
    Ok(Message {
        role,
        content,
        provider_options: options_of(obj, path)?,
    })
}

fn openai_tool_result(msg: &Map<String, Value>, text: &str, path: &str) -> Result<ContentPart> {
    let id = string_field(msg, &["tool_call_id", "toolCallId"], path)?;
    let name = field(msg, &["name", "tool_name", "toolName"])
        .and_then(Value::as_str)
        .unwrap_or_default();
    Ok(ContentPart::ToolResult(ToolResult {
        tool_call_id: id,
        tool_name: name.to_owned(),
        output: ToolResultOutput::Text(text.to_owned()),
        provider_options: ProviderOptions::default(),
    }))
}

fn openai_tool_call(call: &Value, path: &str) -> Result<ContentPart> {
    let obj = call
        .as_object()
        .ok_or_else(|| bad(path, "expected an object"))?;
    let id = string_field(obj, &["id"], path)?;
    let function = obj
        .get("function")
        .and_then(Value::as_object)
        .ok_or_else(|| bad(path, "missing `function`"))?;
    let name = string_field(function, &["name"], &format!("{path}.function"))?;
    let args = match function.get("arguments") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    Ok(ContentPart::ToolCall(ToolCall::from_raw_arguments(
        id, name, &args,
    )))
}

fn data_source(v: &Value, path: &str) -> Result<DataSource> {
    serde_json::from_value(v.clone()).map_err(|e| bad(path, e))
}

fn part_at(v: &Value, path: &str) -> Result<ContentPart> {
    if let Value::String(s) = v {
        return Ok(ContentPart::text(s.clone()));
    }
    let obj = v
        .as_object()
        .ok_or_else(|| bad(path, "expected an object"))?;
    let kind = string_field(obj, &["type"], path)?;
    let provider_options = options_of(obj, path)?;
    let media_type = field(obj, &["media_type", "mediaType", "mimeType"])
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(match kind.as_str() {
        "text" | "input_text" => ContentPart::Text(TextPart {
            text: string_field(obj, &["text"], path)?,
            provider_options,
        }),
        "image" => ContentPart::Image(ImagePart {
            image: data_source(
                field(obj, &["image"]).ok_or_else(|| bad(path, "missing `image`"))?,
                path,
            )?,
            media_type,
            provider_options,
        }),
        "image_url" => {
            let inner = obj
                .get("image_url")
                .ok_or_else(|| bad(path, "missing `image_url`"))?;
            let (url, detail) = match inner {
                Value::String(s) => (s.clone(), None),
                Value::Object(o) => (
                    string_field(o, &["url"], &format!("{path}.image_url"))?,
                    o.get("detail").and_then(Value::as_str),
                ),
                other => return Err(bad(path, format!("bad `image_url`: {other}"))),
            };
            let mut provider_options = provider_options;
            if let Some(d) = detail {
                provider_options.insert("openai", "image_detail", Value::String(d.to_owned()));
            }
            ContentPart::Image(ImagePart {
                image: DataSource::Url(url),
                media_type,
                provider_options,
            })
        }
        "input_audio" => {
            let audio = obj
                .get("input_audio")
                .and_then(Value::as_object)
                .ok_or_else(|| bad(path, "missing `input_audio`"))?;
            let data = string_field(audio, &["data"], path)?;
            let format = audio.get("format").and_then(Value::as_str).unwrap_or("wav");
            ContentPart::File(FilePart {
                data: DataSource::Base64(data),
                media_type: if format == "mp3" {
                    "audio/mpeg".into()
                } else {
                    format!("audio/{format}")
                },
                filename: None,
                provider_options,
            })
        }
        "file" => {
            if let Some(Value::Object(f)) = obj.get("file") {
                // OpenAI: {"type": "file", "file": {"filename", "file_data": "data:...;base64,..."}}
                let data = string_field(f, &["file_data"], &format!("{path}.file"))?;
                let source = DataSource::Url(data);
                let mt = source
                    .data_url_media_type()
                    .unwrap_or("application/pdf")
                    .to_owned();
                ContentPart::File(FilePart {
                    data: source,
                    media_type: mt,
                    filename: f.get("filename").and_then(Value::as_str).map(str::to_owned),
                    provider_options,
                })
            } else {
                ContentPart::File(FilePart {
                    data: data_source(
                        field(obj, &["data", "url"]).ok_or_else(|| bad(path, "missing `data`"))?,
                        path,
                    )?,
                    media_type: media_type.ok_or_else(|| bad(path, "missing `media_type`"))?,
                    filename: field(obj, &["filename"])
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    provider_options,
                })
            }
        }
        "reasoning" => ContentPart::Reasoning(ReasoningPart {
            text: string_field(obj, &["text"], path)?,
            provider_metadata: field(
                obj,
                &[
                    "provider_metadata",
                    "providerMetadata",
                    "providerOptions",
                    "provider_options",
                ],
            )
            .and_then(Value::as_object)
            .cloned(),
        }),
        "tool-call" | "tool_call" => {
            let id = string_field(obj, &["tool_call_id", "toolCallId"], path)?;
            let name = string_field(obj, &["tool_name", "toolName"], path)?;
            let input = field(obj, &["input", "args"])
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new()));
            let mut call = match input {
                Value::String(raw) => ToolCall::from_raw_arguments(id, name, &raw),
                other => ToolCall {
                    input: other,
                    ..ToolCall::from_raw_arguments(id, name, "")
                },
            };
            call.provider_executed = field(obj, &["provider_executed", "providerExecuted"])
                .and_then(Value::as_bool)
                .unwrap_or(false);
            ContentPart::ToolCall(call)
        }
        "tool-result" | "tool_result" => {
            let id = string_field(obj, &["tool_call_id", "toolCallId"], path)?;
            let name = field(obj, &["tool_name", "toolName"])
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let output = tool_output(
                field(obj, &["output", "result"]).unwrap_or(&Value::Null),
                obj,
                path,
            )?;
            ContentPart::ToolResult(ToolResult {
                tool_call_id: id,
                tool_name: name,
                output,
                provider_options,
            })
        }
        other => {
            return Err(bad(
                &format!("{path}.type"),
                format!("unknown content part type `{other}`"),
            ));
        }
    })
}

fn tool_output(v: &Value, part: &Map<String, Value>, path: &str) -> Result<ToolResultOutput> {
    let is_error = field(part, &["is_error", "isError"])
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if let Value::Object(o) = v {
        if let (Some(Value::String(kind)), Some(value)) = (o.get("type"), o.get("value")) {
            return Ok(match (kind.as_str(), value) {
                ("text", Value::String(s)) => ToolResultOutput::Text(s.clone()),
                ("error-text", Value::String(s)) => ToolResultOutput::ErrorText(s.clone()),
                ("json", v) => ToolResultOutput::Json(v.clone()),
                ("error-json", v) => ToolResultOutput::ErrorJson(v.clone()),
                (k, _) => {
                    return Err(bad(
                        &format!("{path}.output.type"),
                        format!("unknown output type `{k}`"),
                    ))
                }
            });
        }
    }
    Ok(match (v, is_error) {
        (Value::String(s), false) => ToolResultOutput::Text(s.clone()),
        (Value::String(s), true) => ToolResultOutput::ErrorText(s.clone()),
        (other, false) => ToolResultOutput::Json(other.clone()),
        (other, true) => ToolResultOutput::ErrorJson(other.clone()),
    })
}

/// One tool: ours (`{"type": "function", "name", "input_schema"}`), OpenAI's
/// (`{"type": "function", "function": {"name", "description", "parameters"}}`), or a bare
/// `{"name", "description", "inputSchema" | "parameters" | "input_schema"}`.
pub fn tool_from_json(v: &Value) -> Result<Tool> {
    tool_at(v, None, "tool")
}

/// A list of tools, or an object mapping names to tools (the AI SDK's `tools: {name: tool}`).
pub fn tools_from_json(v: &Value) -> Result<Vec<Tool>> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, t)| tool_at(t, None, &format!("tools[{i}]")))
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(name, t)| tool_at(t, Some(name), &format!("tools.{name}")))
            .collect(),
        other => Err(bad(
            "tools",
            format!("expected a list or an object, got {other}"),
        )),
    }
}

fn tool_at(v: &Value, name_hint: Option<&str>, path: &str) -> Result<Tool> {
    let obj = v
        .as_object()
        .ok_or_else(|| bad(path, "expected an object"))?;
    let kind = obj
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("function");
    if kind == "provider-defined" || kind == "provider" {
        return serde_json::from_value(v.clone()).map_err(|e| bad(path, e));
    }
    if kind != "function" && kind != "dynamic" {
        return Err(bad(
            &format!("{path}.type"),
            format!("unknown tool type `{kind}`"),
        ));
    }
    let def = obj
        .get("function")
        .and_then(Value::as_object)
        .unwrap_or(obj);
    let name = match field(def, &["name"]) {
        Some(Value::String(s)) => s.clone(),
        _ => name_hint
            .map(str::to_owned)
            .ok_or_else(|| bad(path, "missing `name`"))?,
    };
    let schema = field(def, &["input_schema", "inputSchema", "parameters"])
        .cloned()
        .unwrap_or_else(|| serde_json::json!({"type": "object", "properties": {}}));
    if !schema.is_object() {
        return Err(bad(
            &format!("{path}.input_schema"),
            "a tool schema must be a JSON object",
        ));
    }
    Ok(Tool::Function {
        name,
        description: field(def, &["description"])
            .and_then(Value::as_str)
            .map(str::to_owned),
        input_schema: schema,
        strict: field(def, &["strict"]).and_then(Value::as_bool),
        provider_options: options_of(obj, path)?,
    })
}

/// `"auto"`, `"none"`, `"required"`, `{"type": "tool", "tool_name" | "toolName"}` or OpenAI's
/// `{"type": "function", "function": {"name"}}`.
pub fn tool_choice_from_json(v: &Value) -> Result<ToolChoice> {
    match v {
        Value::String(s) => match s.as_str() {
            "auto" => Ok(ToolChoice::AUTO),
            "none" => Ok(ToolChoice::NONE),
            "required" | "any" => Ok(ToolChoice::REQUIRED),
            other => Err(bad("tool_choice", format!("unknown mode `{other}`"))),
        },
        Value::Object(o) => {
            let name = field(o, &["tool_name", "toolName", "name"])
                .or_else(|| o.get("function").and_then(|f| f.get("name")))
                .and_then(Value::as_str)
                .ok_or_else(|| bad("tool_choice", "expected a tool name"))?;
            Ok(ToolChoice::tool(name))
        }
        other => Err(bad(
            "tool_choice",
            format!("expected a string or an object, got {other}"),
        )),
    }
}

#[cfg(test)]
#[path = "interop_tests.rs"]
mod tests;
