//! OpenAI Responses API: `POST /v1/responses` (also `/responses` and Azure's
//! `/openai/v1/responses`, `/openai/responses`). Echo and tool calls like the Chat Completions echo, as a response
//! object or as named `response.*` stream events.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::echo::{limit_words, word_count, word_pieces};
use crate::openai::chat::{tool_trigger, CREATED};
use crate::openai::error;
use crate::reply::Reply;

/// True for the Responses API paths.
pub(crate) fn owns(path: &str) -> bool {
    matches!(
        path,
        "/v1/responses" | "/responses" | "/openai/v1/responses" | "/openai/responses"
    )
}

/// The default reply, or `None` when the path is not the Responses API's.
pub(crate) fn handle(method: &Method, path: &str, body: &[u8], id: u64) -> Option<Reply> {
    if !owns(path) {
        return None;
    }
    if method != Method::POST {
        return Some(error::method_not_allowed(method.as_str(), path));
    }
    let request = match serde_json::from_slice::<Value>(body) {
        Ok(v) if v.is_object() => v,
        Ok(_) => return Some(error::malformed_json("the body must be a JSON object")),
        Err(e) => return Some(error::malformed_json(&e.to_string())),
    };
    let Some(input) = request.get("input") else {
        return Some(error::invalid_request(
            StatusCode::BAD_REQUEST,
            "Missing required parameter: 'input'.",
            Some("input"),
            Some("missing_required_parameter"),
        ));
    };
    let items = match input {
        Value::String(s) => vec![json!({"role": "user", "content": s})],
        Value::Array(items) => items.clone(),
        _ => Vec::new(),
    };
    let plan = plan(&request, &items, id);
    let reply = if request.get("stream").and_then(Value::as_bool) == Some(true) {
        Reply::sse_named(StatusCode::OK, stream_events(&plan))
    } else {
        Reply::json(StatusCode::OK, &response(&plan, "completed"))
    };
    Some(reply.with_header("x-request-id", format!("req_mock_{id}")))
}

fn item_text(item: &Value) -> String {
    match item.get("content") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

#[derive(Debug)]
enum Answer {
    Text {
        text: String,
        cut: bool,
    },
    Call {
        call_id: String,
        name: String,
        arguments: String,
    },
}

#[derive(Debug)]
struct Plan {
    id: u64,
    model: String,
    answer: Answer,
    input_tokens: u64,
    output_tokens: u64,
}

fn plan(request: &Value, items: &[Value], id: u64) -> Plan {
    let model = request
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("mock")
        .to_owned();
    let input_tokens = items.iter().map(|i| word_count(&item_text(i))).sum();
    let has_tools = request
        .get("tools")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty());
    let trigger = has_tools
        .then(|| {
            items
                .last()
                .filter(|i| i.get("role").and_then(Value::as_str) == Some("user"))
        })
        .flatten()
        .and_then(|i| tool_trigger(&item_text(i)));
    let (answer, output_tokens) = match trigger {
        Some((name, arguments)) => {
            let tokens = word_count(&name) + word_count(&arguments);
            (
                Answer::Call {
                    call_id: format!("call_mock_{id}"),
                    name,
                    arguments,
                },
                tokens,
            )
        }
        None => {
            let full = crate::echo::echo_reply(
                &model,
                items
                    .iter()
                    .rev()
                    .filter(|i| i.get("role").and_then(Value::as_str) == Some("user"))
                    .map(item_text),
            );
            let (text, cut) = limit_words(
                &full,
                request.get("max_output_tokens").and_then(Value::as_u64),
            );
            let tokens = word_count(&text);
            (Answer::Text { text, cut }, tokens)
        }
    };
    Plan {
        id,
        model,
        answer,
        input_tokens,
        output_tokens,
    }
}

fn output_item(plan: &Plan, status: &str) -> Value {
    match &plan.answer {
        Answer::Text { text, .. } => json!({
            "id": format!("msg_mock_{}", plan.id), "type": "message", "status": status, "role": "assistant",
            "content": [{"type": "output_text", "annotations": [], "text": text}],
        }),
        Answer::Call {
            call_id,
            name,
            arguments,
        } => json!({
            "id": format!("fc_mock_{}", plan.id), "type": "function_call", "status": status,
            "call_id": call_id, "name": name, "arguments": arguments,
        }),
    }
}

fn response(plan: &Plan, status: &str) -> Value {
    let cut = matches!(plan.answer, Answer::Text { cut: true, .. });
    let (status, incomplete) = match (status, cut) {
        ("completed", true) => ("incomplete", json!({"reason": "max_output_tokens"})),
        (s, _) => (s, Value::Null),
    };
    let output = if status == "in_progress" {
        json!([])
    } else {
        json!([output_item(plan, "completed")])
    };
    json!({
        "id": format!("resp_mock_{}", plan.id),
        "object": "response",
        "created_at": CREATED,
        "status": status,
        "incomplete_details": incomplete,
        "model": plan.model,
        "output": output,
        "usage": if status == "in_progress" { Value::Null } else { json!({
            "input_tokens": plan.input_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": plan.output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": plan.input_tokens + plan.output_tokens,
        })},
    })
}

fn stream_events(plan: &Plan) -> Vec<Value> {
    let mut seq = 0u64;
    let mut ev = |mut v: Value| {
        v["sequence_number"] = seq.into();
        seq += 1;
        v
    };
    let mut out = vec![
        ev(json!({"type": "response.created", "response": response(plan, "in_progress")})),
        ev(json!({"type": "response.in_progress", "response": response(plan, "in_progress")})),
    ];
    let mut added = output_item(plan, "in_progress");
    match &plan.answer {
        Answer::Text { text, .. } => {
            added["content"] = json!([]);
            let item_id = added["id"].clone();
            out.push(ev(
                json!({"type": "response.output_item.added", "output_index": 0, "item": added}),
            ));
            out.push(ev(json!({"type": "response.content_part.added", "item_id": item_id, "output_index": 0,
                "content_index": 0, "part": {"type": "output_text", "annotations": [], "text": ""}})));
            for piece in word_pieces(text) {
                out.push(ev(json!({"type": "response.output_text.delta", "item_id": item_id, "output_index": 0,
                    "content_index": 0, "delta": piece})));
            }
            out.push(ev(
                json!({"type": "response.output_text.done", "item_id": item_id, "output_index": 0,
                "content_index": 0, "text": text}),
            ));
        }
        Answer::Call { arguments, .. } => {
            added["arguments"] = "".into();
            let item_id = added["id"].clone();
            out.push(ev(
                json!({"type": "response.output_item.added", "output_index": 0, "item": added}),
            ));
            for piece in crate::echo::byte_pieces(arguments, 8) {
                out.push(ev(
                    json!({"type": "response.function_call_arguments.delta", "item_id": item_id,
                    "output_index": 0, "delta": piece}),
                ));
            }
            out.push(ev(
                json!({"type": "response.function_call_arguments.done", "item_id": item_id,
                "output_index": 0, "arguments": arguments}),
            ));
        }
    }
    out.push(ev(json!({"type": "response.output_item.done", "output_index": 0, "item": output_item(plan, "completed")})));
    let done = response(plan, "completed");
    let kind = if done["status"] == "incomplete" {
        "response.incomplete"
    } else {
        "response.completed"
    };
    out.push(ev(json!({"type": kind, "response": done})));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_and_call() {
        let req = json!({"model": "gpt-5", "input": "hi there"});
        let p = plan(&req, &[json!({"role": "user", "content": "hi there"})], 1);
        assert_eq!(
            response(&p, "completed")["output"][0]["content"][0]["text"],
            "echo: hi there"
        );
        let req = json!({"model": "gpt-5", "tools": [{"type": "function", "name": "f"}]});
        let items = [
            json!({"role": "user", "content": [{"type": "input_text", "text": "call:f {\"a\":1}"}]}),
        ];
        let p = plan(&req, &items, 2);
        let ev = stream_events(&p);
        assert_eq!(ev.last().unwrap()["type"], "response.completed");
        assert_eq!(
            ev.last().unwrap()["response"]["output"][0]["arguments"],
            "{\"a\":1}"
        );
    }
}
