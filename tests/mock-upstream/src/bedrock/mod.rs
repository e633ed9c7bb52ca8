//! Amazon Bedrock runtime: `POST /model/{id}/converse`, `/model/{id}/converse-stream` (binary
//! `application/vnd.amazon.eventstream` frames) and `/model/{id}/invoke` (Titan / Cohere
//! embeddings). Echo and tool calls like the OpenAI echo. Signatures are not verified; the
//! recorded `authorization` header shows what the client sent.

use axum::http::{Method, StatusCode};
use bytes::Bytes;
use serde_json::{json, Value};

use crate::echo::{limit_words, word_count, word_pieces};
use crate::openai::chat::tool_trigger;
use crate::openai::embeddings::embed;
use crate::reply::Reply;

/// `content-type` of event streams.
pub(crate) const EVENT_STREAM: &str = "application/vnd.amazon.eventstream";

/// The model id and action of a Bedrock path.
pub(crate) fn route(path: &str) -> Option<(String, &str)> {
    let rest = path.strip_prefix("/model/")?;
    let (model, action) = rest.rsplit_once('/')?;
    matches!(action, "converse" | "converse-stream" | "invoke")
        .then(|| (percent_decode(model), action))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// CRC-32 (IEEE), as the event stream's checksums use.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// One event-stream message with string headers.
pub(crate) fn frame(headers: &[(&str, &str)], payload: &[u8]) -> Bytes {
    let mut h = Vec::new();
    for (name, value) in headers {
        h.push(name.len() as u8);
        h.extend_from_slice(name.as_bytes());
        h.push(7);
        h.extend_from_slice(&(value.len() as u16).to_be_bytes());
        h.extend_from_slice(value.as_bytes());
    }
    let total = 12 + h.len() + payload.len() + 4;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&(total as u32).to_be_bytes());
    out.extend_from_slice(&(h.len() as u32).to_be_bytes());
    let prelude = crc32(&out);
    out.extend_from_slice(&prelude.to_be_bytes());
    out.extend_from_slice(&h);
    out.extend_from_slice(payload);
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_be_bytes());
    Bytes::from(out)
}

/// An event frame for `{"<eventType>": payload}` (a decoded ConverseStream line).
pub(crate) fn event_frame(line: &Value) -> Option<Bytes> {
    let (kind, payload) = line.as_object()?.iter().next()?;
    let body = payload.to_string();
    Some(frame(
        &[
            (":event-type", kind),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ],
        body.as_bytes(),
    ))
}

/// A stream reply of `{"<eventType>": payload}` values.
pub(crate) fn stream_reply(status: StatusCode, events: &[Value]) -> Reply {
    let frames = events.iter().filter_map(event_frame).collect();
    let mut reply = Reply::events(status, frames);
    reply.content_type = EVENT_STREAM;
    reply
}

/// The default reply, or `None` when the path is not Bedrock's.
pub(crate) fn handle(method: &Method, path: &str, body: &[u8], id: u64) -> Option<Reply> {
    let (model, action) = route(path)?;
    if method != Method::POST {
        return Some(error(405, "ValidationException", "Method not allowed"));
    }
    let request = match serde_json::from_slice::<Value>(body) {
        Ok(v) if v.is_object() => v,
        _ => {
            return Some(error(
                400,
                "ValidationException",
                "Malformed input request, please reformat your input and try again.",
            ))
        }
    };
    let reply = match action {
        "invoke" => invoke(&model, &request),
        _ => converse(&model, &request, action == "converse-stream"),
    };
    Some(reply.with_header("x-amzn-requestid", format!("req-mock-{id}")))
}

/// The exception name and message for an injected status.
pub(crate) fn exception_for_status(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => (
            "ValidationException",
            "Invalid request (injected by ditto-mock-upstream).",
        ),
        403 => (
            "AccessDeniedException",
            "You don't have access to the model with the specified model ID.",
        ),
        404 => (
            "ResourceNotFoundException",
            "Could not resolve the foundation model.",
        ),
        408 => (
            "ModelTimeoutException",
            "Model has timed out in processing the request.",
        ),
        429 => (
            "ThrottlingException",
            "Too many requests, please wait before trying again.",
        ),
        503 => (
            "ServiceUnavailableException",
            "The service is unavailable. Try again later.",
        ),
        s if s >= 500 => (
            "InternalServerException",
            "An internal server error occurred.",
        ),
        _ => (
            "ValidationException",
            "Request failed (injected by ditto-mock-upstream).",
        ),
    }
}

fn error(status: u16, kind: &str, message: &str) -> Reply {
    Reply::json(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        &json!({"message": message}),
    )
    .with_header(
        "x-amzn-errortype",
        format!("{kind}:http://internal.amazon.com/coral/com.amazon.bedrock/"),
    )
}

fn invoke(model: &str, request: &Value) -> Reply {
    if model.contains("cohere.") {
        let texts: Vec<&str> = request
            .get("texts")
            .and_then(Value::as_array)
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let vectors: Vec<Vec<f32>> = texts.iter().map(|t| embed(t, 8)).collect();
        return Reply::json(
            StatusCode::OK,
            &json!({"embeddings": vectors, "texts": texts}),
        );
    }
    let Some(text) = request.get("inputText").and_then(Value::as_str) else {
        return error(
            400,
            "ValidationException",
            "Malformed input request: inputText is required",
        );
    };
    let dims = request
        .get("dimensions")
        .and_then(Value::as_u64)
        .map_or(8, |d| d.clamp(1, 4096) as usize);
    Reply::json(
        StatusCode::OK,
        &json!({"embedding": embed(text, dims), "inputTextTokenCount": word_count(text)}),
    )
}

fn block_text(message: &Value) -> String {
    message
        .get("content")
        .and_then(Value::as_array)
        .map(|c| {
            c.iter()
                .filter_map(|b| b.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

fn converse(model: &str, request: &Value, stream: bool) -> Reply {
    let Some(messages) = request.get("messages").and_then(Value::as_array) else {
        return error(400, "ValidationException", "messages is required");
    };
    let input: u64 = messages.iter().map(|m| word_count(&block_text(m))).sum();
    let has_tools = request
        .pointer("/toolConfig/tools")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty());
    let trigger = has_tools
        .then(|| messages.last().map(block_text))
        .flatten()
        .and_then(|t| tool_trigger(&t));
    if let Some((name, arguments)) = trigger {
        let tool_id = format!("tooluse_mock_{}", word_count(&arguments));
        let args: Value = serde_json::from_str(&arguments)
            .ok()
            .filter(Value::is_object)
            .unwrap_or_else(|| json!({}));
        let output = word_count(&name) + word_count(&arguments);
        let usage =
            json!({"inputTokens": input, "outputTokens": output, "totalTokens": input + output});
        if !stream {
            return Reply::json(
                StatusCode::OK,
                &json!({
                    "output": {"message": {"role": "assistant", "content": [{"toolUse": {"toolUseId": tool_id, "name": name, "input": args}}]}},
                    "stopReason": "tool_use", "usage": usage, "metrics": {"latencyMs": 1},
                }),
            );
        }
        let mut events = vec![
            json!({"messageStart": {"role": "assistant"}}),
            json!({"contentBlockStart": {"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": tool_id, "name": name}}}}),
        ];
        for piece in crate::echo::byte_pieces(&args.to_string(), 8) {
            events.push(json!({"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"toolUse": {"input": piece}}}}));
        }
        events.push(json!({"contentBlockStop": {"contentBlockIndex": 0}}));
        events.push(json!({"messageStop": {"stopReason": "tool_use"}}));
        events.push(json!({"metadata": {"usage": usage, "metrics": {"latencyMs": 1}}}));
        return stream_reply(StatusCode::OK, &events);
    }
    let full = crate::echo::echo_reply(
        model,
        messages
            .iter()
            .rev()
            .filter(|m| m.get("role").and_then(Value::as_str) == Some("user"))
            .map(block_text),
    );
    let max = request
        .pointer("/inferenceConfig/maxTokens")
        .and_then(Value::as_u64);
    let (text, cut) = limit_words(&full, max);
    let output = word_count(&text);
    let stop = if cut { "max_tokens" } else { "end_turn" };
    let usage =
        json!({"inputTokens": input, "outputTokens": output, "totalTokens": input + output});
    if !stream {
        return Reply::json(
            StatusCode::OK,
            &json!({
                "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
                "stopReason": stop, "usage": usage, "metrics": {"latencyMs": 1},
            }),
        );
    }
    let mut events = vec![json!({"messageStart": {"role": "assistant"}})];
    for piece in word_pieces(&text) {
        events
            .push(json!({"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"text": piece}}}));
    }
    events.push(json!({"contentBlockStop": {"contentBlockIndex": 0}}));
    events.push(json!({"messageStop": {"stopReason": stop}}));
    events.push(json!({"metadata": {"usage": usage, "metrics": {"latencyMs": 1}}}));
    stream_reply(StatusCode::OK, &events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_frames() {
        assert_eq!(
            route("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream"),
            Some((
                "anthropic.claude-3-5-sonnet-20240620-v1:0".to_owned(),
                "converse-stream"
            ))
        );
        assert_eq!(route("/v1/chat/completions"), None);
        let f = event_frame(&json!({"messageStop": {"stopReason": "end_turn"}})).unwrap();
        let total = u32::from_be_bytes([f[0], f[1], f[2], f[3]]) as usize;
        assert_eq!(total, f.len());
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
