//! Cohere v2 chat responses and stream events → unified results and events. Pure: no IO.

use crate::error::{Error, Result};
use crate::http::sse::SseEvent;
use crate::providers::common::{
    bad_response, parse_body, parse_chunk, wrap_metadata, MAX_TOOL_ARGUMENT_BYTES, MAX_TOOL_CALLS,
};
use crate::providers::sse_decode::ChunkDecoder;
use crate::types::{
    ContentPart, FinishReason, ModelResponse, ProviderMetadata, ReasoningPart, ResponseMetadata,
    StreamEvent, ToolCall, Usage,
};
use serde_json::{Map, Value};

/// Map a Cohere `finish_reason`.
pub fn map_finish_reason(raw: Option<&str>) -> FinishReason {
    match raw {
        Some("COMPLETE" | "STOP_SEQUENCE") => FinishReason::Stop,
        Some("MAX_TOKENS") => FinishReason::Length,
        Some("TOOL_CALL") => FinishReason::ToolCalls,
        Some("ERROR") => FinishReason::Error,
        _ => FinishReason::Other,
    }
}

/// `usage.tokens` (what the model processed) → [`Usage`]; cached tokens as cache reads.
pub fn usage_of(usage: Option<&Value>) -> Usage {
    let Some(u) = usage else {
        return Usage::default();
    };
    let n = |p: &str| u.pointer(p).and_then(Value::as_u64);
    Usage {
        input_tokens: n("/tokens/input_tokens").or_else(|| n("/billed_units/input_tokens")),
        output_tokens: n("/tokens/output_tokens").or_else(|| n("/billed_units/output_tokens")),
        total_tokens: None,
        cache_read_tokens: n("/cached_tokens"),
        cache_write_tokens: None,
        reasoning_tokens: None,
    }
    .with_computed_total()
}

fn metadata(usage: Option<&Value>, citations: Option<&Value>) -> Option<ProviderMetadata> {
    let mut m = Map::new();
    if let Some(b) = usage.and_then(|u| u.get("billed_units")) {
        m.insert("billed_units".into(), b.clone());
    }
    if let Some(c) = citations.filter(|c| c.as_array().is_some_and(|a| !a.is_empty())) {
        m.insert("citations".into(), c.clone());
    }
    wrap_metadata("cohere", m)
}

fn plan_metadata() -> ProviderMetadata {
    let mut m = Map::new();
    m.insert("tool_plan".into(), true.into());
    wrap_metadata("cohere", m).unwrap_or_default()
}

/// Parse a complete `/v2/chat` response.
pub fn parse_chat_response(body: &[u8]) -> Result<ModelResponse> {
    let v = parse_body("cohere", body)?;
    let message = v
        .get("message")
        .ok_or_else(|| bad_response("cohere", "the response has no `message`", &v))?;
    let mut content = Vec::new();
    if let Some(plan) = message
        .get("tool_plan")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
    {
        content.push(ContentPart::Reasoning(ReasoningPart {
            text: plan.to_owned(),
            provider_metadata: Some(plan_metadata()),
        }));
    }
    for part in message
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match part.get("type").and_then(Value::as_str) {
            Some("text") => content.push(ContentPart::text(
                part.get("text").and_then(Value::as_str).unwrap_or(""),
            )),
            Some("thinking") => content.push(ContentPart::Reasoning(ReasoningPart {
                text: part
                    .get("thinking")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                provider_metadata: None,
            })),
            _ => {}
        }
    }
    for call in message
        .get("tool_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        content.push(ContentPart::ToolCall(ToolCall::from_raw_arguments(
            call.get("id").and_then(Value::as_str).unwrap_or(""),
            call.pointer("/function/name")
                .and_then(Value::as_str)
                .unwrap_or(""),
            call.pointer("/function/arguments")
                .and_then(Value::as_str)
                .unwrap_or(""),
        )));
    }
    let raw = v.get("finish_reason").and_then(Value::as_str);
    Ok(ModelResponse {
        content,
        sources: Vec::new(),
        finish_reason: map_finish_reason(raw),
        raw_finish_reason: raw.map(str::to_owned),
        usage: usage_of(v.get("usage")),
        warnings: Vec::new(),
        response: ResponseMetadata {
            id: v.get("id").and_then(Value::as_str).map(str::to_owned),
            ..Default::default()
        },
        provider_metadata: metadata(v.get("usage"), message.get("citations")),
    })
}

#[derive(Debug, Default)]
struct Call {
    id: String,
    name: String,
    args: String,
}

/// The state of one `/v2/chat` stream (`event:` + `data:` SSE).
#[derive(Debug, Default)]
pub struct CohereStreamDecoder {
    include_raw: bool,
    response: ResponseMetadata,
    plan_open: bool,
    blocks: std::collections::BTreeMap<u64, (String, bool)>,
    calls: std::collections::BTreeMap<u64, Call>,
    call_count: usize,
    finished: bool,
}

impl CohereStreamDecoder {
    /// A decoder.
    pub fn new(include_raw: bool) -> Self {
        CohereStreamDecoder {
            include_raw,
            ..Default::default()
        }
    }

    /// Report `model_id` in the response metadata (Cohere's events do not carry it).
    pub fn with_model(mut self, model_id: &str) -> Self {
        self.response.model_id = Some(model_id.to_owned());
        self
    }

    fn close_plan(&mut self, out: &mut Vec<StreamEvent>) {
        if std::mem::take(&mut self.plan_open) {
            out.push(StreamEvent::ReasoningEnd {
                id: "tool-plan".into(),
                provider_metadata: Some(plan_metadata()),
            });
        }
    }

    fn on_chunk(&mut self, v: &Value, out: &mut Vec<StreamEvent>) -> Result<()> {
        if self.include_raw {
            out.push(StreamEvent::Raw {
                raw_value: v.clone(),
            });
        }
        let index = v.get("index").and_then(Value::as_u64).unwrap_or(0);
        let msg = v.pointer("/delta/message");
        match v.get("type").and_then(Value::as_str).unwrap_or("") {
            "message-start" => {
                self.response.id = v.get("id").and_then(Value::as_str).map(str::to_owned);
            }
            "tool-plan-delta" => {
                if !self.plan_open {
                    self.plan_open = true;
                    out.push(StreamEvent::ReasoningStart {
                        id: "tool-plan".into(),
                        provider_metadata: None,
                    });
                }
                let text = msg
                    .and_then(|m| m.get("tool_plan"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if !text.is_empty() {
                    out.push(StreamEvent::ReasoningDelta {
                        id: "tool-plan".into(),
                        text: text.to_owned(),
                        provider_metadata: None,
                    });
                }
            }
            "content-start" => {
                self.close_plan(out);
                let thinking = msg
                    .and_then(|m| m.pointer("/content/type"))
                    .and_then(Value::as_str)
                    == Some("thinking");
                let id = format!("{}-{index}", if thinking { "reasoning" } else { "txt" });
                out.push(if thinking {
                    StreamEvent::ReasoningStart {
                        id: id.clone(),
                        provider_metadata: None,
                    }
                } else {
                    StreamEvent::TextStart {
                        id: id.clone(),
                        provider_metadata: None,
                    }
                });
                self.blocks.insert(index, (id, thinking));
            }
            "content-delta" => {
                let Some((id, thinking)) = self.blocks.get(&index).cloned() else {
                    return Err(
                        Error::stream("content-delta before content-start").with_provider("cohere")
                    );
                };
                let c = msg.and_then(|m| m.get("content"));
                if thinking {
                    let t = c
                        .and_then(|c| c.get("thinking"))
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    if !t.is_empty() {
                        out.push(StreamEvent::ReasoningDelta {
                            id,
                            text: t.to_owned(),
                            provider_metadata: None,
                        });
                    }
                } else {
                    let t = c
                        .and_then(|c| c.get("text"))
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    if !t.is_empty() {
                        out.push(StreamEvent::text_delta(&id, t));
                    }
                }
            }
            "content-end" => {
                if let Some((id, thinking)) = self.blocks.remove(&index) {
                    out.push(if thinking {
                        StreamEvent::ReasoningEnd {
                            id,
                            provider_metadata: None,
                        }
                    } else {
                        StreamEvent::TextEnd {
                            id,
                            provider_metadata: None,
                        }
                    });
                }
            }
            "tool-call-start" => {
                self.close_plan(out);
                if self.call_count >= MAX_TOOL_CALLS {
                    return Err(Error::stream(format!(
                        "the provider streamed more than {MAX_TOOL_CALLS} tool calls"
                    )));
                }
                self.call_count += 1;
                let tc = msg
                    .and_then(|m| m.get("tool_calls"))
                    .cloned()
                    .unwrap_or(Value::Null);
                let call = Call {
                    id: tc
                        .get("id")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    name: tc
                        .pointer("/function/name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    args: tc
                        .pointer("/function/arguments")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                };
                out.push(StreamEvent::ToolInputStart {
                    id: call.id.clone(),
                    tool_name: call.name.clone(),
                    provider_executed: false,
                });
                if !call.args.is_empty() {
                    out.push(StreamEvent::ToolInputDelta {
                        id: call.id.clone(),
                        delta: call.args.clone(),
                    });
                }
                self.calls.insert(index, call);
            }
            "tool-call-delta" => {
                let piece = msg
                    .and_then(|m| m.pointer("/tool_calls/function/arguments"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if let Some(call) = self.calls.get_mut(&index) {
                    if call.args.len() + piece.len() > MAX_TOOL_ARGUMENT_BYTES {
                        return Err(Error::stream(format!(
                            "tool call arguments exceed {MAX_TOOL_ARGUMENT_BYTES} bytes"
                        )));
                    }
                    call.args.push_str(piece);
                    if !piece.is_empty() {
                        out.push(StreamEvent::ToolInputDelta {
                            id: call.id.clone(),
                            delta: piece.to_owned(),
                        });
                    }
                }
            }
            "tool-call-end" => {
                if let Some(call) = self.calls.remove(&index) {
                    out.push(StreamEvent::ToolInputEnd {
                        id: call.id.clone(),
                    });
                    out.push(StreamEvent::ToolCall(ToolCall::from_raw_arguments(
                        call.id, call.name, &call.args,
                    )));
                }
            }
            "message-end" => {
                self.close_plan(out);
                let d = v.get("delta").cloned().unwrap_or(Value::Null);
                if let Some(e) = d.get("error").and_then(Value::as_str) {
                    return Err(Error::new(crate::ErrorKind::Provider, e.to_owned())
                        .with_provider("cohere"));
                }
                let raw = d.get("finish_reason").and_then(Value::as_str);
                out.push(StreamEvent::FinishStep {
                    finish_reason: map_finish_reason(raw),
                    raw_finish_reason: raw.map(str::to_owned),
                    usage: usage_of(d.get("usage")),
                    response: std::mem::take(&mut self.response),
                    provider_metadata: metadata(d.get("usage"), None),
                });
                self.finished = true;
            }
            _ => {}
        }
        Ok(())
    }
}

impl ChunkDecoder for CohereStreamDecoder {
    fn on_event(&mut self, event: &SseEvent, out: &mut Vec<StreamEvent>) -> Result<()> {
        let data = event.data.trim();
        if data.is_empty() || data == "[DONE]" {
            return Ok(());
        }
        let chunk = parse_chunk("cohere", data)?;
        self.on_chunk(&chunk, out)
    }

    fn on_end(&mut self, _truncated: bool, _out: &mut Vec<StreamEvent>) -> Result<()> {
        if self.finished {
            return Ok(());
        }
        Err(Error::stream("the stream ended before message-end").with_provider("cohere"))
    }

    fn is_finished(&self) -> bool {
        self.finished
    }
}
