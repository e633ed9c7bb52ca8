//! State shared by every request handler of one server.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::config::MockConfig;
use crate::record::Recorder;
use crate::scenario::Scenarios;
use crate::stats::Counters;

/// Everything a handler may touch.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: MockConfig,
    pub(crate) recorder: Recorder,
    pub(crate) scenarios: Scenarios,
    pub(crate) counters: Arc<Counters>,
    ids: AtomicU64,
}

impl Shared {
    pub(crate) fn new(config: MockConfig) -> Self {
        Self {
            recorder: Recorder::new(config.max_recorded),
            config,
            scenarios: Scenarios::default(),
            counters: Arc::new(Counters::default()),
            ids: AtomicU64::new(0),
        }
    }

    /// A fresh number for response ids (`chatcmpl-mock-<n>`), starting at 1.
    pub(crate) fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Clears recorded requests, scenarios and counters.
    pub(crate) fn reset(&self) {
        self.recorder.clear();
        self.scenarios.clear();
        self.counters.reset();
    }
}
