//! `NativeCall`: one cancellable call (generateText, embed) running on the shared runtime.
//!
//! The call starts at once; `wait()` resolves with its camelCase JSON result, `cancel()` (or
//! garbage collection of the handle) drops the Rust future, which closes the upstream request.

use crate::errors::{cancelled, from_panic, to_napi};
use futures_util::FutureExt;
use napi_derive::napi;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use tokio::sync::oneshot;
use tokio::task::AbortHandle;

type Outcome = ditto_llm::Result<String>;

/// A call in flight.
#[napi]
#[derive(Debug)]
pub struct NativeCall {
    result: Mutex<Option<oneshot::Receiver<Outcome>>>,
    task: AbortHandle,
}

impl NativeCall {
    /// Start `work` on the binding's runtime. A panic inside it becomes an `internal` error.
    pub fn spawn<F>(work: F) -> Self
    where
        F: Future<Output = Outcome> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let handle = napi::bindgen_prelude::spawn(async move {
            let outcome = AssertUnwindSafe(work)
                .catch_unwind()
                .await
                .unwrap_or_else(|panic| Err(from_panic(panic)));
            let _ = tx.send(outcome);
        });
        NativeCall {
            result: Mutex::new(Some(rx)),
            task: handle.abort_handle(),
        }
    }
}

#[napi]
impl NativeCall {
    /// The result as camelCase JSON text. Rejects with the call's error, or `cancelled`.
    #[napi]
    pub async fn wait(&self) -> napi::Result<String> {
        let rx = self
            .result
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        let Some(rx) = rx else {
            return Err(to_napi(&ditto_llm::Error::invalid_request(
                "the result of this call was already taken",
            )));
        };
        match rx.await {
            Ok(Ok(json)) => Ok(json),
            Ok(Err(e)) => Err(to_napi(&e)),
            Err(_) => Err(to_napi(&cancelled())),
        }
    }

    /// Drop the call: the upstream request is closed and `wait()` rejects with `cancelled`.
    #[napi]
    pub fn cancel(&self) {
        self.task.abort();
    }
}

impl Drop for NativeCall {
    fn drop(&mut self) {
        self.task.abort();
    }
}
