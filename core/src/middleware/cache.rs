//! `Cache`: answer repeated identical calls from a [`CacheStore`], streams included.

use super::cache_key::cache_key;
use super::cache_store::{CacheStore, MemoryCacheStore};
use super::observe::{Observed, Observer, Outcome};
use super::Middleware;
use crate::error::Result;
use crate::model::{LanguageModel, ModelStream};
use crate::types::{CallOptions, ModelResponse, StreamEvent, Warning};
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Largest entry stored by default (serialized bytes).
pub const DEFAULT_MAX_ENTRY_BYTES: usize = 4 * 1024 * 1024;

/// Caches model calls by [`cache_key`](crate::middleware::cache_key()) (model + canonical call
/// options).
///
/// - `generate`: the response is stored as JSON and returned as is on a hit.
/// - `stream`: the events are recorded one by one with their original chunking and replayed
///   identically on a hit (same deltas, same boundaries, same `finish-step`). Only streams
///   that reached `finish-step` without an error are stored; a stream the caller drops
///   early, or one that fails, is not.
/// - Entries above `max_entry_bytes` are not stored (a stream stops recording once it passes
///   the cap, so memory stays bounded).
/// - With a `ttl`, entries older than it are misses (the expiry is stored in the entry, so any
///   store works).
/// - Store failures never fail the call: a failed `get` is a miss, a failed `put` is logged.
/// - Two identical calls that miss at the same time both go upstream; the later one's entry
///   wins.
#[derive(Debug, Clone)]
pub struct Cache {
    /// Where entries live.
    pub store: Arc<dyn CacheStore>,
    /// How long an entry is served; `None` keeps it until the store evicts it.
    pub ttl: Option<Duration>,
    /// Largest entry stored, in serialized bytes.
    pub max_entry_bytes: usize,
}

impl Cache {
    /// A cache over `store`, without expiry.
    pub fn new(store: Arc<dyn CacheStore>) -> Self {
        Cache {
            store,
            ttl: None,
            max_entry_bytes: DEFAULT_MAX_ENTRY_BYTES,
        }
    }

    /// A cache over a new [`MemoryCacheStore`] of `max_entries` entries and `max_bytes` bytes.
    pub fn memory(max_entries: usize, max_bytes: usize) -> Self {
        Cache {
            max_entry_bytes: DEFAULT_MAX_ENTRY_BYTES.min(max_bytes),
            ..Self::new(Arc::new(MemoryCacheStore::new(max_entries, max_bytes)))
        }
    }

    /// Set the time to live.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    async fn lookup(&self, key: &str) -> Option<Body> {
        let bytes = match self.store.get(key).await {
            Ok(Some(b)) => b,
            Ok(None) => return None,
            Err(e) => {
                tracing::warn!(error = %e, "cache store get failed; calling the model");
                return None;
            }
        };
        let entry: Entry = match serde_json::from_slice(&bytes) {
            Ok(e) => e,
            Err(e) => {
                tracing::debug!(error = %e, "unreadable cache entry ignored");
                return None;
            }
        };
        if entry.v != ENTRY_VERSION || entry.expires_at_ms.is_some_and(|t| t <= now_ms()) {
            return None;
        }
        Some(entry.body)
    }

    fn encode(&self, body: Body) -> Option<Vec<u8>> {
        let entry = Entry {
            v: ENTRY_VERSION,
            expires_at_ms: self
                .ttl
                .map(|t| now_ms().saturating_add(t.as_millis() as u64)),
            body,
        };
        let bytes = serde_json::to_vec(&entry).ok()?;
        (bytes.len() <= self.max_entry_bytes).then_some(bytes)
    }
}

async fn put(store: Arc<dyn CacheStore>, key: String, bytes: Vec<u8>) {
    if let Err(e) = store.put(&key, bytes).await {
        tracing::warn!(error = %e, "cache store put failed");
    }
}

const ENTRY_VERSION: u32 = 1;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// What a store holds: `{"v": 1, "expires_at_ms": ..., "kind": "generate", "response": ...}`
/// or `{"v": 1, "expires_at_ms": ..., "kind": "stream", "warnings": [...], "events": [...]}`.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    v: u32,
    expires_at_ms: Option<u64>,
    #[serde(flatten)]
    body: Body,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum Body {
    Generate {
        response: Box<ModelResponse>,
    },
    Stream {
        warnings: Vec<Warning>,
        events: Vec<StreamEvent>,
    },
}

#[async_trait::async_trait]
impl Middleware for Cache {
    async fn generate(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelResponse> {
        let key = cache_key(next.provider(), next.model_id(), "generate", options)?;
        if let Some(Body::Generate { response }) = self.lookup(&key).await {
            return Ok(*response);
        }
        let response = next.generate(options).await?;
        let body = Body::Generate {
            response: Box::new(response.clone()),
        };
        if let Some(bytes) = self.encode(body) {
            put(self.store.clone(), key, bytes).await;
        }
        Ok(response)
    }

    async fn stream(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelStream> {
        let key = cache_key(next.provider(), next.model_id(), "stream", options)?;
        if let Some(Body::Stream { warnings, events }) = self.lookup(&key).await {
            return Ok(ModelStream {
                warnings,
                events: Box::pin(futures_util::stream::iter(events.into_iter().map(Ok))),
            });
        }
        let inner = next.stream(options).await?;
        let recorder = Recorder {
            cache: self.clone(),
            key,
            warnings: inner.warnings.clone(),
            events: Some(Vec::new()),
            bytes: 0,
        };
        Ok(ModelStream {
            warnings: inner.warnings,
            events: Box::pin(Observed::new(inner.events, recorder)),
        })
    }
}

/// Records a stream's events; stores them when it finished cleanly.
struct Recorder {
    cache: Cache,
    key: String,
    warnings: Vec<Warning>,
    /// `None` once the recording passed the size cap.
    events: Option<Vec<StreamEvent>>,
    bytes: usize,
}

impl Observer for Recorder {
    fn event(&mut self, event: &StreamEvent) {
        let Some(events) = &mut self.events else {
            return;
        };
        // The event's JSON size, as it will be stored.
        self.bytes += serde_json::to_vec(event).map_or(usize::MAX / 2, |b| b.len() + 1);
        if self.bytes > self.cache.max_entry_bytes {
            self.events = None;
            tracing::debug!(
                max = self.cache.max_entry_bytes,
                "stream too large to cache; not recording"
            );
        } else {
            events.push(event.clone());
        }
    }

    fn end(&mut self, outcome: Outcome<'_>) -> Option<BoxFuture<'static, ()>> {
        let events = self.events.take()?;
        if !matches!(outcome, Outcome::Finished) {
            return None;
        }
        let body = Body::Stream {
            warnings: std::mem::take(&mut self.warnings),
            events,
        };
        let bytes = self.cache.encode(body)?;
        let store = self.cache.store.clone();
        let key = std::mem::take(&mut self.key);
        Some(Box::pin(put(store, key, bytes)))
    }
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
