//! Anthropic Messages stream events → unified stream events. Pure: no IO.
//!
//! Blocks are keyed by their `index`. Text → `text-*`, thinking → `reasoning-*` whose
//! `reasoning-end` carries the signature, redacted thinking → an empty reasoning block carrying
//! its data, tool use → `tool-input-*` then `tool-call`. Usage of `message_start` is updated by
//! `message_delta`, whose values win.

use super::request::JSON_TOOL;
use super::response::{
    map_stop_reason, merge_usage, metadata, signature_metadata, url_source, usage_of,
};
use crate::error::{Error, Result};
use crate::http::sse::SseEvent;
use crate::providers::common::{parse_chunk, MAX_TOOL_ARGUMENT_BYTES, MAX_TOOL_CALLS};
use crate::providers::sse_decode::ChunkDecoder;
use crate::types::{ResponseMetadata, StreamEvent, ToolCall};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

#[derive(Debug)]
enum Block {
    Text {
        id: String,
    },
    Reasoning {
        id: String,
        signature: Option<String>,
        redacted: Option<String>,
    },
    Tool {
        id: String,
        name: String,
        args: String,
        initial: Value,
        provider_executed: bool,
        json_text: Option<String>,
    },
    Other,
}

/// The state of one Messages stream.
#[derive(Debug, Default)]
pub struct MessagesStreamDecoder {
    include_raw: bool,
    json_tool: bool,
    blocks: BTreeMap<u64, Block>,
    tool_count: usize,
    usage: Map<String, Value>,
    stop_reason: Option<String>,
    stop_details: Option<Value>,
    extra: Map<String, Value>,
    response: ResponseMetadata,
    seen_sources: HashSet<String>,
    finished: bool,
}

impl MessagesStreamDecoder {
    /// A decoder; `json_tool` streams the `json` tool's input as text.
    pub fn new(include_raw: bool, json_tool: bool) -> Self {
        MessagesStreamDecoder {
            include_raw,
            json_tool,
            ..Default::default()
        }
    }

    fn on_chunk(&mut self, chunk: &Value, out: &mut Vec<StreamEvent>) -> Result<()> {
        if self.include_raw {
            out.push(StreamEvent::Raw {
                raw_value: chunk.clone(),
            });
        }
        let index = chunk.get("index").and_then(Value::as_u64).unwrap_or(0);
        match chunk.get("type").and_then(Value::as_str).unwrap_or("") {
            "message_start" => {
                let m = chunk.get("message").cloned().unwrap_or(Value::Null);
                self.response = ResponseMetadata {
                    id: m.get("id").and_then(Value::as_str).map(str::to_owned),
                    model_id: m.get("model").and_then(Value::as_str).map(str::to_owned),
                    timestamp: None,
                    headers: Default::default(),
                };
                if let Some(u) = m.get("usage") {
                    merge_usage(&mut self.usage, u);
                }
            }
            "content_block_start" => {
                let block = chunk.get("content_block").cloned().unwrap_or(Value::Null);
                self.start_block(index, &block, out)?;
            }
            "content_block_delta" => {
                let delta = chunk.get("delta").cloned().unwrap_or(Value::Null);
                self.delta(index, &delta, out)?;
            }
            "content_block_stop" => self.stop_block(index, out),
            "message_delta" => {
                if let Some(d) = chunk.get("delta") {
                    if let Some(r) = d.get("stop_reason").and_then(Value::as_str) {
                        self.stop_reason = Some(r.to_owned());
                    }
                    if let Some(sd) = d.get("stop_details").filter(|v| !v.is_null()) {
                        self.stop_details = Some(sd.clone());
                    }
                    if let Some(s) = d.get("stop_sequence").filter(|v| !v.is_null()) {
                        self.extra.insert("stop_sequence".into(), s.clone());
                    }
                }
                if let Some(u) = chunk.get("usage") {
                    merge_usage(&mut self.usage, u);
                }
                for key in ["context_management", "container"] {
                    if let Some(v) = chunk.get(key).filter(|v| !v.is_null()) {
                        self.extra.insert(key.into(), v.clone());
                    }
                }
            }
            "message_stop" => self.finish(out),
            "error" => return Err(super::error::map_stream_error(chunk)),
            _ => {} // ping and future event types
        }
        Ok(())
    }

    fn start_block(&mut self, index: u64, block: &Value, out: &mut Vec<StreamEvent>) -> Result<()> {
        let kind = block.get("type").and_then(Value::as_str).unwrap_or("");
        let state = match kind {
            "text" => {
                let id = format!("txt-{index}");
                out.push(StreamEvent::TextStart {
                    id: id.clone(),
                    provider_metadata: None,
                });
                if let Some(t) = block
                    .get("text")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                {
                    out.push(StreamEvent::text_delta(&id, t));
                }
                Block::Text { id }
            }
            "thinking" => {
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
            }
            "redacted_thinking" => {
                let id = format!("reasoning-{index}");
                let data = block
                    .get("data")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                out.push(StreamEvent::ReasoningStart {
                    id: id.clone(),
                    provider_metadata: Some(signature_metadata("redacted_data", &data)),
                });
                Block::Reasoning {
                    id,
                    signature: None,
                    redacted: Some(data),
                }
            }
            "tool_use" | "server_tool_use" => {
                if self.tool_count >= MAX_TOOL_CALLS {
                    return Err(Error::stream(format!(
                        "the provider streamed more than {MAX_TOOL_CALLS} tool calls"
                    )));
                }
                self.tool_count += 1;
                let id = block
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                let name = block
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                let provider_executed = kind == "server_tool_use";
                let json_text = (self.json_tool && !provider_executed && name == JSON_TOOL)
                    .then(|| format!("txt-{index}"));
                if let Some(tid) = &json_text {
                    out.push(StreamEvent::TextStart {
                        id: tid.clone(),
                        provider_metadata: None,
                    });
                } else {
                    out.push(StreamEvent::ToolInputStart {
                        id: id.clone(),
                        tool_name: name.clone(),
                        provider_executed,
                    });
                }
                Block::Tool {
                    id,
                    name,
                    args: String::new(),
                    initial: block.get("input").cloned().unwrap_or(Value::Null),
                    provider_executed,
                    json_text,
                }
            }
            "web_search_tool_result" => {
                for r in block
                    .get("content")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(s) = url_source(r, &mut self.seen_sources) {
                        out.push(StreamEvent::Source(s));
                    }
                }
                if let Some(id) = block.get("tool_use_id").and_then(Value::as_str) {
                    out.push(StreamEvent::ToolResult {
                        tool_call_id: id.to_owned(),
                        tool_name: "web_search".into(),
                        input: Value::Null,
                        output: block.get("content").cloned().unwrap_or(Value::Null),
                        provider_executed: true,
                    });
                }
                Block::Other
            }
            _ => Block::Other,
        };
        self.blocks.insert(index, state);
        Ok(())
    }

    fn delta(&mut self, index: u64, delta: &Value, out: &mut Vec<StreamEvent>) -> Result<()> {
        let kind = delta.get("type").and_then(Value::as_str).unwrap_or("");
        let Some(block) = self.blocks.get_mut(&index) else {
            return Err(Error::stream(format!(
                "a content_block_delta for block {index} arrived before its content_block_start"
            ))
            .with_provider("anthropic"));
        };
        match (kind, block) {
            ("text_delta", Block::Text { id }) => {
                if let Some(t) = delta
                    .get("text")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                {
                    out.push(StreamEvent::text_delta(id, t));
                }
            }
            ("citations_delta", Block::Text { .. }) => {
                if let Some(s) = delta
                    .get("citation")
                    .and_then(|c| url_source(c, &mut self.seen_sources))
                {
                    out.push(StreamEvent::Source(s));
                }
            }
            ("thinking_delta", Block::Reasoning { id, .. }) => {
                if let Some(t) = delta
                    .get("thinking")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                {
                    out.push(StreamEvent::ReasoningDelta {
                        id: id.clone(),
                        text: t.to_owned(),
                        provider_metadata: None,
                    });
                }
            }
            ("signature_delta", Block::Reasoning { signature, .. }) => {
                if let Some(s) = delta.get("signature").and_then(Value::as_str) {
                    signature.get_or_insert_with(String::new).push_str(s);
                }
            }
            (
                "input_json_delta",
                Block::Tool {
                    id,
                    args,
                    json_text,
                    ..
                },
            ) => {
                let part = delta
                    .get("partial_json")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if part.is_empty() {
                    return Ok(());
                }
                if args.len() + part.len() > MAX_TOOL_ARGUMENT_BYTES {
                    return Err(Error::stream(format!(
                        "tool call arguments exceed {MAX_TOOL_ARGUMENT_BYTES} bytes"
                    )));
                }
                args.push_str(part);
                match json_text {
                    Some(tid) => out.push(StreamEvent::text_delta(tid, part)),
                    None => out.push(StreamEvent::ToolInputDelta {
                        id: id.clone(),
                        delta: part.to_owned(),
                    }),
                }
            }
            _ => {} // a delta kind this block does not take: ignore, as the API may add some
        }
        Ok(())
    }

    fn stop_block(&mut self, index: u64, out: &mut Vec<StreamEvent>) {
        match self.blocks.remove(&index) {
            Some(Block::Text { id }) => out.push(StreamEvent::TextEnd {
                id,
                provider_metadata: None,
            }),
            Some(Block::Reasoning {
                id,
                signature,
                redacted,
            }) => {
                let meta = match (signature, redacted) {
                    (_, Some(d)) => Some(signature_metadata("redacted_data", &d)),
                    (Some(s), None) => Some(signature_metadata("signature", &s)),
                    _ => None,
                };
                out.push(StreamEvent::ReasoningEnd {
                    id,
                    provider_metadata: meta,
                });
            }
            Some(Block::Tool {
                id,
                name,
                args,
                initial,
                provider_executed,
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
                let mut call = if args.trim().is_empty() && initial.is_object() {
                    ToolCall::from_raw_arguments(id, name, &initial.to_string())
                } else {
                    ToolCall::from_raw_arguments(id, name, &args)
                };
                call.provider_executed = provider_executed;
                out.push(StreamEvent::ToolCall(call));
            }
            Some(Block::Other) | None => {}
        }
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        let open: Vec<u64> = self.blocks.keys().copied().collect();
        for index in open {
            self.stop_block(index, out);
        }
        let usage = Value::Object(std::mem::take(&mut self.usage));
        let extra = Value::Object(std::mem::take(&mut self.extra));
        out.push(StreamEvent::FinishStep {
            finish_reason: map_stop_reason(self.stop_reason.as_deref(), self.json_tool),
            raw_finish_reason: self.stop_reason.clone(),
            usage: usage_of(&usage),
            response: std::mem::take(&mut self.response),
            provider_metadata: metadata(Some(&usage), self.stop_details.as_ref(), &extra),
        });
        self.finished = true;
    }
}

impl ChunkDecoder for MessagesStreamDecoder {
    fn on_event(&mut self, event: &SseEvent, out: &mut Vec<StreamEvent>) -> Result<()> {
        let data = event.data.trim();
        if data.is_empty() || data == "[DONE]" {
            return Ok(());
        }
        let chunk = parse_chunk("anthropic", data)?;
        self.on_chunk(&chunk, out)
    }

    fn on_end(&mut self, truncated: bool, out: &mut Vec<StreamEvent>) -> Result<()> {
        if self.finished {
            return Ok(());
        }
        // A stop reason means the answer is complete even if `message_stop` was lost.
        if self.stop_reason.is_some() && !truncated {
            self.finish(out);
            return Ok(());
        }
        Err(
            Error::stream("the stream ended before the model finished (no message_stop)")
                .with_provider("anthropic"),
        )
    }

    fn is_finished(&self) -> bool {
        self.finished
    }
}
