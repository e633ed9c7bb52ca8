//! OpenAI Chat Completions streaming chunks → unified stream events. Pure: no IO.

use super::error::map_stream_error;
use super::response::{
    citation_sources, map_finish_reason, pieces_of, provider_metadata, response_metadata, Piece,
};
use super::usage::usage_of;
use crate::error::{Error, Result};
use crate::http::sse::SseEvent;
use crate::providers::common::{parse_chunk, MAX_SOURCES, MAX_TOOL_ARGUMENT_BYTES, MAX_TOOL_CALLS};
use crate::providers::sse_decode::ChunkDecoder;
use crate::types::{ProviderMetadata, ResponseMetadata, StreamEvent, ToolCall, Usage};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

#[derive(Debug, Default)]
struct PendingToolCall {
    id: String,
    name: String,
    arguments: String,
    started: bool,
}

/// The state of one Chat Completions stream.
#[derive(Debug, Default)]
pub struct ChatStreamDecoder {
    provider_key: String,
    include_raw: bool,
    block_counter: u32,
    text_id: Option<String>,
    reasoning_id: Option<String>,
    tools: BTreeMap<u64, PendingToolCall>,
    raw_finish: Option<String>,
    usage: Option<Usage>,
    response: ResponseMetadata,
    provider_metadata: Option<ProviderMetadata>,
    seen_sources: HashSet<String>,
    saw_chunk: bool,
    finished: bool,
}

impl ChatStreamDecoder {
    /// A decoder reporting metadata under `provider_key`.
    pub fn new(provider_key: &str, include_raw: bool) -> Self {
        ChatStreamDecoder {
            provider_key: provider_key.to_owned(),
            include_raw,
            ..Default::default()
        }
    }

    fn next_id(&mut self, prefix: &str) -> String {
        let id = format!("{prefix}-{}", self.block_counter);
        self.block_counter += 1;
        id
    }

    fn on_chunk(&mut self, chunk: &Value, out: &mut Vec<StreamEvent>) -> Result<()> {
        if self.include_raw {
            out.push(StreamEvent::Raw {
                raw_value: chunk.clone(),
            });
        }
        if chunk.get("error").is_some_and(|e| !e.is_null()) {
            return Err(map_stream_error(&self.provider_key, chunk));
        }
        if !self.saw_chunk {
            self.saw_chunk = true;
            self.response = response_metadata(chunk);
        }
        if let Some(usage) = usage_of(chunk) {
            self.usage = Some(usage);
        }
        if let Some(meta) = provider_metadata(&self.provider_key, chunk) {
            self.provider_metadata = Some(meta);
        }
        for source in citation_sources(chunk) {
            if let crate::types::Source::Url { url, .. } = &source {
                if self.seen_sources.len() < MAX_SOURCES && self.seen_sources.insert(url.clone()) {
                    out.push(StreamEvent::Source(source));
                }
            }
        }
        let Some(choice) = chunk
            .get("choices")
            .and_then(Value::as_array)
            .and_then(|c| c.first())
        else {
            return Ok(());
        };
        if let Some(delta) = choice.get("delta").or_else(|| choice.get("message")) {
            for piece in pieces_of(delta) {
                match piece {
                    Piece::Reasoning(text) => self.reasoning_delta(text, out),
                    Piece::Text(text) => self.text_delta(text, out),
                }
            }
            if let Some(calls) = delta.get("tool_calls").and_then(Value::as_array) {
                for (position, call) in calls.iter().enumerate() {
                    self.tool_call_delta(position, call, out)?;
                }
            }
        }
        if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
            self.raw_finish = Some(reason.to_owned());
        }
        Ok(())
    }

    fn reasoning_delta(&mut self, text: String, out: &mut Vec<StreamEvent>) {
        let id = match &self.reasoning_id {
            Some(id) => id.clone(),
            None => {
                let id = self.next_id("reasoning");
                out.push(StreamEvent::ReasoningStart {
                    id: id.clone(),
                    provider_metadata: None,
                });
                self.reasoning_id = Some(id.clone());
                id
            }
        };
        out.push(StreamEvent::ReasoningDelta {
            id,
            text,
            provider_metadata: None,
        });
    }

    fn text_delta(&mut self, text: String, out: &mut Vec<StreamEvent>) {
        // Reasoning precedes the answer: the first text closes the reasoning block.
        self.close_reasoning(out);
        let id = match &self.text_id {
            Some(id) => id.clone(),
            None => {
                let id = self.next_id("txt");
                out.push(StreamEvent::TextStart {
                    id: id.clone(),
                    provider_metadata: None,
                });
                self.text_id = Some(id.clone());
                id
            }
        };
        out.push(StreamEvent::text_delta(&id, text));
    }

    fn close_reasoning(&mut self, out: &mut Vec<StreamEvent>) {
        if let Some(id) = self.reasoning_id.take() {
            out.push(StreamEvent::ReasoningEnd {
                id,
                provider_metadata: None,
            });
        }
    }

    fn tool_call_delta(
        &mut self,
        position: usize,
        call: &Value,
        out: &mut Vec<StreamEvent>,
    ) -> Result<()> {
        // Reasoning precedes the call: the call closes the reasoning block.
        self.close_reasoning(out);
        let index = call
            .get("index")
            .and_then(Value::as_u64)
            .unwrap_or(position as u64);
        if !self.tools.contains_key(&index) && self.tools.len() >= MAX_TOOL_CALLS {
            return Err(Error::stream(format!(
                "the provider streamed more than {MAX_TOOL_CALLS} tool calls"
            )));
        }
        let fresh_id = format!("call_{}", self.tools.len());
        let pending = self.tools.entry(index).or_default();
        if pending.id.is_empty() {
            pending.id = call
                .get("id")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .unwrap_or(fresh_id);
        }
        let function = call.get("function");
        if let Some(name) = function.and_then(|f| f.get("name")).and_then(Value::as_str) {
            if pending.name.is_empty() {
                pending.name = name.to_owned();
            }
        }
        let fragment = match function.and_then(|f| f.get("arguments")) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        if pending.arguments.len() + fragment.len() > MAX_TOOL_ARGUMENT_BYTES {
            return Err(Error::stream(format!(
                "tool call arguments exceed {MAX_TOOL_ARGUMENT_BYTES} bytes"
            )));
        }
        if !pending.started && !pending.name.is_empty() {
            pending.started = true;
            out.push(StreamEvent::ToolInputStart {
                id: pending.id.clone(),
                tool_name: pending.name.clone(),
                provider_executed: false,
            });
            if !pending.arguments.is_empty() {
                out.push(StreamEvent::ToolInputDelta {
                    id: pending.id.clone(),
                    delta: pending.arguments.clone(),
                });
            }
        }
        pending.arguments.push_str(&fragment);
        if pending.started && !fragment.is_empty() {
            out.push(StreamEvent::ToolInputDelta {
                id: pending.id.clone(),
                delta: fragment,
            });
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) -> Result<()> {
        self.close_reasoning(out);
        if let Some(id) = self.text_id.take() {
            out.push(StreamEvent::TextEnd {
                id,
                provider_metadata: None,
            });
        }
        for (_, call) in std::mem::take(&mut self.tools) {
            if call.name.is_empty() {
                return Err(Error::stream(format!(
                    "tool call `{}` arrived without a function name",
                    call.id
                )));
            }
            out.push(StreamEvent::ToolInputEnd {
                id: call.id.clone(),
            });
            out.push(StreamEvent::ToolCall(ToolCall::from_raw_arguments(
                call.id,
                call.name,
                &call.arguments,
            )));
        }
        out.push(StreamEvent::FinishStep {
            finish_reason: map_finish_reason(self.raw_finish.as_deref()),
            raw_finish_reason: self.raw_finish.clone(),
            usage: self.usage.unwrap_or_default(),
            response: std::mem::take(&mut self.response),
            provider_metadata: self.provider_metadata.take(),
        });
        self.finished = true;
        Ok(())
    }
}

impl ChunkDecoder for ChatStreamDecoder {
    fn on_event(&mut self, event: &SseEvent, out: &mut Vec<StreamEvent>) -> Result<()> {
        let data = event.data.trim();
        if data.is_empty() {
            return Ok(());
        }
        if data == "[DONE]" {
            return self.finish(out);
        }
        let chunk = parse_chunk(&self.provider_key, data)?;
        self.on_chunk(&chunk, out)
    }

    fn on_end(&mut self, truncated: bool, out: &mut Vec<StreamEvent>) -> Result<()> {
        if self.finished {
            return Ok(());
        }
        // Some compatible servers omit `[DONE]` or its closing blank line; a finish reason
        // means the answer is complete.
        if self.raw_finish.is_some() {
            return self.finish(out);
        }
        let what = if truncated {
            "the stream ended in the middle of an event, before the model finished"
        } else {
            "the stream ended before the model finished (no finish_reason and no [DONE])"
        };
        Err(Error::stream(what).with_provider(self.provider_key.clone()))
    }

    fn is_finished(&self) -> bool {
        self.finished
    }
}
