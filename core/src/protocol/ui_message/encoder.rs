use super::chunk::{UiChunk, UiStreamOptions, UiVersion};
use crate::error::{Error, ErrorInfo, Result};
use crate::types::{ProviderMetadata, Source, StreamEvent};
use bytes::Bytes;
use futures_core::Stream;
use futures_util::StreamExt;
use serde::Serialize;

/// The SSE line that ends a UI message stream.
pub const UI_DONE: &str = "data: [DONE]\n\n";

/// What the AI SDK sends instead of error details when errors are masked.
const MASKED_ERROR: &str = "An error occurred.";

/// Converts [`StreamEvent`]s into UI message stream chunks, one event at a time.
///
/// Mapping (as the AI SDK's `toUIMessageStream`): `start` → `start` (with `message_id`),
/// `start-step`/`finish-step` → the same, text and reasoning blocks → `text-*` /
/// `reasoning-*` (`text` becomes `delta`), `tool-input-start`/`-delta` → the same with
/// `toolCallId`/`inputTextDelta`, `tool-call` → `tool-input-available` (or `tool-input-error`
/// when the input was not JSON), `tool-result` → `tool-output-available`, `tool-error` →
/// `tool-output-error`, `tool-approval-request` → the same (V6 only; 5.x has no such chunk),
/// `source` → `source-url`/`source-document` (when `send_sources`),
/// `file` → `file` with a `data:` URL, `finish` → `finish`, `error` → `error`, `abort` →
/// `abort`. `tool-input-end` and `raw` have no UI chunk.
#[derive(Debug, Clone, Default)]
pub struct UiMessageEncoder {
    opts: UiStreamOptions,
}

impl UiMessageEncoder {
    /// An encoder with `opts`.
    pub fn new(opts: UiStreamOptions) -> Self {
        UiMessageEncoder { opts }
    }

    /// The options in use.
    pub fn options(&self) -> &UiStreamOptions {
        &self.opts
    }

    fn meta(&self, metadata: &Option<ProviderMetadata>) -> Option<ProviderMetadata> {
        match self.opts.version {
            UiVersion::V5 => None,
            UiVersion::V6 => metadata.clone(),
        }
    }

    fn error_text(&self, text: String) -> String {
        if self.opts.mask_errors {
            MASKED_ERROR.to_owned()
        } else {
            text
        }
    }

    /// The chunk for a stream failure.
    pub fn error_chunk(&self, error: &Error) -> UiChunk {
        UiChunk::Error {
            error_text: self.error_text(error.to_string()),
        }
    }

    fn error_info_chunk(&self, info: &ErrorInfo) -> UiChunk {
        UiChunk::Error {
            error_text: self.error_text(format!("{}: {}", info.kind, info.message)),
        }
    }

    /// The chunks for one event (none, or one).
    pub fn encode(&mut self, event: &StreamEvent) -> Option<UiChunk> {
        let reasoning = self.opts.send_reasoning;
        let chunk = match event {
            StreamEvent::Start if self.opts.send_start => UiChunk::Start {
                message_id: self.opts.message_id.clone(),
                message_metadata: None,
            },
            StreamEvent::StartStep { .. } => UiChunk::StartStep,
            StreamEvent::TextStart {
                id,
                provider_metadata,
            } => UiChunk::TextStart {
                id: id.clone(),
                provider_metadata: self.meta(provider_metadata),
            },
            StreamEvent::TextDelta {
                id,
                text,
                provider_metadata,
            } => UiChunk::TextDelta {
                id: id.clone(),
                delta: text.clone(),
                provider_metadata: self.meta(provider_metadata),
            },
            StreamEvent::TextEnd {
                id,
                provider_metadata,
            } => UiChunk::TextEnd {
                id: id.clone(),
                provider_metadata: self.meta(provider_metadata),
            },
            StreamEvent::ReasoningStart {
                id,
                provider_metadata,
            } if reasoning => UiChunk::ReasoningStart {
                id: id.clone(),
                provider_metadata: self.meta(provider_metadata),
            },
            StreamEvent::ReasoningDelta {
                id,
                text,
                provider_metadata,
            } if reasoning => UiChunk::ReasoningDelta {
                id: id.clone(),
                delta: text.clone(),
                provider_metadata: self.meta(provider_metadata),
            },
            StreamEvent::ReasoningEnd {
                id,
                provider_metadata,
            } if reasoning => UiChunk::ReasoningEnd {
                id: id.clone(),
                provider_metadata: self.meta(provider_metadata),
            },
            StreamEvent::ToolInputStart {
                id,
                tool_name,
                provider_executed,
            } => UiChunk::ToolInputStart {
                tool_call_id: id.clone(),
                tool_name: tool_name.clone(),
                provider_executed: provider_executed.then_some(true),
            },
            StreamEvent::ToolInputDelta { id, delta } => UiChunk::ToolInputDelta {
                tool_call_id: id.clone(),
                input_text_delta: delta.clone(),
            },
            StreamEvent::ToolCall(call) if call.invalid_input => UiChunk::ToolInputError {
                tool_call_id: call.tool_call_id.clone(),
                tool_name: call.tool_name.clone(),
                input: call.input.clone(),
                provider_executed: call.provider_executed.then_some(true),
                provider_metadata: self.meta(&call.provider_metadata),
                error_text: format!(
                    "Invalid input for tool {}: the model's arguments are not valid JSON",
                    call.tool_name
                ),
            },
            StreamEvent::ToolCall(call) => UiChunk::ToolInputAvailable {
                tool_call_id: call.tool_call_id.clone(),
                tool_name: call.tool_name.clone(),
                input: call.input.clone(),
                provider_executed: call.provider_executed.then_some(true),
                provider_metadata: self.meta(&call.provider_metadata),
            },
            StreamEvent::ToolResult {
                tool_call_id,
                output,
                provider_executed,
                ..
            } => UiChunk::ToolOutputAvailable {
                tool_call_id: tool_call_id.clone(),
                output: output.clone(),
                provider_executed: provider_executed.then_some(true),
            },
            StreamEvent::ToolError {
                tool_call_id,
                error,
                ..
            } => UiChunk::ToolOutputError {
                tool_call_id: tool_call_id.clone(),
                error_text: self.error_text(error.clone()),
                provider_executed: None,
            },
            StreamEvent::ToolApprovalRequest {
                approval_id,
                tool_call,
            } if self.opts.version == UiVersion::V6 => UiChunk::ToolApprovalRequest {
                approval_id: approval_id.clone(),
                tool_call_id: tool_call.tool_call_id.clone(),
            },
            StreamEvent::Source(source) if self.opts.send_sources => source_chunk(source),
            StreamEvent::File { media_type, base64 } => UiChunk::File {
                url: format!("data:{media_type};base64,{base64}"),
                media_type: media_type.clone(),
            },
            StreamEvent::FinishStep { .. } => UiChunk::FinishStep,
            StreamEvent::Finish { finish_reason, .. } if self.opts.send_finish => UiChunk::Finish {
                finish_reason: match self.opts.version {
                    UiVersion::V5 => None,
                    UiVersion::V6 => Some(finish_reason.as_str().to_owned()),
                },
                message_metadata: None,
            },
            StreamEvent::Error { error } => self.error_info_chunk(error),
            StreamEvent::Abort => UiChunk::Abort,
            _ => return None,
        };
        Some(chunk)
    }
}

fn source_chunk(source: &Source) -> UiChunk {
    match source {
        Source::Url { id, url, title, .. } => UiChunk::SourceUrl {
            source_id: id.clone(),
            url: url.clone(),
            title: title.clone(),
        },
        Source::Document {
            id,
            media_type,
            title,
            filename,
            ..
        } => UiChunk::SourceDocument {
            source_id: id.clone(),
            media_type: media_type.clone(),
            title: title.clone(),
            filename: filename.clone(),
        },
    }
}

/// One chunk as an SSE frame: `data: <json>\n\n`. Works for [`UiChunk`] and for the free-form
/// values of [`data_chunk`](super::data_chunk).
pub fn ui_frame<T: Serialize + ?Sized>(chunk: &T) -> Bytes {
    let json = serde_json::to_string(chunk)
        .unwrap_or_else(|e| format!(r#"{{"type":"error","errorText":"{e}"}}"#));
    Bytes::from(format!("data: {json}\n\n"))
}

enum State {
    Running,
    Done,
    Ended,
}

/// Encode a whole stream as a UI message stream body: one SSE frame per chunk, then
/// `data: [DONE]`. An `Err` item becomes an `error` chunk and ends the stream (the AI SDK sends
/// no `finish` after an error). Dropping the returned stream drops `stream`.
pub fn encode_ui_stream<S>(stream: S, opts: UiStreamOptions) -> impl Stream<Item = Bytes> + Send
where
    S: Stream<Item = Result<StreamEvent>> + Send + 'static,
{
    let encoder = UiMessageEncoder::new(opts);
    futures_util::stream::unfold(
        (Box::pin(stream), encoder, State::Running),
        |(mut stream, mut encoder, state)| async move {
            match state {
                State::Running => loop {
                    match stream.next().await {
                        Some(Ok(event)) => {
                            if let Some(chunk) = encoder.encode(&event) {
                                return Some((ui_frame(&chunk), (stream, encoder, State::Running)));
                            }
                        }
                        Some(Err(error)) => {
                            let frame = ui_frame(&encoder.error_chunk(&error));
                            return Some((frame, (stream, encoder, State::Done)));
                        }
                        None => {
                            let done = Bytes::from_static(UI_DONE.as_bytes());
                            return Some((done, (stream, encoder, State::Ended)));
                        }
                    }
                },
                State::Done => {
                    let done = Bytes::from_static(UI_DONE.as_bytes());
                    Some((done, (stream, encoder, State::Ended)))
                }
                State::Ended => None,
            }
        },
    )
}

#[cfg(test)]
#[path = "encoder_tests.rs"]
mod tests;
