//! Everything a handler needs, built once from the configuration.

use crate::backend::{Backend, Router};
use crate::config::GatewayConfig;
use crate::control::Control;
use crate::metrics::Metrics;
use crate::secret::hash_token;
use crate::store::Store;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Default largest request body: 10 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
/// Default requests in flight before 429.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 4096;

/// One request thread per available core.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Shared state.
#[derive(Debug)]
pub struct AppState {
    /// Backends, in config order.
    pub backends: Vec<Arc<Backend>>,
    /// Model → backend.
    pub router: Router,
    /// Keys, budgets, store.
    pub control: Arc<Control>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Global in-flight limit.
    pub global_permits: Arc<Semaphore>,
    /// Largest request body.
    pub max_body_bytes: usize,
    /// SHA-256 of the admin token.
    pub admin_hash: String,
    /// SHA-256 of the read-only admin token.
    pub read_only_hash: Option<String>,
    /// Output tokens reserved when a request does not cap its output.
    pub default_output_reserve: u64,
    /// Request threads (`server.workers`; default: one per available core).
    pub workers: usize,
    /// Longest wait for a complete request head (`server.header_read_timeout_ms`).
    pub header_read_timeout: Duration,
}

impl AppState {
    /// Build backends and router; keys come from `control`.
    pub fn build(
        config: &GatewayConfig,
        control: Arc<Control>,
        admin_token: &str,
    ) -> Result<Self, String> {
        let mut backends = Vec::with_capacity(config.backends.len());
        let mut index = HashMap::new();
        for (i, b) in config.backends.iter().enumerate() {
            backends.push(Arc::new(Backend::build(b)?));
            index.insert(b.name.clone(), i);
        }
        let router = Router::build(config, &index);
        Ok(AppState {
            backends,
            router,
            control,
            metrics: Arc::new(Metrics::default()),
            global_permits: Arc::new(Semaphore::new(
                config.server.max_in_flight.unwrap_or(DEFAULT_MAX_IN_FLIGHT),
            )),
            max_body_bytes: config
                .server
                .max_body_bytes
                .unwrap_or(DEFAULT_MAX_BODY_BYTES),
            admin_hash: hash_token(admin_token),
            read_only_hash: config
                .server
                .read_only_admin_token
                .as_deref()
                .map(hash_token),
            default_output_reserve: config.budgets.default_output_reserve.unwrap_or(4096),
            workers: config.server.workers.unwrap_or_else(default_workers),
            header_read_timeout: Duration::from_millis(
                config.server.header_read_timeout_ms.unwrap_or(30_000),
            ),
        })
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.control.store
    }

    /// The reaper's period.
    pub fn reap_period(&self) -> Duration {
        (self.control.reservation_ttl / 4).clamp(Duration::from_millis(50), Duration::from_secs(30))
    }
}
