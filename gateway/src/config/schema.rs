//! The configuration file's shape (YAML or JSON). Unknown fields are rejected everywhere.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The whole gateway configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    /// Listener, limits, admin tokens and logging.
    #[serde(default)]
    pub server: ServerConfig,
    /// Upstreams: a `base_url` (passthrough) or a `provider` (translation through the core).
    #[serde(default)]
    pub backends: Vec<BackendConfig>,
    /// Virtual keys defined in the file (their tokens are hashed before they are stored).
    #[serde(default)]
    pub virtual_keys: Vec<VirtualKeyConfig>,
    /// Which backend serves which model.
    #[serde(default)]
    pub router: RouterConfig,
    /// Where keys, budgets and usage live: `sqlite:PATH` or `memory`.
    #[serde(default)]
    pub store: Option<String>,
    /// Budget reservation settings.
    #[serde(default)]
    pub budgets: BudgetSettings,
}

/// Listener and process-wide limits.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// `HOST:PORT` to listen on (default `127.0.0.1:8080`).
    pub listen: Option<String>,
    /// Largest request body accepted (default 10 MiB); larger ones get 413.
    pub max_body_bytes: Option<usize>,
    /// Requests in flight across the whole gateway before new ones get 429 (default 4096).
    pub max_in_flight: Option<usize>,
    /// Bearer token of `/admin/*` and `/key/*` (read-write).
    pub admin_token: Option<String>,
    /// Bearer token allowed only to read the admin API.
    pub read_only_admin_token: Option<String>,
    /// `json` or `text` (default `text`).
    pub log_format: Option<String>,
    /// Request threads, each serving its share of the connections on its own event loop
    /// (default: one per available core).
    pub workers: Option<usize>,
    /// A connection that does not send a complete request head within this long (counted from
    /// when the gateway starts waiting for one, so it is also the idle keep-alive limit) is
    /// closed (default 30 000; slow-header clients cannot hold connections open).
    pub header_read_timeout_ms: Option<u64>,
}

/// Timeouts of one backend, in milliseconds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeoutsConfig {
    /// TCP/TLS connect (default 10 000).
    pub connect_ms: Option<u64>,
    /// From sending the request to the response headers (default 60 000).
    pub first_byte_ms: Option<u64>,
    /// The whole exchange including the streamed body (default 600 000).
    pub total_ms: Option<u64>,
}

/// One upstream.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendConfig {
    /// Unique name the router refers to.
    pub name: String,
    /// OpenAI-compatible base URL, version path included (`http://host/v1`): passthrough.
    /// With `provider`, it overrides that provider's base URL instead.
    pub base_url: Option<String>,
    /// A native provider served through the core's adapters (`openai`, `mock`, ...).
    pub provider: Option<String>,
    /// The provider's API key (only with `provider`).
    pub api_key: Option<String>,
    /// Headers added to every upstream request.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Query parameters added to every upstream request.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Client model name → upstream model name.
    #[serde(default)]
    pub model_map: BTreeMap<String, String>,
    /// Models listed by `GET /v1/models` for a `provider` backend.
    #[serde(default)]
    pub models: Vec<String>,
    /// Timeouts.
    #[serde(default)]
    pub timeouts: TimeoutsConfig,
    /// Requests in flight to this backend before new ones get 429.
    pub max_in_flight: Option<usize>,
    /// Default weight when the router lists this backend without one (default 1).
    pub weight: Option<u32>,
}

/// Per-key request and token rates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimits {
    /// Requests per minute.
    pub rpm: Option<u64>,
    /// Tokens per minute.
    pub tpm: Option<u64>,
}

/// A key's budget.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetConfig {
    /// Total tokens (input + output) the key may spend over its life.
    pub total_tokens: Option<u64>,
}

/// A virtual key declared in the config file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VirtualKeyConfig {
    /// Stable id (used by the admin API and in logs).
    pub id: String,
    /// The secret clients send as `Authorization: Bearer ...`.
    pub token: String,
    /// Disabled keys are refused with 401.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Expiry: Unix seconds or RFC 3339 UTC (`2027-01-31T00:00:00Z`).
    #[serde(default)]
    pub expires_at: Option<serde_json::Value>,
    /// Rate limits.
    #[serde(default)]
    pub limits: RateLimits,
    /// Budget.
    #[serde(default)]
    pub budget: BudgetConfig,
    /// Model names (globs with `*`) this key may use; empty means all.
    #[serde(default)]
    pub allowed_models: Vec<String>,
    /// Tenant id, for reporting.
    pub tenant: Option<String>,
    /// Project id, for reporting.
    pub project: Option<String>,
    /// User id, for reporting.
    pub user: Option<String>,
}

/// A backend with a weight inside a route.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightedBackend {
    /// A backend name.
    pub backend: String,
    /// Relative weight (default: the backend's own weight, else 1).
    pub weight: Option<u32>,
}

/// Models matching `model` (exact, or a glob with `*`) go to `backends`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteRule {
    /// Model name or glob.
    pub model: String,
    /// Backends, chosen by weight.
    pub backends: Vec<WeightedBackend>,
}

/// Routing.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouterConfig {
    /// Backends for models no rule matches.
    #[serde(default)]
    pub default_backends: Vec<WeightedBackend>,
    /// Rules, first match wins (exact matches are tried before globs).
    #[serde(default)]
    pub rules: Vec<RouteRule>,
}

/// How budgets reserve tokens.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetSettings {
    /// Output tokens reserved when a request sets no `max_tokens` (default 4096).
    pub default_output_reserve: Option<u64>,
    /// A reservation older than this is returned by the reaper (default 900 s).
    pub reservation_ttl_secs: Option<u64>,
}
