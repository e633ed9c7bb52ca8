//! The in-memory key table: lookup by token hash, live counters per key.

use super::rate::Window;
use crate::error::ApiError;
use crate::secret::{digest_from_hex, token_digest};
use crate::store::KeyRecord;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

/// Live, mutable state of a key (shared across metadata updates).
#[derive(Debug, Default)]
pub struct KeyState {
    /// Settled tokens (mirrors the store's ledger).
    pub spent: u64,
    /// Tokens held by requests in flight.
    pub reserved: u64,
    /// Settled requests.
    pub requests: u64,
    /// Requests in the last minute.
    pub rpm: Window,
    /// Tokens in the last minute.
    pub tpm: Window,
}

/// A key: its metadata snapshot and its live state.
#[derive(Debug)]
pub struct KeyEntry {
    /// Metadata (the ledger fields are those at load time; read `state` for live values).
    pub record: KeyRecord,
    /// Live counters.
    pub state: Arc<Mutex<KeyState>>,
    /// `record.token_hash` as raw bytes (None when it is not a hex SHA-256: never matches).
    digest: Option<[u8; 32]>,
}

impl KeyEntry {
    /// Lock the live state.
    pub fn lock(&self) -> std::sync::MutexGuard<'_, KeyState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// May this key use `model`?
    pub fn allows_model(&self, model: &str) -> bool {
        self.record.allowed_models.is_empty()
            || self
                .record
                .allowed_models
                .iter()
                .any(|p| crate::config::glob_match(p, model))
    }
}

/// Hashes a table key that is itself a SHA-256 digest by folding its bytes (rotate and xor, no
/// SipHash rounds). Safe against
/// flooding: only the gateway inserts (digests of random or configured tokens); a client only
/// looks up, and steering a lookup into a chosen bucket would need partial SHA-256 preimages,
/// which buys nothing (a lookup walks one bucket's few entries either way).
#[derive(Debug, Default, Clone, Copy)]
struct DigestHasher(u64);

impl std::hash::Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // `[u8; 32]` hashes as one 32-byte write; anything else folds in (not used).
        let mut chunk = [0u8; 8];
        for part in bytes.chunks(8) {
            chunk[..part.len()].copy_from_slice(part);
            self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(chunk);
        }
    }
}

type DigestMap = HashMap<[u8; 32], Arc<KeyEntry>, std::hash::BuildHasherDefault<DigestHasher>>;

#[derive(Debug, Default)]
struct Tables {
    by_hash: DigestMap,
    by_id: HashMap<String, Arc<KeyEntry>>,
}

/// All keys.
#[derive(Debug, Default)]
pub struct KeyTable {
    tables: RwLock<Tables>,
}

impl KeyTable {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Tables> {
        self.tables.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Tables> {
        self.tables.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Insert or replace a key; live counters survive a replacement.
    pub fn put(&self, record: KeyRecord) -> Arc<KeyEntry> {
        let mut t = self.write();
        let state = match t.by_id.remove(&record.id) {
            Some(old) => {
                if let Some(d) = &old.digest {
                    t.by_hash.remove(d);
                }
                old.state.clone()
            }
            None => Arc::new(Mutex::new(KeyState {
                spent: record.spent_tokens,
                requests: record.requests,
                ..KeyState::default()
            })),
        };
        let digest = digest_from_hex(&record.token_hash);
        let entry = Arc::new(KeyEntry {
            record,
            state,
            digest,
        });
        if let Some(d) = digest {
            t.by_hash.insert(d, entry.clone());
        }
        t.by_id.insert(entry.record.id.clone(), entry.clone());
        entry
    }

    /// Remove a key.
    pub fn remove(&self, id: &str) -> Option<Arc<KeyEntry>> {
        let mut t = self.write();
        let old = t.by_id.remove(id)?;
        if let Some(d) = &old.digest {
            t.by_hash.remove(d);
        }
        Some(old)
    }

    /// A key by id.
    pub fn get(&self, id: &str) -> Option<Arc<KeyEntry>> {
        self.read().by_id.get(id).cloned()
    }

    /// A key by token hash.
    pub fn get_by_hash(&self, hash: &str) -> Option<Arc<KeyEntry>> {
        let d = digest_from_hex(hash)?;
        self.read().by_hash.get(&d).cloned()
    }

    /// Every key, sorted by id.
    pub fn list(&self) -> Vec<Arc<KeyEntry>> {
        let mut v: Vec<_> = self.read().by_id.values().cloned().collect();
        v.sort_by(|a, b| a.record.id.cmp(&b.record.id));
        v
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.read().by_id.len()
    }

    /// True when there are no keys.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The key for a presented token: 401 when unknown, disabled or expired.
    pub fn authenticate(
        &self,
        token: Option<&str>,
        now_unix: u64,
    ) -> Result<Arc<KeyEntry>, ApiError> {
        let token = token.filter(|t| !t.is_empty()).ok_or_else(|| {
            ApiError::unauthorized("missing API key: send `Authorization: Bearer <virtual key>`")
        })?;
        let digest = token_digest(token);
        let entry = self
            .read()
            .by_hash
            .get(&digest)
            .filter(|e| {
                e.digest
                    .is_some_and(|d| bool::from(subtle::ConstantTimeEq::ct_eq(&d[..], &digest[..])))
            })
            .cloned()
            .ok_or_else(|| ApiError::unauthorized("invalid API key"))?;
        if !entry.record.enabled {
            return Err(ApiError::unauthorized(format!(
                "key `{}` is disabled",
                entry.record.id
            )));
        }
        if entry.record.expires_at.is_some_and(|t| now_unix >= t) {
            return Err(ApiError::unauthorized(format!(
                "key `{}` has expired",
                entry.record.id
            )));
        }
        Ok(entry)
    }
}
