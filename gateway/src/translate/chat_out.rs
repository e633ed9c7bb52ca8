//! Core results and stream events → OpenAI `chat.completion` / `chat.completion.chunk` JSON.

use ditto_llm::{FinishReason, GenerateTextResult, StreamEvent, Usage};
use serde_json::{json, Value};

/// OpenAI's finish reason for a unified one.
pub fn finish_reason(r: FinishReason) -> &'static str {
    match r {
        FinishReason::Stop | FinishReason::Other | FinishReason::Error => "stop",
        FinishReason::Length => "length",
        FinishReason::ContentFilter => "content_filter",
        FinishReason::ToolCalls => "tool_calls",
    }
}

/// OpenAI `usage`.
pub fn usage_json(u: &Usage) -> Value {
    let input = u.input_tokens.unwrap_or(0);
    let output = u.output_tokens.unwrap_or(0);
    json!({
        "prompt_tokens": input,
        "completion_tokens": output,
        "total_tokens": u.total_tokens.unwrap_or(input + output),
    })
}

/// A whole `chat.completion`.
pub fn completion(r: &GenerateTextResult, id: &str, model: &str, created: u64) -> Value {
    let tool_calls: Vec<Value> = r
        .tool_calls
        .iter()
        .map(|c| {
            json!({"id": c.tool_call_id, "type": "function",
                   "function": {"name": c.tool_name, "arguments": c.arguments_json()}})
        })
        .collect();
    let mut message = json!({"role": "assistant", "content": if r.text.is_empty() && !tool_calls.is_empty() { Value::Null } else { Value::String(r.text.clone()) }});
    if !tool_calls.is_empty() {
        message["tool_calls"] = Value::Array(tool_calls);
    }
    if let Some(reasoning) = &r.reasoning_text {
        message["reasoning_content"] = Value::String(reasoning.clone());
    }
    json!({
        "id": id, "object": "chat.completion", "created": created, "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason(r.finish_reason), "logprobs": null}],
        "usage": usage_json(&r.usage),
    })
}

/// Turns stream events into chunk objects, tracking tool-call indexes.
#[derive(Debug)]
pub struct ChunkEncoder {
    id: String,
    model: String,
    created: u64,
    sent_role: bool,
    tool_index: Vec<String>,
    streamed_inputs: Vec<String>,
}

impl ChunkEncoder {
    /// An encoder for one response.
    pub fn new(id: String, model: String, created: u64) -> Self {
        ChunkEncoder {
            id,
            model,
            created,
            sent_role: false,
            tool_index: Vec::new(),
            streamed_inputs: Vec::new(),
        }
    }

    fn chunk(&mut self, mut delta: Value, finish: Option<&str>) -> Value {
        if !self.sent_role {
            delta["role"] = Value::String("assistant".into());
            self.sent_role = true;
        }
        json!({"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": null}]})
    }

    fn index_of(&mut self, id: &str) -> usize {
        match self.tool_index.iter().position(|x| x == id) {
            Some(i) => i,
            None => {
                self.tool_index.push(id.to_owned());
                self.tool_index.len() - 1
            }
        }
    }

    /// The chunk for one event, if it produces one.
    pub fn encode(&mut self, ev: &StreamEvent) -> Option<Value> {
        match ev {
            StreamEvent::TextDelta { text, .. } => Some(self.chunk(json!({"content": text}), None)),
            StreamEvent::ReasoningDelta { text, .. } => {
                Some(self.chunk(json!({"reasoning_content": text}), None))
            }
            StreamEvent::ToolInputStart { id, tool_name, .. } => {
                let i = self.index_of(id);
                self.streamed_inputs.push(id.clone());
                Some(self.chunk(
                    json!({"tool_calls": [{"index": i, "id": id, "type": "function", "function": {"name": tool_name, "arguments": ""}}]}),
                    None,
                ))
            }
            StreamEvent::ToolInputDelta { id, delta } => {
                let i = self.index_of(id);
                Some(self.chunk(
                    json!({"tool_calls": [{"index": i, "function": {"arguments": delta}}]}),
                    None,
                ))
            }
            StreamEvent::ToolCall(c) if !self.streamed_inputs.contains(&c.tool_call_id) => {
                let i = self.index_of(&c.tool_call_id);
                Some(self.chunk(
                    json!({"tool_calls": [{"index": i, "id": c.tool_call_id, "type": "function",
                           "function": {"name": c.tool_name, "arguments": c.arguments_json()}}]}),
                    None,
                ))
            }
            StreamEvent::FinishStep {
                finish_reason: r, ..
            } => Some(self.chunk(json!({}), Some(finish_reason(*r)))),
            _ => None,
        }
    }

    /// The usage-only chunk.
    pub fn usage_chunk(&self, usage: &Usage) -> Value {
        json!({"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
               "choices": [], "usage": usage_json(usage)})
    }
}
