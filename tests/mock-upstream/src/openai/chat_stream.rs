//! Streaming `chat.completion.chunk` events for a [`ChatPlan`].

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::chat::{Answer, ChatPlan, CREATED};
use crate::echo::{byte_pieces, word_pieces};
use crate::reply::Reply;

/// Largest piece of streamed tool-call arguments, in bytes.
pub(crate) const ARGUMENT_PIECE_BYTES: usize = 8;

/// The SSE reply: role chunk, content (or tool call) chunks, finish chunk,
/// optional usage chunk, then `[DONE]`.
pub(crate) fn render(plan: &ChatPlan) -> Reply {
    Reply::sse_data(
        StatusCode::OK,
        events(plan).iter().map(Value::to_string),
        true,
    )
}

/// The chunk objects, in order (without `[DONE]`).
pub(crate) fn events(plan: &ChatPlan) -> Vec<Value> {
    let mut chunks = Vec::new();
    match &plan.answer {
        Answer::Text { content, .. } => {
            chunks.push(chunk(
                plan,
                json!({ "role": "assistant", "content": "", "refusal": null }),
                None,
            ));
            for piece in word_pieces(content) {
                chunks.push(chunk(plan, json!({ "content": piece }), None));
            }
        }
        Answer::ToolCalls(calls) => {
            chunks.push(chunk(
                plan,
                json!({ "role": "assistant", "content": null, "refusal": null }),
                None,
            ));
            for (index, call) in calls.iter().enumerate() {
                let start = json!({ "tool_calls": [{
                    "index": index,
                    "id": call.id,
                    "type": "function",
                    "function": { "name": call.name, "arguments": "" },
                }]});
                chunks.push(chunk(plan, start, None));
                for piece in byte_pieces(&call.arguments, ARGUMENT_PIECE_BYTES) {
                    let delta = json!({ "tool_calls": [{
                        "index": index,
                        "function": { "arguments": piece },
                    }]});
                    chunks.push(chunk(plan, delta, None));
                }
            }
        }
    }
    chunks.push(chunk(plan, json!({}), Some(plan.finish_reason())));
    if plan.include_usage {
        chunks.push(json!({
            "id": plan.id,
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": plan.model,
            "choices": [],
            "usage": plan.usage(),
        }));
    }
    chunks
}

/// One chunk with a single choice. Like the real API, chunks carry
/// `"usage": null` when usage was requested.
fn chunk(plan: &ChatPlan, delta: Value, finish_reason: Option<&str>) -> Value {
    let mut chunk = json!({
        "id": plan.id,
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": plan.model,
        "choices": [{
            "index": 0,
            "delta": delta,
            "logprobs": null,
            "finish_reason": finish_reason,
        }],
    });
    if plan.include_usage {
        chunk["usage"] = Value::Null;
    }
    chunk
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openai::chat::CallAnswer;

    fn plan(answer: Answer, include_usage: bool) -> ChatPlan {
        ChatPlan {
            id: "chatcmpl-mock-1".into(),
            model: "m".into(),
            answer,
            prompt_tokens: 2,
            completion_tokens: 3,
            include_usage,
        }
    }

    #[test]
    fn text_chunks() {
        let answer = Answer::Text {
            content: "echo: hi there".into(),
            finish: "stop",
        };
        let events = events(&plan(answer, true));
        assert_eq!(events.len(), 1 + 3 + 1 + 1);
        assert_eq!(events[0]["choices"][0]["delta"]["role"], "assistant");
        assert_eq!(events[1]["choices"][0]["delta"]["content"], "echo: ");
        assert_eq!(events[3]["choices"][0]["delta"]["content"], "there");
        assert_eq!(events[4]["choices"][0]["finish_reason"], "stop");
        assert_eq!(events[5]["choices"], json!([]));
        assert_eq!(events[5]["usage"]["total_tokens"], 5);
    }

    #[test]
    fn tool_chunks() {
        let answer = Answer::ToolCalls(vec![CallAnswer {
            id: "call_1".into(),
            name: "get_weather".into(),
            arguments: "{\"city\":\"Paris\"}".into(),
        }]);
        let events = events(&plan(answer, false));
        // role, start, two argument pieces, finish.
        assert_eq!(events.len(), 5);
        let call = &events[1]["choices"][0]["delta"]["tool_calls"][0];
        assert_eq!(call["function"]["name"], "get_weather");
        assert_eq!(call["id"], "call_1");
        assert!(events[0].get("usage").is_none());
        assert_eq!(events[4]["choices"][0]["finish_reason"], "tool_calls");
    }
}
