//! What JavaScript passes (camelCase option objects, as JSON text) → the core's request types.
//!
//! Every option is read by name, in camelCase or snake_case; unknown options and wrong types are
//! `InvalidRequest` (`Config` for the client options) errors that name the option.

use crate::case::camel_key;
use ditto_llm::types::interop;
use ditto_llm::{
    DataSource, DittoConfig, EmbedRequest, Error, ImageRequest, ProviderConfig, ProviderOptions,
    RerankRequest, ResponseFormat, Result, SpeechRequest, TextRequest, TranscriptionRequest,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Parse the JSON text of an options object.
pub fn parse_object(json: &str, what: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(Error::invalid_request(format!(
            "{what} options must be an object, got {}",
            type_name(&other)
        ))),
        Err(e) => Err(Error::invalid_request(format!(
            "{what} options are not valid JSON: {e}"
        ))),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub use crate::case::snake_key;

/// Options keyed by their snake_case name; `null` values count as absent. Two spellings of one
/// option, or an option outside `known`, are errors.
struct Opts {
    what: &'static str,
    map: BTreeMap<String, Value>,
    /// snake_case name → the spelling the caller used, for error messages.
    spelled: BTreeMap<String, String>,
}

impl Opts {
    fn new(
        raw: Map<String, Value>,
        what: &'static str,
        known: &[&str],
        err: fn(String) -> Error,
    ) -> Result<Self> {
        let mut map = BTreeMap::new();
        let mut spelled = BTreeMap::new();
        for (key, value) in raw {
            let name = match key.as_str() {
                "baseURL" => "base_url".to_owned(),
                "stopSequences" => "stop".to_owned(),
                "timeout" => "timeout_ms".to_owned(),
                "signal" | "abortSignal" => continue,
                _ => snake_key(&key),
            };
            if !known.contains(&name.as_str()) {
                let names: Vec<String> = known.iter().map(|k| camel_key(k)).collect();
                return Err(err(format!(
                    "unknown {what} option `{key}` (known: {})",
                    names.join(", ")
                )));
            }
            if value.is_null() {
                continue;
            }
            if map.insert(name.clone(), value).is_some() {
                return Err(err(format!("{what} option `{key}` is given twice")));
            }
            spelled.insert(name, key);
        }
        Ok(Opts { what, map, spelled })
    }

    /// How the caller spelled option `name`.
    fn spelling(&self, name: &str) -> String {
        self.spelled
            .get(name)
            .cloned()
            .unwrap_or_else(|| camel_key(name))
    }

    fn take(&mut self, name: &str) -> Option<Value> {
        self.map.remove(name)
    }

    fn wrong(&self, name: &str, expected: &str, got: &Value) -> Error {
        Error::invalid_request(format!(
            "{} option `{}` must be {expected}, got {}",
            self.what,
            self.spelling(name),
            type_name(got)
        ))
    }

    fn string(&mut self, name: &str) -> Result<Option<String>> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong(name, "a string", &other)),
        }
    }

    fn number(&mut self, name: &str) -> Result<Option<f64>> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => Err(self.wrong(name, "a number", &other)),
        }
    }

    fn uint(&mut self, name: &str) -> Result<Option<u64>> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_u64().or_else(|| whole(n.as_f64())) {
                Some(v) => Ok(Some(v)),
                None => Err(Error::invalid_request(format!(
                    "{} option `{}` must be a non-negative integer, got {n}",
                    self.what,
                    self.spelling(name)
                ))),
            },
            Some(other) => Err(self.wrong(name, "a non-negative integer", &other)),
        }
    }

    fn u32(&mut self, name: &str) -> Result<Option<u32>> {
        match self.uint(name)? {
            None => Ok(None),
            Some(v) => u32::try_from(v).map(Some).map_err(|_| {
                Error::invalid_request(format!(
                    "{} option `{}` is too large",
                    self.what,
                    self.spelling(name)
                ))
            }),
        }
    }

    fn boolean(&mut self, name: &str) -> Result<Option<bool>> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(other) => Err(self.wrong(name, "a boolean", &other)),
        }
    }

    /// The required `model` option ("provider:model").
    fn model(&mut self) -> Result<String> {
        let what = self.what;
        self.string("model")?.ok_or_else(|| {
            Error::invalid_request(format!(
                "{what} option `model` is required (\"provider:model\")"
            ))
        })
    }

    /// A required string option.
    fn required_string(&mut self, name: &str) -> Result<String> {
        let what = self.what;
        self.string(name)?
            .ok_or_else(|| Error::invalid_request(format!("{what} option `{name}` is required")))
    }

    /// The per-call options every request takes, read in this order: `provider_options` (left
    /// as is when absent), `headers`, `max_retries`.
    fn call_options(
        &mut self,
        provider: &mut ProviderOptions,
        headers: &mut BTreeMap<String, String>,
        max_retries: &mut Option<u32>,
    ) -> Result<()> {
        if let Some(v) = self.take("provider_options") {
            *provider = provider_options(v, "providerOptions")?;
        }
        *headers = self.string_map("headers")?;
        *max_retries = self.u32("max_retries")?;
        Ok(())
    }

    fn string_map(&mut self, name: &str) -> Result<BTreeMap<String, String>> {
        let Some(v) = self.take(name) else {
            return Ok(BTreeMap::new());
        };
        let Value::Object(map) = v else {
            return Err(self.wrong(name, "an object of strings", &v));
        };
        let mut out = BTreeMap::new();
        for (k, v) in map {
            match v {
                Value::String(s) => {
                    out.insert(k, s);
                }
                other => {
                    return Err(Error::invalid_request(format!(
                        "{} option `{}.{k}` must be a string, got {}",
                        self.what,
                        self.spelling(name),
                        type_name(&other)
                    )))
                }
            }
        }
        Ok(out)
    }
}

fn whole(f: Option<f64>) -> Option<u64> {
    f.filter(|x| x.fract() == 0.0 && *x >= 0.0 && *x <= u64::MAX as f64)
        .map(|x| x as u64)
}

/// The options of `generateText` / `streamText`.
pub const TEXT_OPTIONS: &[&str] = &[
    "model",
    "prompt",
    "system",
    "messages",
    "tools",
    "tool_choice",
    "max_output_tokens",
    "temperature",
    "top_p",
    "top_k",
    "stop",
    "seed",
    "presence_penalty",
    "frequency_penalty",
    "response_format",
    "provider_options",
    "headers",
    "max_retries",
    "include_raw_chunks",
];

/// `generateText` / `streamText` options → a [`TextRequest`].
pub fn text_request(json: &str) -> Result<TextRequest> {
    let raw = parse_object(json, "generateText")?;
    text_request_from(raw, "text", TEXT_OPTIONS)
}

/// Options → a [`TextRequest`], accepting only the options in `known` (a subset of the text
/// options); `what` names the call in errors.
pub fn text_request_from(
    raw: Map<String, Value>,
    what: &'static str,
    known: &[&str],
) -> Result<TextRequest> {
    let mut o = Opts::new(raw, what, known, Error::invalid_request)?;
    let model = o.model()?;
    let mut req = TextRequest::new(model);
    req.system = o.string("system")?;
    match o.take("prompt") {
        None => {}
        Some(Value::String(s)) => req.prompt = Some(s),
        // The AI SDK also accepts a message list as `prompt`.
        Some(v @ Value::Array(_)) => req.messages = interop::messages_from_json(&v)?,
        Some(other) => return Err(o.wrong("prompt", "a string or a list of messages", &other)),
    }
    if let Some(v) = o.take("messages") {
        if !req.messages.is_empty() {
            return Err(Error::invalid_request(
                "give the conversation in `messages` or as a list in `prompt`, not both",
            ));
        }
        req.messages = interop::messages_from_json(&v)?;
    }
    if let Some(v) = o.take("tools") {
        req.tools = interop::tools_from_json(&v)?;
    }
    if let Some(v) = o.take("tool_choice") {
        req.tool_choice = Some(interop::tool_choice_from_json(&v)?);
    }
    let s = &mut req.settings;
    s.max_output_tokens = o.u32("max_output_tokens")?;
    s.temperature = o.number("temperature")?;
    s.top_p = o.number("top_p")?;
    s.top_k = o.u32("top_k")?;
    s.presence_penalty = o.number("presence_penalty")?;
    s.frequency_penalty = o.number("frequency_penalty")?;
    s.seed = match o.take("seed") {
        None => None,
        Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64(),
        Some(other) => return Err(o.wrong("seed", "an integer", &other)),
    };
    s.stop = match o.take("stop") {
        None => Vec::new(),
        Some(Value::String(one)) => vec![one],
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(other) => return Err(o.wrong("stop", "a list of strings", &other)),
    };
    if let Some(v) = o.take("response_format") {
        s.response_format = Some(response_format(v)?);
    }
    o.call_options(
        &mut s.provider_options,
        &mut req.headers,
        &mut req.max_retries,
    )?;
    req.include_raw_chunks = o.boolean("include_raw_chunks")?.unwrap_or(false);
    Ok(req)
}

/// `{type: "text"}`, `{type: "json"}`, `{type: "json", schema, name?, description?}` (the AI SDK
/// form) or `{type: "json-schema", schema, ...}`.
fn response_format(v: Value) -> Result<ResponseFormat> {
    let bad = |msg: &str| Error::invalid_request(format!("option `responseFormat`: {msg}"));
    let Value::Object(map) = v else {
        return Err(bad("expected an object such as {type: 'json', schema}"));
    };
    let str_of = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_owned);
    let schema = map.get("schema").filter(|s| !s.is_null()).cloned();
    match (str_of("type").as_deref(), schema) {
        (Some("text"), _) => Ok(ResponseFormat::Text),
        (Some("json"), None) => Ok(ResponseFormat::Json),
        (Some("json" | "json-schema" | "json_schema"), Some(schema)) => {
            if !schema.is_object() {
                return Err(bad("`schema` must be a JSON Schema object"));
            }
            Ok(ResponseFormat::JsonSchema {
                schema,
                name: str_of("name"),
                description: str_of("description"),
                strict: map.get("strict").and_then(Value::as_bool),
            })
        }
        (Some("json-schema" | "json_schema"), None) => Err(bad("`schema` is required")),
        (other, _) => Err(bad(&format!(
            "unknown type {other:?} (expected \"text\", \"json\" or \"json-schema\")"
        ))),
    }
}

/// `{openai: {parallelToolCalls: false}}` → `{"openai": {"parallel_tool_calls": false}}`: the
/// option names inside each provider become snake_case (the wire spelling); values are untouched.
fn provider_options(v: Value, what: &str) -> Result<ProviderOptions> {
    let Value::Object(providers) = v else {
        return Err(Error::invalid_request(format!(
            "option `{what}` must be an object keyed by provider name"
        )));
    };
    let mut out = ProviderOptions::default();
    for (provider, opts) in providers {
        let Value::Object(opts) = opts else {
            return Err(Error::invalid_request(format!(
                "option `{what}.{provider}` must be an object"
            )));
        };
        for (key, value) in opts {
            out.insert(&provider, &snake_key(&key), value);
        }
    }
    Ok(out)
}

const EMBED_OPTIONS: &[&str] = &[
    "model",
    "input",
    "dimensions",
    "provider_options",
    "headers",
    "max_retries",
];

/// `embed` options → an [`EmbedRequest`], and whether `input` was a single string.
pub fn embed_request(json: &str) -> Result<(EmbedRequest, bool)> {
    let raw = parse_object(json, "embed")?;
    let mut o = Opts::new(raw, "embed", EMBED_OPTIONS, Error::invalid_request)?;
    let model = o.model()?;
    let (input, single) = match o.take("input") {
        Some(Value::String(s)) => (vec![s], true),
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                match item {
                    Value::String(s) => out.push(s),
                    other => {
                        return Err(Error::invalid_request(format!(
                            "embed option `input[{i}]` must be a string, got {}",
                            type_name(&other)
                        )))
                    }
                }
            }
            (out, false)
        }
        None => return Err(Error::invalid_request("embed option `input` is required")),
        Some(other) => return Err(o.wrong("input", "a string or a list of strings", &other)),
    };
    let mut req = EmbedRequest::new(model, input);
    req.dimensions = o.u32("dimensions")?;
    o.call_options(
        &mut req.provider_options,
        &mut req.headers,
        &mut req.max_retries,
    )?;
    Ok((req, single))
}

const RERANK_OPTIONS: &[&str] = &[
    "model",
    "query",
    "documents",
    "top_n",
    "provider_options",
    "headers",
    "max_retries",
];

/// `rerank` options → a [`RerankRequest`].
pub fn rerank_request(json: &str) -> Result<RerankRequest> {
    let raw = parse_object(json, "rerank")?;
    let mut o = Opts::new(raw, "rerank", RERANK_OPTIONS, Error::invalid_request)?;
    let model = o.model()?;
    let query = o.required_string("query")?;
    let documents = match o.take("documents") {
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                match item {
                    Value::String(s) => out.push(s),
                    other => {
                        return Err(Error::invalid_request(format!(
                            "rerank option `documents[{i}]` must be a string, got {}",
                            type_name(&other)
                        )))
                    }
                }
            }
            out
        }
        None => {
            return Err(Error::invalid_request(
                "rerank option `documents` is required",
            ))
        }
        Some(other) => return Err(o.wrong("documents", "a list of strings", &other)),
    };
    let mut req = RerankRequest::new(model, query, documents);
    req.top_n = o.u32("top_n")?;
    o.call_options(
        &mut req.provider_options,
        &mut req.headers,
        &mut req.max_retries,
    )?;
    Ok(req)
}

const IMAGE_OPTIONS: &[&str] = &[
    "model",
    "prompt",
    "n",
    "size",
    "provider_options",
    "headers",
    "max_retries",
];

/// `generateImage` options → an [`ImageRequest`].
pub fn image_request(json: &str) -> Result<ImageRequest> {
    let raw = parse_object(json, "generateImage")?;
    let mut o = Opts::new(raw, "generateImage", IMAGE_OPTIONS, Error::invalid_request)?;
    let model = o.model()?;
    let prompt = o.required_string("prompt")?;
    let mut req = ImageRequest {
        model,
        prompt,
        n: o.u32("n")?,
        size: o.string("size")?,
        ..Default::default()
    };
    o.call_options(
        &mut req.provider_options,
        &mut req.headers,
        &mut req.max_retries,
    )?;
    Ok(req)
}

const TRANSCRIPTION_OPTIONS: &[&str] = &[
    "model",
    "audio",
    "media_type",
    "language",
    "prompt",
    "provider_options",
    "headers",
    "max_retries",
];

/// `transcribe` options → a [`TranscriptionRequest`]. `audio` is a base64 string, a `data:`
/// URL, or `{url}` / `{base64}` (the JS wrapper turns bytes into `{base64}`).
pub fn transcription_request(json: &str) -> Result<TranscriptionRequest> {
    let raw = parse_object(json, "transcribe")?;
    let mut o = Opts::new(
        raw,
        "transcribe",
        TRANSCRIPTION_OPTIONS,
        Error::invalid_request,
    )?;
    let model = o.model()?;
    let audio = match o.take("audio") {
        Some(v @ (Value::String(_) | Value::Object(_))) => serde_json::from_value::<DataSource>(v)
            .map_err(|e| {
                Error::invalid_request(format!(
                    "transcribe option `audio` must be bytes, a base64 string, {{url}} or {{base64}}: {e}"
                ))
            })?,
        None => return Err(Error::invalid_request("transcribe option `audio` is required")),
        Some(other) => {
            return Err(o.wrong(
                "audio",
                "a Uint8Array, a base64 string, {url} or {base64}",
                &other,
            ))
        }
    };
    let media_type = o.string("media_type")?.ok_or_else(|| {
        Error::invalid_request("transcribe option `mediaType` is required (\"audio/wav\", ...)")
    })?;
    let mut req = TranscriptionRequest {
        model,
        audio,
        media_type,
        language: o.string("language")?,
        prompt: o.string("prompt")?,
        provider_options: ProviderOptions::default(),
        headers: o.string_map("headers")?,
        max_retries: o.u32("max_retries")?,
    };
    if let Some(v) = o.take("provider_options") {
        req.provider_options = provider_options(v, "providerOptions")?;
    }
    Ok(req)
}

const SPEECH_OPTIONS: &[&str] = &[
    "model",
    "text",
    "voice",
    "output_format",
    "speed",
    "instructions",
    "provider_options",
    "headers",
    "max_retries",
];

/// `generateSpeech` options → a [`SpeechRequest`].
pub fn speech_request(json: &str) -> Result<SpeechRequest> {
    let raw = parse_object(json, "generateSpeech")?;
    let mut o = Opts::new(
        raw,
        "generateSpeech",
        SPEECH_OPTIONS,
        Error::invalid_request,
    )?;
    let model = o.model()?;
    let text = o.required_string("text")?;
    let mut req = SpeechRequest {
        model,
        text,
        voice: o.string("voice")?,
        output_format: o.string("output_format")?,
        speed: o.number("speed")?,
        instructions: o.string("instructions")?,
        ..Default::default()
    };
    o.call_options(
        &mut req.provider_options,
        &mut req.headers,
        &mut req.max_retries,
    )?;
    Ok(req)
}

const CLIENT_OPTIONS: &[&str] = &[
    "providers",
    "aliases",
    "from_env",
    "timeout_ms",
    "connect_timeout_ms",
    "max_retries",
];

/// `new Ditto({...})` options → a [`DittoConfig`]. Errors are `Config` errors.
pub fn client_config(json: &str) -> Result<DittoConfig> {
    let raw = parse_object(json, "Ditto").map_err(|e| Error::config(e.message().to_owned()))?;
    let mut o = Opts::new(raw, "Ditto", CLIENT_OPTIONS, Error::config)?;
    let cfg_err = |e: Error| Error::config(e.message().to_owned());
    let mut config = DittoConfig {
        from_env: o.boolean("from_env").map_err(cfg_err)?.unwrap_or(true),
        timeout_ms: o.uint("timeout_ms").map_err(cfg_err)?,
        connect_timeout_ms: o.uint("connect_timeout_ms").map_err(cfg_err)?,
        max_retries: o.u32("max_retries").map_err(cfg_err)?,
        ..DittoConfig::default()
    };
    match o.take("aliases") {
        None => {}
        Some(Value::Object(aliases)) => {
            for (name, a) in aliases {
                let alias = crate::middleware::alias_config(&name, a)?;
                config.aliases.insert(name, alias);
            }
        }
        Some(other) => {
            return Err(Error::config(format!(
                "Ditto option `aliases` must be an object keyed by alias name, got {}",
                type_name(&other)
            )))
        }
    }
    match o.take("providers") {
        None => {}
        Some(Value::Object(providers)) => {
            for (name, p) in providers {
                let cfg = provider_config(&name, p).map_err(cfg_err)?;
                config.providers.insert(name, cfg);
            }
        }
        Some(other) => {
            return Err(Error::config(format!(
                "Ditto option `providers` must be an object keyed by provider name, got {}",
                type_name(&other)
            )))
        }
    }
    Ok(config)
}

/// One provider's settings: `apiKey`, `baseURL`, `headers`, ... — every field of the core's
/// `ProviderConfig`, in camelCase or snake_case; the core's type decides what is known.
fn provider_config(name: &str, v: Value) -> Result<ProviderConfig> {
    let Value::Object(raw) = v else {
        return Err(Error::config(format!(
            "`providers.{name}` must be an object such as {{apiKey, baseURL}}"
        )));
    };
    let mut fields = Map::with_capacity(raw.len());
    for (key, value) in raw {
        let field = match key.as_str() {
            "baseURL" => "base_url".to_owned(),
            _ => snake_key(&key),
        };
        if !value.is_null() {
            fields.insert(field, value);
        }
    }
    serde_path_to_error::deserialize::<_, ProviderConfig>(Value::Object(fields)).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            format!("providers.{name}")
        } else {
            format!("providers.{name}.{path}")
        };
        Error::config(format!("{at}: {}", e.into_inner()))
    })
}

#[cfg(test)]
#[path = "options_tests.rs"]
mod tests;
