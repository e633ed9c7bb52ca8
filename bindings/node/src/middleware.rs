//! Client-level host hooks: a cache store and a span sink written in JavaScript (over the
//! client's weak [`HostBridge`]), and the `aliases` client option (middleware specs in
//! camelCase → the core's snake_case `AliasConfig`).

use crate::case::to_snake;
use crate::host::HostBridge;
use ditto_llm::middleware::{AliasConfig, CacheStore, SpanRecord, SpanSink};
use ditto_llm::{Error, Result};
use serde_json::{json, Value};

/// `cacheStore: {get(key) → string | null, put(key, value)}`. Values are the core's JSON entry
/// text. A throwing store is reported to the core as an error (which then calls the model).
#[derive(Debug)]
pub struct HostCacheStore {
    host: HostBridge,
}

impl HostCacheStore {
    /// The store over `host`.
    pub fn new(host: HostBridge) -> Self {
        HostCacheStore { host }
    }
}

#[async_trait::async_trait]
impl CacheStore for HostCacheStore {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        match self.host.call("cache-get", json!({ "key": key })).await {
            Ok(Value::String(s)) => Ok(Some(s.into_bytes())),
            Ok(_) => Ok(None),
            Err(e) => Err(Error::internal(format!("cacheStore.get failed: {e}"))),
        }
    }

    async fn put(&self, key: &str, value: Vec<u8>) -> Result<()> {
        let value = String::from_utf8(value)
            .map_err(|_| Error::internal("a cache entry is not UTF-8 text"))?;
        self.host
            .call("cache-put", json!({ "key": key, "value": value }))
            .await
            .map(|_| ())
            .map_err(|e| Error::internal(format!("cacheStore.put failed: {e}")))
    }
}

/// `onSpan(span)`: each finished telemetry span, as `SpanRecord::to_json` (camelCase keys,
/// attribute names as they are). Errors of the callback are ignored.
#[derive(Debug)]
pub struct HostSpanSink {
    host: HostBridge,
}

impl HostSpanSink {
    /// The sink over `host`.
    pub fn new(host: HostBridge) -> Self {
        HostSpanSink { host }
    }
}

#[async_trait::async_trait]
impl SpanSink for HostSpanSink {
    async fn record(&self, span: SpanRecord) {
        let mut v = span.to_json();
        if let Some(map) = v.as_object_mut() {
            let attributes = map.remove("attributes");
            v = crate::case::to_camel(v);
            if let (Some(attributes), Some(map)) = (attributes, v.as_object_mut()) {
                map.insert("attributes".into(), attributes);
            }
        }
        let _ = self.host.call("span", v).await;
    }
}

/// `kebab-case` for a middleware `type` written in camelCase (`extractReasoning`).
fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for ch in name.chars() {
        if ch.is_ascii_uppercase() {
            out.push('-');
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// One alias from the `aliases` client option: `{model, middleware: [{type, ...}]}` with
/// camelCase (or snake_case) keys and types.
pub fn alias_config(name: &str, v: Value) -> Result<AliasConfig> {
    let mut v = to_snake(v);
    if let Some(layers) = v.get_mut("middleware").and_then(Value::as_array_mut) {
        for layer in layers {
            if let Some(t) = layer.get("type").and_then(Value::as_str).map(kebab) {
                layer["type"] = Value::String(t);
            }
        }
    }
    serde_path_to_error::deserialize::<_, AliasConfig>(v).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            format!("aliases.{name}")
        } else {
            format!("aliases.{name}.{path}")
        };
        Error::config(format!("{at}: {}", e.into_inner()))
    })
}

#[cfg(test)]
#[path = "middleware_tests.rs"]
mod tests;
