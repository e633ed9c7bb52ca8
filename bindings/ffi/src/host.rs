//! The host-function bridge: Rust calls a function of the embedding program (a Go tool's
//! `Execute`, a stop predicate, a repair hook) with a JSON input and gets a JSON result or an
//! error message back.
//!
//! The host registers two C callbacks once with `ditto_host_register`. Requests name a host
//! function by an opaque `u64` id the host chose (`"host_fn": 7`); Rust never interprets it.
//! Each invocation:
//! - runs on a tokio blocking thread (`spawn_blocking`), so a slow host function never stalls
//!   the runtime's workers;
//! - gets a fresh `call_id` and a `DittoHostCall` the host answers through
//!   (`ditto_host_call_reply`, which copies the bytes: the host keeps ownership of its buffer);
//! - is cancelled when the Rust future waiting for it is dropped (the caller cancelled, a
//!   stream was closed): Rust marks the call cancelled and invokes the cancel callback with the
//!   `call_id`. A host that registers its cancellation after the call started checks
//!   `ditto_host_call_cancelled` to not miss a cancel that came first.

use crate::counts::{Kind, Live};
use crate::util::guarded;
use crate::{DITTO_INVALID_ARGUMENT, DITTO_OK};
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// One invocation of a host function, answered with `ditto_host_call_reply`.
#[derive(Debug)]
pub struct DittoHostCall {
    reply: Option<Result<String, String>>,
    cancelled: Arc<AtomicBool>,
}

type CallFn = unsafe extern "C" fn(u64, u64, *const c_char, *mut DittoHostCall);
type CancelFn = unsafe extern "C" fn(u64);

#[derive(Clone, Copy)]
struct Host {
    call: CallFn,
    cancel: Option<CancelFn>,
}

static HOST: RwLock<Option<Host>> = RwLock::new(None);
static NEXT_CALL: AtomicU64 = AtomicU64::new(1);

/// Largest reply accepted from a host function: 16 MiB (bigger replies become errors).
pub const MAX_HOST_REPLY_BYTES: usize = 16 * 1024 * 1024;

fn registered() -> Option<Host> {
    *HOST.read().unwrap_or_else(|p| p.into_inner())
}

/// Register the host's callbacks (replacing earlier ones). Returns `DITTO_OK`, or
/// `DITTO_INVALID_ARGUMENT` when `call` is NULL.
///
/// `call(fn_id, call_id, input_json, call)` runs host function `fn_id` for invocation
/// `call_id` with `input_json` (valid until it returns) and answers with
/// `ditto_host_call_reply(call, ...)` before returning (`call` is valid only until then). It
/// runs on a Ditto worker thread, never on the thread that started the operation.
///
/// `cancel(call_id)` (may be NULL) cancels a running invocation; it may have finished already
/// or not have started yet (see `ditto_host_call_cancelled`). It must not block.
#[no_mangle]
pub extern "C" fn ditto_host_register(
    call: Option<
        unsafe extern "C" fn(
            fn_id: u64,
            call_id: u64,
            input_json: *const c_char,
            call: *mut DittoHostCall,
        ),
    >,
    cancel: Option<unsafe extern "C" fn(call_id: u64)>,
) -> i32 {
    let Some(call) = call else {
        return DITTO_INVALID_ARGUMENT;
    };
    let mut slot = HOST.write().unwrap_or_else(|p| p.into_inner());
    *slot = Some(Host { call, cancel });
    DITTO_OK
}

/// Answer an invocation: `status` `DITTO_OK` with the result JSON in `data`, or `DITTO_ERROR`
/// with an error message (UTF-8 text). The `len` bytes at `data` are copied. A second reply
/// replaces the first. Returns `DITTO_OK`, or `DITTO_INVALID_ARGUMENT` for a NULL `call`, NULL
/// `data` with a non-zero `len`, or a reply over 16 MiB (which is recorded as an error).
///
/// # Safety
/// `call` must be the pointer given to the running host callback; `data` must be NULL (with
/// `len` 0) or valid for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn ditto_host_call_reply(
    call: *mut DittoHostCall,
    status: i32,
    data: *const u8,
    len: usize,
) -> i32 {
    // SAFETY: a NULL out pointer: `guarded` writes nothing.
    unsafe {
        guarded(std::ptr::null_mut(), || {
            // SAFETY: the caller guarantees `call` is the live invocation (or NULL).
            let Some(call) = call.as_mut() else {
                return (DITTO_INVALID_ARGUMENT, None);
            };
            let bytes: &[u8] = if len == 0 {
                &[]
            } else if data.is_null() {
                return (DITTO_INVALID_ARGUMENT, None);
            } else {
                // SAFETY: non-null and valid for `len` bytes per the caller.
                std::slice::from_raw_parts(data, len)
            };
            if bytes.len() > MAX_HOST_REPLY_BYTES {
                call.reply = Some(Err(format!(
                    "the host function's reply is {} bytes, over the {MAX_HOST_REPLY_BYTES}-byte limit",
                    bytes.len()
                )));
                return (DITTO_INVALID_ARGUMENT, None);
            }
            let text = String::from_utf8_lossy(bytes).into_owned();
            call.reply = Some(if status == DITTO_OK {
                Ok(text)
            } else {
                Err(text)
            });
            (DITTO_OK, None)
        })
    }
}

/// Whether the invocation was cancelled (its result is no longer wanted). NULL is `false`.
///
/// # Safety
/// `call` must be NULL or the pointer given to the running host callback.
#[no_mangle]
pub unsafe extern "C" fn ditto_host_call_cancelled(call: *const DittoHostCall) -> bool {
    // SAFETY: the caller guarantees `call` is NULL or the live invocation.
    unsafe { call.as_ref() }.is_some_and(|c| c.cancelled.load(Ordering::SeqCst))
}

/// Cancels the invocation on drop unless it finished.
struct CancelOnDrop {
    host: Host,
    call_id: u64,
    cancelled: Arc<AtomicBool>,
    finished: bool,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        self.cancelled.store(true, Ordering::SeqCst);
        if let Some(cancel) = self.host.cancel {
            let call_id = self.call_id;
            // SAFETY: a callback the host registered; it takes a plain integer.
            let _ = catch_unwind(AssertUnwindSafe(|| unsafe { cancel(call_id) }));
        }
    }
}

/// Call host function `fn_id` with `input` (JSON) and wait for its reply: `Ok(json)` or
/// `Err(message)`. Dropping the future cancels the invocation.
pub(crate) async fn call(fn_id: u64, input: String) -> Result<String, String> {
    let host = registered()
        .ok_or_else(|| "no host callbacks are registered (ditto_host_register)".to_owned())?;
    let input =
        CString::new(input).map_err(|_| "the host function's input holds a NUL byte".to_owned())?;
    let call_id = NEXT_CALL.fetch_add(1, Ordering::SeqCst);
    let cancelled = Arc::new(AtomicBool::new(false));
    let mut guard = CancelOnDrop {
        host,
        call_id,
        cancelled: cancelled.clone(),
        finished: false,
    };
    let live = Live::new(Kind::HostCall);
    let joined = tokio::task::spawn_blocking(move || {
        let _live = live;
        invoke(host, fn_id, call_id, &input, cancelled)
    })
    .await;
    guard.finished = true;
    match joined {
        Ok(reply) => reply,
        Err(e) => Err(format!("the host function did not complete: {e}")),
    }
}

fn invoke(
    host: Host,
    fn_id: u64,
    call_id: u64,
    input: &CString,
    cancelled: Arc<AtomicBool>,
) -> Result<String, String> {
    if cancelled.load(Ordering::SeqCst) {
        return Err("cancelled".to_owned());
    }
    let mut state = DittoHostCall {
        reply: None,
        cancelled,
    };
    let ran = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: a callback the host registered; `input` and `state` outlive the call.
        unsafe { (host.call)(fn_id, call_id, input.as_ptr(), &mut state) }
    }));
    match (ran, state.reply) {
        (Err(_), _) => Err("the host callback panicked".to_owned()),
        (Ok(()), Some(reply)) => reply,
        (Ok(()), None) => Err(format!("host function {fn_id} returned without a reply")),
    }
}
