//! Gemini `streamGenerateContent?alt=sse` chunks → unified stream events. Pure: no IO.
//!
//! Each chunk is a whole `GenerateContentResponse` holding the next parts. Function calls
//! arrive whole, or (Gemini 3 with streamed arguments) as a `functionCall` with a name and
//! `willContinue`, then `partialArgs` pieces (`jsonPath` + value), then an empty
//! `functionCall` that closes it. The stream has no `[DONE]`: it ends after the chunk with a
//! `finishReason`.

use super::response::{
    map_finish_reason, provider_metadata, response_metadata, signature_metadata, sources_of,
    usage_of,
};
use crate::error::{Error, Result};
use crate::http::sse::SseEvent;
use crate::providers::common::{parse_chunk, MAX_TOOL_ARGUMENT_BYTES, MAX_TOOL_CALLS};
use crate::providers::sse_decode::ChunkDecoder;
use crate::types::{ProviderMetadata, ResponseMetadata, StreamEvent, ToolCall, Usage};
use serde_json::{json, Map, Value};
use std::collections::HashSet;

#[derive(Debug)]
struct PartialCall {
    id: String,
    name: String,
    args: Value,
    bytes: usize,
    signature: Option<String>,
}

/// The state of one Gemini stream.
#[derive(Debug, Default)]
pub struct GenerateStreamDecoder {
    provider_key: String,
    include_raw: bool,
    counter: u32,
    text_id: Option<String>,
    reasoning: Option<(String, Option<String>)>,
    partial: Option<PartialCall>,
    calls: usize,
    raw_finish: Option<String>,
    usage: Option<Usage>,
    response: Option<ResponseMetadata>,
    metadata: Option<ProviderMetadata>,
    seen_sources: HashSet<String>,
    blocked: bool,
    finished: bool,
}

impl GenerateStreamDecoder {
    /// A decoder reporting metadata under `provider_key` (`google` or `vertex`).
    pub fn new(provider_key: &str, include_raw: bool) -> Self {
        GenerateStreamDecoder {
            provider_key: provider_key.to_owned(),
            include_raw,
            ..Default::default()
        }
    }

    fn next_id(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}-{}", self.counter - 1)
    }

    fn close_text(&mut self, out: &mut Vec<StreamEvent>) {
        if let Some(id) = self.text_id.take() {
            out.push(StreamEvent::TextEnd {
                id,
                provider_metadata: None,
            });
        }
    }

    fn close_reasoning(&mut self, out: &mut Vec<StreamEvent>) {
        if let Some((id, sig)) = self.reasoning.take() {
            out.push(StreamEvent::ReasoningEnd {
                id,
                provider_metadata: sig.map(|s| signature_metadata(&self.provider_key, &s)),
            });
        }
    }

    /// An empty reasoning block that only carries a text part's signature.
    fn signature_carrier(&mut self, sig: &str, out: &mut Vec<StreamEvent>) {
        self.close_text(out);
        self.close_reasoning(out);
        let id = self.next_id("reasoning");
        let meta = Some(signature_metadata(&self.provider_key, sig));
        out.push(StreamEvent::ReasoningStart {
            id: id.clone(),
            provider_metadata: meta.clone(),
        });
        out.push(StreamEvent::ReasoningEnd {
            id,
            provider_metadata: meta,
        });
    }

    fn on_chunk(&mut self, chunk: &Value, out: &mut Vec<StreamEvent>) -> Result<()> {
        if self.include_raw {
            out.push(StreamEvent::Raw {
                raw_value: chunk.clone(),
            });
        }
        if chunk.get("error").is_some_and(Value::is_object) {
            return Err(super::error::map_body_error(&self.provider_key, 0, chunk));
        }
        if self.response.is_none() {
            self.response = Some(response_metadata(chunk));
        }
        if let Some(u) = usage_of(chunk) {
            self.usage = Some(u);
        }
        if let Some(m) = provider_metadata(&self.provider_key, chunk) {
            self.metadata = Some(m);
        }
        let candidate = chunk
            .pointer("/candidates/0")
            .cloned()
            .unwrap_or(Value::Null);
        for part in candidate
            .pointer("/content/parts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.on_part(part, out)?;
        }
        for s in sources_of(&candidate, &mut self.seen_sources) {
            out.push(StreamEvent::Source(s));
        }
        if let Some(r) = candidate.get("finishReason").and_then(Value::as_str) {
            self.raw_finish = Some(r.to_owned());
        } else if let Some(b) = chunk
            .pointer("/promptFeedback/blockReason")
            .and_then(Value::as_str)
        {
            self.raw_finish = Some(b.to_owned());
            self.blocked = true;
        }
        Ok(())
    }

    fn on_part(&mut self, part: &Value, out: &mut Vec<StreamEvent>) -> Result<()> {
        let sig = part.get("thoughtSignature").and_then(Value::as_str);
        if let Some(call) = part.get("functionCall") {
            return self.on_function_call(call, sig, out);
        }
        if let Some(data) = part.get("inlineData") {
            if let Some(b64) = data.get("data").and_then(Value::as_str) {
                out.push(StreamEvent::File {
                    media_type: data
                        .get("mimeType")
                        .and_then(Value::as_str)
                        .unwrap_or("application/octet-stream")
                        .to_owned(),
                    base64: b64.to_owned(),
                });
            }
            return Ok(());
        }
        let Some(text) = part.get("text").and_then(Value::as_str) else {
            return Ok(());
        };
        if part.get("thought").and_then(Value::as_bool) == Some(true) {
            self.close_text(out);
            if self.reasoning.is_none() {
                let id = self.next_id("reasoning");
                out.push(StreamEvent::ReasoningStart {
                    id: id.clone(),
                    provider_metadata: None,
                });
                self.reasoning = Some((id, None));
            }
            if let Some((id, signature)) = &mut self.reasoning {
                if !text.is_empty() {
                    out.push(StreamEvent::ReasoningDelta {
                        id: id.clone(),
                        text: text.to_owned(),
                        provider_metadata: None,
                    });
                }
                if let Some(s) = sig {
                    *signature = Some(s.to_owned());
                }
            }
            return Ok(());
        }
        if let Some(s) = sig {
            self.signature_carrier(s, out);
        }
        if text.is_empty() {
            return Ok(());
        }
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
        Ok(())
    }

    fn on_function_call(
        &mut self,
        call: &Value,
        sig: Option<&str>,
        out: &mut Vec<StreamEvent>,
    ) -> Result<()> {
        self.close_text(out);
        self.close_reasoning(out);
        let name = call.get("name").and_then(Value::as_str);
        let will_continue = call.get("willContinue").and_then(Value::as_bool) == Some(true);
        let partial_args = call.get("partialArgs").and_then(Value::as_array);
        if let (Some(p), Some(pieces)) = (&mut self.partial, partial_args) {
            for piece in pieces {
                apply_partial(&mut p.args, piece, &mut p.bytes)?;
            }
            return Ok(());
        }
        if self.partial.is_some() && name.is_none() && !will_continue {
            self.finish_partial(out);
            return Ok(());
        }
        let Some(name) = name else {
            return Ok(());
        };
        if self.partial.is_some() {
            self.finish_partial(out);
        }
        if self.calls >= MAX_TOOL_CALLS {
            return Err(Error::stream(format!(
                "the provider streamed more than {MAX_TOOL_CALLS} tool calls"
            )));
        }
        let id = call
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("call_{}", self.calls));
        self.calls += 1;
        out.push(StreamEvent::ToolInputStart {
            id: id.clone(),
            tool_name: name.to_owned(),
            provider_executed: false,
        });
        let partial = PartialCall {
            id,
            name: name.to_owned(),
            args: call.get("args").cloned().unwrap_or_else(|| json!({})),
            bytes: 0,
            signature: sig.map(str::to_owned),
        };
        self.partial = Some(partial);
        if !will_continue {
            self.finish_partial(out);
        }
        Ok(())
    }

    fn finish_partial(&mut self, out: &mut Vec<StreamEvent>) {
        let Some(p) = self.partial.take() else { return };
        out.push(StreamEvent::ToolInputDelta {
            id: p.id.clone(),
            delta: p.args.to_string(),
        });
        out.push(StreamEvent::ToolInputEnd { id: p.id.clone() });
        out.push(StreamEvent::ToolCall(ToolCall {
            tool_call_id: p.id,
            tool_name: p.name,
            input: p.args,
            invalid_input: false,
            provider_executed: false,
            provider_metadata: p
                .signature
                .map(|s| signature_metadata(&self.provider_key, &s)),
        }));
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        self.finish_partial(out);
        self.close_text(out);
        self.close_reasoning(out);
        let raw = self.raw_finish.clone();
        let finish_reason = if self.blocked {
            crate::types::FinishReason::ContentFilter
        } else {
            map_finish_reason(raw.as_deref(), self.calls > 0)
        };
        out.push(StreamEvent::FinishStep {
            finish_reason,
            raw_finish_reason: raw,
            usage: self.usage.unwrap_or_default(),
            response: self.response.take().unwrap_or_default(),
            provider_metadata: self.metadata.take(),
        });
        self.finished = true;
    }
}

/// Apply one `partialArgs` entry (`{"jsonPath": "$.a.b", "stringValue": "..."}`) to `args`.
fn apply_partial(args: &mut Value, piece: &Value, bytes: &mut usize) -> Result<()> {
    let path = piece.get("jsonPath").and_then(Value::as_str).unwrap_or("$");
    let value = if let Some(s) = piece.get("stringValue").and_then(Value::as_str) {
        *bytes += s.len();
        Some(Value::String(s.to_owned()))
    } else if let Some(n) = piece.get("numberValue") {
        Some(n.clone())
    } else if let Some(b) = piece.get("boolValue") {
        Some(b.clone())
    } else if piece.get("nullValue").is_some() {
        Some(Value::Null)
    } else {
        None
    };
    if *bytes > MAX_TOOL_ARGUMENT_BYTES {
        return Err(Error::stream(format!(
            "tool call arguments exceed {MAX_TOOL_ARGUMENT_BYTES} bytes"
        )));
    }
    let Some(value) = value else { return Ok(()) };
    let slot = path_slot(args, path)?;
    match (slot, value) {
        (Value::String(existing), Value::String(more)) => existing.push_str(&more),
        (slot, value) => *slot = value,
    }
    Ok(())
}

/// The value at a simple JSONPath (`$.a.b[2]`), created (as `null`) when missing.
fn path_slot<'a>(root: &'a mut Value, path: &str) -> Result<&'a mut Value> {
    let bad = || {
        Error::stream(format!(
            "unsupported jsonPath `{path}` in streamed arguments"
        ))
    };
    let rest = path.strip_prefix('$').ok_or_else(bad)?;
    let mut current = root;
    let mut chars = rest;
    let mut depth = 0;
    while !chars.is_empty() {
        depth += 1;
        if depth > 64 {
            return Err(bad());
        }
        if let Some(after) = chars.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let key = &after[..end];
            if key.is_empty() {
                return Err(bad());
            }
            if !current.is_object() {
                *current = Value::Object(Map::new());
            }
            current = current
                .as_object_mut()
                .ok_or_else(bad)?
                .entry(key.to_owned())
                .or_insert(Value::Null);
            chars = &after[end..];
        } else if let Some(after) = chars.strip_prefix('[') {
            let end = after.find(']').ok_or_else(bad)?;
            let inner = &after[..end];
            if let Ok(index) = inner.parse::<usize>() {
                if index > 4096 {
                    return Err(bad());
                }
                if !current.is_array() {
                    *current = Value::Array(Vec::new());
                }
                let arr = current.as_array_mut().ok_or_else(bad)?;
                while arr.len() <= index {
                    arr.push(Value::Null);
                }
                current = &mut arr[index];
            } else {
                let key = inner.trim_matches(|c| c == '\'' || c == '"');
                if !current.is_object() {
                    *current = Value::Object(Map::new());
                }
                current = current
                    .as_object_mut()
                    .ok_or_else(bad)?
                    .entry(key.to_owned())
                    .or_insert(Value::Null);
            }
            chars = &after[end + 1..];
        } else {
            return Err(bad());
        }
    }
    Ok(current)
}

impl ChunkDecoder for GenerateStreamDecoder {
    fn on_event(&mut self, event: &SseEvent, out: &mut Vec<StreamEvent>) -> Result<()> {
        let data = event.data.trim();
        if data.is_empty() || data == "[DONE]" {
            return Ok(());
        }
        let chunk = parse_chunk(&self.provider_key, data)?;
        self.on_chunk(&chunk, out)
    }

    fn on_end(&mut self, truncated: bool, out: &mut Vec<StreamEvent>) -> Result<()> {
        if self.finished {
            return Ok(());
        }
        if self.raw_finish.is_some() && !truncated {
            self.finish(out);
            return Ok(());
        }
        Err(
            Error::stream("the stream ended before the model finished (no finishReason)")
                .with_provider(self.provider_key.clone()),
        )
    }

    fn is_finished(&self) -> bool {
        self.finished
    }
}
