use super::message::{UiMessage, UiPart, UiRole, UiToolPart, UiToolState};
use crate::error::{Error, Result};
use crate::types::{
    ContentPart, DataSource, FilePart, ImagePart, Message, ProviderMetadata, ProviderOptions,
    ReasoningPart, Role, TextPart, ToolCall, ToolResult, ToolResultOutput,
};
use serde_json::Value;

/// Turn `useChat` messages into model messages, like the AI SDK's `convertToModelMessages`:
///
/// - system: its text parts joined;
/// - user: text and file parts (`image/*` files become image parts);
/// - assistant: split into blocks at `step-start`; each block becomes one assistant message
///   (text, reasoning, file, tool calls) followed by one tool message with the results of its
///   tool parts in state `output-available` (JSON or text output), `output-error` (error text)
///   or `output-denied` (error text with the denial reason). Tool calls still streaming are
///   skipped. Provider-executed tools keep call and result in the assistant message.
/// - source, data and unknown parts are ignored.
///
/// Fails with an [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) error naming
/// the message when a tool part is inconsistent (e.g. `output-available` without `output`).
#[allow(clippy::result_large_err)] // the crate-wide error type
pub fn ui_messages_to_messages(messages: &[UiMessage]) -> Result<Vec<Message>> {
    let mut out = Vec::with_capacity(messages.len());
    for (index, message) in messages.iter().enumerate() {
        match message.role {
            UiRole::System => {
                let text: String = message
                    .parts
                    .iter()
                    .filter_map(|p| match p {
                        UiPart::Text { text, .. } => Some(text.as_str()),
                        _ => None,
                    })
                    .collect();
                out.push(Message::system(text));
            }
            UiRole::User => {
                let content: Vec<ContentPart> = message
                    .parts
                    .iter()
                    .filter_map(|p| match p {
                        UiPart::Text {
                            text,
                            provider_metadata,
                        } => Some(text_part(text, provider_metadata)),
                        UiPart::File {
                            media_type,
                            filename,
                            url,
                            provider_metadata,
                        } => Some(file_part(media_type, filename, url, provider_metadata)),
                        _ => None,
                    })
                    .collect();
                out.push(Message::with_parts(Role::User, content));
            }
            UiRole::Assistant => {
                for block in message.parts.split(|p| matches!(p, UiPart::StepStart)) {
                    assistant_block(block, &mut out).map_err(|e| {
                        Error::invalid_request(format!(
                            "messages[{index}] (id {:?}): {}",
                            message.id,
                            e.message()
                        ))
                    })?;
                }
            }
        }
    }
    Ok(out)
}

fn options(metadata: &Option<ProviderMetadata>) -> ProviderOptions {
    let mut opts = ProviderOptions::default();
    for (provider, value) in metadata.iter().flatten() {
        if let Value::Object(map) = value {
            opts.0.insert(provider.clone(), map.clone());
        }
    }
    opts
}

fn text_part(text: &str, metadata: &Option<ProviderMetadata>) -> ContentPart {
    ContentPart::Text(TextPart {
        text: text.to_owned(),
        provider_options: options(metadata),
    })
}

fn file_part(
    media_type: &str,
    filename: &Option<String>,
    url: &str,
    metadata: &Option<ProviderMetadata>,
) -> ContentPart {
    if media_type.starts_with("image/") {
        return ContentPart::Image(ImagePart {
            image: DataSource::Url(url.to_owned()),
            media_type: Some(media_type.to_owned()),
            provider_options: options(metadata),
        });
    }
    ContentPart::File(FilePart {
        data: DataSource::Url(url.to_owned()),
        media_type: media_type.to_owned(),
        filename: filename.clone(),
        provider_options: options(metadata),
    })
}

#[allow(clippy::result_large_err)] // the crate-wide error type
fn assistant_block(block: &[UiPart], out: &mut Vec<Message>) -> Result<()> {
    let mut content = Vec::new();
    let mut results = Vec::new();
    for part in block {
        match part {
            UiPart::Text {
                text,
                provider_metadata,
            } => content.push(text_part(text, provider_metadata)),
            UiPart::Reasoning {
                text,
                provider_metadata,
            } => content.push(ContentPart::Reasoning(ReasoningPart {
                text: text.clone(),
                provider_metadata: provider_metadata.clone(),
            })),
            UiPart::File {
                media_type,
                filename,
                url,
                ..
            } => content.push(ContentPart::File(FilePart {
                data: DataSource::Url(url.clone()),
                media_type: media_type.clone(),
                filename: filename.clone(),
                provider_options: ProviderOptions::default(),
            })),
            UiPart::Tool(tool) if tool.state != UiToolState::InputStreaming => {
                content.push(ContentPart::ToolCall(tool_call(tool)));
                if let Some(output) = tool_output(tool)? {
                    let result = ContentPart::ToolResult(ToolResult {
                        tool_call_id: tool.tool_call_id.clone(),
                        tool_name: tool.tool_name.clone(),
                        output,
                        provider_options: options(&tool.call_provider_metadata),
                    });
                    if tool.provider_executed == Some(true) {
                        content.push(result);
                    } else {
                        results.push(result);
                    }
                }
            }
            _ => {}
        }
    }
    if !content.is_empty() {
        out.push(Message::with_parts(Role::Assistant, content));
    }
    if !results.is_empty() {
        out.push(Message::with_parts(Role::Tool, results));
    }
    Ok(())
}

fn tool_call(tool: &UiToolPart) -> ToolCall {
    let input = match (&tool.input, &tool.raw_input) {
        (Some(input), _) => input.clone(),
        (None, Some(raw)) if tool.state == UiToolState::OutputError => raw.clone(),
        _ => Value::Object(Default::default()),
    };
    ToolCall {
        tool_call_id: tool.tool_call_id.clone(),
        tool_name: tool.tool_name.clone(),
        input,
        invalid_input: false,
        provider_executed: tool.provider_executed == Some(true),
        provider_metadata: tool.call_provider_metadata.clone(),
    }
}

#[allow(clippy::result_large_err)] // the crate-wide error type
fn tool_output(tool: &UiToolPart) -> Result<Option<ToolResultOutput>> {
    let provider_executed = tool.provider_executed == Some(true);
    Ok(Some(match tool.state {
        UiToolState::OutputAvailable => match &tool.output {
            Some(Value::String(text)) => ToolResultOutput::Text(text.clone()),
            Some(value) => ToolResultOutput::Json(value.clone()),
            None => {
                return Err(Error::invalid_request(format!(
                    "tool part {:?} is output-available but has no output",
                    tool.tool_call_id
                )))
            }
        },
        UiToolState::OutputError => {
            let text = tool.error_text.clone().unwrap_or_default();
            if provider_executed {
                ToolResultOutput::ErrorJson(Value::String(text))
            } else {
                ToolResultOutput::ErrorText(text)
            }
        }
        UiToolState::OutputDenied => {
            let reason = tool
                .approval
                .as_ref()
                .and_then(|a| a.get("reason"))
                .and_then(Value::as_str)
                .unwrap_or("Tool call execution denied.");
            ToolResultOutput::ErrorText(reason.to_owned())
        }
        _ => return Ok(None),
    }))
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod tests;
