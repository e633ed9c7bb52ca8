//! Unified call options → a Bedrock Converse body (`/model/{id}/converse[-stream]`). Pure.
//!
//! Reasoning parts go back as `reasoningContent` blocks with the `signature` from
//! `provider_metadata.bedrock` (or `redactedContent`). `provider_options.bedrock`:
//! `reasoning_config` (`{"type": "enabled", "budget_tokens": N}`) → for Anthropic models
//! `additionalModelRequestFields.thinking` (the budget is added to `maxTokens`), for others
//! `additionalModelRequestFields.reasoningConfig`,
//! `additional_model_request_fields` merged there, `guardrail_config`, `performance_config`
//! and any other key copied into the body.

use crate::error::{Error, Result};
use crate::providers::common::{option, split_turns};
use crate::types::{
    CallOptions, ContentPart, DataSource, Message, ResponseFormat, Role, Tool, ToolChoice,
    ToolChoiceMode, ToolResultOutput, Warning,
};
use serde_json::{json, Map, Value};

const TRANSLATED: &[&str] = &["reasoning_config", "additional_model_request_fields"];

/// Build the body.
pub fn build_converse_request(
    model_id: &str,
    options: &CallOptions,
) -> Result<(Value, Vec<Warning>)> {
    let keys = ["bedrock"];
    let po = &options.settings.provider_options;
    let mut warnings = Vec::new();
    let (system, turns) = split_turns(&options.prompt, "Bedrock", |message| {
        Ok(match message.role {
            Role::Assistant => ("assistant", assistant_blocks(message, &mut warnings)?),
            Role::Tool => ("user", tool_blocks(message)?),
            _ => ("user", user_blocks(message)?),
        })
    })?;
    let messages: Vec<Value> = turns
        .into_iter()
        .map(|(role, blocks)| json!({"role": role, "content": blocks}))
        .collect();
    let mut body = Map::new();
    body.insert("messages".into(), Value::Array(messages));
    if !system.is_empty() {
        body.insert("system".into(), Value::Array(system));
    }
    let s = &options.settings;
    let reasoning = option(po, &keys, "reasoning_config").cloned();
    let anthropic_model = model_id.contains("anthropic.");
    let budget = reasoning
        .as_ref()
        .filter(|r| r.get("type").and_then(Value::as_str) == Some("enabled"))
        .and_then(|r| r.get("budget_tokens").or_else(|| r.get("budgetTokens")))
        .and_then(Value::as_u64);
    let mut inference = Map::new();
    match (s.max_output_tokens, budget.filter(|_| anthropic_model)) {
        (Some(n), Some(b)) => {
            inference.insert("maxTokens".into(), (u64::from(n) + b).into());
        }
        (None, Some(b)) => {
            inference.insert("maxTokens".into(), (4096 + b).into());
        }
        (Some(n), None) => {
            inference.insert("maxTokens".into(), n.into());
        }
        (None, None) => {}
    }
    if let Some(t) = s.temperature {
        inference.insert("temperature".into(), json!(t));
    }
    if let Some(p) = s.top_p {
        inference.insert("topP".into(), json!(p));
    }
    if !s.stop.is_empty() {
        inference.insert("stopSequences".into(), json!(s.stop));
    }
    if !inference.is_empty() {
        body.insert("inferenceConfig".into(), Value::Object(inference));
    }
    let mut additional = option(po, &keys, "additional_model_request_fields")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(k) = s.top_k {
        additional.insert("top_k".into(), k.into());
    }
    if let Some(r) = reasoning {
        if anthropic_model {
            let mut thinking = Map::new();
            thinking.insert(
                "type".into(),
                r.get("type").cloned().unwrap_or_else(|| "enabled".into()),
            );
            if let Some(b) = budget {
                thinking.insert("budget_tokens".into(), b.into());
            }
            additional.insert("thinking".into(), Value::Object(thinking));
        } else {
            additional.insert("reasoningConfig".into(), r);
        }
    }
    if !additional.is_empty() {
        body.insert(
            "additionalModelRequestFields".into(),
            Value::Object(additional),
        );
    }
    for (name, set) in [
        ("seed", s.seed.is_some()),
        ("presence_penalty", s.presence_penalty.is_some()),
        ("frequency_penalty", s.frequency_penalty.is_some()),
    ] {
        if set {
            warnings.push(crate::providers::common::unsupported(
                name,
                "Bedrock Converse",
            ));
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
                let mut spec = json!({"name": name, "inputSchema": {"json": input_schema}});
                if let Some(d) = description {
                    spec["description"] = d.clone().into();
                }
                tools.push(json!({"toolSpec": spec}));
            }
            Tool::ProviderDefined { id, name, .. } => warnings.push(Warning::UnsupportedTool {
                tool_name: name.clone(),
                details: Some(format!(
                    "provider tool `{id}` is not available on Bedrock Converse"
                )),
            }),
        }
    }
    let mut tool_choice = options.tool_choice.clone();
    if let Some(ResponseFormat::JsonSchema { schema, .. }) = &s.response_format {
        tools.push(
            json!({"toolSpec": {"name": "json", "description": "Respond with a JSON object.",
            "inputSchema": {"json": schema}}}),
        );
        tool_choice = Some(ToolChoice::tool("json"));
        warnings.push(Warning::Compatibility {
            feature: "response_format".into(),
            details: Some("JSON output is requested through a forced tool named `json`".into()),
        });
    } else if matches!(s.response_format, Some(ResponseFormat::Json)) {
        warnings.push(Warning::unsupported_setting(
            "response_format",
            Some("Bedrock Converse has no JSON mode without a schema".into()),
        ));
    }
    if !tools.is_empty() {
        let mut config = json!({"tools": tools});
        match tool_choice {
            None | Some(ToolChoice::Mode(ToolChoiceMode::Auto)) => {}
            Some(ToolChoice::Mode(ToolChoiceMode::Required)) => {
                config["toolChoice"] = json!({"any": {}})
            }
            Some(ToolChoice::Tool(t)) => {
                config["toolChoice"] = json!({"tool": {"name": t.tool_name}})
            }
            Some(ToolChoice::Mode(ToolChoiceMode::None)) => {
                warnings.push(Warning::unsupported_setting(
                    "tool_choice",
                    Some("Bedrock has no `none`; the tools were not sent".into()),
                ));
                config = Value::Null;
            }
        }
        if !config.is_null() {
            body.insert("toolConfig".into(), config);
        }
    }
    if let Some(extra) = po.get("bedrock") {
        for (k, v) in extra {
            if !TRANSLATED.contains(&k.as_str()) {
                let camel = to_camel(k);
                body.insert(camel, v.clone());
            }
        }
    }
    Ok((Value::Object(body), warnings))
}

/// `guardrail_config` → `guardrailConfig`; camelCase keys pass unchanged.
fn to_camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn format_of(media_type: &str) -> Option<&str> {
    let sub = media_type.split('/').nth(1)?;
    Some(match sub {
        "jpg" => "jpeg",
        "plain" => "txt",
        "vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "msword" => "doc",
        "vnd.ms-excel" => "xls",
        "vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        other => other,
    })
}

fn inline(data: &DataSource, what: &str) -> Result<String> {
    data.to_base64().ok_or_else(|| {
        Error::invalid_request(format!(
            "Bedrock Converse takes {what} inline (bytes or base64), not by URL"
        ))
    })
}

fn user_blocks(message: &Message) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for part in &message.content {
        out.push(match part {
            ContentPart::Text(t) => json!({"text": t.text}),
            ContentPart::Image(img) => {
                let mt = crate::providers::common::image_media_type(
                    img.media_type.as_deref(),
                    &img.image,
                    "image/jpeg",
                );
                json!({"image": {"format": format_of(mt).unwrap_or("jpeg"),
                    "source": {"bytes": inline(&img.image, "images")?}}})
            }
            ContentPart::File(f) if f.media_type.starts_with("image/") => json!({"image": {
                "format": format_of(&f.media_type).unwrap_or("jpeg"),
                "source": {"bytes": inline(&f.data, "images")?}}}),
            ContentPart::File(f) => {
                let format = match format_of(&f.media_type) {
                    Some(
                        fmt @ ("pdf" | "csv" | "doc" | "docx" | "xls" | "xlsx" | "html" | "txt"
                        | "md"),
                    ) => fmt,
                    _ => {
                        return Err(Error::invalid_request(format!(
                            "Bedrock Converse does not accept files of type {}",
                            f.media_type
                        )))
                    }
                };
                // Document names may only hold letters, digits, spaces, hyphens, brackets.
                let name: String = f
                    .filename
                    .as_deref()
                    .unwrap_or("document")
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || " -()[]".contains(c) {
                            c
                        } else {
                            '-'
                        }
                    })
                    .collect();
                json!({"document": {"format": format, "name": name,
                    "source": {"bytes": inline(&f.data, "documents")?}}})
            }
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

fn assistant_blocks(message: &Message, warnings: &mut Vec<Warning>) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for part in &message.content {
        match part {
            ContentPart::Text(t) => {
                if !t.text.is_empty() {
                    out.push(json!({"text": t.text}));
                }
            }
            ContentPart::Reasoning(r) => {
                let meta = r.provider_metadata.as_ref().and_then(|m| m.get("bedrock"));
                let sig = meta.and_then(|m| m.get("signature")).and_then(Value::as_str);
                let redacted = meta.and_then(|m| m.get("redacted_data")).and_then(Value::as_str);
                if let Some(data) = redacted {
                    out.push(json!({"reasoningContent": {"redactedContent": data}}));
                } else if let Some(sig) = sig {
                    out.push(json!({"reasoningContent": {"reasoningText": {"text": r.text, "signature": sig}}}));
                } else {
                    warnings.push(Warning::Compatibility {
                        feature: "reasoning".into(),
                        details: Some("a reasoning part without a Bedrock signature was not sent back".into()),
                    });
                }
            }
            ContentPart::ToolCall(c) => out.push(json!({"toolUse": {
                "toolUseId": c.tool_call_id,
                "name": c.tool_name,
                "input": if c.input.is_object() && !c.invalid_input { c.input.clone() } else { json!({"input": c.input}) },
            }})),
            other => {
                return Err(Error::invalid_request(format!(
                    "an assistant message may not hold `{}` parts for Bedrock",
                    other.type_name()
                )))
            }
        }
    }
    Ok(out)
}

fn tool_blocks(message: &Message) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for part in &message.content {
        let ContentPart::ToolResult(r) = part else {
            return Err(Error::invalid_request(format!(
                "a tool message may only hold tool results, not `{}`",
                part.type_name()
            )));
        };
        let content = match &r.output {
            ToolResultOutput::Text(t) | ToolResultOutput::ErrorText(t) => json!([{"text": t}]),
            ToolResultOutput::Json(v) | ToolResultOutput::ErrorJson(v) => json!([{"json": v}]),
        };
        let mut block = json!({"toolUseId": r.tool_call_id, "content": content});
        if r.output.is_error() {
            block["status"] = "error".into();
        }
        out.push(json!({"toolResult": block}));
    }
    Ok(out)
}
