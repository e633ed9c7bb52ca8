//! Reserve → settle. A request reserves an upper bound of the tokens it can use before it is
//! sent; when it ends, the reservation is replaced by the actual usage in one store
//! transaction. A [`Ticket`] that is dropped without being settled (client gone, task aborted)
//! settles with its fallback estimate, so nothing leaks; the reaper returns reservations older
//! than the TTL, and on start-up every persisted reservation (its process is dead).

use super::keys::{KeyEntry, KeyTable};
use super::ledger::LedgerWriter;
use super::rate::{now_ms, Window};
use crate::error::ApiError;
use crate::store::{Reservation, Store};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Held {
    key: Arc<KeyEntry>,
    tokens: u64,
    since: Instant,
}

/// Keys, store and reservations in flight.
#[derive(Debug)]
pub struct Control {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The keys.
    pub keys: KeyTable,
    held: Mutex<HashMap<String, Held>>,
    /// Reservations older than this are reaped.
    pub reservation_ttl: Duration,
    ledger: LedgerWriter,
}

impl Control {
    /// Load every key from the store and return the stale reservations of a previous process.
    pub fn open(
        store: Arc<dyn Store>,
        reservation_ttl: Duration,
    ) -> Result<(Arc<Self>, usize), crate::store::StoreError> {
        let keys = KeyTable::default();
        for record in store.load_keys()? {
            keys.put(record);
        }
        let stale = store.reservations()?;
        for r in &stale {
            store.release(&r.id)?;
        }
        Ok((
            Arc::new(Control {
                ledger: LedgerWriter::start(store.clone()),
                store,
                keys,
                held: Mutex::new(HashMap::new()),
                reservation_ttl,
            }),
            stale.len(),
        ))
    }

    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<String, Held>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reservations currently held in this process.
    pub fn reservations_in_flight(&self) -> usize {
        self.held().len()
    }

    /// Check rpm / tpm and count the request: 429 with `retry-after` when over.
    pub fn check_rate(&self, key: &KeyEntry) -> Result<(), ApiError> {
        let (rpm, tpm) = (key.record.rpm, key.record.tpm);
        if rpm.is_none() && tpm.is_none() {
            return Ok(());
        }
        let now = now_ms();
        let mut st = key.lock();
        if let Some(limit) = tpm {
            if st.tpm.estimate(now) >= limit {
                return Err(ApiError::rate_limited(
                    "tpm_limit_exceeded",
                    format!(
                        "key `{}` is over its limit of {limit} tokens per minute",
                        key.record.id
                    ),
                    Window::retry_after_secs(now),
                ));
            }
        }
        if let Some(limit) = rpm {
            if st.rpm.estimate(now) + 1 > limit {
                return Err(ApiError::rate_limited(
                    "rpm_limit_exceeded",
                    format!(
                        "key `{}` is over its limit of {limit} requests per minute",
                        key.record.id
                    ),
                    Window::retry_after_secs(now),
                ));
            }
            st.rpm.add(now, 1);
        }
        Ok(())
    }

    /// Output tokens that fit in the key's budget after `input` tokens, for requests that did
    /// not cap their output (None when the key has no budget).
    pub fn output_room(&self, key: &KeyEntry, input: u64) -> Option<u64> {
        let total = key.record.budget_tokens?;
        let st = key.lock();
        Some(total.saturating_sub(st.spent + st.reserved + input))
    }

    /// Reserve `tokens` for one request. Keys without a budget reserve nothing.
    ///
    /// 402 `budget_exceeded` when the budget cannot cover the request even with nothing in
    /// flight; 429 `budget_reserved` (retry shortly) when it could once requests in flight settle.
    pub fn reserve(self: &Arc<Self>, key: &Arc<KeyEntry>, tokens: u64) -> Result<Ticket, ApiError> {
        let mut ticket = Ticket {
            control: self.clone(),
            key: key.clone(),
            reservation: None,
            fallback: 0,
            done: false,
        };
        let Some(total) = key.record.budget_tokens else {
            return Ok(ticket);
        };
        let mut st = key.lock();
        if st.spent.saturating_add(tokens) > total {
            ticket.done = true;
            return Err(ApiError::budget_exceeded(format!(
                "key `{}` has {} of {total} budget tokens left; this request may use up to {tokens}",
                key.record.id,
                total.saturating_sub(st.spent)
            )));
        }
        if st.spent + st.reserved + tokens > total {
            ticket.done = true;
            return Err(ApiError::rate_limited(
                "budget_reserved",
                format!(
                    "key `{}`: the rest of its budget is reserved by requests in flight; retry shortly",
                    key.record.id
                ),
                1,
            ));
        }
        let id = format!("{}-{}", key.record.id, crate::secret::unique_id());
        let res = Reservation {
            id: id.clone(),
            key_id: key.record.id.clone(),
            tokens,
            created_at: crate::config::time::now_unix(),
        };
        if let Err(e) = self.store.add_reservation(&res) {
            ticket.done = true;
            return Err(ApiError::unavailable(format!("cannot reserve budget: {e}")));
        }
        st.reserved += tokens;
        drop(st);
        self.held().insert(
            id.clone(),
            Held {
                key: key.clone(),
                tokens,
                since: Instant::now(),
            },
        );
        ticket.reservation = Some((id, tokens));
        ticket.fallback = tokens;
        Ok(ticket)
    }

    fn finish(&self, key: &KeyEntry, reservation: Option<&(String, u64)>, charge: Option<u64>) {
        let mut st = key.lock();
        let still_held = reservation.and_then(|(id, _)| self.held().remove(id));
        if let Some(h) = &still_held {
            st.reserved = st.reserved.saturating_sub(h.tokens);
        }
        let res_id = reservation.map(|(id, _)| id.as_str());
        let result = match charge {
            Some(tokens) => {
                st.spent += tokens;
                st.requests += 1;
                if key.record.tpm.is_some() {
                    st.tpm.add(now_ms(), tokens);
                }
                if res_id.is_none()
                    && key.record.budget_tokens.is_none()
                    && self.ledger.add(&key.record.id, tokens)
                {
                    Ok(())
                } else {
                    self.store.settle(res_id, &key.record.id, tokens)
                }
            }
            None => match res_id {
                Some(id) => self.store.release(id),
                None => Ok(()),
            },
        };
        if let Err(e) = result {
            tracing::error!(key = %key.record.id, error = %e, "could not persist settlement");
        }
    }

    /// Write queued usage now (graceful shutdown, tests).
    pub fn flush(&self) {
        self.ledger.flush();
    }

    /// Return reservations older than the TTL; the number reaped.
    pub fn reap(&self) -> usize {
        let expired: Vec<(String, Held)> = {
            let mut held = self.held();
            let ids: Vec<String> = held
                .iter()
                .filter(|(_, h)| h.since.elapsed() >= self.reservation_ttl)
                .map(|(id, _)| id.clone())
                .collect();
            ids.into_iter()
                .filter_map(|id| held.remove(&id).map(|h| (id, h)))
                .collect()
        };
        for (id, h) in &expired {
            let mut st = h.key.lock();
            st.reserved = st.reserved.saturating_sub(h.tokens);
            if let Err(e) = self.store.release(id) {
                tracing::error!(error = %e, "could not release a reaped reservation");
            }
        }
        expired.len()
    }
}

/// One request's claim on its key's budget. Settle it with the actual usage; dropping it
/// unsettled charges the fallback estimate.
#[derive(Debug)]
pub struct Ticket {
    control: Arc<Control>,
    key: Arc<KeyEntry>,
    reservation: Option<(String, u64)>,
    fallback: u64,
    done: bool,
}

impl Ticket {
    /// The key.
    pub fn key(&self) -> &Arc<KeyEntry> {
        &self.key
    }

    /// What dropping the ticket unsettled charges (default: the whole reservation).
    pub fn set_fallback(&mut self, tokens: u64) {
        self.fallback = tokens;
    }

    /// Charge the actual usage.
    pub fn settle(mut self, tokens: u64) {
        self.done = true;
        self.control
            .finish(&self.key, self.reservation.as_ref(), Some(tokens));
    }

    /// Nothing was used (the request never reached a model, or the upstream failed before
    /// producing output): return the reservation without charging.
    pub fn release(mut self) {
        self.done = true;
        self.control
            .finish(&self.key, self.reservation.as_ref(), None);
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.done {
            self.control
                .finish(&self.key, self.reservation.as_ref(), Some(self.fallback));
        }
    }
}
