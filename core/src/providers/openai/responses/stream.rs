//! Responses API stream events (`response.*`) → unified stream events. Pure: no IO.
//!
//! Text blocks are keyed by the message item id, reasoning blocks by `<item id>:<summary
//! index>`, tool input by the function call's `call_id`. The stream ends with
//! `response.completed` / `response.incomplete`; an `error` event or `response.failed` fails it.

use super::response::{
    citation_source, map_status, openai_metadata, reasoning_metadata, response_metadata,
    response_provider_metadata, server_tool_call, usage_of,
};
use crate::error::{Error, Result};
use crate::http::sse::SseEvent;
use crate::providers::common::{parse_chunk, MAX_TOOL_ARGUMENT_BYTES, MAX_TOOL_CALLS};
use crate::providers::sse_decode::ChunkDecoder;
use crate::types::{ProviderMetadata, ResponseMetadata, StreamEvent, ToolCall};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

#[derive(Debug)]
struct Call {
    call_id: String,
    args_len: usize,
}

/// The state of one Responses stream.
#[derive(Debug, Default)]
pub struct ResponsesStreamDecoder {
    provider_key: String,
    include_raw: bool,
    response: ResponseMetadata,
    open_text: HashSet<String>,
    /// Open reasoning block id → the item's metadata.
    open_reasoning: BTreeMap<String, Option<ProviderMetadata>>,
    calls: BTreeMap<String, Call>,
    call_count: usize,
    function_calls: usize,
    seen_sources: HashSet<String>,
    finished: bool,
}

impl ResponsesStreamDecoder {
    /// A decoder reporting errors under `provider_key`.
    pub fn new(provider_key: &str, include_raw: bool) -> Self {
        ResponsesStreamDecoder {
            provider_key: provider_key.to_owned(),
            include_raw,
            ..Default::default()
        }
    }

    fn on_chunk(&mut self, v: &Value, out: &mut Vec<StreamEvent>) -> Result<()> {
        if self.include_raw {
            out.push(StreamEvent::Raw {
                raw_value: v.clone(),
            });
        }
        let s = |p: &str| {
            v.pointer(p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        match v.get("type").and_then(Value::as_str).unwrap_or("") {
            "response.created" => {
                self.response = response_metadata(v.get("response").unwrap_or(&Value::Null));
            }
            "response.output_item.added" => {
                let item = v.get("item").cloned().unwrap_or(Value::Null);
                self.item_added(&item, out)?;
            }
            "response.output_text.delta" => {
                let id = s("/item_id");
                if self.open_text.insert(id.clone()) {
                    out.push(StreamEvent::TextStart {
                        id: id.clone(),
                        provider_metadata: None,
                    });
                }
                out.push(StreamEvent::text_delta(&id, s("/delta")));
            }
            "response.output_text.annotation.added" => {
                if let Some(src) = v
                    .get("annotation")
                    .and_then(|a| citation_source(a, &mut self.seen_sources))
                {
                    out.push(StreamEvent::Source(src));
                }
            }
            "response.reasoning_summary_part.added" => {
                let item = s("/item_id");
                let index = v.get("summary_index").and_then(Value::as_u64).unwrap_or(0);
                let id = format!("{item}:{index}");
                if !self.open_reasoning.contains_key(&id) {
                    // A new summary part closes the previous one of the same item.
                    let meta = self.close_reasoning_of(&item, out);
                    out.push(StreamEvent::ReasoningStart {
                        id: id.clone(),
                        provider_metadata: meta.clone(),
                    });
                    self.open_reasoning.insert(id, meta);
                }
            }
            "response.reasoning_summary_text.delta" => {
                let index = v.get("summary_index").and_then(Value::as_u64).unwrap_or(0);
                let id = format!("{}:{index}", s("/item_id"));
                if !self.open_reasoning.contains_key(&id) {
                    out.push(StreamEvent::ReasoningStart {
                        id: id.clone(),
                        provider_metadata: None,
                    });
                    self.open_reasoning.insert(id.clone(), None);
                }
                out.push(StreamEvent::ReasoningDelta {
                    id,
                    text: s("/delta"),
                    provider_metadata: None,
                });
            }
            "response.function_call_arguments.delta" => {
                let item = s("/item_id");
                if let Some(call) = self.calls.get_mut(&item) {
                    let delta = s("/delta");
                    call.args_len += delta.len();
                    if call.args_len > MAX_TOOL_ARGUMENT_BYTES {
                        return Err(Error::stream(format!(
                            "tool call arguments exceed {MAX_TOOL_ARGUMENT_BYTES} bytes"
                        )));
                    }
                    if !delta.is_empty() {
                        out.push(StreamEvent::ToolInputDelta {
                            id: call.call_id.clone(),
                            delta,
                        });
                    }
                }
            }
            "response.output_item.done" => {
                let item = v.get("item").cloned().unwrap_or(Value::Null);
                self.item_done(&item, out);
            }
            "response.completed" | "response.incomplete" => {
                let r = v.get("response").cloned().unwrap_or(Value::Null);
                self.finish(&r, out);
            }
            "response.failed" => {
                let r = v.get("response").cloned().unwrap_or(Value::Null);
                let err = r.get("error").cloned().unwrap_or(Value::Null);
                return Err(super::super::error::map_stream_error(
                    &self.provider_key,
                    &serde_json::json!({"error": err}),
                ));
            }
            "error" => return Err(super::super::error::map_stream_error(&self.provider_key, v)),
            _ => {}
        }
        Ok(())
    }

    fn close_reasoning_of(
        &mut self,
        item: &str,
        out: &mut Vec<StreamEvent>,
    ) -> Option<ProviderMetadata> {
        let prefix = format!("{item}:");
        let ids: Vec<String> = self
            .open_reasoning
            .keys()
            .filter(|k| k.starts_with(&prefix))
            .cloned()
            .collect();
        let mut meta = None;
        for id in ids {
            let m = self.open_reasoning.remove(&id).flatten();
            out.push(StreamEvent::ReasoningEnd {
                id,
                provider_metadata: m.clone(),
            });
            meta = m;
        }
        meta
    }

    fn item_added(&mut self, item: &Value, out: &mut Vec<StreamEvent>) -> Result<()> {
        let id = item
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        match item.get("type").and_then(Value::as_str).unwrap_or("") {
            "reasoning" => {
                let rid = format!("{id}:0");
                let meta = reasoning_metadata(item);
                out.push(StreamEvent::ReasoningStart {
                    id: rid.clone(),
                    provider_metadata: meta.clone(),
                });
                self.open_reasoning.insert(rid, meta);
            }
            "function_call" => {
                if self.call_count >= MAX_TOOL_CALLS {
                    return Err(Error::stream(format!(
                        "the provider streamed more than {MAX_TOOL_CALLS} tool calls"
                    )));
                }
                self.call_count += 1;
                let call_id = item
                    .get("call_id")
                    .and_then(Value::as_str)
                    .unwrap_or(&id)
                    .to_owned();
                out.push(StreamEvent::ToolInputStart {
                    id: call_id.clone(),
                    tool_name: item
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    provider_executed: false,
                });
                self.calls.insert(
                    id,
                    Call {
                        call_id,
                        args_len: 0,
                    },
                );
            }
            _ => {}
        }
        Ok(())
    }

    fn item_done(&mut self, item: &Value, out: &mut Vec<StreamEvent>) {
        let id = item
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        match item.get("type").and_then(Value::as_str).unwrap_or("") {
            "reasoning" => {
                // The final item carries the final encrypted content: put it on every block.
                let meta = reasoning_metadata(item);
                let prefix = format!("{id}:");
                let ids: Vec<String> = self
                    .open_reasoning
                    .keys()
                    .filter(|k| k.starts_with(&prefix))
                    .cloned()
                    .collect();
                for rid in ids {
                    self.open_reasoning.remove(&rid);
                    out.push(StreamEvent::ReasoningEnd {
                        id: rid,
                        provider_metadata: meta.clone(),
                    });
                }
            }
            "message" => {
                if self.open_text.remove(&id) {
                    out.push(StreamEvent::TextEnd {
                        id,
                        provider_metadata: None,
                    });
                }
            }
            "function_call" => {
                let call_id = self
                    .calls
                    .remove(&id)
                    .map(|c| c.call_id)
                    .or_else(|| {
                        item.get("call_id")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    })
                    .unwrap_or_default();
                self.function_calls += 1;
                out.push(StreamEvent::ToolInputEnd {
                    id: call_id.clone(),
                });
                let mut call = ToolCall::from_raw_arguments(
                    call_id,
                    item.get("name").and_then(Value::as_str).unwrap_or(""),
                    item.get("arguments").and_then(Value::as_str).unwrap_or(""),
                );
                call.provider_metadata = openai_metadata(&[("item_id", item.get("id"))]);
                out.push(StreamEvent::ToolCall(call));
            }
            _ => {
                if let Some(call) = server_tool_call(item) {
                    out.push(StreamEvent::ToolInputStart {
                        id: call.tool_call_id.clone(),
                        tool_name: call.tool_name.clone(),
                        provider_executed: true,
                    });
                    out.push(StreamEvent::ToolInputEnd {
                        id: call.tool_call_id.clone(),
                    });
                    let result = StreamEvent::ToolResult {
                        tool_call_id: call.tool_call_id.clone(),
                        tool_name: call.tool_name.clone(),
                        input: call.input.clone(),
                        output: serde_json::json!({"status": item.get("status")}),
                        provider_executed: true,
                    };
                    out.push(StreamEvent::ToolCall(call));
                    out.push(result);
                }
            }
        }
    }

    fn finish(&mut self, response: &Value, out: &mut Vec<StreamEvent>) {
        for (id, meta) in std::mem::take(&mut self.open_reasoning) {
            out.push(StreamEvent::ReasoningEnd {
                id,
                provider_metadata: meta,
            });
        }
        for id in std::mem::take(&mut self.open_text) {
            out.push(StreamEvent::TextEnd {
                id,
                provider_metadata: None,
            });
        }
        let (finish_reason, raw) = map_status(response, self.function_calls > 0);
        let mut meta = response_metadata(response);
        if meta.id.is_none() {
            meta = std::mem::take(&mut self.response);
        }
        out.push(StreamEvent::FinishStep {
            finish_reason,
            raw_finish_reason: raw,
            usage: usage_of(response),
            response: meta,
            provider_metadata: response_provider_metadata(response),
        });
        self.finished = true;
    }
}

impl ChunkDecoder for ResponsesStreamDecoder {
    fn on_event(&mut self, event: &SseEvent, out: &mut Vec<StreamEvent>) -> Result<()> {
        let data = event.data.trim();
        if data.is_empty() || data == "[DONE]" {
            return Ok(());
        }
        let chunk = parse_chunk(&self.provider_key, data)?;
        self.on_chunk(&chunk, out)
    }

    fn on_end(&mut self, _truncated: bool, _out: &mut Vec<StreamEvent>) -> Result<()> {
        if self.finished {
            return Ok(());
        }
        Err(Error::stream("the stream ended before response.completed")
            .with_provider(self.provider_key.clone()))
    }

    fn is_finished(&self) -> bool {
        self.finished
    }
}
