//! `MiddlewareSpec`: the JSON form of a middleware layer, for configs and bindings.

use super::{
    Cache, CacheStore, DefaultSettings, ExtractReasoning, Fallback, Middleware, RetryPolicy,
    SimulateStreaming, SpanSink, Telemetry, DEFAULT_FALLBACK_ON, DEFAULT_MAX_ENTRY_BYTES,
};
use crate::error::{Error, ErrorKind, Result};
use crate::model::LanguageModel;
use crate::types::CallSettings;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// One middleware layer as JSON (tag `type`). A list of them, outermost first, goes with an
/// alias: `{"model": "openai:gpt-4o-mini", "middleware": [{"type": "extract-reasoning"}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum MiddlewareSpec {
    /// [`DefaultSettings`]: `{"type": "default-settings", "settings": {"temperature": 0}}`.
    DefaultSettings {
        /// The defaults (the [`CallSettings`] fields).
        settings: Box<CallSettings>,
    },
    /// [`ExtractReasoning`]: `{"type": "extract-reasoning", "tag_name": "think",
    /// "start_with_reasoning": false}`.
    ExtractReasoning {
        /// The tag name without brackets (default `think`).
        #[serde(default = "default_tag")]
        tag_name: String,
        /// Treat text as reasoning until the first closing tag (default false).
        #[serde(default)]
        start_with_reasoning: bool,
    },
    /// [`SimulateStreaming`]: `{"type": "simulate-streaming"}`.
    SimulateStreaming {
        /// Words per delta; unset sends each part as one delta.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        words_per_chunk: Option<usize>,
    },
    /// [`Fallback`]: `{"type": "fallback", "models": ["anthropic:claude-haiku-4-5"],
    /// "on": ["rate_limited", "timeout", "connection", "provider"]}`.
    Fallback {
        /// Models (`provider:model` or aliases) tried in order after the wrapped one.
        models: Vec<String>,
        /// Error kinds that move on (default rate_limited, timeout, connection, provider).
        #[serde(default = "default_kinds")]
        on: Vec<ErrorKind>,
    },
    /// [`RetryPolicy`]: `{"type": "retry", "max_retries": 2, "initial_delay_ms": 500,
    /// "max_delay_ms": 8000}`.
    Retry {
        /// Retries after the first attempt (default 2).
        #[serde(default = "default_max_retries")]
        max_retries: u32,
        /// First backoff delay (default 500).
        #[serde(default = "default_initial_delay_ms")]
        initial_delay_ms: u64,
        /// Longest backoff delay (default 8000).
        #[serde(default = "default_max_delay_ms")]
        max_delay_ms: u64,
        /// Error kinds that are retried (default rate_limited, timeout, connection, provider).
        #[serde(default = "default_kinds")]
        retry_on: Vec<ErrorKind>,
    },
    /// [`Telemetry`]: `{"type": "telemetry", "function_id": "chat", "record_inputs": false,
    /// "record_outputs": false}`. Spans go to the client's span sink
    /// (`DittoBuilder::span_sink`), else to `tracing`.
    Telemetry {
        /// Recorded as `ditto.function_id`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        function_id: Option<String>,
        /// Record the prompt (default false).
        #[serde(default)]
        record_inputs: bool,
        /// Record the output text (default false).
        #[serde(default)]
        record_outputs: bool,
    },
    /// [`Cache`]: `{"type": "cache", "max_entries": 1000, "max_bytes": 67108864, "ttl_ms":
    /// 600000}`. Uses the client's cache store (`DittoBuilder::cache_store`) when one is set
    /// (`max_entries` / `max_bytes` then do not apply), else its own in-memory LRU.
    Cache {
        /// Entries kept by the in-memory store (default 1000).
        #[serde(default = "default_max_entries")]
        max_entries: usize,
        /// Bytes kept by the in-memory store (default 64 MiB).
        #[serde(default = "default_max_bytes")]
        max_bytes: usize,
        /// Time to live; unset keeps entries until evicted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ttl_ms: Option<u64>,
        /// Largest entry stored (default 4 MiB, at most `max_bytes`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_entry_bytes: Option<usize>,
    },
}

fn default_max_entries() -> usize {
    1000
}

fn default_max_bytes() -> usize {
    64 * 1024 * 1024
}

fn default_kinds() -> Vec<ErrorKind> {
    DEFAULT_FALLBACK_ON.to_vec()
}

fn default_max_retries() -> u32 {
    2
}

fn default_initial_delay_ms() -> u64 {
    500
}

fn default_max_delay_ms() -> u64 {
    8000
}

fn default_tag() -> String {
    "think".into()
}

/// What building a [`MiddlewareSpec`] may need from the client.
pub struct SpecContext<'a> {
    /// Resolves model names (aliases and `provider:model`) for layers that call other models.
    pub models: &'a dyn Fn(&str) -> Result<Arc<dyn LanguageModel>>,
    /// The store `cache` layers use instead of their own in-memory LRU.
    pub cache_store: Option<Arc<dyn CacheStore>>,
    /// Where `telemetry` layers send spans instead of `tracing`.
    pub span_sink: Option<Arc<dyn SpanSink>>,
}

impl<'a> SpecContext<'a> {
    /// A context resolving model names with `models`, without a shared store or sink.
    pub fn new(models: &'a dyn Fn(&str) -> Result<Arc<dyn LanguageModel>>) -> Self {
        SpecContext {
            models,
            cache_store: None,
            span_sink: None,
        }
    }
}

impl std::fmt::Debug for SpecContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpecContext").finish_non_exhaustive()
    }
}

impl MiddlewareSpec {
    /// The spec's `type` tag.
    pub fn type_name(&self) -> &'static str {
        match self {
            MiddlewareSpec::DefaultSettings { .. } => "default-settings",
            MiddlewareSpec::ExtractReasoning { .. } => "extract-reasoning",
            MiddlewareSpec::SimulateStreaming { .. } => "simulate-streaming",
            MiddlewareSpec::Fallback { .. } => "fallback",
            MiddlewareSpec::Retry { .. } => "retry",
            MiddlewareSpec::Telemetry { .. } => "telemetry",
            MiddlewareSpec::Cache { .. } => "cache",
        }
    }

    /// Build the layer. Fails with a `config` error on invalid values.
    pub fn build(&self, ctx: &SpecContext<'_>) -> Result<Arc<dyn Middleware>> {
        Ok(match self {
            MiddlewareSpec::DefaultSettings { settings } => {
                Arc::new(DefaultSettings::new((**settings).clone()))
            }
            MiddlewareSpec::ExtractReasoning {
                tag_name,
                start_with_reasoning,
            } => {
                if tag_name.is_empty() || tag_name.contains(['<', '>', '/']) {
                    return Err(Error::config(format!(
                        "extract-reasoning.tag_name must be a bare tag name like `think`, got `{tag_name}`"
                    )));
                }
                Arc::new(
                    ExtractReasoning::new(tag_name.clone())
                        .start_with_reasoning(*start_with_reasoning),
                )
            }
            MiddlewareSpec::SimulateStreaming { words_per_chunk } => {
                if *words_per_chunk == Some(0) {
                    return Err(Error::config(
                        "simulate-streaming.words_per_chunk must be at least 1",
                    ));
                }
                Arc::new(SimulateStreaming {
                    words_per_chunk: *words_per_chunk,
                })
            }
            MiddlewareSpec::Fallback { models, on } => {
                if models.is_empty() {
                    return Err(Error::config(
                        "fallback.models must name at least one model",
                    ));
                }
                let models = models
                    .iter()
                    .map(|m| (ctx.models)(m))
                    .collect::<Result<Vec<_>>>()?;
                Arc::new(Fallback::new(models).on(on.clone()))
            }
            MiddlewareSpec::Retry {
                max_retries,
                initial_delay_ms,
                max_delay_ms,
                retry_on,
            } => {
                if initial_delay_ms > max_delay_ms {
                    return Err(Error::config(
                        "retry.initial_delay_ms must not be above max_delay_ms",
                    ));
                }
                Arc::new(RetryPolicy {
                    max_retries: *max_retries,
                    initial_delay: Duration::from_millis(*initial_delay_ms),
                    max_delay: Duration::from_millis(*max_delay_ms),
                    retry_on: retry_on.clone(),
                    ..RetryPolicy::default()
                })
            }
            MiddlewareSpec::Telemetry {
                function_id,
                record_inputs,
                record_outputs,
            } => {
                let mut t = Telemetry {
                    function_id: function_id.clone(),
                    record_inputs: *record_inputs,
                    record_outputs: *record_outputs,
                    ..Telemetry::default()
                };
                if let Some(sink) = &ctx.span_sink {
                    t.sink = sink.clone();
                }
                Arc::new(t)
            }
            MiddlewareSpec::Cache {
                max_entries,
                max_bytes,
                ttl_ms,
                max_entry_bytes,
            } => {
                if *max_entries == 0 || *max_bytes == 0 || *ttl_ms == Some(0) {
                    return Err(Error::config(
                        "cache.max_entries, max_bytes and ttl_ms must be at least 1",
                    ));
                }
                let mut cache = match &ctx.cache_store {
                    Some(store) => Cache::new(store.clone()),
                    None => Cache::memory(*max_entries, *max_bytes),
                };
                cache.ttl = ttl_ms.map(Duration::from_millis);
                cache.max_entry_bytes = max_entry_bytes
                    .unwrap_or(DEFAULT_MAX_ENTRY_BYTES)
                    .min(*max_bytes);
                Arc::new(cache)
            }
        })
    }
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
