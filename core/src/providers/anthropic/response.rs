//! An Anthropic Messages response body → [`ModelResponse`]. Pure: no IO.

use super::request::JSON_TOOL;
use crate::error::Result;
use crate::providers::common::{bad_response, parse_body, wrap_metadata};
use crate::types::{
    ContentPart, FinishReason, ModelResponse, ProviderMetadata, ReasoningPart, ResponseMetadata,
    Source, ToolCall, Usage,
};
use serde_json::{json, Map, Value};
use std::collections::HashSet;

/// Map an Anthropic `stop_reason`.
pub fn map_stop_reason(raw: Option<&str>, json_tool: bool) -> FinishReason {
    match raw {
        Some("end_turn" | "stop_sequence" | "pause_turn") => FinishReason::Stop,
        Some("tool_use") if json_tool => FinishReason::Stop,
        Some("tool_use") => FinishReason::ToolCalls,
        Some("max_tokens" | "model_context_window_exceeded") => FinishReason::Length,
        Some("refusal") => FinishReason::ContentFilter,
        _ => FinishReason::Other,
    }
}

/// Read a `usage` object. Input tokens include cache reads and writes (the unified meaning).
pub fn usage_of(usage: &Value) -> Usage {
    let n = |k: &str| usage.get(k).and_then(Value::as_u64);
    let input = n("input_tokens");
    let cache_write = n("cache_creation_input_tokens");
    let cache_read = n("cache_read_input_tokens");
    let input_total = input.map(|i| i + cache_write.unwrap_or(0) + cache_read.unwrap_or(0));
    Usage {
        input_tokens: input_total,
        output_tokens: n("output_tokens"),
        total_tokens: None,
        cache_read_tokens: cache_read,
        cache_write_tokens: cache_write,
        reasoning_tokens: None,
    }
    .with_computed_total()
}

/// Merge a later usage object (e.g. `message_delta`) over an earlier one: fields it carries win.
pub fn merge_usage(base: &mut Map<String, Value>, later: &Value) {
    if let Some(obj) = later.as_object() {
        for (k, v) in obj {
            if !v.is_null() {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Metadata under `anthropic`: raw usage, stop details, service tier, context management.
pub fn metadata(
    usage: Option<&Value>,
    stop_details: Option<&Value>,
    extra: &Value,
) -> Option<ProviderMetadata> {
    let mut meta = Map::new();
    if let Some(u) = usage.filter(|u| u.is_object()) {
        meta.insert("usage".into(), u.clone());
        if let Some(tier) = u.get("service_tier") {
            meta.insert("service_tier".into(), tier.clone());
        }
    }
    if let Some(d) = stop_details.filter(|d| !d.is_null()) {
        meta.insert("stop_details".into(), d.clone());
    }
    for key in ["stop_sequence", "context_management", "container"] {
        if let Some(v) = extra.get(key).filter(|v| !v.is_null()) {
            meta.insert(key.into(), v.clone());
        }
    }
    wrap_metadata("anthropic", meta)
}

/// A web search result or a citation as a source, once each: URL citations and results as
/// URL sources, document citations (`char_location`, `page_location`,
/// `content_block_location`) as document sources.
pub fn url_source(item: &Value, seen: &mut HashSet<String>) -> Option<Source> {
    if seen.len() >= crate::providers::common::MAX_SOURCES {
        return None;
    }
    if let Some(url) = item.get("url").and_then(Value::as_str) {
        if !seen.insert(url.to_owned()) {
            return None;
        }
        return Some(Source::Url {
            id: format!("source-{}", seen.len() - 1),
            url: url.to_owned(),
            title: item.get("title").and_then(Value::as_str).map(str::to_owned),
            provider_metadata: None,
        });
    }
    let kind = item.get("type").and_then(Value::as_str)?;
    let media_type = match kind {
        "char_location" => "text/plain",
        "page_location" => "application/pdf",
        "content_block_location" => "text/plain",
        _ => return None,
    };
    let index = item
        .get("document_index")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if !seen.insert(format!("document:{index}")) {
        return None;
    }
    let title = item
        .get("document_title")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("document {index}"));
    let mut meta = Map::new();
    meta.insert("document_index".into(), index.into());
    Some(Source::Document {
        id: format!("source-{}", seen.len() - 1),
        media_type: media_type.into(),
        title,
        filename: None,
        provider_metadata: wrap_metadata("anthropic", meta),
    })
}

/// The `anthropic` metadata of a thinking block.
pub fn signature_metadata(key: &str, value: &str) -> ProviderMetadata {
    let mut inner = Map::new();
    inner.insert(key.into(), value.into());
    wrap_metadata("anthropic", inner).unwrap_or_default()
}

/// Parse a complete response. `json_tool` turns the `json` tool's input into the text.
pub fn parse_messages_response(body: &[u8], json_tool: bool) -> Result<ModelResponse> {
    let v = parse_body("anthropic", body)?;
    if v.get("type").and_then(Value::as_str) == Some("error") {
        return Err(super::error::map_stream_error(&v));
    }
    let blocks = v
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| bad_response("anthropic", "the response has no `content` array", &v))?;
    let mut content = Vec::with_capacity(blocks.len());
    let mut sources = Vec::new();
    let mut seen = HashSet::new();
    for block in blocks {
        match block.get("type").and_then(Value::as_str).unwrap_or("") {
            "text" => {
                let text = block.get("text").and_then(Value::as_str).unwrap_or("");
                content.push(ContentPart::text(text));
                for c in block
                    .get("citations")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    sources.extend(url_source(c, &mut seen));
                }
            }
            "thinking" => content.push(ContentPart::Reasoning(ReasoningPart {
                text: block
                    .get("thinking")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                provider_metadata: block
                    .get("signature")
                    .and_then(Value::as_str)
                    .map(|s| signature_metadata("signature", s)),
            })),
            "redacted_thinking" => content.push(ContentPart::Reasoning(ReasoningPart {
                text: String::new(),
                provider_metadata: block
                    .get("data")
                    .and_then(Value::as_str)
                    .map(|d| signature_metadata("redacted_data", d)),
            })),
            kind @ ("tool_use" | "server_tool_use") => {
                let id = block.get("id").and_then(Value::as_str).unwrap_or("");
                let name = block.get("name").and_then(Value::as_str).unwrap_or("");
                let input = block.get("input").cloned().unwrap_or_else(|| json!({}));
                if json_tool && kind == "tool_use" && name == JSON_TOOL {
                    content.push(ContentPart::text(input.to_string()));
                    continue;
                }
                content.push(ContentPart::ToolCall(ToolCall {
                    tool_call_id: id.to_owned(),
                    tool_name: name.to_owned(),
                    input,
                    invalid_input: false,
                    provider_executed: kind == "server_tool_use",
                    provider_metadata: None,
                }));
            }
            "web_search_tool_result" => {
                for r in block
                    .get("content")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    sources.extend(url_source(r, &mut seen));
                }
            }
            _ => {}
        }
    }
    let raw_stop = v.get("stop_reason").and_then(Value::as_str);
    Ok(ModelResponse {
        content,
        sources,
        finish_reason: map_stop_reason(raw_stop, json_tool),
        raw_finish_reason: raw_stop.map(str::to_owned),
        usage: v.get("usage").map(usage_of).unwrap_or_default(),
        warnings: Vec::new(),
        response: ResponseMetadata {
            id: v.get("id").and_then(Value::as_str).map(str::to_owned),
            model_id: v.get("model").and_then(Value::as_str).map(str::to_owned),
            timestamp: None,
            headers: Default::default(),
        },
        provider_metadata: metadata(v.get("usage"), v.get("stop_details"), &v),
    })
}
