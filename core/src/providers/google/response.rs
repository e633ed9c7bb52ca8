//! A Gemini `generateContent` response → [`ModelResponse`]. Pure: no IO.

use super::request::SIGNATURE_KEY;
use crate::error::Result;
use crate::providers::common::{parse_body, wrap_metadata, MAX_SOURCES};
use crate::types::{
    ContentPart, FinishReason, ModelResponse, ProviderMetadata, ReasoningPart, ResponseMetadata,
    Source, ToolCall, Usage,
};
use serde_json::{json, Map, Value};
use std::collections::HashSet;

/// Map a Gemini `finishReason`; `STOP` with function calls is `tool-calls`.
pub fn map_finish_reason(raw: Option<&str>, has_tool_calls: bool) -> FinishReason {
    match raw {
        Some("STOP") if has_tool_calls => FinishReason::ToolCalls,
        Some("STOP") => FinishReason::Stop,
        Some("MAX_TOKENS") => FinishReason::Length,
        Some(
            "SAFETY"
            | "RECITATION"
            | "BLOCKLIST"
            | "PROHIBITED_CONTENT"
            | "SPII"
            | "IMAGE_SAFETY"
            | "IMAGE_PROHIBITED_CONTENT"
            | "IMAGE_RECITATION",
        ) => FinishReason::ContentFilter,
        Some("MALFORMED_FUNCTION_CALL" | "UNEXPECTED_TOOL_CALL") => FinishReason::Error,
        _ => FinishReason::Other,
    }
}

/// `usageMetadata` → [`Usage`]; output includes thought tokens.
pub fn usage_of(v: &Value) -> Option<Usage> {
    let u = v.get("usageMetadata")?;
    let n = |k: &str| u.get(k).and_then(Value::as_u64);
    let input = n("promptTokenCount");
    let candidates = n("candidatesTokenCount");
    let thoughts = n("thoughtsTokenCount");
    if input.is_none() && candidates.is_none() {
        return None;
    }
    let output = match (candidates, thoughts) {
        (None, None) => None,
        (c, t) => Some(c.unwrap_or(0) + t.unwrap_or(0)),
    };
    Some(
        Usage {
            input_tokens: input,
            output_tokens: output,
            total_tokens: n("totalTokenCount"),
            cache_read_tokens: n("cachedContentTokenCount"),
            cache_write_tokens: None,
            reasoning_tokens: thoughts,
        }
        .with_computed_total(),
    )
}

/// `{"google": {"thought_signature": sig}}` (under the provider's key).
pub fn signature_metadata(provider_key: &str, sig: &str) -> ProviderMetadata {
    let mut inner = Map::new();
    inner.insert(SIGNATURE_KEY.into(), sig.into());
    wrap_metadata(provider_key, inner).unwrap_or_default()
}

/// Web sources from `groundingMetadata.groundingChunks`, once per URL.
pub fn sources_of(candidate: &Value, seen: &mut HashSet<String>) -> Vec<Source> {
    let mut out = Vec::new();
    let chunks = candidate
        .pointer("/groundingMetadata/groundingChunks")
        .and_then(Value::as_array);
    for chunk in chunks.into_iter().flatten() {
        let Some(web) = chunk.get("web").or_else(|| chunk.get("retrievedContext")) else {
            continue;
        };
        let Some(uri) = web.get("uri").and_then(Value::as_str) else {
            continue;
        };
        if seen.len() >= MAX_SOURCES || !seen.insert(uri.to_owned()) {
            continue;
        }
        out.push(Source::Url {
            id: format!("source-{}", seen.len() - 1),
            url: uri.to_owned(),
            title: web.get("title").and_then(Value::as_str).map(str::to_owned),
            provider_metadata: None,
        });
    }
    out
}

/// Response id, model version and (Vertex) creation time.
pub fn response_metadata(v: &Value) -> ResponseMetadata {
    ResponseMetadata {
        id: v
            .get("responseId")
            .and_then(Value::as_str)
            .map(str::to_owned),
        model_id: v
            .get("modelVersion")
            .and_then(Value::as_str)
            .map(str::to_owned),
        timestamp: None,
        headers: Default::default(),
    }
}

/// Safety ratings, prompt feedback and grounding as provider metadata.
pub fn provider_metadata(provider_key: &str, v: &Value) -> Option<ProviderMetadata> {
    let mut meta = Map::new();
    let candidate = v.pointer("/candidates/0");
    for (key, value) in [
        (
            "safety_ratings",
            candidate.and_then(|c| c.get("safetyRatings")),
        ),
        (
            "grounding_metadata",
            candidate.and_then(|c| c.get("groundingMetadata")),
        ),
        (
            "finish_message",
            candidate.and_then(|c| c.get("finishMessage")),
        ),
        ("prompt_feedback", v.get("promptFeedback")),
        ("usage_metadata", v.get("usageMetadata")),
    ] {
        if let Some(value) = value.filter(|x| !x.is_null()) {
            meta.insert(key.into(), value.clone());
        }
    }
    wrap_metadata(provider_key, meta)
}

/// A generated file (`inlineData`, e.g. an image from an image-output model) as a file part.
pub fn inline_file(part: &Value) -> Option<ContentPart> {
    let data = part.get("inlineData")?;
    Some(ContentPart::File(crate::types::FilePart {
        data: crate::types::DataSource::Base64(data.get("data")?.as_str()?.to_owned()),
        media_type: data
            .get("mimeType")
            .and_then(Value::as_str)
            .unwrap_or("application/octet-stream")
            .to_owned(),
        filename: None,
        provider_options: Default::default(),
    }))
}

/// Parse a complete response.
pub fn parse_generate_response(provider_key: &str, body: &[u8]) -> Result<ModelResponse> {
    let v = parse_body(provider_key, body)?;
    if v.get("error").is_some_and(|e| e.is_object()) {
        return Err(super::error::map_body_error(provider_key, 0, &v));
    }
    let candidate = v.pointer("/candidates/0").cloned().unwrap_or(Value::Null);
    let mut content = Vec::new();
    let mut calls = 0usize;
    for part in candidate
        .pointer("/content/parts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let sig = part.get("thoughtSignature").and_then(Value::as_str);
        if let Some(call) = part.get("functionCall") {
            let id = call
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("call_{calls}"));
            calls += 1;
            content.push(ContentPart::ToolCall(ToolCall {
                tool_call_id: id,
                tool_name: call
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                input: call.get("args").cloned().unwrap_or_else(|| json!({})),
                invalid_input: false,
                provider_executed: false,
                provider_metadata: sig.map(|s| signature_metadata(provider_key, s)),
            }));
            continue;
        }
        if let Some(file) = inline_file(part) {
            content.push(file);
            continue;
        }
        let Some(text) = part.get("text").and_then(Value::as_str) else {
            continue;
        };
        if part.get("thought").and_then(Value::as_bool) == Some(true) {
            content.push(ContentPart::Reasoning(ReasoningPart {
                text: text.to_owned(),
                provider_metadata: sig.map(|s| signature_metadata(provider_key, s)),
            }));
            continue;
        }
        if let Some(s) = sig {
            content.push(ContentPart::Reasoning(ReasoningPart {
                text: String::new(),
                provider_metadata: Some(signature_metadata(provider_key, s)),
            }));
        }
        if !text.is_empty() {
            content.push(ContentPart::text(text));
        }
    }
    let raw = candidate.get("finishReason").and_then(Value::as_str);
    let blocked = v
        .pointer("/promptFeedback/blockReason")
        .and_then(Value::as_str);
    let (finish_reason, raw_finish) = match (raw, blocked) {
        (None, Some(b)) => (FinishReason::ContentFilter, Some(b.to_owned())),
        (r, _) => (map_finish_reason(r, calls > 0), r.map(str::to_owned)),
    };
    Ok(ModelResponse {
        content,
        sources: sources_of(&candidate, &mut HashSet::new()),
        finish_reason,
        raw_finish_reason: raw_finish,
        usage: usage_of(&v).unwrap_or_default(),
        warnings: Vec::new(),
        response: response_metadata(&v),
        provider_metadata: provider_metadata(provider_key, &v),
    })
}
