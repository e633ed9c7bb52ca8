//! Anthropic Messages: `POST /v1/messages`, echo and tool calls like the OpenAI echo, in
//! Anthropic's JSON and its named-event stream (`event: <type>` + `data:`).

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::echo::{limit_words, word_count, word_pieces};
use crate::openai::chat::{message_text, tool_trigger};
use crate::plan::Segment;
use crate::reply::Reply;

/// The default reply for `method path`, or `None` when the path is not Anthropic's.
pub(crate) fn handle(method: &Method, path: &str, body: &[u8], id: u64) -> Option<Reply> {
    if !matches!(path, "/v1/messages" | "/messages") {
        return None;
    }
    if method != Method::POST {
        return Some(error(
            405,
            "not_found_error",
            &format!("Method {method} is not allowed on {path}"),
        ));
    }
    let request = match serde_json::from_slice::<Value>(body) {
        Ok(v) if v.is_object() => v,
        _ => {
            return Some(error(
                400,
                "invalid_request_error",
                "The body must be a JSON object.",
            ))
        }
    };
    let Some(messages) = request.get("messages").and_then(Value::as_array) else {
        return Some(error(
            400,
            "invalid_request_error",
            "messages: Field required",
        ));
    };
    if request.get("max_tokens").and_then(Value::as_u64).is_none() {
        return Some(error(
            400,
            "invalid_request_error",
            "max_tokens: Field required",
        ));
    }
    let plan = plan(&request, messages, id);
    let reply = if request.get("stream").and_then(Value::as_bool) == Some(true) {
        Reply::sse_named(StatusCode::OK, stream_events(&plan))
    } else {
        Reply::json(StatusCode::OK, &message(&plan))
    };
    Some(reply.with_header("request-id", format!("req_mock_{id}")))
}

/// An Anthropic error body for an injected status.
pub(crate) fn error_for_status(status: u16) -> Value {
    let (kind, message) = match status {
        400 => (
            "invalid_request_error",
            "Invalid request (injected by ditto-mock-upstream).",
        ),
        401 => ("authentication_error", "invalid x-api-key"),
        403 => (
            "permission_error",
            "Your API key does not have permission to use the specified resource.",
        ),
        404 => (
            "not_found_error",
            "The requested resource could not be found.",
        ),
        413 => (
            "request_too_large",
            "Request exceeds the maximum allowed number of bytes.",
        ),
        429 => (
            "rate_limit_error",
            "Number of request tokens has exceeded your per-minute rate limit.",
        ),
        529 => ("overloaded_error", "Overloaded"),
        s if s >= 500 => ("api_error", "Internal server error"),
        _ => (
            "invalid_request_error",
            "Request failed (injected by ditto-mock-upstream).",
        ),
    };
    json!({"type": "error", "error": {"type": kind, "message": message}})
}

fn error(status: u16, kind: &str, message: &str) -> Reply {
    Reply::json(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        &json!({"type": "error", "error": {"type": kind, "message": message}}),
    )
}

#[derive(Debug)]
enum Answer {
    Text {
        text: String,
        stop: &'static str,
    },
    /// `tool_use` blocks: `(id, name, input)`.
    Tools(Vec<(String, String, Value)>),
}

#[derive(Debug)]
struct Plan {
    id: String,
    model: String,
    answer: Answer,
    input_tokens: u64,
    output_tokens: u64,
}

fn plan(request: &Value, messages: &[Value], id: u64) -> Plan {
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("mock")
        .to_owned();
    let system = match request.get("system") {
        Some(Value::String(s)) => word_count(s),
        Some(Value::Array(blocks)) => blocks
            .iter()
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .map(word_count)
            .sum(),
        _ => 0,
    };
    let input_tokens = system
        + messages
            .iter()
            .map(|m| word_count(&message_text(m)))
            .sum::<u64>();
    let has_tools = request
        .get("tools")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty());
    let trigger = has_tools
        .then(|| messages.last().map(message_text))
        .flatten()
        .and_then(|t| tool_trigger(&t));
    let planned = crate::plan::for_messages(
        messages,
        |m| m.get("role").and_then(Value::as_str),
        message_text,
    );
    let (answer, output_tokens) = match (planned, trigger) {
        (Some(Segment::Calls(calls)), _) => {
            let tokens = crate::plan::call_tokens(&calls);
            (tools(calls, id), tokens)
        }
        (Some(Segment::Text(text)), _) => {
            let tokens = word_count(&text);
            (
                Answer::Text {
                    text,
                    stop: "end_turn",
                },
                tokens,
            )
        }
        (None, trigger) => match trigger {
            Some((name, arguments)) => {
                let tokens = word_count(&name) + word_count(&arguments);
                (tools(vec![(name, arguments)], id), tokens)
            }
            None => {
                let full = crate::echo::echo_reply(
                    &model,
                    messages
                        .iter()
                        .rev()
                        .filter(|m| m.get("role").and_then(Value::as_str) == Some("user"))
                        .map(message_text),
                );
                let (text, cut) =
                    limit_words(&full, request.get("max_tokens").and_then(Value::as_u64));
                let tokens = word_count(&text);
                (
                    Answer::Text {
                        text,
                        stop: if cut { "max_tokens" } else { "end_turn" },
                    },
                    tokens,
                )
            }
        },
    };
    Plan {
        id: format!("msg_mock_{id}"),
        model,
        answer,
        input_tokens,
        output_tokens,
    }
}

/// `tool_use` answers with ids `toolu_mock_<id>` (the first) and `toolu_mock_<id>_<i>`; the
/// input is the arguments' JSON object, or `{}` when they are not one.
fn tools(calls: Vec<(String, String)>, id: u64) -> Answer {
    let calls = calls
        .into_iter()
        .enumerate()
        .map(|(i, (name, arguments))| {
            let input = serde_json::from_str::<Value>(&arguments)
                .ok()
                .filter(Value::is_object)
                .unwrap_or_else(|| json!({}));
            let call_id = if i == 0 {
                format!("toolu_mock_{id}")
            } else {
                format!("toolu_mock_{id}_{i}")
            };
            (call_id, name, input)
        })
        .collect();
    Answer::Tools(calls)
}

fn usage(plan: &Plan, output: u64) -> Value {
    json!({
        "input_tokens": plan.input_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": output,
    })
}

fn stop_reason(plan: &Plan) -> &'static str {
    match &plan.answer {
        Answer::Text { stop, .. } => stop,
        Answer::Tools(_) => "tool_use",
    }
}

fn message(plan: &Plan) -> Value {
    let content = match &plan.answer {
        Answer::Text { text, .. } => json!([{"type": "text", "text": text}]),
        Answer::Tools(calls) => calls
            .iter()
            .map(|(id, name, input)| json!({"type": "tool_use", "id": id, "name": name, "input": input}))
            .collect(),
    };
    json!({
        "id": plan.id,
        "type": "message",
        "role": "assistant",
        "model": plan.model,
        "content": content,
        "stop_reason": stop_reason(plan),
        "stop_sequence": null,
        "usage": usage(plan, plan.output_tokens),
    })
}

fn stream_events(plan: &Plan) -> Vec<Value> {
    let mut start = message(plan);
    start["content"] = json!([]);
    start["stop_reason"] = Value::Null;
    start["usage"] = usage(plan, 1);
    let mut events = vec![json!({"type": "message_start", "message": start})];
    match &plan.answer {
        Answer::Text { text, .. } => {
            events.push(json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}));
            events.push(json!({"type": "ping"}));
            for piece in word_pieces(text) {
                events.push(json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}}));
            }
            events.push(json!({"type": "content_block_stop", "index": 0}));
        }
        Answer::Tools(calls) => {
            for (index, (id, name, input)) in calls.iter().enumerate() {
                events.push(json!({"type": "content_block_start", "index": index, "content_block": {"type": "tool_use", "id": id, "name": name, "input": {}}}));
                let args = input.to_string();
                for piece in crate::echo::byte_pieces(&args, 8) {
                    events.push(json!({"type": "content_block_delta", "index": index, "delta": {"type": "input_json_delta", "partial_json": piece}}));
                }
                events.push(json!({"type": "content_block_stop", "index": index}));
            }
        }
    }
    events.push(json!({
        "type": "message_delta",
        "delta": {"stop_reason": stop_reason(plan), "stop_sequence": null},
        "usage": {"output_tokens": plan.output_tokens},
    }));
    events.push(json!({"type": "message_stop"}));
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_and_tool_plans() {
        let req = json!({"model": "claude", "max_tokens": 100, "messages": [
            {"role": "user", "content": [{"type": "text", "text": "hello there"}]}]});
        let p = plan(&req, req["messages"].as_array().unwrap(), 1);
        assert_eq!(message(&p)["content"][0]["text"], "echo: hello there");
        let req = json!({"model": "claude", "max_tokens": 100, "tools": [{"name": "f"}],
            "messages": [{"role": "user", "content": "call:f {\"a\":1}"}]});
        let p = plan(&req, req["messages"].as_array().unwrap(), 2);
        let m = message(&p);
        assert_eq!(m["content"][0]["input"], json!({"a": 1}));
        assert_eq!(m["stop_reason"], "tool_use");
        let ev = stream_events(&p);
        assert_eq!(ev.last().unwrap()["type"], "message_stop");
    }

    #[test]
    fn plan_steps_with_parallel_tools() {
        let text = "plan: call:f {\"a\":1} & call:g | ok then";
        let req = json!({"model": "claude", "max_tokens": 100, "messages": [
            {"role": "user", "content": text}]});
        let p = plan(&req, req["messages"].as_array().unwrap(), 3);
        let m = message(&p);
        assert_eq!(m["content"][1]["id"], "toolu_mock_3_1");
        assert_eq!(m["content"][1]["name"], "g");
        assert_eq!(
            stream_events(&p)
                .iter()
                .filter(|e| e["type"] == "content_block_stop")
                .count(),
            2
        );
        let req = json!({"model": "claude", "max_tokens": 100, "messages": [
            {"role": "user", "content": text},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "x", "name": "f", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "x", "content": "1"}]}]});
        let p = plan(&req, req["messages"].as_array().unwrap(), 4);
        assert_eq!(message(&p)["content"][0]["text"], "ok then");
        assert_eq!(p.output_tokens, 2);
    }
}
