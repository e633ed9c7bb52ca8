//! `DittoStream`: a text stream pumped by a task on the shared runtime into a bounded queue, and
//! pulled one event at a time by the caller.

use crate::client::{client_ref, DittoClient};
use crate::counts::{Kind, Live};
use crate::request;
use crate::util::{arg_str, bad_argument, error_json, guarded, panic_json, Failure, Outcome};
use crate::{DITTO_DONE, DITTO_ERROR, DITTO_OK, DITTO_PANIC, DITTO_PENDING};
use ditto_llm::{Error, ErrorKind};
use futures_util::{FutureExt, Stream, StreamExt};
use serde::Serialize;
use std::ffi::c_char;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

/// Events queued ahead of a slow reader. When full, the pump waits: a slow reader slows the
/// upstream read instead of growing memory.
const QUEUE: usize = 32;

/// An open text stream. `ditto_stream_next` pulls from it (one caller at a time);
/// `ditto_stream_cancel` may be called from any thread while it is alive.
#[derive(Debug)]
pub struct DittoStream {
    rx: Mutex<mpsc::Receiver<Outcome>>,
    task: AbortHandle,
    cancelled: AtomicBool,
    cancel_reported: AtomicBool,
    _live: Live,
}

impl Drop for DittoStream {
    fn drop(&mut self) {
        // Dropping the task drops the `TextStream`, which closes the upstream connection.
        self.task.abort();
    }
}

/// Run the stream `open` yields, sending each item (or the one error) as JSON. A full queue
/// makes this wait; a dropped receiver ends it.
async fn pump<F, S, T>(open: F, tx: mpsc::Sender<Outcome>)
where
    F: Future<Output = ditto_llm::Result<S>> + Send,
    S: Stream<Item = ditto_llm::Result<T>> + Send,
    T: Serialize,
{
    let work = async {
        let stream = match open.await {
            Ok(s) => s,
            Err(e) => {
                let _ = tx.send((DITTO_ERROR, Some(error_json(&e)))).await;
                return;
            }
        };
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            let (outcome, last) = match item {
                Ok(event) => match serde_json::to_string(&event) {
                    Ok(json) => ((DITTO_OK, Some(json)), false),
                    Err(e) => {
                        let err = Error::internal(format!("cannot serialize an event: {e}"));
                        ((DITTO_ERROR, Some(error_json(&err))), true)
                    }
                },
                Err(e) => ((DITTO_ERROR, Some(error_json(&e))), true),
            };
            if tx.send(outcome).await.is_err() || last {
                return;
            }
        }
    };
    if let Err(panic) = AssertUnwindSafe(work).catch_unwind().await {
        let _ = tx
            .send((DITTO_PANIC, Some(panic_json(panic.as_ref()))))
            .await;
    }
}

impl DittoStream {
    /// A stream handle over the stream `open` resolves to (a text, agent or object stream),
    /// pumped by a task on the shared runtime.
    pub(crate) fn spawn<F, S, T>(open: F) -> Result<Self, Failure>
    where
        F: Future<Output = ditto_llm::Result<S>> + Send + 'static,
        S: Stream<Item = ditto_llm::Result<T>> + Send + 'static,
        T: Serialize + Send + 'static,
    {
        let rt = crate::runtime::runtime()?;
        let (tx, rx) = mpsc::channel(QUEUE);
        let task = rt.spawn(pump(open, tx)).abort_handle();
        Ok(DittoStream {
            rx: Mutex::new(rx),
            task,
            cancelled: AtomicBool::new(false),
            cancel_reported: AtomicBool::new(false),
            _live: Live::new(Kind::Stream),
        })
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.task.abort();
    }

    /// After a cancel: one `cancelled` error, then done.
    fn cancelled_outcome(&self) -> Outcome {
        if self.cancel_reported.swap(true, Ordering::SeqCst) {
            return (DITTO_DONE, None);
        }
        let err = Error::new(ErrorKind::Cancelled, "the stream was cancelled");
        (DITTO_ERROR, Some(error_json(&err)))
    }

    fn next(&self, timeout: Option<Duration>) -> Result<Outcome, Failure> {
        if self.cancelled.load(Ordering::SeqCst) {
            return Ok(self.cancelled_outcome());
        }
        let mut rx = self.rx.lock().unwrap_or_else(|p| p.into_inner());
        let got = match rx.try_recv() {
            Ok(item) => Some(Some(item)),
            Err(mpsc::error::TryRecvError::Disconnected) => Some(None),
            Err(mpsc::error::TryRecvError::Empty) if timeout == Some(Duration::ZERO) => None,
            Err(mpsc::error::TryRecvError::Empty) => {
                let rt = crate::runtime::runtime()?;
                rt.block_on(async {
                    match timeout {
                        Some(d) => tokio::time::timeout(d, rx.recv()).await.ok(),
                        None => Some(rx.recv().await),
                    }
                })
            }
        };
        if self.cancelled.load(Ordering::SeqCst) {
            return Ok(self.cancelled_outcome());
        }
        Ok(match got {
            None => (DITTO_PENDING, None),
            Some(Some(item)) => item,
            Some(None) => (DITTO_DONE, None),
        })
    }
}

/// Open a text stream for a `TextRequest` JSON. Returns at once: connection errors and errors
/// the provider answers before the first byte arrive from the first `ditto_stream_next`. On
/// success `*out_stream` holds the stream (release it with `ditto_stream_free`); on failure
/// `*out_error` holds an `ErrorInfo` JSON.
///
/// # Safety
/// `client` must be a live client, `request_json` a NUL-terminated string, `out_stream`
/// writable, and `out_error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ditto_stream_open(
    client: *const DittoClient,
    request_json: *const c_char,
    out_stream: *mut *mut DittoStream,
    out_error: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees every pointer (see above).
    unsafe {
        open_stream(out_stream, out_error, || {
            let ditto = client_ref(client)?.clone();
            let request = request::text_request(arg_str(request_json, "request_json")?)?;
            DittoStream::spawn(async move { ditto.stream_text(request).await })
        })
    }
}

/// The body every `ditto_*_stream_open` entry point shares: rejects a NULL `out_stream`, runs
/// `open` (panics caught), and on success hands the handle to the caller through
/// `*out_stream`; on failure `*out_stream` is NULL and `*out_error` holds the `ErrorInfo`
/// JSON.
///
/// # Safety
/// `out_stream` must be NULL or writable, `out_error` NULL or writable, and `open` must
/// uphold the safety rules of whatever it dereferences.
pub(crate) unsafe fn open_stream(
    out_stream: *mut *mut DittoStream,
    out_error: *mut *mut c_char,
    open: impl FnOnce() -> Result<DittoStream, Failure>,
) -> i32 {
    // SAFETY: the caller guarantees `out_error` is NULL or writable.
    unsafe {
        guarded(out_error, || {
            if out_stream.is_null() {
                return bad_argument("`out_stream` is NULL").outcome();
            }
            // SAFETY: `out_stream` is non-null and the caller guarantees it is writable.
            *out_stream = std::ptr::null_mut();
            match open() {
                Ok(stream) => {
                    // SAFETY: as above.
                    *out_stream = Box::into_raw(Box::new(stream));
                    (DITTO_OK, None)
                }
                Err(f) => f.outcome(),
            }
        })
    }
}

/// Pull the next event, waiting at most `timeout_ms` (negative: wait as long as it takes; 0:
/// do not wait). Returns `DITTO_OK` with a `StreamEvent` JSON in `*out_json`, `DITTO_PENDING`
/// when nothing arrived in time, `DITTO_DONE` at the end, or `DITTO_ERROR` with the `ErrorInfo`
/// JSON that ended the stream (after a cancel: one `cancelled` error, then `DITTO_DONE`).
/// Call it from one thread at a time per stream.
///
/// # Safety
/// `stream` must be a live stream and `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn ditto_stream_next(
    stream: *mut DittoStream,
    timeout_ms: i64,
    out_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees every pointer (see above); shared access only.
    unsafe {
        guarded(out_json, || {
            let Some(stream) = stream.as_ref() else {
                return bad_argument("`stream` is NULL").outcome();
            };
            let timeout = u64::try_from(timeout_ms).ok().map(Duration::from_millis);
            match stream.next(timeout) {
                Ok(outcome) => outcome,
                Err(f) => f.outcome(),
            }
        })
    }
}

/// Cancel a stream from any thread: the upstream request is dropped (its connection closed)
/// and a blocked `ditto_stream_next` returns promptly with a `cancelled` error. Idempotent; NULL
/// is ignored.
///
/// # Safety
/// `stream` must be NULL or a live stream.
#[no_mangle]
pub unsafe extern "C" fn ditto_stream_cancel(stream: *const DittoStream) {
    // SAFETY: the caller guarantees the stream is alive; shared access only.
    if let Some(stream) = unsafe { stream.as_ref() } {
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| stream.cancel()));
    }
}

/// Release a stream, cancelling it if it is still running. NULL is ignored.
///
/// # Safety
/// `stream` must be NULL or a stream from `ditto_stream_open`, freed only once, with no other
/// call on it still running.
#[no_mangle]
pub unsafe extern "C" fn ditto_stream_free(stream: *mut DittoStream) {
    if stream.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: the caller guarantees `stream` came from `Box::into_raw` and is freed once.
        drop(unsafe { Box::from_raw(stream) });
    }));
}
