//! Bedrock Converse responses and ConverseStream events → unified results and events. Pure.

use crate::error::{Error, ErrorKind, Result};
use crate::providers::common::{
    bad_response, parse_body, wrap_metadata, MAX_TOOL_ARGUMENT_BYTES, MAX_TOOL_CALLS,
};
use crate::types::{
    ContentPart, FinishReason, ModelResponse, ProviderMetadata, ReasoningPart, ResponseMetadata,
    StreamEvent, ToolCall, Usage,
};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Map a Converse `stopReason`.
pub fn map_stop_reason(raw: Option<&str>, json_tool: bool) -> FinishReason {
    match raw {
        Some("end_turn" | "stop_sequence") => FinishReason::Stop,
        Some("tool_use") if json_tool => FinishReason::Stop,
        Some("tool_use") => FinishReason::ToolCalls,
        Some("max_tokens" | "model_context_window_exceeded") => FinishReason::Length,
        Some("guardrail_intervened" | "content_filtered") => FinishReason::ContentFilter,
        _ => FinishReason::Other,
    }
}

/// Converse `usage` → [`Usage`]; input includes cache reads and writes.
pub fn usage_of(u: Option<&Value>) -> Usage {
    let Some(u) = u else { return Usage::default() };
    let n = |k: &str| u.get(k).and_then(Value::as_u64);
    let read = n("cacheReadInputTokens");
    let write = n("cacheWriteInputTokens");
    Usage {
        input_tokens: n("inputTokens").map(|i| i + read.unwrap_or(0) + write.unwrap_or(0)),
        output_tokens: n("outputTokens"),
        total_tokens: n("totalTokens"),
        cache_read_tokens: read,
        cache_write_tokens: write,
        reasoning_tokens: None,
    }
    .with_computed_total()
}

fn meta(pairs: &[(&str, Option<&Value>)]) -> Option<ProviderMetadata> {
    let mut m = Map::new();
    for (k, v) in pairs {
        if let Some(v) = v.filter(|v| !v.is_null()) {
            m.insert((*k).into(), v.clone());
        }
    }
    wrap_metadata("bedrock", m)
}

fn reasoning_meta(key: &str, value: &str) -> ProviderMetadata {
    meta(&[(key, Some(&Value::String(value.to_owned())))]).unwrap_or_default()
}

/// Parse a complete Converse response; `json_tool` turns the `json` tool's input into text.
pub fn parse_converse_response(body: &[u8], json_tool: bool) -> Result<ModelResponse> {
    let v = parse_body("bedrock", body)?;
    let blocks = v
        .pointer("/output/message/content")
        .and_then(Value::as_array)
        .ok_or_else(|| bad_response("bedrock", "the response has no output message", &v))?;
    let mut content = Vec::new();
    for b in blocks {
        if let Some(t) = b.get("text").and_then(Value::as_str) {
            content.push(ContentPart::text(t));
        } else if let Some(r) = b.get("reasoningContent") {
            if let Some(rt) = r.get("reasoningText") {
                content.push(ContentPart::Reasoning(ReasoningPart {
                    text: rt
                        .get("text")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    provider_metadata: rt
                        .get("signature")
                        .and_then(Value::as_str)
                        .map(|s| reasoning_meta("signature", s)),
                }));
            } else if let Some(d) = r.get("redactedContent").and_then(Value::as_str) {
                content.push(ContentPart::Reasoning(ReasoningPart {
                    text: String::new(),
                    provider_metadata: Some(reasoning_meta("redacted_data", d)),
                }));
            }
        } else if let Some(t) = b.get("toolUse") {
            let name = t.get("name").and_then(Value::as_str).unwrap_or("");
            let input = t.get("input").cloned().unwrap_or_else(|| json!({}));
            if json_tool && name == "json" {
                content.push(ContentPart::text(input.to_string()));
                continue;
            }
            content.push(ContentPart::ToolCall(ToolCall {
                tool_call_id: t
                    .get("toolUseId")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                tool_name: name.to_owned(),
                input,
                invalid_input: false,
                provider_executed: false,
                provider_metadata: None,
            }));
        }
    }
    let raw = v.get("stopReason").and_then(Value::as_str);
    Ok(ModelResponse {
        content,
        sources: Vec::new(),
        finish_reason: map_stop_reason(raw, json_tool),
        raw_finish_reason: raw.map(str::to_owned),
        usage: usage_of(v.get("usage")),
        warnings: Vec::new(),
        response: ResponseMetadata::default(),
        provider_metadata: meta(&[("metrics", v.get("metrics")), ("trace", v.get("trace"))]),
    })
}

/// Map an exception event (`:message-type: exception`) or error body to an [`Error`].
pub fn exception_error(kind: &str, message: &str, status: Option<u16>) -> Error {
    let lower = message.to_ascii_lowercase();
    let k = if lower.contains("too long") || lower.contains("too many input tokens") {
        ErrorKind::ContextLengthExceeded
    } else {
        match kind {
            "ValidationException" => ErrorKind::InvalidRequest,
            "AccessDeniedException" => ErrorKind::PermissionDenied,
            "UnrecognizedClientException"
            | "ExpiredTokenException"
            | "InvalidSignatureException"
            | "IncompleteSignatureException" => ErrorKind::Authentication,
            "ResourceNotFoundException" => ErrorKind::NotFound,
            "ThrottlingException" | "ServiceQuotaExceededException" | "ModelNotReadyException" => {
                ErrorKind::RateLimited
            }
            "ModelTimeoutException" => ErrorKind::Timeout,
            _ => match status {
                Some(400 | 413 | 422) => ErrorKind::InvalidRequest,
                Some(401) => ErrorKind::Authentication,
                Some(403) => ErrorKind::PermissionDenied,
                Some(404) => ErrorKind::NotFound,
                Some(429) => ErrorKind::RateLimited,
                Some(408 | 504) => ErrorKind::Timeout,
                _ => ErrorKind::Provider,
            },
        }
    };
    let mut e = Error::new(k, message.to_owned()).with_provider("bedrock");
    if !kind.is_empty() {
        e = e.with_code(kind);
    }
    if let Some(s) = status {
        e = e.with_status(s);
    }
    e
}

#[derive(Debug)]
enum Block {
    Text(String),
    Reasoning {
        id: String,
        signature: Option<String>,
        redacted: Option<String>,
    },
    Tool {
        id: String,
        name: String,
        args: String,
        json_text: Option<String>,
    },
}

/// The state of one ConverseStream: events by type (`messageStart`, `contentBlockStart`,
/// `contentBlockDelta`, `contentBlockStop`, `messageStop`, `metadata`).
#[derive(Debug, Default)]
pub struct ConverseStreamDecoder {
    include_raw: bool,
    json_tool: bool,
    blocks: BTreeMap<u64, Block>,
    tools: usize,
    stop_reason: Option<String>,
    saw_stop: bool,
    usage: Option<Value>,
    metrics: Option<Value>,
    response: ResponseMetadata,
    finished: bool,
}

impl ConverseStreamDecoder {
    /// A decoder; `json_tool` streams the `json` tool's input as text.
    pub fn new(include_raw: bool, json_tool: bool) -> Self {
        ConverseStreamDecoder {
            include_raw,
            json_tool,
            ..Default::default()
        }
    }

    /// Report `response` (request id, model) in `finish-step`; the events do not carry them.
    pub fn with_response(mut self, response: ResponseMetadata) -> Self {
        self.response = response;
        self
    }

    /// True once `finish-step` was emitted.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// One event: its type and JSON payload.
    pub fn on_event(&mut self, kind: &str, v: &Value, out: &mut Vec<StreamEvent>) -> Result<()> {
        if self.include_raw {
            out.push(StreamEvent::Raw {
                raw_value: json!({kind: v}),
            });
        }
        let index = v
            .get("contentBlockIndex")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        match kind {
            "contentBlockStart" => {
                if let Some(t) = v.pointer("/start/toolUse") {
                    self.start_tool(index, t, out)?;
                }
            }
            "contentBlockDelta" => {
                let d = v.get("delta").cloned().unwrap_or(Value::Null);
                self.delta(index, &d, out)?;
            }
            "contentBlockStop" => self.stop_block(index, out),
            "messageStop" => {
                self.stop_reason = v
                    .get("stopReason")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                self.saw_stop = true;
            }
            "metadata" => {
                self.usage = v.get("usage").cloned();
                self.metrics = v.get("metrics").cloned();
            }
            _ => {}
        }
        if self.saw_stop && self.usage.is_some() {
            self.finish(out);
        }
        Ok(())
    }

    fn start_tool(&mut self, index: u64, t: &Value, out: &mut Vec<StreamEvent>) -> Result<()> {
        if self.tools >= MAX_TOOL_CALLS {
            return Err(Error::stream(format!(
                "the provider streamed more than {MAX_TOOL_CALLS} tool calls"
            )));
        }
        self.tools += 1;
        let id = t
            .get("toolUseId")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let name = t
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let json_text = (self.json_tool && name == "json").then(|| format!("txt-{index}"));
        match &json_text {
            Some(tid) => out.push(StreamEvent::TextStart {
                id: tid.clone(),
                provider_metadata: None,
            }),
            None => out.push(StreamEvent::ToolInputStart {
                id: id.clone(),
                tool_name: name.clone(),
                provider_executed: false,
            }),
        }
        self.blocks.insert(
            index,
            Block::Tool {
                id,
                name,
                args: String::new(),
                json_text,
            },
        );
        Ok(())
    }

    fn delta(&mut self, index: u64, d: &Value, out: &mut Vec<StreamEvent>) -> Result<()> {
        if let Some(t) = d.get("text").and_then(Value::as_str) {
            let block = self.blocks.entry(index).or_insert_with(|| {
                let id = format!("txt-{index}");
                out.push(StreamEvent::TextStart {
                    id: id.clone(),
                    provider_metadata: None,
                });
                Block::Text(id)
            });
            if let (Block::Text(id), false) = (block, t.is_empty()) {
                out.push(StreamEvent::text_delta(id, t));
            }
        } else if let Some(r) = d.get("reasoningContent") {
            let block = self.blocks.entry(index).or_insert_with(|| {
                let id = format!("reasoning-{index}");
                out.push(StreamEvent::ReasoningStart {
                    id: id.clone(),
                    provider_metadata: None,
                });
                Block::Reasoning {
                    id,
                    signature: None,
                    redacted: None,
                }
            });
            if let Block::Reasoning {
                id,
                signature,
                redacted,
            } = block
            {
                if let Some(t) = r
                    .get("text")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                {
                    out.push(StreamEvent::ReasoningDelta {
                        id: id.clone(),
                        text: t.to_owned(),
                        provider_metadata: None,
                    });
                }
                if let Some(s) = r.get("signature").and_then(Value::as_str) {
                    *signature = Some(s.to_owned());
                }
                if let Some(d) = r.get("redactedContent").and_then(Value::as_str) {
                    *redacted = Some(d.to_owned());
                }
            }
        } else if let Some(piece) = d.pointer("/toolUse/input").and_then(Value::as_str) {
            if let Some(Block::Tool {
                id,
                args,
                json_text,
                ..
            }) = self.blocks.get_mut(&index)
            {
                if args.len() + piece.len() > MAX_TOOL_ARGUMENT_BYTES {
                    return Err(Error::stream(format!(
                        "tool call arguments exceed {MAX_TOOL_ARGUMENT_BYTES} bytes"
                    )));
                }
                args.push_str(piece);
                if !piece.is_empty() {
                    match json_text {
                        Some(tid) => out.push(StreamEvent::text_delta(tid, piece)),
                        None => out.push(StreamEvent::ToolInputDelta {
                            id: id.clone(),
                            delta: piece.to_owned(),
                        }),
                    }
                }
            }
        }
        Ok(())
    }

    fn stop_block(&mut self, index: u64, out: &mut Vec<StreamEvent>) {
        match self.blocks.remove(&index) {
            Some(Block::Text(id)) => out.push(StreamEvent::TextEnd {
                id,
                provider_metadata: None,
            }),
            Some(Block::Reasoning {
                id,
                signature,
                redacted,
            }) => {
                let m = match (signature, redacted) {
                    (_, Some(d)) => Some(reasoning_meta("redacted_data", &d)),
                    (Some(s), None) => Some(reasoning_meta("signature", &s)),
                    _ => None,
                };
                out.push(StreamEvent::ReasoningEnd {
                    id,
                    provider_metadata: m,
                });
            }
            Some(Block::Tool {
                id,
                name,
                args,
                json_text,
            }) => {
                if let Some(tid) = json_text {
                    out.push(StreamEvent::TextEnd {
                        id: tid,
                        provider_metadata: None,
                    });
                    return;
                }
                out.push(StreamEvent::ToolInputEnd { id: id.clone() });
                out.push(StreamEvent::ToolCall(ToolCall::from_raw_arguments(
                    id, name, &args,
                )));
            }
            None => {}
        }
    }

    /// Close open blocks and emit `finish-step`.
    pub fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        let open: Vec<u64> = self.blocks.keys().copied().collect();
        for i in open {
            self.stop_block(i, out);
        }
        out.push(StreamEvent::FinishStep {
            finish_reason: map_stop_reason(self.stop_reason.as_deref(), self.json_tool),
            raw_finish_reason: self.stop_reason.clone(),
            usage: usage_of(self.usage.as_ref()),
            response: std::mem::take(&mut self.response),
            provider_metadata: meta(&[("metrics", self.metrics.as_ref())]),
        });
        self.finished = true;
    }

    /// The input ended: finish when the model stopped (usage may come last or never).
    pub fn on_end(&mut self, truncated: bool, out: &mut Vec<StreamEvent>) -> Result<()> {
        if self.finished {
            return Ok(());
        }
        if self.saw_stop && !truncated {
            self.finish(out);
            return Ok(());
        }
        Err(Error::stream("the stream ended before messageStop").with_provider("bedrock"))
    }
}
