//! Scenario steps (the JSON form of the fault knobs) and the bounded queues
//! that hand them out per scenario key.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::record::lock;

/// Most steps queued under one key; extra steps are refused.
pub const MAX_STEPS_PER_KEY: usize = 1000;
/// Most scenario keys with queued steps; steps for further keys are refused.
pub const MAX_KEYS: usize = 1000;
/// Longest accepted scenario key, in bytes.
pub const MAX_KEY_LEN: usize = 256;

/// What to do for one request. Every field is optional; a step taken from a
/// scenario overrides, field by field, the knobs given as `x-mock-*` headers.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Step {
    /// Response status. Without `body`/`fixture`/`sse`, a non-2xx status gets
    /// a realistic error body and a 2xx status overrides the default reply's.
    pub status: Option<u16>,
    /// Extra response headers (applied last, so they win).
    pub headers: BTreeMap<String, String>,
    /// Response body: a JSON value, or a string sent verbatim.
    pub body: Option<Value>,
    /// Fixture file to replay, relative to one of the fixture folders.
    pub fixture: Option<String>,
    /// Wait before sending the response headers.
    pub latency_ms: Option<u64>,
    /// Wait after the headers, before the first body frame.
    pub first_byte_delay_ms: Option<u64>,
    /// Wait between body frames.
    pub chunk_delay_ms: Option<u64>,
    /// Abort the connection after this many body frames.
    pub reset_after_chunks: Option<usize>,
    /// End the body cleanly after this many body frames.
    pub truncate_after_chunks: Option<usize>,
    /// Value of the `retry-after` response header.
    pub retry_after: Option<String>,
    /// Value of the `retry-after-ms` response header.
    pub retry_after_ms: Option<u64>,
    /// Raw SSE data payloads, each sent as `data: X\n\n`.
    pub sse: Option<Vec<String>>,
    /// Append `data: [DONE]` to `sse` and `*.chunks.txt` streams (default true).
    pub done: Option<bool>,
}

impl Step {
    /// This step with every unset field taken from `base`; headers are merged
    /// with this step's values winning.
    pub fn over(self, base: Step) -> Step {
        let mut headers = base.headers;
        headers.extend(self.headers);
        Step {
            status: self.status.or(base.status),
            headers,
            body: self.body.or(base.body),
            fixture: self.fixture.or(base.fixture),
            latency_ms: self.latency_ms.or(base.latency_ms),
            first_byte_delay_ms: self.first_byte_delay_ms.or(base.first_byte_delay_ms),
            chunk_delay_ms: self.chunk_delay_ms.or(base.chunk_delay_ms),
            reset_after_chunks: self.reset_after_chunks.or(base.reset_after_chunks),
            truncate_after_chunks: self.truncate_after_chunks.or(base.truncate_after_chunks),
            retry_after: self.retry_after.or(base.retry_after),
            retry_after_ms: self.retry_after_ms.or(base.retry_after_ms),
            sse: self.sse.or(base.sse),
            done: self.done.or(base.done),
        }
    }
}

/// Why steps were not queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum QueueError {
    BadKey,
    TooManyKeys,
    TooManySteps,
}

impl std::fmt::Display for QueueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BadKey => write!(f, "scenario key must be 1..={MAX_KEY_LEN} bytes"),
            Self::TooManyKeys => write!(f, "at most {MAX_KEYS} scenario keys may be queued"),
            Self::TooManySteps => {
                write!(f, "at most {MAX_STEPS_PER_KEY} steps may be queued per key")
            }
        }
    }
}

/// Per-key FIFO queues of steps.
#[derive(Debug, Default)]
pub(crate) struct Scenarios {
    queues: Mutex<HashMap<String, VecDeque<Step>>>,
}

impl Scenarios {
    /// Appends all of `steps` to `key`'s queue, or none of them if a limit
    /// would be exceeded. Returns the queue length afterwards.
    pub(crate) fn push(&self, key: &str, steps: Vec<Step>) -> Result<usize, QueueError> {
        if key.is_empty() || key.len() > MAX_KEY_LEN {
            return Err(QueueError::BadKey);
        }
        let mut queues = lock(&self.queues);
        if !queues.contains_key(key) && queues.len() >= MAX_KEYS {
            return Err(QueueError::TooManyKeys);
        }
        let queue = queues.entry(key.to_owned()).or_default();
        if queue.len() + steps.len() > MAX_STEPS_PER_KEY {
            if queue.is_empty() {
                queues.remove(key);
            }
            return Err(QueueError::TooManySteps);
        }
        queue.extend(steps);
        Ok(queue.len())
    }

    /// Takes the next step for `key`, if one is queued.
    pub(crate) fn pop(&self, key: &str) -> Option<Step> {
        let mut queues = lock(&self.queues);
        let queue = queues.get_mut(key)?;
        let step = queue.pop_front();
        if queue.is_empty() {
            queues.remove(key);
        }
        step
    }

    /// Forgets `key`'s queue.
    pub(crate) fn remove(&self, key: &str) {
        lock(&self.queues).remove(key);
    }

    /// Number of queued steps per key.
    pub(crate) fn lengths(&self) -> BTreeMap<String, usize> {
        lock(&self.queues)
            .iter()
            .map(|(key, queue)| (key.clone(), queue.len()))
            .collect()
    }

    pub(crate) fn clear(&self) {
        lock(&self.queues).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> Step {
        Step {
            status: Some(code),
            ..Step::default()
        }
    }

    #[test]
    fn fifo_then_empty() {
        let scenarios = Scenarios::default();
        scenarios.push("k", vec![status(500), status(429)]).unwrap();
        assert_eq!(scenarios.pop("k").unwrap().status, Some(500));
        assert_eq!(scenarios.pop("k").unwrap().status, Some(429));
        assert!(scenarios.pop("k").is_none());
        assert!(scenarios.lengths().is_empty());
    }

    #[test]
    fn step_limit_is_all_or_nothing() {
        let scenarios = Scenarios::default();
        let many = vec![Step::default(); MAX_STEPS_PER_KEY + 1];
        assert_eq!(scenarios.push("k", many), Err(QueueError::TooManySteps));
        assert!(scenarios.lengths().is_empty());
        assert_eq!(scenarios.push("", vec![]), Err(QueueError::BadKey));
    }

    #[test]
    fn step_overrides_base() {
        let base = Step {
            status: Some(500),
            latency_ms: Some(5),
            headers: BTreeMap::from([("a".into(), "1".into()), ("b".into(), "1".into())]),
            ..Step::default()
        };
        let step = Step {
            status: Some(200),
            headers: BTreeMap::from([("b".into(), "2".into())]),
            ..Step::default()
        };
        let merged = step.over(base);
        assert_eq!(merged.status, Some(200));
        assert_eq!(merged.latency_ms, Some(5));
        assert_eq!(merged.headers["a"], "1");
        assert_eq!(merged.headers["b"], "2");
    }

    #[test]
    fn step_json_field_names() {
        let step: Step = serde_json::from_str(
            r#"{"status":429,"retry_after":"1","sse":["{}"],"done":false,"reset_after_chunks":2}"#,
        )
        .unwrap();
        assert_eq!(step.status, Some(429));
        assert_eq!(step.retry_after.as_deref(), Some("1"));
        assert_eq!(step.done, Some(false));
        assert_eq!(step.reset_after_chunks, Some(2));
    }
}
