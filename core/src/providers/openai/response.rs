//! An OpenAI Chat Completions response body → [`ModelResponse`]. Pure: no IO.

use super::usage::{usage_metadata, usage_of};
use crate::error::{Error, Result};
use crate::types::{
    ContentPart, FinishReason, ModelResponse, ReasoningPart, ResponseMetadata, Source, ToolCall,
};
use serde_json::{Map, Value};

/// Map an OpenAI finish reason.
pub fn map_finish_reason(raw: Option<&str>) -> FinishReason {
    match raw {
        Some("stop" | "end_turn" | "eos") => FinishReason::Stop,
        Some("length" | "model_length") => FinishReason::Length,
        Some("content_filter") => FinishReason::ContentFilter,
        Some("tool_calls" | "function_call") => FinishReason::ToolCalls,
        Some("error") => FinishReason::Error,
        _ => FinishReason::Other,
    }
}

/// One piece of assistant content, in order: visible text or reasoning.
#[derive(Debug, PartialEq)]
pub enum Piece {
    /// Visible text.
    Text(String),
    /// Reasoning.
    Reasoning(String),
}

/// Read the pieces of a `message` or `delta`: `reasoning_content` / `reasoning` (DeepSeek, xAI,
/// vLLM, OpenRouter), then `content` as a string or as Mistral's typed chunk array.
pub fn pieces_of(message: &Value) -> Vec<Piece> {
    let mut out = Vec::new();
    for key in ["reasoning_content", "reasoning"] {
        if let Some(r) = message.get(key).and_then(Value::as_str) {
            if !r.is_empty() {
                out.push(Piece::Reasoning(r.to_owned()));
                break;
            }
        }
    }
    match message.get("content") {
        Some(Value::String(s)) if !s.is_empty() => out.push(Piece::Text(s.clone())),
        Some(Value::Array(items)) => {
            for item in items {
                match item.get("type").and_then(Value::as_str) {
                    Some("text") => {
                        if let Some(t) = item.get("text").and_then(Value::as_str) {
                            out.push(Piece::Text(t.to_owned()));
                        }
                    }
                    Some("thinking") => {
                        let text = match item.get("thinking") {
                            Some(Value::String(s)) => s.clone(),
                            Some(Value::Array(parts)) => parts
                                .iter()
                                .filter_map(|p| p.get("text").and_then(Value::as_str))
                                .collect(),
                            _ => String::new(),
                        };
                        if !text.is_empty() {
                            out.push(Piece::Reasoning(text));
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    out
}

/// Perplexity-style top-level `citations` (a list of URLs) as sources.
pub fn citation_sources(body: &Value) -> Vec<Source> {
    body.get("citations")
        .and_then(Value::as_array)
        .map(|urls| {
            urls.iter()
                .filter_map(Value::as_str)
                .enumerate()
                .map(|(i, url)| Source::Url {
                    id: format!("citation-{i}"),
                    url: url.to_owned(),
                    title: None,
                    provider_metadata: None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Response id, model and creation time.
pub fn response_metadata(body: &Value) -> ResponseMetadata {
    ResponseMetadata {
        id: body.get("id").and_then(Value::as_str).map(str::to_owned),
        model_id: body.get("model").and_then(Value::as_str).map(str::to_owned),
        timestamp: body.get("created").and_then(Value::as_i64),
        headers: Default::default(),
    }
}

/// Provider metadata under `provider_key`, when there is any.
pub fn provider_metadata(provider_key: &str, body: &Value) -> Option<Map<String, Value>> {
    let mut meta = usage_metadata(body).unwrap_or_default();
    for key in ["system_fingerprint", "service_tier"] {
        if let Some(v) = body.get(key).filter(|v| !v.is_null()) {
            meta.insert(key.into(), v.clone());
        }
    }
    (!meta.is_empty()).then(|| {
        let mut outer = Map::new();
        outer.insert(provider_key.into(), Value::Object(meta));
        outer
    })
}

/// Parse a complete (non-streaming) response.
pub fn parse_chat_response(provider_key: &str, body: &[u8]) -> Result<ModelResponse> {
    let v = crate::providers::common::parse_body(provider_key, body)?;
    if v.get("error").is_some_and(|e| !e.is_null()) {
        return Err(super::error::map_stream_error(provider_key, &v));
    }
    let choice = v
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .ok_or_else(|| {
            Error::new(
                crate::error::ErrorKind::Provider,
                "the response has no choices",
            )
            .with_provider(provider_key)
            .with_body(String::from_utf8_lossy(body).into_owned())
        })?;
    let message = choice.get("message").cloned().unwrap_or(Value::Null);

    let mut content = Vec::new();
    for piece in pieces_of(&message) {
        content.push(match piece {
            Piece::Text(t) => ContentPart::text(t),
            Piece::Reasoning(r) => ContentPart::Reasoning(ReasoningPart {
                text: r,
                provider_metadata: None,
            }),
        });
    }
    if let Some(calls) = message.get("tool_calls").and_then(Value::as_array) {
        for (i, call) in calls.iter().enumerate() {
            let id = call
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("call_{i}"));
            let function = call.get("function").cloned().unwrap_or(Value::Null);
            let name = function
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let args = match function.get("arguments") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            content.push(ContentPart::ToolCall(ToolCall::from_raw_arguments(
                id, name, &args,
            )));
        }
    }
    let raw_finish = choice.get("finish_reason").and_then(Value::as_str);
    Ok(ModelResponse {
        content,
        sources: citation_sources(&v),
        finish_reason: map_finish_reason(raw_finish),
        raw_finish_reason: raw_finish.map(str::to_owned),
        usage: usage_of(&v).unwrap_or_default(),
        warnings: Vec::new(),
        response: response_metadata(&v),
        provider_metadata: provider_metadata(provider_key, &v),
    })
}
