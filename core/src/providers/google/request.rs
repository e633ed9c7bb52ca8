//! Unified call options → a Gemini `generateContent` body (also used by Vertex AI). Pure.
//!
//! Thought signatures: a function call carries its `thoughtSignature` in the tool call's
//! `provider_metadata.google.thought_signature`. A signature on a text part travels as an
//! empty reasoning part carrying the same metadata; on the way back it is attached to the
//! neighbouring text or function call part, as Gemini requires.

use crate::error::{Error, Result};
use crate::providers::common::{
    image_media_type, insert_settings, option, pass_through, split_turns, SettingNames,
};
use crate::types::{
    CallOptions, ContentPart, DataSource, Message, ResponseFormat, Role, Tool, ToolChoice,
    ToolChoiceMode, ToolResultOutput, Warning,
};
use serde_json::{json, Map, Value};

/// Options the translation reads itself; the rest of `provider_options.google` goes into the
/// body (`safetySettings`, `cachedContent`, `labels`, ...), except `generationConfig` keys.
const TRANSLATED: &[&str] = &["thinking_config", "thinkingConfig", "response_modalities"];

/// The provider metadata key of a signature.
pub const SIGNATURE_KEY: &str = "thought_signature";

/// Build the body for one call; `keys` are the provider option keys to read.
pub fn build_generate_request(
    options: &CallOptions,
    keys: &[&str],
) -> Result<(Value, Vec<Warning>)> {
    let po = &options.settings.provider_options;
    let mut warnings = Vec::new();
    let mut body = Map::new();
    let (system, turns) = split_turns(&options.prompt, "Gemini", |message| {
        Ok(match message.role {
            Role::Assistant => ("model", model_parts(message, &mut warnings)?),
            Role::Tool => ("user", tool_parts(message)?),
            _ => ("user", user_parts(message)?),
        })
    })?;
    let contents: Vec<Value> = turns
        .into_iter()
        .map(|(role, parts)| json!({"role": role, "parts": parts}))
        .collect();
    if !system.is_empty() {
        body.insert("systemInstruction".into(), json!({"parts": system}));
    }
    body.insert("contents".into(), Value::Array(contents));

    let s = &options.settings;
    let mut gen = Map::new();
    insert_settings(
        &mut gen,
        s,
        &SettingNames {
            max_output_tokens: "maxOutputTokens",
            temperature: "temperature",
            top_p: "topP",
            top_k: "topK",
            presence_penalty: "presencePenalty",
            frequency_penalty: "frequencyPenalty",
            seed: "seed",
            stop: "stopSequences",
        },
    );
    match &s.response_format {
        None | Some(ResponseFormat::Text) => {}
        Some(ResponseFormat::Json) => {
            gen.insert("responseMimeType".into(), "application/json".into());
        }
        Some(ResponseFormat::JsonSchema { schema, .. }) => {
            gen.insert("responseMimeType".into(), "application/json".into());
            gen.insert("responseJsonSchema".into(), schema.clone());
        }
    }
    if let Some(t) =
        option(po, keys, "thinking_config").or_else(|| option(po, keys, "thinkingConfig"))
    {
        gen.insert("thinkingConfig".into(), t.clone());
    }
    if let Some(m) = option(po, keys, "response_modalities") {
        gen.insert("responseModalities".into(), m.clone());
    }
    if !gen.is_empty() {
        body.insert("generationConfig".into(), Value::Object(gen));
    }

    let (functions, builtins) = convert_tools(&options.tools, &mut warnings);
    let mut tools = Vec::new();
    if !functions.is_empty() {
        tools.push(json!({"functionDeclarations": functions}));
    }
    tools.extend(builtins);
    if !tools.is_empty() {
        body.insert("tools".into(), Value::Array(tools));
        if let Some(choice) = &options.tool_choice {
            let config = match choice {
                ToolChoice::Mode(ToolChoiceMode::Auto) => json!({"mode": "AUTO"}),
                ToolChoice::Mode(ToolChoiceMode::None) => json!({"mode": "NONE"}),
                ToolChoice::Mode(ToolChoiceMode::Required) => json!({"mode": "ANY"}),
                ToolChoice::Tool(t) => {
                    json!({"mode": "ANY", "allowedFunctionNames": [t.tool_name]})
                }
            };
            body.insert(
                "toolConfig".into(),
                json!({"functionCallingConfig": config}),
            );
        }
    } else if options.tool_choice.is_some() {
        warnings.push(Warning::unsupported_setting(
            "tool_choice",
            Some("ignored because no tools were given".into()),
        ));
    }
    pass_through(po, keys, TRANSLATED, &mut body);
    Ok((Value::Object(body), warnings))
}

fn data_part(data: &DataSource, media_type: &str) -> Value {
    match data.to_base64() {
        Some(b64) => json!({"inlineData": {"mimeType": media_type, "data": b64}}),
        None => json!({"fileData": {"mimeType": media_type, "fileUri": data.to_url(media_type)}}),
    }
}

fn user_parts(message: &Message) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for part in &message.content {
        out.push(match part {
            ContentPart::Text(t) => json!({"text": t.text}),
            ContentPart::Image(img) => data_part(
                &img.image,
                image_media_type(img.media_type.as_deref(), &img.image, "image/jpeg"),
            ),
            // Gemini takes PDFs, audio, video and text files inline or by file URI.
            ContentPart::File(f) => data_part(&f.data, &f.media_type),
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

fn signature_of(meta: Option<&crate::types::ProviderMetadata>) -> Option<String> {
    ["google", "vertex"].iter().find_map(|k| {
        meta?
            .get(*k)?
            .get(SIGNATURE_KEY)?
            .as_str()
            .map(str::to_owned)
    })
}

fn model_parts(message: &Message, warnings: &mut Vec<Warning>) -> Result<Vec<Value>> {
    let mut out: Vec<Value> = Vec::new();
    // A signature from an empty reasoning part waits for the next part that can carry it.
    let mut pending: Option<String> = None;
    for part in &message.content {
        let mut value = match part {
            ContentPart::Text(t) => {
                let mut v = json!({"text": t.text});
                if let Some(sig) = t
                    .provider_options
                    .value("google", SIGNATURE_KEY)
                    .and_then(Value::as_str)
                {
                    v["thoughtSignature"] = sig.into();
                }
                v
            }
            ContentPart::Reasoning(r) => {
                let sig = signature_of(r.provider_metadata.as_ref());
                if r.text.is_empty() {
                    if let Some(sig) = sig {
                        pending = Some(sig);
                    }
                    continue;
                }
                let mut v = json!({"text": r.text, "thought": true});
                if let Some(sig) = sig {
                    v["thoughtSignature"] = sig.into();
                }
                v
            }
            ContentPart::ToolCall(call) => {
                if call.provider_executed {
                    warnings.push(Warning::Compatibility {
                        feature: "provider-executed tool call".into(),
                        details: Some(format!("`{}` was not sent back", call.tool_name)),
                    });
                    continue;
                }
                let args = if call.input.is_object() && !call.invalid_input {
                    call.input.clone()
                } else {
                    json!({"input": call.input})
                };
                let mut v = json!({"functionCall": {"name": call.tool_name, "args": args}});
                if let Some(sig) = signature_of(call.provider_metadata.as_ref()) {
                    v["thoughtSignature"] = sig.into();
                }
                v
            }
            ContentPart::File(f) => data_part(&f.data, &f.media_type),
            other => {
                return Err(Error::invalid_request(format!(
                    "an assistant message may not hold `{}` parts for Gemini",
                    other.type_name()
                )))
            }
        };
        if value.get("thoughtSignature").is_none() {
            if let Some(sig) = pending.take() {
                value["thoughtSignature"] = sig.into();
            }
        }
        out.push(value);
    }
    if let Some(sig) = pending {
        // The signature came last (after the text it belongs to): put it on the last part
        // without one, or send it on an empty text part.
        match out
            .iter_mut()
            .rev()
            .find(|p| p.get("thoughtSignature").is_none())
        {
            Some(p) => p["thoughtSignature"] = sig.into(),
            None => out.push(json!({"text": "", "thoughtSignature": sig})),
        }
    }
    Ok(out)
}

fn tool_parts(message: &Message) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for part in &message.content {
        let ContentPart::ToolResult(r) = part else {
            return Err(Error::invalid_request(format!(
                "a tool message may only hold tool results, not `{}`",
                part.type_name()
            )));
        };
        let content = match &r.output {
            ToolResultOutput::Text(t) | ToolResultOutput::ErrorText(t) => Value::String(t.clone()),
            ToolResultOutput::Json(v) | ToolResultOutput::ErrorJson(v) => v.clone(),
        };
        out.push(json!({"functionResponse": {
            "name": r.tool_name,
            "response": {"name": r.tool_name, "content": content},
        }}));
    }
    Ok(out)
}

fn convert_tools(tools: &[Tool], warnings: &mut Vec<Warning>) -> (Vec<Value>, Vec<Value>) {
    let mut functions = Vec::new();
    let mut builtins = Vec::new();
    for tool in tools {
        match tool {
            Tool::Function {
                name,
                description,
                input_schema,
                ..
            } => {
                let mut f = json!({"name": name});
                if let Some(d) = description {
                    f["description"] = d.clone().into();
                }
                // An object schema without properties is "no arguments": Gemini wants none.
                let empty = input_schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_none_or(|p| p.is_empty());
                if !empty {
                    f["parametersJsonSchema"] = input_schema.clone();
                }
                functions.push(f);
            }
            Tool::ProviderDefined { id, name, args } => match id.as_str() {
                "google.google_search" => builtins.push(json!({"googleSearch": args})),
                "google.url_context" => builtins.push(json!({"urlContext": args})),
                "google.code_execution" => builtins.push(json!({"codeExecution": args})),
                _ => warnings.push(Warning::UnsupportedTool {
                    tool_name: name.clone(),
                    details: Some(format!("provider tool `{id}` is not a Gemini tool")),
                }),
            },
        }
    }
    (functions, builtins)
}
