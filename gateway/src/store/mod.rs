//! Persistence of keys, budgets and reservations behind one [`Store`] trait: an in-memory
//! store and an embedded SQLite store (the default). Calls are short and synchronous.

mod checkpoint;
mod memory;
mod sqlite;

pub use memory::MemoryStore;
pub use sqlite::SqliteStore;

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A store failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Where state lives: `sqlite:PATH` or `memory`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSpec {
    /// A SQLite file (created when missing).
    Sqlite(String),
    /// Process memory (lost on exit).
    Memory,
}

impl StoreSpec {
    /// Parse `sqlite:PATH` or `memory`.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s == "memory" {
            return Ok(StoreSpec::Memory);
        }
        match s.strip_prefix("sqlite:") {
            Some(path) if !path.is_empty() => Ok(StoreSpec::Sqlite(path.to_owned())),
            _ => Err(format!("expected `sqlite:PATH` or `memory`, got `{s}`")),
        }
    }

    /// Open the store.
    pub fn open(&self) -> StoreResult<Arc<dyn Store>> {
        Ok(match self {
            StoreSpec::Memory => Arc::new(MemoryStore::default()),
            StoreSpec::Sqlite(path) => Arc::new(SqliteStore::open(path)?),
        })
    }
}

/// A virtual key as stored. The token itself is never stored, only its SHA-256.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    /// Stable id.
    pub id: String,
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// The first characters of the token, to recognise it (`sk-ditto-ab12…`).
    pub token_hint: String,
    /// A human name.
    pub alias: Option<String>,
    /// Refused when false.
    pub enabled: bool,
    /// Unix seconds after which the key is refused.
    pub expires_at: Option<u64>,
    /// Requests per minute.
    pub rpm: Option<u64>,
    /// Tokens per minute.
    pub tpm: Option<u64>,
    /// Lifetime token budget.
    pub budget_tokens: Option<u64>,
    /// Model globs the key may use; empty means all.
    pub allowed_models: Vec<String>,
    /// Tenant id.
    pub tenant: Option<String>,
    /// Project id.
    pub project: Option<String>,
    /// User id.
    pub user: Option<String>,
    /// Free-form metadata (LiteLLM `metadata`).
    pub metadata: serde_json::Value,
    /// `config` (from the file) or `api` (admin API).
    pub source: String,
    /// Unix seconds.
    pub created_at: u64,
    /// Tokens settled so far (the ledger).
    pub spent_tokens: u64,
    /// Requests settled so far.
    pub requests: u64,
}

/// Tokens held for one request in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// Unique id.
    pub id: String,
    /// The key it belongs to.
    pub key_id: String,
    /// Tokens held.
    pub tokens: u64,
    /// Unix seconds.
    pub created_at: u64,
}

/// Durable state of the control plane.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Check the store answers (for `/ready`).
    fn ping(&self) -> StoreResult<()>;
    /// Every key.
    fn load_keys(&self) -> StoreResult<Vec<KeyRecord>>;
    /// Insert a key, or update everything but its ledger (`spent_tokens`, `requests`).
    fn upsert_key(&self, key: &KeyRecord) -> StoreResult<()>;
    /// Delete a key and its reservations; false when it did not exist.
    fn delete_key(&self, id: &str) -> StoreResult<bool>;
    /// Zero a key's ledger.
    fn reset_spent(&self, id: &str) -> StoreResult<()>;
    /// Persist a reservation.
    fn add_reservation(&self, r: &Reservation) -> StoreResult<()>;
    /// Atomically drop the reservation (if any) and add `tokens` to the key's ledger.
    fn settle(&self, reservation_id: Option<&str>, key_id: &str, tokens: u64) -> StoreResult<()>;
    /// Add usage to several keys' ledgers in one transaction: `(key_id, tokens, requests)`.
    fn add_usage(&self, items: &[(String, u64, u64)]) -> StoreResult<()>;
    /// Drop a reservation without charging.
    fn release(&self, reservation_id: &str) -> StoreResult<()>;
    /// Every persisted reservation (on start-up they all belong to a dead process).
    fn reservations(&self) -> StoreResult<Vec<Reservation>>;
}
