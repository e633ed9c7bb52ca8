//! A Responses API response object → [`ModelResponse`]. Pure: no IO.

use crate::error::Result;
use crate::providers::common::{parse_body, wrap_metadata, MAX_SOURCES};
use crate::types::{
    ContentPart, FinishReason, ModelResponse, ProviderMetadata, ReasoningPart, ResponseMetadata,
    Source, ToolCall, Usage,
};
use serde_json::{json, Map, Value};
use std::collections::HashSet;

/// `{"openai": {k: v, ...}}` from pairs whose value is present.
pub fn openai_metadata(pairs: &[(&str, Option<&Value>)]) -> Option<ProviderMetadata> {
    let mut m = Map::new();
    for (k, v) in pairs {
        if let Some(v) = v.filter(|v| !v.is_null()) {
            m.insert((*k).into(), v.clone());
        }
    }
    wrap_metadata("openai", m)
}

/// The finish reason of a response `status` (+ `incomplete_details.reason`).
pub fn map_status(response: &Value, has_tool_calls: bool) -> (FinishReason, Option<String>) {
    let status = response.get("status").and_then(Value::as_str);
    let reason = response
        .pointer("/incomplete_details/reason")
        .and_then(Value::as_str);
    match (status, reason) {
        (Some("incomplete"), Some("max_output_tokens")) => {
            (FinishReason::Length, Some("max_output_tokens".into()))
        }
        (Some("incomplete"), Some("content_filter")) => {
            (FinishReason::ContentFilter, Some("content_filter".into()))
        }
        (Some("incomplete"), r) => (FinishReason::Other, r.map(str::to_owned)),
        (Some("failed"), _) => (FinishReason::Error, Some("failed".into())),
        (Some("completed"), _) if has_tool_calls => {
            (FinishReason::ToolCalls, Some("completed".into()))
        }
        (Some("completed"), _) => (FinishReason::Stop, Some("completed".into())),
        (s, _) => (FinishReason::Other, s.map(str::to_owned)),
    }
}

/// The `usage` of a response object.
pub fn usage_of(response: &Value) -> Usage {
    let Some(u) = response.get("usage").filter(|u| u.is_object()) else {
        return Usage::default();
    };
    let n = |p: &str| u.pointer(p).and_then(Value::as_u64);
    Usage {
        input_tokens: n("/input_tokens"),
        output_tokens: n("/output_tokens"),
        total_tokens: n("/total_tokens"),
        cache_read_tokens: n("/input_tokens_details/cached_tokens"),
        cache_write_tokens: None,
        reasoning_tokens: n("/output_tokens_details/reasoning_tokens"),
    }
    .with_computed_total()
}

/// Id, model and creation time.
pub fn response_metadata(response: &Value) -> ResponseMetadata {
    ResponseMetadata {
        id: response
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned),
        model_id: response
            .get("model")
            .and_then(Value::as_str)
            .map(str::to_owned),
        timestamp: response.get("created_at").and_then(Value::as_i64),
        headers: Default::default(),
    }
}

/// Response-level metadata: the response id (for `previous_response_id`) and service tier.
pub fn response_provider_metadata(response: &Value) -> Option<ProviderMetadata> {
    openai_metadata(&[
        ("response_id", response.get("id")),
        ("service_tier", response.get("service_tier")),
        ("content_filters", response.get("content_filters")),
    ])
}

/// A `url_citation` annotation as a source, once per URL.
pub fn citation_source(annotation: &Value, seen: &mut HashSet<String>) -> Option<Source> {
    if annotation.get("type").and_then(Value::as_str) != Some("url_citation") {
        return None;
    }
    let url = annotation.get("url").and_then(Value::as_str)?;
    if seen.len() >= MAX_SOURCES || !seen.insert(url.to_owned()) {
        return None;
    }
    Some(Source::Url {
        id: format!("source-{}", seen.len() - 1),
        url: url.to_owned(),
        title: annotation
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_owned),
        provider_metadata: None,
    })
}

/// The metadata a reasoning part needs to go back: item id and encrypted content.
pub fn reasoning_metadata(item: &Value) -> Option<ProviderMetadata> {
    openai_metadata(&[
        ("item_id", item.get("id")),
        ("encrypted_content", item.get("encrypted_content")),
    ])
}

/// A provider-executed tool call item (`web_search_call`, ...) as a tool call.
pub fn server_tool_call(item: &Value) -> Option<ToolCall> {
    let kind = item.get("type")?.as_str()?;
    let name = kind.strip_suffix("_call")?;
    Some(ToolCall {
        tool_call_id: item.get("id")?.as_str()?.to_owned(),
        tool_name: name.to_owned(),
        input: item.get("action").cloned().unwrap_or_else(|| json!({})),
        invalid_input: false,
        provider_executed: true,
        provider_metadata: openai_metadata(&[("item_id", item.get("id"))]),
    })
}

/// Parse a complete response object.
pub fn parse_responses_response(provider: &str, body: &[u8]) -> Result<ModelResponse> {
    let v = parse_body(provider, body)?;
    if v.get("error").is_some_and(Value::is_object) {
        return Err(super::super::error::map_stream_error(provider, &v));
    }
    let mut content = Vec::new();
    let mut sources = Vec::new();
    let mut seen = HashSet::new();
    let mut calls = 0;
    for item in v
        .get("output")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match item.get("type").and_then(Value::as_str).unwrap_or("") {
            "reasoning" => {
                let meta = reasoning_metadata(item);
                let summaries: Vec<&str> = item
                    .get("summary")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.get("text").and_then(Value::as_str))
                    .collect();
                if summaries.is_empty() {
                    content.push(ContentPart::Reasoning(ReasoningPart {
                        text: String::new(),
                        provider_metadata: meta.clone(),
                    }));
                }
                for text in summaries {
                    content.push(ContentPart::Reasoning(ReasoningPart {
                        text: text.to_owned(),
                        provider_metadata: meta.clone(),
                    }));
                }
            }
            "message" => {
                for part in item
                    .get("content")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    match part.get("type").and_then(Value::as_str) {
                        Some("output_text") => {
                            content.push(ContentPart::text(
                                part.get("text").and_then(Value::as_str).unwrap_or(""),
                            ));
                            for a in part
                                .get("annotations")
                                .and_then(Value::as_array)
                                .into_iter()
                                .flatten()
                            {
                                sources.extend(citation_source(a, &mut seen));
                            }
                        }
                        Some("refusal") => content.push(ContentPart::text(
                            part.get("refusal").and_then(Value::as_str).unwrap_or(""),
                        )),
                        _ => {}
                    }
                }
            }
            "function_call" => {
                calls += 1;
                let mut call = ToolCall::from_raw_arguments(
                    item.get("call_id").and_then(Value::as_str).unwrap_or(""),
                    item.get("name").and_then(Value::as_str).unwrap_or(""),
                    item.get("arguments").and_then(Value::as_str).unwrap_or(""),
                );
                call.provider_metadata = openai_metadata(&[("item_id", item.get("id"))]);
                content.push(ContentPart::ToolCall(call));
            }
            _ => {
                if let Some(call) = server_tool_call(item) {
                    content.push(ContentPart::ToolCall(call));
                }
            }
        }
    }
    let (finish_reason, raw) = map_status(&v, calls > 0);
    Ok(ModelResponse {
        content,
        sources,
        finish_reason,
        raw_finish_reason: raw,
        usage: usage_of(&v),
        warnings: Vec::new(),
        response: response_metadata(&v),
        provider_metadata: response_provider_metadata(&v),
    })
}
