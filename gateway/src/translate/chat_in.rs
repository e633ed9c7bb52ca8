//! OpenAI Chat Completions request JSON → the core's `TextRequest`. Errors name the field.

use crate::error::ApiError;
use ditto_llm::{
    ContentPart, DataSource, ImagePart, Message, ProviderOptions, ResponseFormat, Role,
    TextRequest, Tool, ToolCall, ToolChoice, ToolResult, ToolResultOutput,
};
use serde_json::{Map, Value};
use std::collections::HashMap;

fn bad(path: &str, what: impl std::fmt::Display) -> ApiError {
    let mut e = ApiError::invalid_request(format!("{path}: {what}"));
    e.param = Some(path.to_owned());
    e
}

fn text_of(content: &Value, path: &str) -> Result<String, ApiError> {
    match content {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        Value::Array(parts) => {
            let mut out = String::new();
            for (i, p) in parts.iter().enumerate() {
                match p.get("text").and_then(Value::as_str) {
                    Some(t) => out.push_str(t),
                    None => {
                        return Err(bad(
                            &format!("{path}[{i}]"),
                            "only text parts are accepted here",
                        ))
                    }
                }
            }
            Ok(out)
        }
        other => Err(bad(
            path,
            format!("expected a string or an array of parts, got {other}"),
        )),
    }
}

fn user_parts(content: &Value, path: &str) -> Result<Vec<ContentPart>, ApiError> {
    let Value::Array(parts) = content else {
        return Ok(vec![ContentPart::text(text_of(content, path)?)]);
    };
    let mut out = Vec::with_capacity(parts.len());
    for (i, p) in parts.iter().enumerate() {
        let pp = format!("{path}[{i}]");
        match p.get("type").and_then(Value::as_str) {
            Some("text") => out.push(ContentPart::text(
                p.get("text")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad(&pp, "a text part needs `text`"))?,
            )),
            Some("image_url") => {
                let url = p
                    .get("image_url")
                    .and_then(|u| u.get("url").or(Some(u)))
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad(&format!("{pp}.image_url.url"), "missing"))?;
                out.push(ContentPart::Image(ImagePart {
                    image: DataSource::Url(url.to_owned()),
                    media_type: None,
                    provider_options: ProviderOptions::default(),
                }));
            }
            other => return Err(bad(&pp, format!("unsupported content part type {other:?}"))),
        }
    }
    Ok(out)
}

fn messages(v: &Value) -> Result<Vec<Message>, ApiError> {
    let list = v
        .as_array()
        .ok_or_else(|| bad("messages", "must be an array"))?;
    let mut tool_names: HashMap<String, String> = HashMap::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, m) in list.iter().enumerate() {
        let p = format!("messages[{i}]");
        let role = m
            .get("role")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(&format!("{p}.role"), "missing"))?;
        let content = m.get("content").unwrap_or(&Value::Null);
        let cp = format!("{p}.content");
        let msg = match role {
            "system" | "developer" => Message::system(text_of(content, &cp)?),
            "user" => Message::with_parts(Role::User, user_parts(content, &cp)?),
            "assistant" => {
                let mut parts = Vec::new();
                let text = text_of(content, &cp)?;
                if !text.is_empty() {
                    parts.push(ContentPart::text(text));
                }
                if let Some(calls) = m.get("tool_calls").and_then(Value::as_array) {
                    for (j, c) in calls.iter().enumerate() {
                        let tp = format!("{p}.tool_calls[{j}]");
                        let id = c
                            .get("id")
                            .and_then(Value::as_str)
                            .ok_or_else(|| bad(&format!("{tp}.id"), "missing"))?;
                        let f = c
                            .get("function")
                            .ok_or_else(|| bad(&format!("{tp}.function"), "missing"))?;
                        let name = f
                            .get("name")
                            .and_then(Value::as_str)
                            .ok_or_else(|| bad(&format!("{tp}.function.name"), "missing"))?;
                        let args = f.get("arguments").and_then(Value::as_str).unwrap_or("");
                        tool_names.insert(id.to_owned(), name.to_owned());
                        parts.push(ContentPart::ToolCall(ToolCall::from_raw_arguments(
                            id, name, args,
                        )));
                    }
                }
                Message::with_parts(Role::Assistant, parts)
            }
            "tool" => {
                let id = m
                    .get("tool_call_id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad(&format!("{p}.tool_call_id"), "missing"))?;
                let name = tool_names.get(id).cloned().unwrap_or_default();
                Message::with_parts(
                    Role::Tool,
                    vec![ContentPart::ToolResult(ToolResult {
                        tool_call_id: id.to_owned(),
                        tool_name: name,
                        output: ToolResultOutput::Text(text_of(content, &cp)?),
                        provider_options: ProviderOptions::default(),
                    })],
                )
            }
            other => return Err(bad(&format!("{p}.role"), format!("unknown role `{other}`"))),
        };
        out.push(msg);
    }
    Ok(out)
}

fn tools(v: &Value) -> Result<Vec<Tool>, ApiError> {
    let list = v
        .as_array()
        .ok_or_else(|| bad("tools", "must be an array"))?;
    let mut out = Vec::with_capacity(list.len());
    for (i, t) in list.iter().enumerate() {
        let p = format!("tools[{i}]");
        if t.get("type").and_then(Value::as_str) != Some("function") {
            return Err(bad(
                &format!("{p}.type"),
                "only `function` tools are supported",
            ));
        }
        let f = t
            .get("function")
            .ok_or_else(|| bad(&format!("{p}.function"), "missing"))?;
        let name = f
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(&format!("{p}.function.name"), "missing"))?;
        let schema = f
            .get("parameters")
            .cloned()
            .unwrap_or_else(|| serde_json::json!({"type": "object", "properties": {}}));
        let mut tool = Tool::function(
            name,
            f.get("description")
                .and_then(Value::as_str)
                .map(str::to_owned),
            schema,
        );
        if let (Tool::Function { strict, .. }, Some(s)) =
            (&mut tool, f.get("strict").and_then(Value::as_bool))
        {
            *strict = Some(s);
        }
        out.push(tool);
    }
    Ok(out)
}

fn tool_choice(v: &Value) -> Result<ToolChoice, ApiError> {
    match v {
        Value::String(s) => match s.as_str() {
            "auto" => Ok(ToolChoice::AUTO),
            "none" => Ok(ToolChoice::NONE),
            "required" => Ok(ToolChoice::REQUIRED),
            other => Err(bad("tool_choice", format!("unknown value `{other}`"))),
        },
        Value::Object(o) => o
            .get("function")
            .and_then(|f| f.get("name"))
            .and_then(Value::as_str)
            .map(ToolChoice::tool)
            .ok_or_else(|| bad("tool_choice.function.name", "missing")),
        other => Err(bad("tool_choice", format!("unexpected {other}"))),
    }
}

fn response_format(v: &Value) -> Result<Option<ResponseFormat>, ApiError> {
    match v.get("type").and_then(Value::as_str) {
        Some("text") => Ok(Some(ResponseFormat::Text)),
        Some("json_object") => Ok(Some(ResponseFormat::Json)),
        Some("json_schema") => {
            let js = v
                .get("json_schema")
                .ok_or_else(|| bad("response_format.json_schema", "missing"))?;
            Ok(Some(ResponseFormat::JsonSchema {
                schema: js
                    .get("schema")
                    .cloned()
                    .unwrap_or(Value::Object(Map::new())),
                name: js.get("name").and_then(Value::as_str).map(str::to_owned),
                description: js
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                strict: js.get("strict").and_then(Value::as_bool),
            }))
        }
        other => Err(bad(
            "response_format.type",
            format!("unsupported {other:?}"),
        )),
    }
}

fn float(o: &Map<String, Value>, k: &str) -> Result<Option<f64>, ApiError> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .map(Some)
            .ok_or_else(|| bad(k, "must be a number")),
    }
}

/// Translate a chat request; `model_spec` is `<backend>:<upstream model>`.
pub fn text_request(body: &Value, model_spec: String) -> Result<TextRequest, ApiError> {
    let o = body
        .as_object()
        .ok_or_else(|| bad("body", "must be a JSON object"))?;
    let mut req = TextRequest::new(model_spec);
    req.messages = messages(
        o.get("messages")
            .ok_or_else(|| bad("messages", "missing"))?,
    )?;
    if let Some(t) = o.get("tools").filter(|v| !v.is_null()) {
        req.tools = tools(t)?;
    }
    if let Some(tc) = o.get("tool_choice").filter(|v| !v.is_null()) {
        req.tool_choice = Some(tool_choice(tc)?);
    }
    if o.get("n").and_then(Value::as_u64).is_some_and(|n| n > 1) {
        return Err(bad("n", "only n = 1 is supported by translated backends"));
    }
    let s = &mut req.settings;
    s.max_output_tokens = ["max_completion_tokens", "max_tokens"]
        .iter()
        .find_map(|k| o.get(*k).and_then(Value::as_u64))
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    s.temperature = float(o, "temperature")?;
    s.top_p = float(o, "top_p")?;
    s.presence_penalty = float(o, "presence_penalty")?;
    s.frequency_penalty = float(o, "frequency_penalty")?;
    s.seed = o.get("seed").and_then(Value::as_i64);
    s.stop = match o.get("stop") {
        Some(Value::String(x)) => vec![x.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    if let Some(rf) = o.get("response_format").filter(|v| !v.is_null()) {
        s.response_format = response_format(rf)?;
    }
    req.to_call_options()
        .map_err(|e| ApiError::invalid_request(e.message().to_owned()))?;
    Ok(req)
}
