//! Unified call options → an OpenAI Responses API body (`POST /responses`). Pure: no IO.
//!
//! Reasoning parts go back as `reasoning` items: their `provider_metadata.openai` holds the
//! `item_id` and, for `store: false`, the `encrypted_content`; consecutive parts of the same
//! item become one item with several summary entries. Without encrypted content a stored item
//! is referenced by id (`item_reference`).

use super::super::request::is_reasoning_model;
use crate::error::{Error, Result};
use crate::providers::common::{image_media_type, option, pass_through};
use crate::types::{
    CallOptions, ContentPart, FilePart, ImagePart, Message, ResponseFormat, Role, Tool, ToolChoice,
    ToolChoiceMode, Warning,
};
use serde_json::{json, Map, Value};

/// Options read by the translation; the rest of `provider_options.openai` passes into the body
/// (`previous_response_id`, `store`, `include`, `instructions`, `metadata`, `user`, ...).
const TRANSLATED: &[&str] = &[
    "api",
    "image_detail",
    "reasoning_effort",
    "reasoning_summary",
];

/// Build the body; `keys` are the provider option keys (most specific first).
pub fn build_responses_request(
    model_id: &str,
    options: &CallOptions,
    keys: &[&str],
    stream: bool,
) -> Result<(Value, Vec<Warning>)> {
    let po = &options.settings.provider_options;
    let reasoning_model = is_reasoning_model(model_id);
    let mut warnings = Vec::new();
    let image_detail = option(po, keys, "image_detail").and_then(Value::as_str);
    let mut input = Vec::new();
    for message in &options.prompt {
        convert_message(
            message,
            reasoning_model,
            image_detail,
            &mut input,
            &mut warnings,
        )?;
    }
    let mut body = Map::new();
    body.insert("model".into(), model_id.into());
    body.insert("input".into(), Value::Array(input));
    let s = &options.settings;
    if let Some(n) = s.max_output_tokens {
        body.insert("max_output_tokens".into(), n.into());
    }
    for (name, v) in [("temperature", s.temperature), ("top_p", s.top_p)] {
        if let Some(v) = v {
            if reasoning_model {
                warnings.push(Warning::unsupported_setting(
                    name,
                    Some(format!(
                        "{model_id} is a reasoning model and does not take {name}"
                    )),
                ));
            } else {
                body.insert(name.into(), json!(v));
            }
        }
    }
    for (name, set) in [
        ("top_k", s.top_k.is_some()),
        ("seed", s.seed.is_some()),
        ("stop", !s.stop.is_empty()),
        ("presence_penalty", s.presence_penalty.is_some()),
        ("frequency_penalty", s.frequency_penalty.is_some()),
    ] {
        if set {
            warnings.push(Warning::unsupported_setting(
                name,
                Some("the Responses API has no such setting".into()),
            ));
        }
    }
    match &s.response_format {
        None | Some(ResponseFormat::Text) => {}
        Some(ResponseFormat::Json) => {
            body.insert("text".into(), json!({"format": {"type": "json_object"}}));
        }
        Some(ResponseFormat::JsonSchema {
            schema,
            name,
            description,
            strict,
        }) => {
            let mut f = json!({
                "type": "json_schema",
                "name": name.as_deref().unwrap_or("response"),
                "schema": schema,
                "strict": strict.unwrap_or(true),
            });
            if let Some(d) = description {
                f["description"] = d.clone().into();
            }
            body.insert("text".into(), json!({"format": f}));
        }
    }
    let mut reasoning = Map::new();
    if let Some(e) = option(po, keys, "reasoning_effort") {
        reasoning.insert("effort".into(), e.clone());
    }
    if let Some(sm) = option(po, keys, "reasoning_summary") {
        reasoning.insert("summary".into(), sm.clone());
    }
    if !reasoning.is_empty() {
        body.insert("reasoning".into(), Value::Object(reasoning));
    }
    // Without storage, reasoning can only come back if its encrypted content was asked for.
    let store = option(po, keys, "store").and_then(Value::as_bool);
    if store == Some(false) && reasoning_model && option(po, keys, "include").is_none() {
        body.insert("include".into(), json!(["reasoning.encrypted_content"]));
    }
    let tools = convert_tools(&options.tools, &mut warnings);
    if !tools.is_empty() {
        body.insert("tools".into(), Value::Array(tools));
        if let Some(choice) = &options.tool_choice {
            let c = match choice {
                ToolChoice::Mode(ToolChoiceMode::Auto) => json!("auto"),
                ToolChoice::Mode(ToolChoiceMode::None) => json!("none"),
                ToolChoice::Mode(ToolChoiceMode::Required) => json!("required"),
                ToolChoice::Tool(t) => json!({"type": "function", "name": t.tool_name}),
            };
            body.insert("tool_choice".into(), c);
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
    pass_through(po, keys, TRANSLATED, &mut body);
    Ok((Value::Object(body), warnings))
}

fn openai_meta<'a>(meta: Option<&'a crate::types::ProviderMetadata>, key: &str) -> Option<&'a str> {
    meta?.get("openai")?.get(key)?.as_str()
}

fn convert_message(
    message: &Message,
    reasoning_model: bool,
    image_detail: Option<&str>,
    out: &mut Vec<Value>,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    match message.role {
        Role::System => {
            let role = if reasoning_model {
                "developer"
            } else {
                "system"
            };
            out.push(json!({"role": role, "content": message.joined_text()}));
        }
        Role::User => {
            let mut content = Vec::new();
            for part in &message.content {
                content.push(match part {
                    ContentPart::Text(t) => json!({"type": "input_text", "text": t.text}),
                    ContentPart::Image(img) => image_item(img, image_detail),
                    ContentPart::File(f) => file_item(f)?,
                    other => {
                        return Err(Error::invalid_request(format!(
                            "a user message may not hold `{}` parts",
                            other.type_name()
                        )))
                    }
                });
            }
            out.push(json!({"role": "user", "content": content}));
        }
        Role::Assistant => {
            for part in &message.content {
                match part {
                    ContentPart::Text(t) => out.push(json!({
                        "role": "assistant",
                        "content": [{"type": "output_text", "text": t.text}],
                    })),
                    ContentPart::Reasoning(r) => {
                        let meta = r.provider_metadata.as_ref();
                        let item_id = openai_meta(meta, "item_id");
                        let encrypted = openai_meta(meta, "encrypted_content");
                        // Another summary of the item we just wrote: append to it.
                        if let (Some(id), Some(last)) = (item_id, out.last_mut()) {
                            if last["type"] == "reasoning" && last["id"] == id {
                                if !r.text.is_empty() {
                                    if let Some(s) = last["summary"].as_array_mut() {
                                        s.push(json!({"type": "summary_text", "text": r.text}));
                                    }
                                }
                                continue;
                            }
                        }
                        match (item_id, encrypted) {
                            (id, Some(enc)) => {
                                let mut item = json!({"type": "reasoning", "encrypted_content": enc, "summary": []});
                                if let Some(id) = id {
                                    item["id"] = id.into();
                                }
                                if !r.text.is_empty() {
                                    item["summary"] = json!([{"type": "summary_text", "text": r.text}]);
                                }
                                out.push(item);
                            }
                            (Some(id), None) => {
                                if !matches!(out.last(), Some(l) if l["type"] == "item_reference" && l["id"] == id) {
                                    out.push(json!({"type": "item_reference", "id": id}));
                                }
                            }
                            (None, None) => warnings.push(Warning::Compatibility {
                                feature: "reasoning".into(),
                                details: Some("a reasoning part without an OpenAI item id or encrypted content was not sent back".into()),
                            }),
                        }
                    }
                    ContentPart::ToolCall(call) => {
                        if call.provider_executed {
                            if let Some(id) =
                                openai_meta(call.provider_metadata.as_ref(), "item_id")
                            {
                                out.push(json!({"type": "item_reference", "id": id}));
                            }
                            continue;
                        }
                        let mut item = json!({
                            "type": "function_call",
                            "call_id": call.tool_call_id,
                            "name": call.tool_name,
                            "arguments": call.arguments_json(),
                        });
                        if let Some(id) = openai_meta(call.provider_metadata.as_ref(), "item_id") {
                            item["id"] = id.into();
                        }
                        out.push(item);
                    }
                    other => {
                        return Err(Error::invalid_request(format!(
                            "an assistant message may not hold `{}` parts for the Responses API",
                            other.type_name()
                        )))
                    }
                }
            }
        }
        Role::Tool => {
            for part in &message.content {
                let ContentPart::ToolResult(r) = part else {
                    return Err(Error::invalid_request(format!(
                        "a tool message may only hold tool results, not `{}`",
                        part.type_name()
                    )));
                };
                out.push(json!({
                    "type": "function_call_output",
                    "call_id": r.tool_call_id,
                    "output": r.output.to_text(),
                }));
            }
        }
    }
    Ok(())
}

fn image_item(img: &ImagePart, default_detail: Option<&str>) -> Value {
    let mt = image_media_type(img.media_type.as_deref(), &img.image, "image/jpeg");
    let mut item = json!({"type": "input_image", "image_url": img.image.to_url(mt)});
    let detail = img
        .provider_options
        .value("openai", "image_detail")
        .and_then(Value::as_str)
        .or(default_detail);
    if let Some(d) = detail {
        item["detail"] = d.into();
    }
    item
}

fn file_item(file: &FilePart) -> Result<Value> {
    let mt = file.media_type.as_str();
    if mt.starts_with("image/") {
        return Ok(image_item(
            &ImagePart {
                image: file.data.clone(),
                media_type: Some(file.media_type.clone()),
                provider_options: file.provider_options.clone(),
            },
            None,
        ));
    }
    if mt != "application/pdf" {
        return Err(Error::invalid_request(format!(
            "the Responses API does not accept files of type {mt} (images and PDF only)"
        )));
    }
    Ok(match file.data.to_base64() {
        Some(data) => json!({
            "type": "input_file",
            "filename": file.filename.clone().unwrap_or_else(|| "document.pdf".into()),
            "file_data": format!("data:application/pdf;base64,{data}"),
        }),
        None => json!({"type": "input_file", "file_url": file.data.to_url(mt)}),
    })
}

fn convert_tools(tools: &[Tool], warnings: &mut Vec<Warning>) -> Vec<Value> {
    let mut out = Vec::new();
    for tool in tools {
        match tool {
            Tool::Function {
                name,
                description,
                input_schema,
                strict,
                ..
            } => {
                let mut t = json!({"type": "function", "name": name, "parameters": input_schema});
                if let Some(d) = description {
                    t["description"] = d.clone().into();
                }
                if let Some(s) = strict {
                    t["strict"] = (*s).into();
                }
                out.push(t);
            }
            Tool::ProviderDefined { id, name, args } => match id.strip_prefix("openai.") {
                Some(kind) => {
                    let mut t = Map::new();
                    t.insert("type".into(), kind.into());
                    for (k, v) in args {
                        t.insert(k.clone(), v.clone());
                    }
                    out.push(Value::Object(t));
                }
                None => warnings.push(Warning::UnsupportedTool {
                    tool_name: name.clone(),
                    details: Some(format!("provider tool `{id}` is not an OpenAI tool")),
                }),
            },
        }
    }
    out
}
