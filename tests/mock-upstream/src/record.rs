//! Recorded requests and the bounded ring that keeps them.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One request received on a provider route (admin routes are not recorded).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Request path without the query, e.g. `/v1/chat/completions`.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Headers with lowercase names; repeated headers are joined with `", "`.
    pub headers: BTreeMap<String, String>,
    /// The body parsed as JSON, or a JSON string holding the raw (lossy UTF-8)
    /// text when it is not JSON, or `null` when empty or rejected as too large.
    pub body: Value,
    /// The `x-mock-scenario` key the request named, if any.
    pub scenario: Option<String>,
}

/// A ring of at most `max` recorded requests, oldest first.
#[derive(Debug)]
pub(crate) struct Recorder {
    max: usize,
    ring: Mutex<VecDeque<RecordedRequest>>,
}

impl Recorder {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            max,
            ring: Mutex::new(VecDeque::new()),
        }
    }

    /// Appends a request, dropping the oldest when full.
    pub(crate) fn push(&self, request: RecordedRequest) {
        if self.max == 0 {
            return;
        }
        let mut ring = lock(&self.ring);
        while ring.len() >= self.max {
            ring.pop_front();
        }
        ring.push_back(request);
    }

    /// A copy of the kept requests, oldest first, optionally only those
    /// recorded under `scenario`.
    pub(crate) fn snapshot(&self, scenario: Option<&str>) -> Vec<RecordedRequest> {
        lock(&self.ring)
            .iter()
            .filter(|r| scenario.is_none() || r.scenario.as_deref() == scenario)
            .cloned()
            .collect()
    }

    pub(crate) fn clear(&self) {
        lock(&self.ring).clear();
    }
}

/// Locks a mutex, recovering the data if a holder panicked.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Header map with lowercase names; repeated values joined with `", "`.
pub(crate) fn header_map(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        out.entry(name.as_str().to_ascii_lowercase())
            .and_modify(|existing| {
                existing.push_str(", ");
                existing.push_str(&value);
            })
            .or_insert(value);
    }
    out
}

/// The recorded form of a body: JSON, else a JSON string, else `null`.
pub(crate) fn body_value(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(n: usize, scenario: Option<&str>) -> RecordedRequest {
        RecordedRequest {
            method: "POST".into(),
            path: format!("/{n}"),
            query: None,
            headers: BTreeMap::new(),
            body: Value::Null,
            scenario: scenario.map(str::to_owned),
        }
    }

    #[test]
    fn ring_keeps_newest() {
        let recorder = Recorder::new(2);
        for n in 0..5 {
            recorder.push(request(n, None));
        }
        let paths: Vec<_> = recorder
            .snapshot(None)
            .into_iter()
            .map(|r| r.path)
            .collect();
        assert_eq!(paths, ["/3", "/4"]);
    }

    #[test]
    fn filter_by_scenario() {
        let recorder = Recorder::new(10);
        recorder.push(request(0, Some("a")));
        recorder.push(request(1, None));
        recorder.push(request(2, Some("a")));
        assert_eq!(recorder.snapshot(Some("a")).len(), 2);
        assert_eq!(recorder.snapshot(Some("b")).len(), 0);
    }

    #[test]
    fn body_forms() {
        assert_eq!(body_value(b""), Value::Null);
        assert_eq!(body_value(b"{\"a\":1}")["a"], 1);
        assert_eq!(body_value(b"not json"), Value::String("not json".into()));
    }
}
