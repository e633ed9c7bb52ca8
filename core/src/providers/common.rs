//! Small pure helpers the native providers share: JSON parsing with useful errors, request
//! assembly from [`ProviderSettings`], provider-option lookup and metadata wrapping.

use crate::error::{Error, ErrorKind, Result};
use crate::http::HttpRequest;
use crate::providers::ProviderSettings;
use crate::types::{ProviderMetadata, ProviderOptions, Warning};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Most tool calls one response may carry (streams refuse more).
pub(crate) const MAX_TOOL_CALLS: usize = 256;
/// Most argument bytes one streamed tool call may carry.
pub(crate) const MAX_TOOL_ARGUMENT_BYTES: usize = 8 * 1024 * 1024;
/// Most distinct sources one response may report.
pub(crate) const MAX_SOURCES: usize = 1024;

/// Parse a complete response body, or fail with a `provider` error that keeps the body.
pub(crate) fn parse_body(provider: &str, body: &[u8]) -> Result<Value> {
    serde_json::from_slice(body).map_err(|e| {
        Error::new(
            ErrorKind::Provider,
            format!("the provider answered with invalid JSON: {e}"),
        )
        .with_provider(provider)
        .with_body(String::from_utf8_lossy(body).into_owned())
    })
}

/// Parse one stream chunk, or fail with a `stream` error that keeps the chunk.
pub(crate) fn parse_chunk(provider: &str, data: &str) -> Result<Value> {
    serde_json::from_str(data).map_err(|e| {
        Error::stream(format!("the provider sent a chunk that is not JSON: {e}"))
            .with_provider(provider)
            .with_body(data.to_owned())
    })
}

/// A `provider` error about an unexpected response shape.
pub(crate) fn bad_response(provider: &str, message: impl Into<String>, body: &Value) -> Error {
    Error::new(ErrorKind::Provider, message)
        .with_provider(provider)
        .with_body(body.to_string())
}

/// A POST of `body` to `settings.url(path)` with the settings' headers, then the call's own
/// headers (which win), and the call's retry override. Auth headers are added by the caller.
pub(crate) fn post_json(
    settings: &ProviderSettings,
    url: String,
    body: &Value,
    auth: &[(&str, String)],
    call_headers: &BTreeMap<String, String>,
    max_retries: Option<u32>,
) -> HttpRequest {
    let mut req = HttpRequest::post_json(url, body);
    for (k, v) in auth {
        req = req.header(*k, v.clone());
    }
    req.headers
        .extend(settings.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
    req.headers
        .extend(call_headers.iter().map(|(k, v)| (k.clone(), v.clone())));
    req.max_retries = max_retries;
    req
}

/// `{provider_key: meta}` when `meta` is not empty.
pub(crate) fn wrap_metadata(
    provider_key: &str,
    meta: Map<String, Value>,
) -> Option<ProviderMetadata> {
    (!meta.is_empty()).then(|| {
        let mut outer = Map::new();
        outer.insert(provider_key.to_owned(), Value::Object(meta));
        outer
    })
}

/// A provider option read under the first of `keys` that has it.
pub(crate) fn option<'a>(
    options: &'a ProviderOptions,
    keys: &[&str],
    name: &str,
) -> Option<&'a Value> {
    keys.iter().find_map(|k| options.value(k, name))
}

/// Copy every option under `keys` (least specific first, so the most specific wins) into
/// `body`, except those the translation reads itself.
pub(crate) fn pass_through(
    options: &ProviderOptions,
    keys: &[&str],
    translated: &[&str],
    body: &mut Map<String, Value>,
) {
    for key in keys.iter().rev() {
        if let Some(extra) = options.get(key) {
            for (k, v) in extra {
                if !translated.contains(&k.as_str()) {
                    body.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

/// A warning for a setting the provider has no equivalent of.
pub(crate) fn unsupported(setting: &str, provider: &str) -> Warning {
    Warning::unsupported_setting(
        setting,
        Some(format!("{provider} has no `{setting}` setting")),
    )
}

/// The media type of an image part: given, from a `data:` URL, or `fallback`.
pub(crate) fn image_media_type<'a>(
    given: Option<&'a str>,
    data: &'a crate::types::DataSource,
    fallback: &'a str,
) -> &'a str {
    given
        .or_else(|| data.data_url_media_type())
        .unwrap_or(fallback)
}

/// The wire role of one turn and its parts.
pub(crate) type Turn = (&'static str, Vec<Value>);

/// Split a prompt for providers that take the system text apart and want alternating turns
/// (Gemini, Bedrock): system messages, allowed only before any other turn, become
/// `{"text": ...}` entries; every other message goes through `turn`, which gives its wire role
/// and parts; consecutive turns with one role merge; empty turns are dropped.
pub(crate) fn split_turns(
    prompt: &[crate::types::Message],
    provider: &str,
    mut turn: impl FnMut(&crate::types::Message) -> Result<Turn>,
) -> Result<(Vec<Value>, Vec<Turn>)> {
    let mut system = Vec::new();
    let mut turns: Vec<Turn> = Vec::new();
    for message in prompt {
        if message.role == crate::types::Role::System {
            if !turns.is_empty() {
                return Err(Error::invalid_request(format!(
                    "{provider} takes system messages only at the start of the conversation"
                )));
            }
            system.push(serde_json::json!({"text": message.joined_text()}));
            continue;
        }
        let (role, parts) = turn(message)?;
        if parts.is_empty() {
            continue;
        }
        match turns.last_mut() {
            Some((prev, prev_parts)) if *prev == role => prev_parts.extend(parts),
            _ => turns.push((role, parts)),
        }
    }
    Ok((system, turns))
}

/// The wire names a provider uses for the common sampling settings.
pub(crate) struct SettingNames {
    /// Output token cap.
    pub max_output_tokens: &'static str,
    /// Temperature.
    pub temperature: &'static str,
    /// Nucleus sampling.
    pub top_p: &'static str,
    /// Top-k sampling.
    pub top_k: &'static str,
    /// Presence penalty.
    pub presence_penalty: &'static str,
    /// Frequency penalty.
    pub frequency_penalty: &'static str,
    /// Seed.
    pub seed: &'static str,
    /// Stop sequences.
    pub stop: &'static str,
}

/// Copy the sampling settings that are set into `target` under the provider's names.
pub(crate) fn insert_settings(
    target: &mut Map<String, Value>,
    s: &crate::types::CallSettings,
    names: &SettingNames,
) {
    if let Some(n) = s.max_output_tokens {
        target.insert(names.max_output_tokens.into(), n.into());
    }
    for (name, v) in [
        (names.temperature, s.temperature),
        (names.top_p, s.top_p),
        (names.presence_penalty, s.presence_penalty),
        (names.frequency_penalty, s.frequency_penalty),
    ] {
        if let Some(v) = v {
            target.insert(name.into(), serde_json::json!(v));
        }
    }
    if let Some(k) = s.top_k {
        target.insert(names.top_k.into(), k.into());
    }
    if let Some(seed) = s.seed {
        target.insert(names.seed.into(), seed.into());
    }
    if !s.stop.is_empty() {
        target.insert(names.stop.into(), serde_json::json!(s.stop));
    }
}
