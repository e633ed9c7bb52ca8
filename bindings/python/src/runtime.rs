//! The one tokio runtime of the process, and the ways Python code waits on it.
//!
//! - Sync calls park the calling thread in `block_on` with the GIL released, waking every
//!   [`SIGNAL_POLL`] to run Python's signal handlers, so Ctrl-C interrupts a call promptly.
//! - Every entry point runs under [`guard`]: a Rust panic becomes `ditto_llm.InternalError`
//!   instead of crossing into Python.

use crate::errors::{internal_error, to_py_err};
use pyo3::prelude::*;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use tokio::runtime::Runtime;

/// How often a blocked sync call checks for Ctrl-C.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// The runtime and the process it was built in. After `os.fork()` the child has none of the
/// parent's worker threads, so a child builds its own runtime (the parent's copy is leaked).
static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

/// The process-wide runtime (multi-threaded, at most 4 workers), built on first use in each
/// process.
pub fn runtime() -> &'static Runtime {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    match *slot {
        Some((owner, rt)) if owner == pid => rt,
        _ => {
            let workers = std::thread::available_parallelism()
                .map(|n| n.get().clamp(1, 4))
                .unwrap_or(2);
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .thread_name("ditto-llm-rt")
                .enable_all()
                .build()
                .expect("the tokio runtime could not be started");
            let rt: &'static Runtime = Box::leak(Box::new(rt));
            *slot = Some((pid, rt));
            rt
        }
    }
}

/// Fails when a client built in another process (before `os.fork()`) is used: its connection
/// pool belongs to the parent's runtime, which has no threads in the child.
pub fn check_same_process(owner_pid: u32) -> PyResult<()> {
    if owner_pid == std::process::id() {
        Ok(())
    } else {
        Err(crate::errors::config_error(
            "this client was created before os.fork(); create a new client in the child process",
        ))
    }
}

/// Resolves once a stream's close signal is set. If the stream object is gone without being
/// closed (e.g. `await client.stream_text(...).collect()` on a temporary), pending work goes on.
pub async fn closed(mut rx: tokio::sync::watch::Receiver<bool>) {
    if rx.wait_for(|closing| *closing).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Set at interpreter exit (atexit): runtime threads stop touching Python.
static EXITING: AtomicBool = AtomicBool::new(false);
/// Runtime threads currently inside [`attach_from_runtime`].
static ATTACHED: AtomicUsize = AtomicUsize::new(0);

/// Attach a runtime thread to Python, unless the interpreter is exiting. A runtime thread caught
/// by finalization inside Python would be terminated by CPython mid-call (aborting the process),
/// so the exit hook [`shutdown`] waits for these sections to finish and then blocks new ones.
pub fn attach_from_runtime<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    ATTACHED.fetch_add(1, Ordering::SeqCst);
    let out = if EXITING.load(Ordering::SeqCst) {
        None
    } else {
        Python::try_attach(f)
    };
    ATTACHED.fetch_sub(1, Ordering::SeqCst);
    out
}

/// Registered with `atexit`: stop runtime threads from entering Python, and wait (GIL released,
/// at most 2 s) for those inside to leave.
#[pyfunction]
#[pyo3(name = "_shutdown")]
pub fn shutdown(py: Python<'_>) {
    EXITING.store(true, Ordering::SeqCst);
    py.detach(|| {
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        while ATTACHED.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// Run `f`, turning a Rust panic into `InternalError`.
pub fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(internal_error(&panic_message(payload.as_ref()))),
    }
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    format!("ditto-llm panicked (a bug, please report it): {detail}")
}

/// Poll `fut` once, right now, without waiting (inside the runtime's context so timers and IO
/// resources can register). A later poll with a real waker replaces the no-op one.
pub fn poll_now<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    let _enter = runtime().enter();
    let mut cx = Context::from_waker(Waker::noop());
    Pin::new(fut).poll(&mut cx)
}

/// Wait for `fut` with the GIL released, checking for Ctrl-C (and other signals) between
/// slices. A signal handler that raises (KeyboardInterrupt) drops `fut`, cancelling the work.
pub fn wait<F, T>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = ditto_llm::Result<T>> + Send,
    T: Send,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(internal_error(
            "a blocking ditto_llm call was made from inside the ditto runtime; use AsyncDitto",
        ));
    }
    let mut fut = std::pin::pin!(fut);
    if let Poll::Ready(out) = poll_now(&mut fut) {
        return out.map_err(|e| to_py_err(&e));
    }
    loop {
        let slice = py.detach(|| {
            runtime().block_on(async { tokio::time::timeout(SIGNAL_POLL, &mut fut).await })
        });
        match slice {
            Ok(out) => return out.map_err(|e| to_py_err(&e)),
            Err(_elapsed) => py.check_signals()?,
        }
    }
}
