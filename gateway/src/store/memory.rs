//! The in-memory store: same semantics as SQLite, nothing survives the process.

use super::{KeyRecord, Reservation, Store, StoreResult};
use std::collections::HashMap;
use std::sync::Mutex;

/// Keys and reservations in process memory.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    keys: HashMap<String, KeyRecord>,
    reservations: HashMap<String, Reservation>,
}

impl MemoryStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Store for MemoryStore {
    fn ping(&self) -> StoreResult<()> {
        Ok(())
    }

    fn load_keys(&self) -> StoreResult<Vec<KeyRecord>> {
        Ok(self.lock().keys.values().cloned().collect())
    }

    fn upsert_key(&self, key: &KeyRecord) -> StoreResult<()> {
        let mut g = self.lock();
        let (spent, requests) = g
            .keys
            .get(&key.id)
            .map(|k| (k.spent_tokens, k.requests))
            .unwrap_or((0, 0));
        let mut k = key.clone();
        k.spent_tokens = spent;
        k.requests = requests;
        g.keys.insert(k.id.clone(), k);
        Ok(())
    }

    fn delete_key(&self, id: &str) -> StoreResult<bool> {
        let mut g = self.lock();
        g.reservations.retain(|_, r| r.key_id != id);
        Ok(g.keys.remove(id).is_some())
    }

    fn reset_spent(&self, id: &str) -> StoreResult<()> {
        if let Some(k) = self.lock().keys.get_mut(id) {
            k.spent_tokens = 0;
        }
        Ok(())
    }

    fn add_reservation(&self, r: &Reservation) -> StoreResult<()> {
        self.lock().reservations.insert(r.id.clone(), r.clone());
        Ok(())
    }

    fn settle(&self, reservation_id: Option<&str>, key_id: &str, tokens: u64) -> StoreResult<()> {
        let mut g = self.lock();
        if let Some(id) = reservation_id {
            g.reservations.remove(id);
        }
        if let Some(k) = g.keys.get_mut(key_id) {
            k.spent_tokens += tokens;
            k.requests += 1;
        }
        Ok(())
    }

    fn add_usage(&self, items: &[(String, u64, u64)]) -> StoreResult<()> {
        let mut g = self.lock();
        for (id, tokens, requests) in items {
            if let Some(k) = g.keys.get_mut(id) {
                k.spent_tokens += tokens;
                k.requests += requests;
            }
        }
        Ok(())
    }

    fn release(&self, reservation_id: &str) -> StoreResult<()> {
        self.lock().reservations.remove(reservation_id);
        Ok(())
    }

    fn reservations(&self) -> StoreResult<Vec<Reservation>> {
        Ok(self.lock().reservations.values().cloned().collect())
    }
}
