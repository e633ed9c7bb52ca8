//! Group commit of usage for keys without a budget: settlements are queued to one writer thread
//! that folds whatever accumulated into a single transaction. Keys with a budget never use it:
//! their reservation and ledger change in one synchronous transaction, so they are exact across
//! `kill -9`; an unbudgeted key's usage can lag by the writes queued at that moment.
//!
//! The writer lingers [`LINGER`] after the first settlement of a batch before it commits, so a
//! steady trickle of requests (even one connection at a time) shares one transaction instead of
//! paying a SQLite commit each: at most that much unbudgeted usage is lost to `kill -9` (the
//! live counters and `/admin` views are in memory and never lag). A flush does not wait.

use crate::store::Store;
use std::collections::HashMap;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Queued settlements beyond this are written synchronously instead (bounded memory).
const QUEUE: usize = 65_536;
/// Most settlements folded into one transaction.
const BATCH: usize = 4096;
/// How long the writer collects settlements before it commits them.
const LINGER: Duration = Duration::from_millis(50);

enum Msg {
    Add(String, u64),
    Flush(SyncSender<()>),
}

/// The writer.
#[derive(Debug)]
pub struct LedgerWriter {
    tx: Mutex<Option<SyncSender<Msg>>>,
}

fn run(store: Arc<dyn Store>, rx: Receiver<Msg>) {
    while let Ok(first) = rx.recv() {
        if matches!(first, Msg::Add(..)) {
            // Senders do not wake a sleeping writer: the queue fills without system calls.
            std::thread::sleep(LINGER);
        }
        let mut sums: HashMap<String, (u64, u64)> = HashMap::new();
        // Runs of the same key (the common case) add up here without hashing the key each time.
        let mut run: Option<(String, u64, u64)> = None;
        let mut acks = Vec::new();
        let mut next = Some(first);
        let mut n = 0;
        while let Some(msg) = next.take() {
            match msg {
                Msg::Add(key, tokens) => match &mut run {
                    Some((k, t, r)) if *k == key => {
                        *t += tokens;
                        *r += 1;
                    }
                    _ => {
                        if let Some((k, t, r)) = run.replace((key, tokens, 1)) {
                            let e = sums.entry(k).or_default();
                            e.0 += t;
                            e.1 += r;
                        }
                    }
                },
                Msg::Flush(ack) => acks.push(ack),
            }
            n += 1;
            if n < BATCH {
                next = rx.try_recv().ok();
            }
        }
        if let Some((k, t, r)) = run {
            let e = sums.entry(k).or_default();
            e.0 += t;
            e.1 += r;
        }
        if !sums.is_empty() {
            let items: Vec<(String, u64, u64)> =
                sums.into_iter().map(|(k, (t, r))| (k, t, r)).collect();
            if let Err(e) = store.add_usage(&items) {
                tracing::error!(error = %e, "could not persist usage");
            }
        }
        for ack in acks {
            let _ = ack.send(());
        }
    }
}

impl LedgerWriter {
    /// Start the writer thread.
    pub fn start(store: Arc<dyn Store>) -> Self {
        let (tx, rx) = sync_channel(QUEUE);
        let spawned = std::thread::Builder::new()
            .name("ditto-ledger".into())
            .spawn(move || run(store, rx));
        LedgerWriter {
            tx: Mutex::new(spawned.ok().map(|_| tx)),
        }
    }

    fn sender(&self) -> Option<SyncSender<Msg>> {
        self.tx.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Queue usage; false when the queue is full or closed (write it synchronously then).
    pub fn add(&self, key_id: &str, tokens: u64) -> bool {
        match self.sender() {
            Some(tx) => match tx.try_send(Msg::Add(key_id.to_owned(), tokens)) {
                Ok(()) => true,
                Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => false,
            },
            None => false,
        }
    }

    /// Wait until everything queued so far is written (bounded wait).
    pub fn flush(&self) {
        if let Some(tx) = self.sender() {
            let (ack_tx, ack_rx) = sync_channel(1);
            if tx.send(Msg::Flush(ack_tx)).is_ok() {
                let _ = ack_rx.recv_timeout(Duration::from_secs(5));
            }
        }
    }
}
