//! Write-ahead-log checkpoints off the request threads. SQLite's automatic checkpoint runs
//! inside whichever commit crosses the WAL's size threshold — on a request thread, where copying
//! the pages back and its `fsync`s stall every connection that thread serves for milliseconds.
//! The store turns that off (`wal_autocheckpoint = 0`) and this thread checkpoints instead,
//! through a connection of its own, every [`PERIOD`] (`PASSIVE`: it never waits for, nor blocks,
//! the writers). The WAL stays bounded: at most one period of commits accumulates.

use super::{StoreError, StoreResult};
use rusqlite::Connection;
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// Time between checkpoints.
const PERIOD: Duration = Duration::from_millis(200);

/// The checkpoint thread of one database file; stops when dropped.
#[derive(Debug)]
pub struct Checkpointer {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Start checkpointing `path` (already in WAL mode).
    pub fn start(path: &str) -> StoreResult<Self> {
        let conn = Connection::open(path).map_err(|e| StoreError(format!("{path}: {e}")))?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(|e| StoreError(e.to_string()))?;
        let (stop, stopped) = channel::<()>();
        let thread = std::thread::Builder::new()
            .name("ditto-checkpoint".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(PERIOD) {
                    let done = conn
                        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(0));
                    if let Err(e) = done {
                        tracing::warn!(error = %e, "WAL checkpoint failed");
                    }
                }
            })
            .map_err(|e| StoreError(format!("cannot start the checkpoint thread: {e}")))?;
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
