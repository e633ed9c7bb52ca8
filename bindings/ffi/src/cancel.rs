//! `DittoCancel`: a token the caller triggers (from any thread) to stop a blocking call.

use crate::counts::{Kind, Live};
use crate::util::{guarded, Failure};
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Notify;

/// A cancellation token for the blocking calls (`ditto_generate_text`, `ditto_embed`,
/// `ditto_rerank`, `ditto_generate_image`, `ditto_transcribe`, `ditto_generate_speech`).
/// Triggering it makes the call return promptly with a `cancelled` error and drops the request (closing its connection).
#[derive(Debug)]
pub struct DittoCancel {
    triggered: AtomicBool,
    notify: Notify,
    _live: Live,
}

impl DittoCancel {
    /// Mark the token triggered and wake every waiter.
    pub(crate) fn trigger(&self) {
        self.triggered.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Whether the token was triggered.
    pub(crate) fn is_triggered(&self) -> bool {
        self.triggered.load(Ordering::SeqCst)
    }

    /// Resolves once the token is triggered.
    pub(crate) async fn triggered(&self) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            // Register before checking the flag so a trigger in between is not missed.
            notified.as_mut().enable();
            if self.is_triggered() {
                return;
            }
            notified.await;
        }
    }
}

/// A new, untriggered token. Release it with `ditto_cancel_free` once no call uses it and no
/// thread can still trigger it.
#[no_mangle]
pub extern "C" fn ditto_cancel_new() -> *mut DittoCancel {
    Box::into_raw(Box::new(DittoCancel {
        triggered: AtomicBool::new(false),
        notify: Notify::new(),
        _live: Live::new(Kind::Cancel),
    }))
}

/// Trigger `cancel` (idempotent, callable from any thread while the token is alive). NULL is
/// ignored.
///
/// # Safety
/// `cancel` must be NULL or a live token from `ditto_cancel_new`.
#[no_mangle]
pub unsafe extern "C" fn ditto_cancel_trigger(cancel: *const DittoCancel) {
    // SAFETY: the caller guarantees the token is alive; we only take a shared reference.
    if let Some(token) = unsafe { cancel.as_ref() } {
        // SAFETY: `guarded` with a NULL out pointer writes nothing.
        unsafe {
            guarded(std::ptr::null_mut(), || {
                token.trigger();
                (crate::DITTO_OK, None)
            })
        };
    }
}

/// Release a token. NULL is ignored.
///
/// # Safety
/// `cancel` must be NULL or a token from `ditto_cancel_new` that is freed only once, with no
/// call still using it.
#[no_mangle]
pub unsafe extern "C" fn ditto_cancel_free(cancel: *mut DittoCancel) {
    if cancel.is_null() {
        return;
    }
    // SAFETY: the caller guarantees `cancel` came from `Box::into_raw` and is freed once.
    drop(unsafe { Box::from_raw(cancel) });
}

/// Borrow an optional token argument.
///
/// # Safety
/// `cancel` must be NULL or a live token.
pub(crate) unsafe fn token<'a>(cancel: *const DittoCancel) -> Option<&'a DittoCancel> {
    // SAFETY: guaranteed by the caller.
    unsafe { cancel.as_ref() }
}

/// Run `fut` to completion on the shared runtime, unless `cancel` is triggered first.
pub(crate) fn block_on_cancellable<T>(
    cancel: Option<&DittoCancel>,
    fut: impl std::future::Future<Output = ditto_llm::Result<T>>,
) -> Result<T, Failure> {
    let rt = crate::runtime::runtime()?;
    let cancelled =
        || ditto_llm::Error::new(ditto_llm::ErrorKind::Cancelled, "cancelled by the caller");
    match cancel {
        Some(token) if token.is_triggered() => Err(cancelled().into()),
        Some(token) => rt.block_on(async {
            tokio::select! {
                r = fut => r.map_err(Failure::from),
                () = token.triggered() => Err(cancelled().into()),
            }
        }),
        None => rt.block_on(fut).map_err(Failure::from),
    }
}
