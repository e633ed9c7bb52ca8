//! The machinery behind every sync stream class (`TextStream`, `ObjectStream`): a
//! [`SyncReader`] of any item type.
//!
//! Each read first polls the Rust stream without waiting (items already decoded cost no GIL
//! release); otherwise it waits with the GIL released, checking for Ctrl-C. `close()`, an error
//! or Ctrl-C drop the Rust stream, which closes the upstream connection.

use crate::errors::to_py_err;
use crate::runtime::{closed, wait};
use ditto_llm::Error;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::sync::Mutex;
use tokio::sync::watch;

/// The Rust stream a reader reads.
pub type Source<T> = BoxStream<'static, ditto_llm::Result<T>>;

enum Slot<T> {
    Open(Source<T>),
    Busy,
    Closed,
}

/// A sync reader of `T`s.
pub struct SyncReader<T> {
    slot: Mutex<Slot<T>>,
    /// Set by `close()`: a read blocked in another thread ends.
    closing: watch::Sender<bool>,
}

impl<T: Send + 'static> std::fmt::Debug for SyncReader<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncReader")
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> SyncReader<T> {
    /// Read `stream`.
    pub fn new(stream: Source<T>) -> Self {
        SyncReader {
            slot: Mutex::new(Slot::Open(stream)),
            closing: watch::Sender::new(false),
        }
    }

    fn set(&self, slot: Slot<T>) {
        *self.slot.lock().unwrap_or_else(|p| p.into_inner()) = slot;
    }

    /// Take the stream out (for `collect()`, `tee()`); the reader is closed afterwards.
    /// `None` when already closed.
    pub fn take(&self) -> PyResult<Option<Source<T>>> {
        let mut guard = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        match std::mem::replace(&mut *guard, Slot::Closed) {
            Slot::Open(s) => Ok(Some(s)),
            Slot::Closed => Ok(None),
            Slot::Busy => {
                *guard = Slot::Busy;
                Err(PyRuntimeError::new_err(
                    "this stream is already being read by another thread",
                ))
            }
        }
    }

    /// The next item, `None` at the end (or once closed).
    pub fn next(&self, py: Python<'_>) -> PyResult<Option<T>> {
        let mut stream = {
            let mut guard = self.slot.lock().unwrap_or_else(|p| p.into_inner());
            match std::mem::replace(&mut *guard, Slot::Busy) {
                Slot::Open(s) => s,
                Slot::Closed => {
                    *guard = Slot::Closed;
                    return Ok(None);
                }
                Slot::Busy => {
                    return Err(PyRuntimeError::new_err(
                        "this stream is already being read by another thread",
                    ))
                }
            }
        };
        // On Ctrl-C (or any error raised by a signal handler) `stream` is dropped here.
        let closing = self.closing.subscribe();
        let item = wait(py, async {
            Ok::<_, Error>(tokio::select! {
                biased;
                item = stream.next() => item,
                () = closed(closing) => None,
            })
        });
        match item {
            Ok(Some(Ok(value))) => {
                let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
                // close() from another thread meanwhile: drop the stream, do not reopen.
                if matches!(*slot, Slot::Busy) {
                    *slot = Slot::Open(stream);
                }
                Ok(Some(value))
            }
            Ok(Some(Err(e))) => {
                self.set(Slot::Closed);
                Err(to_py_err(&e))
            }
            Ok(None) => {
                self.set(Slot::Closed);
                Ok(None)
            }
            Err(interrupted) => {
                self.set(Slot::Closed);
                Err(interrupted)
            }
        }
    }

    /// Stop and close the upstream connection. Idempotent.
    pub fn close(&self) {
        self.closing.send_replace(true);
        self.set(Slot::Closed);
    }

    /// True once the stream ended, failed or was closed.
    pub fn is_closed(&self) -> bool {
        matches!(
            *self.slot.lock().unwrap_or_else(|p| p.into_inner()),
            Slot::Closed
        )
    }
}
