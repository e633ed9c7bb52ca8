//! Unified call options → a Cohere v2 `/v2/chat` body. Pure: no IO.
//!
//! Cohere's `tool_plan` (the plan it writes before calling tools) comes back as a reasoning
//! part marked `provider_metadata.cohere.tool_plan = true`, and goes out again as the assistant
//! message's `tool_plan`.

use crate::error::{Error, Result};
use crate::providers::common::{
    image_media_type, insert_settings, option, pass_through, SettingNames,
};
use crate::types::{
    CallOptions, ContentPart, Message, ResponseFormat, Role, Tool, ToolChoice, ToolChoiceMode,
    Warning,
};
use serde_json::{json, Map, Value};

const TRANSLATED: &[&str] = &[];

/// Build the body.
pub fn build_chat_request(
    model_id: &str,
    options: &CallOptions,
    stream: bool,
) -> Result<(Value, Vec<Warning>)> {
    let keys = ["cohere"];
    let po = &options.settings.provider_options;
    let mut warnings = Vec::new();
    let mut messages = Vec::new();
    for m in &options.prompt {
        messages.extend(convert_message(m)?);
    }
    let mut body = Map::new();
    body.insert("model".into(), model_id.into());
    body.insert("messages".into(), Value::Array(messages));
    let s = &options.settings;
    insert_settings(
        &mut body,
        s,
        &SettingNames {
            max_output_tokens: "max_tokens",
            temperature: "temperature",
            top_p: "p",
            top_k: "k",
            presence_penalty: "presence_penalty",
            frequency_penalty: "frequency_penalty",
            seed: "seed",
            stop: "stop_sequences",
        },
    );
    match &s.response_format {
        None | Some(ResponseFormat::Text) => {}
        Some(ResponseFormat::Json) => {
            body.insert("response_format".into(), json!({"type": "json_object"}));
        }
        Some(ResponseFormat::JsonSchema { schema, .. }) => {
            body.insert(
                "response_format".into(),
                json!({"type": "json_object", "json_schema": schema}),
            );
        }
    }
    let mut tools = Vec::new();
    for tool in &options.tools {
        match tool {
            Tool::Function {
                name,
                description,
                input_schema,
                ..
            } => {
                let mut f = json!({"name": name, "parameters": input_schema});
                if let Some(d) = description {
                    f["description"] = d.clone().into();
                }
                tools.push(json!({"type": "function", "function": f}));
            }
            Tool::ProviderDefined { id, name, .. } => warnings.push(Warning::UnsupportedTool {
                tool_name: name.clone(),
                details: Some(format!("provider tool `{id}` is not available on Cohere")),
            }),
        }
    }
    if !tools.is_empty() {
        match &options.tool_choice {
            None | Some(ToolChoice::Mode(ToolChoiceMode::Auto)) => {}
            Some(ToolChoice::Mode(ToolChoiceMode::None)) => {
                body.insert("tool_choice".into(), "NONE".into());
            }
            Some(ToolChoice::Mode(ToolChoiceMode::Required)) => {
                body.insert("tool_choice".into(), "REQUIRED".into());
            }
            Some(ToolChoice::Tool(t)) => {
                // Cohere cannot name a tool: offer only that one and require a call.
                tools.retain(|x| x["function"]["name"] == t.tool_name.as_str());
                body.insert("tool_choice".into(), "REQUIRED".into());
            }
        }
        body.insert("tools".into(), Value::Array(tools));
    } else if options.tool_choice.is_some() {
        warnings.push(Warning::unsupported_setting(
            "tool_choice",
            Some("ignored because no tools were given".into()),
        ));
    }
    if stream {
        body.insert("stream".into(), true.into());
    }
    if let Some(t) = option(po, &keys, "thinking") {
        body.insert("thinking".into(), t.clone());
    }
    pass_through(po, &keys, TRANSLATED, &mut body);
    Ok((Value::Object(body), warnings))
}

fn convert_message(message: &Message) -> Result<Vec<Value>> {
    Ok(match message.role {
        Role::System => vec![json!({"role": "system", "content": message.joined_text()})],
        Role::User => {
            if let [ContentPart::Text(t)] = message.content.as_slice() {
                return Ok(vec![json!({"role": "user", "content": t.text})]);
            }
            let mut parts = Vec::new();
            for part in &message.content {
                parts.push(match part {
                    ContentPart::Text(t) => json!({"type": "text", "text": t.text}),
                    ContentPart::Image(img) => {
                        let mt = image_media_type(img.media_type.as_deref(), &img.image, "image/jpeg");
                        json!({"type": "image_url", "image_url": {"url": img.image.to_url(mt)}})
                    }
                    ContentPart::File(f) if f.media_type.starts_with("image/") => {
                        json!({"type": "image_url", "image_url": {"url": f.data.to_url(&f.media_type)}})
                    }
                    other => {
                        return Err(Error::invalid_request(format!(
                            "Cohere does not accept `{}` parts{} in user messages",
                            other.type_name(),
                            match other {
                                ContentPart::File(f) => format!(" of type {}", f.media_type),
                                _ => String::new(),
                            }
                        )))
                    }
                });
            }
            vec![json!({"role": "user", "content": parts})]
        }
        Role::Assistant => {
            let mut text = String::new();
            let mut plan = String::new();
            let mut calls = Vec::new();
            for part in &message.content {
                match part {
                    ContentPart::Text(t) => text.push_str(&t.text),
                    ContentPart::Reasoning(r) => plan.push_str(&r.text),
                    ContentPart::ToolCall(c) => calls.push(json!({
                        "id": c.tool_call_id,
                        "type": "function",
                        "function": {"name": c.tool_name, "arguments": c.arguments_json()},
                    })),
                    other => {
                        return Err(Error::invalid_request(format!(
                            "an assistant message may not hold `{}` parts for Cohere",
                            other.type_name()
                        )))
                    }
                }
            }
            let mut m = json!({"role": "assistant"});
            if !calls.is_empty() {
                m["tool_calls"] = Value::Array(calls);
                if !plan.is_empty() {
                    m["tool_plan"] = plan.into();
                }
            }
            if !text.is_empty() || m.get("tool_calls").is_none() {
                m["content"] = text.into();
            }
            vec![m]
        }
        Role::Tool => {
            let mut out = Vec::new();
            for part in &message.content {
                let ContentPart::ToolResult(r) = part else {
                    return Err(Error::invalid_request(format!(
                        "a tool message may only hold tool results, not `{}`",
                        part.type_name()
                    )));
                };
                out.push(json!({
                    "role": "tool",
                    "tool_call_id": r.tool_call_id,
                    "content": r.output.to_text(),
                }));
            }
            out
        }
    })
}
