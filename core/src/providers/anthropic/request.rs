//! Unified call options → an Anthropic Messages request body. Pure: no IO.
//!
//! - Leading system messages become the top-level `system` blocks; a system message later in
//!   the conversation is an `InvalidRequest` (the API has nowhere to put it).
//! - Tool results travel in `user` turns; consecutive turns of the same role are merged.
//! - Reasoning parts go back as `thinking` blocks (with their `signature`) or
//!   `redacted_thinking` blocks (with their `data`), read from `provider_metadata.anthropic`.
//! - `cache_control` is read from `provider_options.anthropic.cache_control` on parts, messages
//!   and tools.
//! - `response_format: json-schema` (or `json`) uses a forced tool named `json`, whose input
//!   the response parser turns back into text.

use crate::error::{Error, Result};
use crate::providers::common::{image_media_type, option, pass_through, unsupported};
use crate::types::{
    CallOptions, ContentPart, FilePart, ImagePart, Message, ProviderOptions, ResponseFormat, Role,
    Tool, ToolChoice, ToolChoiceMode, ToolResultOutput, Warning,
};
use serde_json::{json, Map, Value};

/// The name of the tool used for JSON output.
pub const JSON_TOOL: &str = "json";

/// `max_tokens` when the caller did not set `max_output_tokens` (the API requires one).
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

/// Options the translation reads itself; every other key under `provider_options.anthropic`
/// is copied into the body (`metadata`, `service_tier`, `container`, `context_management`, ...).
const TRANSLATED: &[&str] = &["thinking", "cache_control", "beta", "send_reasoning"];

/// What the request implies for reading the response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestPlan {
    /// The body.
    pub body: Value,
    /// Settings the provider could not honour.
    pub warnings: Vec<Warning>,
    /// The `json` tool carries the answer: its input is the text.
    pub json_tool: bool,
    /// `anthropic-beta` header values asked for through `provider_options.anthropic.beta`.
    pub betas: Vec<String>,
}

/// Build the body for `model_id`.
pub fn build_messages_request(
    model_id: &str,
    options: &CallOptions,
    stream: bool,
) -> Result<RequestPlan> {
    let keys = ["anthropic"];
    let po = &options.settings.provider_options;
    let mut warnings = Vec::new();
    let mut body = Map::new();
    body.insert("model".into(), model_id.into());

    let (system, messages) = convert_prompt(&options.prompt, &mut warnings)?;
    if !system.is_empty() {
        body.insert("system".into(), Value::Array(system));
    }
    body.insert("messages".into(), Value::Array(messages));

    let thinking = option(po, &keys, "thinking").cloned();
    let budget = thinking
        .as_ref()
        .filter(|t| t.get("type").and_then(Value::as_str) == Some("enabled"))
        .and_then(|t| t.get("budget_tokens"))
        .and_then(Value::as_u64);
    let s = &options.settings;
    let max_tokens = u64::from(s.max_output_tokens.unwrap_or(DEFAULT_MAX_TOKENS));
    // The thinking budget counts against max_tokens: add it, as the AI SDK does.
    body.insert(
        "max_tokens".into(),
        (max_tokens + budget.unwrap_or(0)).into(),
    );
    if let Some(t) = thinking {
        body.insert("thinking".into(), t);
    }
    let thinking_on = budget.is_some();
    let mut sampling = |name: &str, value: Option<Value>| {
        if let Some(v) = value {
            if thinking_on {
                warnings.push(Warning::unsupported_setting(
                    name,
                    Some("not supported while extended thinking is enabled".into()),
                ));
            } else {
                body.insert(name.into(), v);
            }
        }
    };
    sampling("temperature", s.temperature.map(|v| json!(v)));
    sampling("top_p", s.top_p.map(|v| json!(v)));
    sampling("top_k", s.top_k.map(|v| json!(v)));
    if !s.stop.is_empty() {
        body.insert("stop_sequences".into(), json!(s.stop));
    }
    for (name, set) in [
        ("seed", s.seed.is_some()),
        ("presence_penalty", s.presence_penalty.is_some()),
        ("frequency_penalty", s.frequency_penalty.is_some()),
    ] {
        if set {
            warnings.push(unsupported(name, "Anthropic"));
        }
    }

    let mut tools = convert_tools(&options.tools, &mut warnings);
    let mut tool_choice = options.tool_choice.as_ref().map(convert_tool_choice);
    let mut json_tool = false;
    match &s.response_format {
        None | Some(ResponseFormat::Text) => {}
        Some(format) => {
            let (schema, description) = match format {
                ResponseFormat::JsonSchema {
                    schema,
                    description,
                    ..
                } => (schema.clone(), description.clone()),
                _ => (json!({"type": "object"}), None),
            };
            tools.push(json!({
                "name": JSON_TOOL,
                "description": description.unwrap_or_else(|| "Respond with a JSON object.".into()),
                "input_schema": schema,
            }));
            tool_choice = Some(json!({"type": "tool", "name": JSON_TOOL}));
            json_tool = true;
            warnings.push(Warning::Compatibility {
                feature: "response_format".into(),
                details: Some("JSON output is produced through a forced tool named `json`".into()),
            });
        }
    }
    if !tools.is_empty() {
        body.insert("tools".into(), Value::Array(tools));
        if let Some(choice) = tool_choice {
            body.insert("tool_choice".into(), choice);
        }
    } else if options.tool_choice.is_some() {
        warnings.push(Warning::unsupported_setting(
            "tool_choice",
            Some("ignored because no tools were given".into()),
        ));
    }
    if stream {
        body.insert("stream".into(), true.into());
    }
    pass_through(po, &keys, TRANSLATED, &mut body);
    let betas = match option(po, &keys, "beta") {
        Some(Value::String(b)) => vec![b.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    Ok(RequestPlan {
        body: Value::Object(body),
        warnings,
        json_tool,
        betas,
    })
}

fn cache_control(options: &ProviderOptions) -> Option<Value> {
    options.value("anthropic", "cache_control").cloned()
}

fn with_cache(mut block: Value, options: &ProviderOptions) -> Value {
    if let Some(cc) = cache_control(options) {
        block["cache_control"] = cc;
    }
    block
}

/// Leading system messages → `system` blocks; the rest → alternating `messages`.
fn convert_prompt(
    prompt: &[Message],
    warnings: &mut Vec<Warning>,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut system = Vec::new();
    let mut messages: Vec<Value> = Vec::new();
    let mut seen_other = false;
    for message in prompt {
        let (role, mut blocks) = match message.role {
            Role::System => {
                if seen_other {
                    return Err(Error::invalid_request(
                        "Anthropic takes system messages only at the start of the conversation",
                    ));
                }
                for part in &message.content {
                    let ContentPart::Text(t) = part else {
                        return Err(Error::invalid_request(format!(
                            "a system message may only hold text, not `{}`",
                            part.type_name()
                        )));
                    };
                    system.push(with_cache(
                        json!({"type": "text", "text": t.text}),
                        &t.provider_options,
                    ));
                }
                if let (Some(cc), Some(last)) =
                    (cache_control(&message.provider_options), system.last_mut())
                {
                    last["cache_control"] = cc;
                }
                continue;
            }
            Role::User => ("user", user_blocks(message)?),
            Role::Assistant => ("assistant", assistant_blocks(message, warnings)?),
            Role::Tool => ("user", tool_blocks(message)?),
        };
        seen_other = true;
        if let (Some(cc), Some(last)) =
            (cache_control(&message.provider_options), blocks.last_mut())
        {
            last["cache_control"] = cc;
        }
        match messages.last_mut() {
            Some(prev) if prev["role"] == role => {
                if let Some(content) = prev["content"].as_array_mut() {
                    content.extend(blocks);
                }
            }
            _ => messages.push(json!({"role": role, "content": blocks})),
        }
    }
    // The API rejects empty content arrays (e.g. an assistant turn holding only dropped parts).
    messages.retain(|m| m["content"].as_array().is_some_and(|c| !c.is_empty()));
    Ok((system, messages))
}

fn user_blocks(message: &Message) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(message.content.len());
    for part in &message.content {
        out.push(match part {
            ContentPart::Text(t) => {
                with_cache(json!({"type": "text", "text": t.text}), &t.provider_options)
            }
            ContentPart::Image(img) => image_block(img),
            ContentPart::File(f) => file_block(f)?,
            other => {
                return Err(Error::invalid_request(format!(
                    "a user message may not hold `{}` parts",
                    other.type_name()
                )))
            }
        });
    }
    Ok(out)
}

fn image_block(img: &ImagePart) -> Value {
    let media_type = image_media_type(img.media_type.as_deref(), &img.image, "image/jpeg");
    let source = match img.image.to_base64() {
        Some(data) => json!({"type": "base64", "media_type": media_type, "data": data}),
        None => json!({"type": "url", "url": img.image.to_url(media_type)}),
    };
    with_cache(
        json!({"type": "image", "source": source}),
        &img.provider_options,
    )
}

fn file_block(file: &FilePart) -> Result<Value> {
    let mt = file.media_type.as_str();
    if mt.starts_with("image/") {
        return Ok(image_block(&ImagePart {
            image: file.data.clone(),
            media_type: Some(file.media_type.clone()),
            provider_options: file.provider_options.clone(),
        }));
    }
    let source = match (mt, file.data.to_base64()) {
        ("application/pdf", Some(data)) => {
            json!({"type": "base64", "media_type": "application/pdf", "data": data})
        }
        ("application/pdf", None) => json!({"type": "url", "url": file.data.to_url(mt)}),
        ("text/plain", Some(data)) => {
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(data.as_bytes())
                .map_err(|_| Error::invalid_request("a text/plain file holds invalid base64"))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::invalid_request("a text/plain file is not UTF-8"))?;
            json!({"type": "text", "media_type": "text/plain", "data": text})
        }
        _ => {
            return Err(Error::invalid_request(format!(
            "Anthropic does not accept files of type {mt} (images, PDF and inline text/plain only)"
        )))
        }
    };
    let mut block = json!({"type": "document", "source": source});
    if let Some(name) = &file.filename {
        block["title"] = name.clone().into();
    }
    // `citations: {"enabled": true}`, `context` and `title` are document options.
    for key in ["citations", "context", "title"] {
        if let Some(v) = file.provider_options.value("anthropic", key) {
            block[key] = v.clone();
        }
    }
    Ok(with_cache(block, &file.provider_options))
}

fn assistant_blocks(message: &Message, warnings: &mut Vec<Warning>) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(message.content.len());
    for part in &message.content {
        match part {
            ContentPart::Text(t) => {
                if !t.text.is_empty() {
                    out.push(with_cache(
                        json!({"type": "text", "text": t.text}),
                        &t.provider_options,
                    ));
                }
            }
            ContentPart::Reasoning(r) => {
                let meta = r
                    .provider_metadata
                    .as_ref()
                    .and_then(|m| m.get("anthropic"));
                let signature = meta
                    .and_then(|m| m.get("signature"))
                    .and_then(Value::as_str);
                let redacted = meta
                    .and_then(|m| m.get("redacted_data"))
                    .and_then(Value::as_str);
                if let Some(data) = redacted {
                    out.push(json!({"type": "redacted_thinking", "data": data}));
                } else if let Some(sig) = signature {
                    out.push(json!({"type": "thinking", "thinking": r.text, "signature": sig}));
                } else {
                    warnings.push(Warning::Compatibility {
                        feature: "reasoning".into(),
                        details: Some(
                            "a reasoning part without an Anthropic signature was not sent back"
                                .into(),
                        ),
                    });
                }
            }
            ContentPart::ToolCall(call) => {
                if call.provider_executed {
                    warnings.push(Warning::Compatibility {
                        feature: "provider-executed tool call".into(),
                        details: Some(format!(
                            "the server tool call `{}` of an earlier turn was not sent back",
                            call.tool_name
                        )),
                    });
                    continue;
                }
                let input = if call.invalid_input || !call.input.is_object() {
                    // The API needs an object; keep what the model said under one key.
                    json!({"input": call.input})
                } else {
                    call.input.clone()
                };
                out.push(json!({
                    "type": "tool_use",
                    "id": call.tool_call_id,
                    "name": call.tool_name,
                    "input": input,
                }));
            }
            ContentPart::File(f) if f.media_type.starts_with("image/") => {
                return Err(Error::invalid_request(
                    "Anthropic does not accept images in assistant messages",
                ))
            }
            other => {
                return Err(Error::invalid_request(format!(
                    "an assistant message may not hold `{}` parts for Anthropic",
                    other.type_name()
                )))
            }
        }
    }
    Ok(out)
}

fn tool_blocks(message: &Message) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(message.content.len());
    for part in &message.content {
        let ContentPart::ToolResult(r) = part else {
            return Err(Error::invalid_request(format!(
                "a tool message may only hold tool results, not `{}`",
                part.type_name()
            )));
        };
        let content = match &r.output {
            ToolResultOutput::Text(t) | ToolResultOutput::ErrorText(t) => t.clone(),
            ToolResultOutput::Json(v) | ToolResultOutput::ErrorJson(v) => v.to_string(),
        };
        let mut block = json!({
            "type": "tool_result",
            "tool_use_id": r.tool_call_id,
            "content": content,
        });
        if r.output.is_error() {
            block["is_error"] = true.into();
        }
        out.push(with_cache(block, &r.provider_options));
    }
    Ok(out)
}

fn convert_tools(tools: &[Tool], warnings: &mut Vec<Warning>) -> Vec<Value> {
    let mut out = Vec::with_capacity(tools.len());
    for tool in tools {
        match tool {
            Tool::Function {
                name,
                description,
                input_schema,
                provider_options,
                ..
            } => {
                let mut t = json!({"name": name, "input_schema": input_schema});
                if let Some(d) = description {
                    t["description"] = d.clone().into();
                }
                out.push(with_cache(t, provider_options));
            }
            Tool::ProviderDefined { id, name, args } => match id.strip_prefix("anthropic.") {
                // `anthropic.web_search_20250305` → {"type": "web_search_20250305", "name", ...args}
                Some(kind) => {
                    let mut t = Map::new();
                    t.insert("type".into(), kind.into());
                    t.insert("name".into(), name.clone().into());
                    for (k, v) in args {
                        t.insert(k.clone(), v.clone());
                    }
                    out.push(Value::Object(t));
                }
                None => warnings.push(Warning::UnsupportedTool {
                    tool_name: name.clone(),
                    details: Some(format!("provider tool `{id}` is not an Anthropic tool")),
                }),
            },
        }
    }
    out
}

fn convert_tool_choice(choice: &ToolChoice) -> Value {
    match choice {
        ToolChoice::Mode(ToolChoiceMode::Auto) => json!({"type": "auto"}),
        ToolChoice::Mode(ToolChoiceMode::None) => json!({"type": "none"}),
        ToolChoice::Mode(ToolChoiceMode::Required) => json!({"type": "any"}),
        ToolChoice::Tool(t) => json!({"type": "tool", "name": t.tool_name}),
    }
}
