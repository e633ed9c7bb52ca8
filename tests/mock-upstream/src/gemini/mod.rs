//! Google Gemini: `POST /v1beta/models/{model}:generateContent`,
//! `:streamGenerateContent?alt=sse`, `:batchEmbedContents` (and the same methods under Vertex
//! AI's `/v1/projects/{p}/locations/{l}/publishers/google/models/`). Echo and tool calls like
//! the OpenAI echo, in Gemini's JSON; streams are `data:` lines without `[DONE]`.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::echo::{limit_words, word_count, word_pieces};
use crate::openai::chat::tool_trigger;
use crate::openai::embeddings::embed;
use crate::reply::Reply;

/// The model and method of a Gemini path (`.../models/{model}:{method}`).
pub(crate) fn route(path: &str) -> Option<(&str, &str)> {
    let (_, tail) = path.rsplit_once("/models/")?;
    let (model, method) = tail.rsplit_once(':')?;
    matches!(
        method,
        "generateContent"
            | "streamGenerateContent"
            | "batchEmbedContents"
            | "embedContent"
            | "predict"
    )
    .then_some((model, method))
}

/// The default reply, or `None` when the path is not Gemini's.
pub(crate) fn handle(method: &Method, path: &str, body: &[u8], id: u64) -> Option<Reply> {
    let (model, action) = route(path)?;
    if method != Method::POST {
        return Some(error(405, "Method not allowed"));
    }
    let request = match serde_json::from_slice::<Value>(body) {
        Ok(v) if v.is_object() => v,
        _ => return Some(error(400, "Invalid JSON payload received.")),
    };
    let reply = match action {
        "batchEmbedContents" => embeddings(&request),
        "predict" => predict(&request),
        "embedContent" => {
            let text = parts_text(request.pointer("/content/parts"));
            Reply::json(
                StatusCode::OK,
                &json!({"embedding": {"values": embed(&text, dims(&request))}}),
            )
        }
        _ => {
            let Some(contents) = request.get("contents").and_then(Value::as_array) else {
                return Some(error(
                    400,
                    "* GenerateContentRequest.contents: contents is not specified",
                ));
            };
            let plan = plan(model, &request, contents, id);
            if action == "streamGenerateContent" {
                let chunks: Vec<String> =
                    stream_chunks(&plan).iter().map(Value::to_string).collect();
                Reply::sse_data(StatusCode::OK, chunks, false)
            } else {
                Reply::json(StatusCode::OK, &response(&plan, plan.parts(), true))
            }
        }
    };
    Some(reply.with_header("x-request-id", format!("req_mock_{id}")))
}

/// A Google API error body for an injected status.
pub(crate) fn error_for_status(status: u16) -> Value {
    let (state, message) = match status {
        400 => ("INVALID_ARGUMENT", "Request contains an invalid argument."),
        401 => (
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials.",
        ),
        403 => ("PERMISSION_DENIED", "The caller does not have permission."),
        404 => (
            "NOT_FOUND",
            "models/unknown is not found for API version v1beta.",
        ),
        429 => (
            "RESOURCE_EXHAUSTED",
            "You exceeded your current quota, please check your plan.",
        ),
        503 => (
            "UNAVAILABLE",
            "The model is overloaded. Please try again later.",
        ),
        504 => ("DEADLINE_EXCEEDED", "Deadline exceeded."),
        s if s >= 500 => ("INTERNAL", "An internal error has occurred."),
        _ => (
            "INVALID_ARGUMENT",
            "Request failed (injected by ditto-mock-upstream).",
        ),
    };
    json!({"error": {"code": status, "message": message, "status": state}})
}

fn error(status: u16, message: &str) -> Reply {
    let mut body = error_for_status(status);
    body["error"]["message"] = message.into();
    Reply::json(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        &body,
    )
}

fn dims(request: &Value) -> usize {
    request
        .get("outputDimensionality")
        .and_then(Value::as_u64)
        .map_or(8, |d| d.clamp(1, 4096) as usize)
}

fn embeddings(request: &Value) -> Reply {
    let Some(requests) = request.get("requests").and_then(Value::as_array) else {
        return error(
            400,
            "* BatchEmbedContentsRequest.requests: requests is not specified",
        );
    };
    if requests.len() > 100 {
        return error(
            400,
            "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch",
        );
    }
    let embeddings: Vec<Value> = requests
        .iter()
        .map(|r| json!({"values": embed(&parts_text(r.pointer("/content/parts")), dims(r))}))
        .collect();
    Reply::json(StatusCode::OK, &json!({"embeddings": embeddings}))
}

/// Vertex AI `:predict` for embedding models.
fn predict(request: &Value) -> Reply {
    let Some(instances) = request.get("instances").and_then(Value::as_array) else {
        return error(400, "instances is required");
    };
    let dims = request
        .pointer("/parameters/outputDimensionality")
        .and_then(Value::as_u64)
        .map_or(8, |d| d.clamp(1, 4096) as usize);
    let predictions: Vec<Value> = instances
        .iter()
        .map(|i| {
            let text = i.get("content").and_then(Value::as_str).unwrap_or("");
            json!({"embeddings": {"values": embed(text, dims),
                "statistics": {"token_count": word_count(text), "truncated": false}}})
        })
        .collect();
    Reply::json(StatusCode::OK, &json!({"predictions": predictions}))
}

fn parts_text(parts: Option<&Value>) -> String {
    parts
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

#[derive(Debug)]
enum Answer {
    Text { text: String, finish: &'static str },
    Call { name: String, args: Value },
}

#[derive(Debug)]
struct Plan {
    id: String,
    model: String,
    answer: Answer,
    prompt_tokens: u64,
    output_tokens: u64,
}

impl Plan {
    fn parts(&self) -> Value {
        match &self.answer {
            Answer::Text { text, .. } => json!([{"text": text}]),
            Answer::Call { name, args } => json!([{"functionCall": {"name": name, "args": args}}]),
        }
    }

    fn finish(&self) -> &'static str {
        match &self.answer {
            Answer::Text { finish, .. } => finish,
            Answer::Call { .. } => "STOP",
        }
    }
}

fn plan(model: &str, request: &Value, contents: &[Value], id: u64) -> Plan {
    let system = parts_text(request.pointer("/systemInstruction/parts"));
    let prompt_tokens = word_count(&system)
        + contents
            .iter()
            .map(|c| word_count(&parts_text(c.get("parts"))))
            .sum::<u64>();
    let has_tools = request
        .get("tools")
        .and_then(Value::as_array)
        .is_some_and(|t| t.iter().any(|x| x.get("functionDeclarations").is_some()));
    let trigger = has_tools
        .then(|| contents.last().map(|c| parts_text(c.get("parts"))))
        .flatten()
        .and_then(|t| tool_trigger(&t));
    let (answer, output_tokens) = match trigger {
        Some((name, arguments)) => {
            let args = serde_json::from_str::<Value>(&arguments)
                .ok()
                .filter(Value::is_object)
                .unwrap_or_else(|| json!({}));
            let tokens = word_count(&name) + word_count(&arguments);
            (Answer::Call { name, args }, tokens)
        }
        None => {
            let full = crate::echo::echo_reply(
                model,
                contents
                    .iter()
                    .rev()
                    .filter(|c| c.get("role").and_then(Value::as_str) != Some("model"))
                    .map(|c| parts_text(c.get("parts"))),
            );
            let max = request
                .pointer("/generationConfig/maxOutputTokens")
                .and_then(Value::as_u64);
            let (text, cut) = limit_words(&full, max);
            let tokens = word_count(&text);
            let finish = if cut { "MAX_TOKENS" } else { "STOP" };
            (Answer::Text { text, finish }, tokens)
        }
    };
    Plan {
        id: format!("resp_mock_{id}"),
        model: model.to_owned(),
        answer,
        prompt_tokens,
        output_tokens,
    }
}

fn response(plan: &Plan, parts: Value, last: bool) -> Value {
    let mut candidate = json!({"content": {"parts": parts, "role": "model"}, "index": 0});
    if last {
        candidate["finishReason"] = plan.finish().into();
    }
    json!({
        "candidates": [candidate],
        "usageMetadata": {
            "promptTokenCount": plan.prompt_tokens,
            "candidatesTokenCount": plan.output_tokens,
            "totalTokenCount": plan.prompt_tokens + plan.output_tokens,
        },
        "modelVersion": plan.model,
        "responseId": plan.id,
    })
}

fn stream_chunks(plan: &Plan) -> Vec<Value> {
    match &plan.answer {
        Answer::Text { text, .. } => {
            let pieces = word_pieces(text);
            let n = pieces.len();
            if n == 0 {
                return vec![response(plan, json!([{"text": ""}]), true)];
            }
            pieces
                .iter()
                .enumerate()
                .map(|(i, p)| response(plan, json!([{"text": p}]), i + 1 == n))
                .collect()
        }
        Answer::Call { .. } => vec![response(plan, plan.parts(), true)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(
            route("/v1beta/models/gemini-2.5-flash:generateContent"),
            Some(("gemini-2.5-flash", "generateContent"))
        );
        assert_eq!(
            route("/v1/projects/p/locations/us/publishers/google/models/g:streamGenerateContent"),
            Some(("g", "streamGenerateContent"))
        );
        assert_eq!(route("/v1/chat/completions"), None);
    }

    #[test]
    fn echo_stream_ends_with_finish() {
        let req = json!({"contents": [{"role": "user", "parts": [{"text": "a b"}]}]});
        let p = plan("g", &req, req["contents"].as_array().unwrap(), 1);
        let chunks = stream_chunks(&p);
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[2]["candidates"][0]["finishReason"], "STOP");
        assert!(chunks[0]["candidates"][0].get("finishReason").is_none());
    }
}
