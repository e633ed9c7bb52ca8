//! Cohere v2: `POST /v2/chat` (JSON or named-event SSE), `/v2/embed`, `/v2/rerank`.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::echo::{limit_words, word_count, word_pieces};
use crate::openai::chat::{message_text, tool_trigger};
use crate::openai::embeddings::embed;
use crate::reply::Reply;

/// True for Cohere's paths.
pub(crate) fn owns(path: &str) -> bool {
    matches!(path, "/v2/chat" | "/v2/embed" | "/v2/rerank")
}

/// The default reply, or `None` when the path is not Cohere's.
pub(crate) fn handle(method: &Method, path: &str, body: &[u8], id: u64) -> Option<Reply> {
    if !owns(path) {
        return None;
    }
    if method != Method::POST {
        return Some(error(
            405,
            &format!("Method {method} is not allowed on {path}"),
        ));
    }
    let request = match serde_json::from_slice::<Value>(body) {
        Ok(v) if v.is_object() => v,
        _ => {
            return Some(error(
                400,
                "invalid request: the body must be a JSON object",
            ))
        }
    };
    let reply = match path {
        "/v2/embed" => embeddings(&request),
        "/v2/rerank" => rerank(&request),
        _ => chat(&request, id),
    };
    Some(reply.with_header("x-request-id", format!("req_mock_{id}")))
}

/// A Cohere error body for an injected status.
pub(crate) fn error_for_status(status: u16) -> Value {
    let message = match status {
        400 => "invalid request (injected by ditto-mock-upstream)",
        401 => "invalid api token",
        404 => "model not found",
        429 => "You are using a Trial key, which is limited to 10 API calls / minute.",
        s if s >= 500 => "internal server error",
        _ => "request failed (injected by ditto-mock-upstream)",
    };
    json!({"id": "mock-error", "message": message})
}

fn error(status: u16, message: &str) -> Reply {
    Reply::json(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        &json!({"id": "mock-error", "message": message}),
    )
}

fn embeddings(request: &Value) -> Reply {
    let Some(texts) = request.get("texts").and_then(Value::as_array) else {
        return error(400, "invalid request: texts is required");
    };
    if texts.len() > 96 {
        return error(400, "invalid request: texts must contain at most 96 items");
    }
    let dims = request
        .get("output_dimension")
        .and_then(Value::as_u64)
        .map_or(8, |d| d.clamp(1, 4096) as usize);
    let texts: Vec<String> = texts
        .iter()
        .map(|t| t.as_str().unwrap_or("").to_owned())
        .collect();
    let vectors: Vec<Vec<f32>> = texts.iter().map(|t| embed(t, dims)).collect();
    let tokens: u64 = texts.iter().map(|t| word_count(t)).sum();
    Reply::json(
        StatusCode::OK,
        &json!({"id": "embed-mock", "embeddings": {"float": vectors}, "texts": texts,
                "meta": {"billed_units": {"input_tokens": tokens}}}),
    )
}

/// Scores are the share of query words found in the document (ties keep input order).
fn rerank(request: &Value) -> Reply {
    let query = request
        .get("query")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_lowercase();
    let Some(docs) = request.get("documents").and_then(Value::as_array) else {
        return error(400, "invalid request: documents is required");
    };
    let words: Vec<&str> = query.split_whitespace().collect();
    let mut scored: Vec<(usize, f64)> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let text = d
                .as_str()
                .or_else(|| d.get("text").and_then(Value::as_str))
                .unwrap_or("")
                .to_lowercase();
            let hits = words.iter().filter(|w| text.contains(*w)).count();
            (
                i,
                if words.is_empty() {
                    0.0
                } else {
                    hits as f64 / words.len() as f64
                },
            )
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    if let Some(n) = request.get("top_n").and_then(Value::as_u64) {
        scored.truncate(n as usize);
    }
    let results: Vec<Value> = scored
        .iter()
        .map(|(i, s)| json!({"index": i, "relevance_score": s}))
        .collect();
    Reply::json(
        StatusCode::OK,
        &json!({"id": "rerank-mock", "results": results, "meta": {"billed_units": {"search_units": 1}}}),
    )
}

fn chat(request: &Value, id: u64) -> Reply {
    let Some(messages) = request.get("messages").and_then(Value::as_array) else {
        return error(400, "invalid request: messages is required");
    };
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("mock");
    let input_tokens: u64 = messages.iter().map(|m| word_count(&message_text(m))).sum();
    let has_tools = request
        .get("tools")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty());
    let trigger = has_tools
        .then(|| messages.last().map(message_text))
        .flatten()
        .and_then(|t| tool_trigger(&t));
    let msg_id = format!("mock-{id}");
    let stream = request.get("stream").and_then(Value::as_bool) == Some(true);
    if let Some((name, arguments)) = trigger {
        let call_id = format!("{name}_mock{id}");
        let output = word_count(&name) + word_count(&arguments);
        let usage = json!({"billed_units": {"input_tokens": input_tokens, "output_tokens": output},
            "tokens": {"input_tokens": input_tokens, "output_tokens": output}});
        if !stream {
            return Reply::json(
                StatusCode::OK,
                &json!({
                    "id": msg_id, "finish_reason": "TOOL_CALL", "usage": usage,
                    "message": {"role": "assistant", "tool_plan": format!("I will call {name}."),
                        "tool_calls": [{"id": call_id, "type": "function",
                            "function": {"name": name, "arguments": arguments}}]},
                }),
            );
        }
        let mut ev = vec![
            json!({"type": "message-start", "id": msg_id, "delta": {"message": {"role": "assistant"}}}),
            json!({"type": "tool-plan-delta", "delta": {"message": {"tool_plan": format!("I will call {name}.")}}}),
            json!({"type": "tool-call-start", "index": 0, "delta": {"message": {"tool_calls": {"id": call_id,
                "type": "function", "function": {"name": name, "arguments": ""}}}}}),
        ];
        for piece in crate::echo::byte_pieces(&arguments, 8) {
            ev.push(json!({"type": "tool-call-delta", "index": 0,
                "delta": {"message": {"tool_calls": {"function": {"arguments": piece}}}}}));
        }
        ev.push(json!({"type": "tool-call-end", "index": 0}));
        ev.push(
            json!({"type": "message-end", "delta": {"finish_reason": "TOOL_CALL", "usage": usage}}),
        );
        return Reply::sse_named(StatusCode::OK, ev);
    }
    let full = crate::echo::echo_reply(
        model,
        messages
            .iter()
            .rev()
            .filter(|m| m.get("role").and_then(Value::as_str) == Some("user"))
            .map(message_text),
    );
    let (text, cut) = limit_words(&full, request.get("max_tokens").and_then(Value::as_u64));
    let output = word_count(&text);
    let finish = if cut { "MAX_TOKENS" } else { "COMPLETE" };
    let usage = json!({"billed_units": {"input_tokens": input_tokens, "output_tokens": output},
        "tokens": {"input_tokens": input_tokens, "output_tokens": output}});
    if !stream {
        return Reply::json(
            StatusCode::OK,
            &json!({
                "id": msg_id, "finish_reason": finish, "usage": usage,
                "message": {"role": "assistant", "content": [{"type": "text", "text": text}]},
            }),
        );
    }
    let mut ev = vec![
        json!({"type": "message-start", "id": msg_id, "delta": {"message": {"role": "assistant", "content": []}}}),
        json!({"type": "content-start", "index": 0, "delta": {"message": {"content": {"type": "text", "text": ""}}}}),
    ];
    for piece in word_pieces(&text) {
        ev.push(json!({"type": "content-delta", "index": 0, "delta": {"message": {"content": {"text": piece}}}}));
    }
    ev.push(json!({"type": "content-end", "index": 0}));
    ev.push(json!({"type": "message-end", "delta": {"finish_reason": finish, "usage": usage}}));
    Reply::sse_named(StatusCode::OK, ev)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rerank_orders_by_overlap() {
        let r =
            json!({"query": "red apple", "documents": ["green pear", "red apple pie", "red car"]});
        let reply = rerank(&r);
        let crate::reply::ReplyBody::Whole(bytes) = reply.body else {
            panic!()
        };
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["results"][0]["index"], 1);
        assert_eq!(v["results"][1]["index"], 2);
        assert_eq!(v["results"][2]["index"], 0);
    }
}
