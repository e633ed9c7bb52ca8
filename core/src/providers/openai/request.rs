//! Unified call options → an OpenAI Chat Completions request body. Pure: no IO.

use crate::error::{Error, Result};
use crate::types::{
    CallOptions, ContentPart, FilePart, ImagePart, Message, ResponseFormat, Role, Tool, ToolChoice,
    ToolChoiceMode, Warning,
};
use serde_json::{json, Map, Value};

/// Options read by the translation itself; every other key under the provider's
/// `provider_options` entry is copied into the body as is (`user`, `logit_bias`,
/// `parallel_tool_calls`, `reasoning_effort`, `service_tier`, `store`, `metadata`, ...).
const TRANSLATION_OPTIONS: &[&str] = &["image_detail", "api"];

/// How a provider deviates from OpenAI's own Chat Completions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChatDialect {
    /// The real OpenAI API: reasoning models take `max_completion_tokens` and no sampling knobs.
    pub openai_reasoning_rules: bool,
    /// The service accepts `top_k` (vLLM, Together, ...).
    pub supports_top_k: bool,
    /// The service rejects `stream_options` (it reports usage in the last chunk on its own).
    pub omit_stream_options: bool,
    /// The service has no function calling (tools are dropped with a warning).
    pub no_tools: bool,
    /// The service takes `json_object` but no `json_schema` response format.
    pub json_object_only: bool,
    /// The seed field is `random_seed` (Mistral).
    pub random_seed: bool,
    /// `tool_choice: "required"` is spelled `"any"` (Mistral).
    pub any_for_required: bool,
}

/// Build the body for `model_id`. `option_keys` are the `provider_options` entries to read,
/// most specific first (e.g. `["groq", "openai"]`).
pub fn build_chat_request(
    model_id: &str,
    options: &CallOptions,
    option_keys: &[&str],
    dialect: ChatDialect,
    stream: bool,
) -> Result<(Value, Vec<Warning>)> {
    let mut warnings = Vec::new();
    let image_detail = option_keys
        .iter()
        .find_map(|k| options.settings.provider_options.value(k, "image_detail"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut messages = Vec::with_capacity(options.prompt.len());
    for message in &options.prompt {
        convert_message(
            message,
            image_detail.as_deref(),
            &mut messages,
            &mut warnings,
        )?;
    }

    let mut body = Map::new();
    body.insert("model".into(), model_id.into());
    body.insert("messages".into(), Value::Array(messages));
    apply_settings(model_id, options, dialect, &mut body, &mut warnings);

    let tools = if dialect.no_tools && !options.tools.is_empty() {
        for tool in &options.tools {
            warnings.push(Warning::UnsupportedTool {
                tool_name: tool.name().to_owned(),
                details: Some("this service has no function calling".into()),
            });
        }
        Vec::new()
    } else {
        convert_tools(&options.tools, &mut warnings)
    };
    if !tools.is_empty() {
        body.insert("tools".into(), Value::Array(tools));
        if let Some(choice) = &options.tool_choice {
            let mut c = convert_tool_choice(choice);
            if dialect.any_for_required && c == "required" {
                c = "any".into();
            }
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
        if !dialect.omit_stream_options {
            body.insert("stream_options".into(), json!({"include_usage": true}));
        }
    }

    // Pass-through provider options, most specific key last so it wins.
    for key in option_keys.iter().rev() {
        if let Some(extra) = options.settings.provider_options.get(key) {
            for (k, v) in extra {
                if !TRANSLATION_OPTIONS.contains(&k.as_str()) {
                    body.insert(k.clone(), v.clone());
                }
            }
        }
    }
    Ok((Value::Object(body), warnings))
}

pub(crate) fn is_reasoning_model(model_id: &str) -> bool {
    let id = model_id.rsplit('/').next().unwrap_or(model_id);
    ["o1", "o3", "o4", "gpt-5"]
        .iter()
        .any(|p| id.starts_with(p))
        && !id.starts_with("gpt-5-chat")
}

fn apply_settings(
    model_id: &str,
    options: &CallOptions,
    dialect: ChatDialect,
    body: &mut Map<String, Value>,
    warnings: &mut Vec<Warning>,
) {
    let s = &options.settings;
    let reasoning = dialect.openai_reasoning_rules && is_reasoning_model(model_id);
    if let Some(n) = s.max_output_tokens {
        let key = if reasoning {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        body.insert(key.into(), n.into());
    }
    let mut sampling = |name: &str, value: Option<f64>| {
        if let Some(v) = value {
            if reasoning {
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
    };
    sampling("temperature", s.temperature);
    sampling("top_p", s.top_p);
    sampling("presence_penalty", s.presence_penalty);
    sampling("frequency_penalty", s.frequency_penalty);
    if let Some(k) = s.top_k {
        if dialect.supports_top_k {
            body.insert("top_k".into(), k.into());
        } else {
            warnings.push(Warning::unsupported_setting("top_k", None));
        }
    }
    if let Some(seed) = s.seed {
        let field = if dialect.random_seed {
            "random_seed"
        } else {
            "seed"
        };
        body.insert(field.into(), seed.into());
    }
    if !s.stop.is_empty() {
        body.insert("stop".into(), json!(s.stop));
    }
    match &s.response_format {
        None | Some(ResponseFormat::Text) => {}
        Some(ResponseFormat::Json) => {
            body.insert("response_format".into(), json!({"type": "json_object"}));
        }
        Some(ResponseFormat::JsonSchema { .. }) if dialect.json_object_only => {
            warnings.push(Warning::Compatibility {
                feature: "response_format".into(),
                details: Some(
                    "this service takes no JSON schema; asked for a JSON object instead".into(),
                ),
            });
            body.insert("response_format".into(), json!({"type": "json_object"}));
        }
        Some(ResponseFormat::JsonSchema {
            schema,
            name,
            description,
            strict,
        }) => {
            let mut js = Map::new();
            js.insert("name".into(), name.as_deref().unwrap_or("response").into());
            if let Some(d) = description {
                js.insert("description".into(), d.clone().into());
            }
            js.insert("schema".into(), schema.clone());
            js.insert("strict".into(), strict.unwrap_or(true).into());
            body.insert(
                "response_format".into(),
                json!({"type": "json_schema", "json_schema": js}),
            );
        }
    }
}

fn convert_message(
    message: &Message,
    image_detail: Option<&str>,
    out: &mut Vec<Value>,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    match message.role {
        Role::System => {
            if let Some(part) = message.content.iter().find(|p| p.as_text().is_none()) {
                return Err(Error::invalid_request(format!(
                    "a system message may only hold text, not `{}`",
                    part.type_name()
                )));
            }
            out.push(json!({"role": "system", "content": message.joined_text()}));
        }
        Role::User => {
            out.push(json!({"role": "user", "content": user_content(message, image_detail)?}))
        }
        Role::Assistant => out.push(assistant_message(message, warnings)?),
        Role::Tool => {
            for part in &message.content {
                match part {
                    ContentPart::ToolResult(r) => out.push(json!({
                        "role": "tool",
                        "tool_call_id": r.tool_call_id,
                        "content": r.output.to_text(),
                    })),
                    other => {
                        return Err(Error::invalid_request(format!(
                            "a tool message may only hold tool results, not `{}`",
                            other.type_name()
                        )))
                    }
                }
            }
        }
    }
    Ok(())
}

fn user_content(message: &Message, image_detail: Option<&str>) -> Result<Value> {
    if let [ContentPart::Text(t)] = message.content.as_slice() {
        return Ok(Value::String(t.text.clone()));
    }
    let mut parts = Vec::with_capacity(message.content.len());
    for part in &message.content {
        parts.push(match part {
            ContentPart::Text(t) => json!({"type": "text", "text": t.text}),
            ContentPart::Image(img) => image_part(img, image_detail),
            ContentPart::File(file) => file_part(file)?,
            other => {
                return Err(Error::invalid_request(format!(
                    "a user message may not hold `{}` parts",
                    other.type_name()
                )))
            }
        });
    }
    Ok(Value::Array(parts))
}

fn image_part(img: &ImagePart, default_detail: Option<&str>) -> Value {
    let media_type = img
        .media_type
        .as_deref()
        .or_else(|| img.image.data_url_media_type())
        .unwrap_or("image/jpeg");
    let mut image_url = Map::new();
    image_url.insert("url".into(), img.image.to_url(media_type).into());
    let detail = img
        .provider_options
        .value("openai", "image_detail")
        .and_then(Value::as_str)
        .or(default_detail);
    if let Some(d) = detail {
        image_url.insert("detail".into(), d.into());
    }
    json!({"type": "image_url", "image_url": image_url})
}

fn file_part(file: &FilePart) -> Result<Value> {
    let mt = file.media_type.as_str();
    if mt.starts_with("image/") {
        let img = ImagePart {
            image: file.data.clone(),
            media_type: Some(file.media_type.clone()),
            provider_options: file.provider_options.clone(),
        };
        return Ok(image_part(&img, None));
    }
    let inline = file.data.to_base64();
    match (mt, inline) {
        ("application/pdf", Some(data)) => Ok(json!({
            "type": "file",
            "file": {
                "filename": file.filename.clone().unwrap_or_else(|| "document.pdf".into()),
                "file_data": format!("data:application/pdf;base64,{data}"),
            }
        })),
        ("audio/wav" | "audio/x-wav", Some(data)) => {
            Ok(json!({"type": "input_audio", "input_audio": {"data": data, "format": "wav"}}))
        }
        ("audio/mpeg" | "audio/mp3", Some(data)) => {
            Ok(json!({"type": "input_audio", "input_audio": {"data": data, "format": "mp3"}}))
        }
        (_, None) => Err(Error::invalid_request(format!(
            "files of type {mt} must be sent inline (bytes or base64), not by URL, to OpenAI Chat Completions"
        ))),
        (_, Some(_)) => Err(Error::invalid_request(format!(
            "OpenAI Chat Completions does not accept files of type {mt}"
        ))),
    }
}

fn assistant_message(message: &Message, warnings: &mut Vec<Warning>) -> Result<Value> {
    let mut text = String::new();
    let mut tool_calls = Vec::new();
    for part in &message.content {
        match part {
            ContentPart::Text(t) => text.push_str(&t.text),
            ContentPart::ToolCall(call) => tool_calls.push(json!({
                "id": call.tool_call_id,
                "type": "function",
                "function": {"name": call.tool_name, "arguments": call.arguments_json()},
            })),
            ContentPart::Reasoning(_) => warnings.push(Warning::Compatibility {
                feature: "reasoning".into(),
                details: Some(
                    "reasoning parts of earlier assistant turns are not sent to Chat Completions"
                        .into(),
                ),
            }),
            other => {
                return Err(Error::invalid_request(format!(
                    "an assistant message may not hold `{}` parts for Chat Completions",
                    other.type_name()
                )))
            }
        }
    }
    let mut msg = Map::new();
    msg.insert("role".into(), "assistant".into());
    msg.insert(
        "content".into(),
        if text.is_empty() && !tool_calls.is_empty() {
            Value::Null
        } else {
            Value::String(text)
        },
    );
    if !tool_calls.is_empty() {
        msg.insert("tool_calls".into(), Value::Array(tool_calls));
    }
    Ok(Value::Object(msg))
}

fn convert_tools(tools: &[Tool], warnings: &mut Vec<Warning>) -> Vec<Value> {
    let mut out = Vec::with_capacity(tools.len());
    for tool in tools {
        match tool {
            Tool::Function {
                name,
                description,
                input_schema,
                strict,
                ..
            } => {
                let mut function = Map::new();
                function.insert("name".into(), name.clone().into());
                if let Some(d) = description {
                    function.insert("description".into(), d.clone().into());
                }
                function.insert("parameters".into(), input_schema.clone());
                if let Some(s) = strict {
                    function.insert("strict".into(), (*s).into());
                }
                out.push(json!({"type": "function", "function": function}));
            }
            Tool::ProviderDefined { name, id, .. } => warnings.push(Warning::UnsupportedTool {
                tool_name: name.clone(),
                details: Some(format!(
                    "provider tool `{id}` is not available on Chat Completions"
                )),
            }),
        }
    }
    out
}

fn convert_tool_choice(choice: &ToolChoice) -> Value {
    match choice {
        ToolChoice::Mode(ToolChoiceMode::Auto) => "auto".into(),
        ToolChoice::Mode(ToolChoiceMode::None) => "none".into(),
        ToolChoice::Mode(ToolChoiceMode::Required) => "required".into(),
        ToolChoice::Tool(t) => json!({"type": "function", "function": {"name": t.tool_name}}),
    }
}
