//! Request and stream counters, and the guard that classifies how a
//! streamed body ended.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A snapshot of the server's counters.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests received on provider routes (admin routes excluded).
    pub requests_total: u64,
    /// Streamed (SSE) responses whose body was created.
    pub streams_started: u64,
    /// Streamed responses whose body ended cleanly (including truncation).
    pub streams_completed: u64,
    /// Streamed responses dropped before their body ended (client went away).
    pub streams_disconnected: u64,
    /// Streamed responses the server aborted on purpose (`reset_after_chunks`).
    pub streams_reset: u64,
}

/// Live counters shared by all connections.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    requests_total: AtomicU64,
    streams_started: AtomicU64,
    streams_completed: AtomicU64,
    streams_disconnected: AtomicU64,
    streams_reset: AtomicU64,
}

impl Counters {
    pub(crate) fn count_request(&self) {
        self.requests_total.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            requests_total: self.requests_total.load(Ordering::Relaxed),
            streams_started: self.streams_started.load(Ordering::Relaxed),
            streams_completed: self.streams_completed.load(Ordering::Relaxed),
            streams_disconnected: self.streams_disconnected.load(Ordering::Relaxed),
            streams_reset: self.streams_reset.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn reset(&self) {
        for counter in [
            &self.requests_total,
            &self.streams_started,
            &self.streams_completed,
            &self.streams_disconnected,
            &self.streams_reset,
        ] {
            counter.store(0, Ordering::Relaxed);
        }
    }
}

/// How a body stream ended, as far as the guard knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Still sending (if dropped in this state, the client went away).
    Open,
    /// The last frame was produced.
    Completed,
    /// The server aborted the body on purpose.
    Reset,
}

/// Lives inside a body stream; on drop, counts the stream's outcome.
/// Counts nothing when created with `counted = false` (non-SSE bodies).
#[derive(Debug)]
pub(crate) struct StreamGuard {
    counters: Option<Arc<Counters>>,
    outcome: Outcome,
}

impl StreamGuard {
    pub(crate) fn new(counters: &Arc<Counters>, counted: bool) -> Self {
        let counters = counted.then(|| Arc::clone(counters));
        if let Some(counters) = &counters {
            counters.streams_started.fetch_add(1, Ordering::Relaxed);
        }
        Self {
            counters,
            outcome: Outcome::Open,
        }
    }

    pub(crate) fn finish(&mut self, outcome: Outcome) {
        self.outcome = outcome;
    }
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        let Some(counters) = &self.counters else {
            return;
        };
        let counter = match self.outcome {
            Outcome::Open => &counters.streams_disconnected,
            Outcome::Completed => &counters.streams_completed,
            Outcome::Reset => &counters.streams_reset,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_counts_outcomes() {
        let counters = Arc::new(Counters::default());
        drop(StreamGuard::new(&counters, true));
        let mut done = StreamGuard::new(&counters, true);
        done.finish(Outcome::Completed);
        drop(done);
        let mut reset = StreamGuard::new(&counters, true);
        reset.finish(Outcome::Reset);
        drop(reset);
        drop(StreamGuard::new(&counters, false));
        let stats = counters.snapshot();
        assert_eq!(stats.streams_started, 3);
        assert_eq!(stats.streams_disconnected, 1);
        assert_eq!(stats.streams_completed, 1);
        assert_eq!(stats.streams_reset, 1);
    }
}
