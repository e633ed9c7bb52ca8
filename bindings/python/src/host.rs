//! The one bridge from the Rust core to Python callables: tool `execute`, custom stop
//! conditions, tool-call and object repair hooks, cache stores all go through [`HostFn::call`].
//!
//! - The callable runs on a thread of its own, outside the runtime (never on a runtime worker,
//!   never with the caller's thread holding the GIL), so a slow sync function blocks nobody
//!   else and may itself make blocking `Ditto` calls.
//! - When it returns an awaitable (an `async def`), the coroutine is scheduled on an event loop
//!   with `asyncio.run_coroutine_threadsafe`: the caller's running loop for `AsyncDitto` (captured
//!   when the call starts), or a private loop thread for the sync `Ditto` (one per call, stopped
//!   when the call ends). Dropping the Rust future (cancellation) cancels that coroutine.
//! - A Python exception never crosses into Rust: it becomes `Err(message)`.

use crate::convert::to_json;
use crate::runtime::attach_from_runtime;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyModule, PyTuple};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

static BRIDGE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn bridge(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    Ok(BRIDGE
        .get_or_try_init(py, || {
            PyModule::import(py, "ditto_llm._bridge").map(Bound::unbind)
        })?
        .bind(py))
}

/// The text of a Python exception: `str(exc)`, or the class name when that is empty.
pub fn exception_message(py: Python<'_>, err: &PyErr) -> String {
    let value = err.value(py);
    let text = value.str().map(|s| s.to_string()).unwrap_or_default();
    if text.is_empty() {
        err.get_type(py)
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "exception".to_owned())
    } else {
        text
    }
}

/// Where coroutines returned by host callables run.
#[derive(Debug)]
enum LoopKind {
    /// The caller's asyncio loop (AsyncDitto); set once the call is running in it.
    Caller(Option<Py<PyAny>>),
    /// A private loop thread (`ditto_llm._bridge.PrivateLoop`), started on first use.
    Private(Option<Py<PyAny>>),
}

/// The event loop of one call. Dropping it stops a private loop.
#[derive(Debug)]
pub struct HostLoop(Mutex<LoopKind>);

impl HostLoop {
    /// For the sync client: a private loop thread, started when a coroutine first needs it.
    pub fn private() -> Arc<Self> {
        Arc::new(HostLoop(Mutex::new(LoopKind::Private(None))))
    }

    /// For the asyncio client: the loop running now, if any (else set later with
    /// [`HostLoop::capture`]).
    pub fn caller(py: Python<'_>) -> Arc<Self> {
        let running = py
            .import("asyncio")
            .and_then(|m| m.call_method0("get_running_loop"))
            .ok()
            .map(Bound::unbind);
        Arc::new(HostLoop(Mutex::new(LoopKind::Caller(running))))
    }

    /// Record the running loop (first iteration of a lazily started async stream).
    pub fn capture(&self, py: Python<'_>) {
        let mut kind = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let LoopKind::Caller(slot @ None) = &mut *kind {
            *slot = py
                .import("asyncio")
                .and_then(|m| m.call_method0("get_running_loop"))
                .ok()
                .map(Bound::unbind);
        }
    }

    /// Follow the running loop, if any (client-level callbacks of `AsyncDitto` run on the loop
    /// of the latest call).
    pub fn follow(&self, py: Python<'_>) {
        let running = py
            .import("asyncio")
            .and_then(|m| m.call_method0("get_running_loop"))
            .ok();
        let mut kind = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let (LoopKind::Caller(slot), Some(running)) = (&mut *kind, running) {
            let same = slot.as_ref().is_some_and(|l| l.bind(py).is(&running));
            if !same {
                *slot = Some(running.unbind());
            }
        }
    }

    /// The asyncio loop to schedule coroutines on.
    fn event_loop<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut kind = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match &mut *kind {
            LoopKind::Caller(Some(l)) => Ok(l.bind(py).clone()),
            LoopKind::Caller(None) => Err(pyo3::exceptions::PyRuntimeError::new_err(
                "an async callable needs a running asyncio event loop",
            )),
            LoopKind::Private(Some(private)) => private.bind(py).getattr("loop"),
            LoopKind::Private(slot) => {
                let private = bridge(py)?.getattr("PrivateLoop")?.call0()?;
                *slot = Some(private.clone().unbind());
                private.getattr("loop")
            }
        }
    }
}

impl Drop for HostLoop {
    fn drop(&mut self) {
        let kind = self.0.get_mut().unwrap_or_else(|p| p.into_inner());
        if let LoopKind::Private(slot) = kind {
            if let Some(private) = slot.take() {
                attach_from_runtime(|py| {
                    let _ = private.bind(py).call_method0("close");
                });
            }
        }
    }
}

type Finish = Box<dyn FnOnce(Python<'_>, Result<Bound<'_, PyAny>, String>) + Send>;

/// Completes the Rust side when a scheduled coroutine's `concurrent.futures.Future` is done.
/// Runs on the loop's thread.
#[pyclass(frozen, module = "ditto_llm._native")]
struct Completer(Mutex<Option<Finish>>);

#[pymethods]
impl Completer {
    fn __call__(&self, py: Python<'_>, fut: &Bound<'_, PyAny>) {
        let Some(finish) = self.0.lock().unwrap_or_else(|p| p.into_inner()).take() else {
            return;
        };
        let outcome = if fut
            .call_method0("cancelled")
            .and_then(|c| c.is_truthy())
            .unwrap_or(false)
        {
            Err("cancelled".to_owned())
        } else {
            fut.call_method0("result")
                .map_err(|e| exception_message(py, &e))
        };
        finish(py, outcome);
    }
}

/// Cancellation state shared between a call and its scheduled coroutine.
#[derive(Default)]
struct Pending {
    cancelled: bool,
    future: Option<Py<PyAny>>,
}

/// Cancels the scheduled coroutine when the Rust future is dropped before it finished.
struct CancelOnDrop(Arc<Mutex<Pending>>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        let future = {
            let mut p = self.0.lock().unwrap_or_else(|p| p.into_inner());
            p.cancelled = true;
            p.future.take()
        };
        if let Some(future) = future {
            attach_from_runtime(|py| {
                let _ = future.bind(py).call_method0("cancel");
            });
        }
    }
}

/// Builds the positional arguments of a host call (runs with the GIL).
pub type Args = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyTuple>> + Send>;
/// Converts a host callable's return value (runs with the GIL).
pub type Convert<T> = fn(&Bound<'_, PyAny>) -> Result<T, String>;

/// A Python callable the core calls back.
#[derive(Debug, Clone)]
pub struct HostFn {
    func: Arc<Py<PyAny>>,
    event_loop: Arc<HostLoop>,
}

impl HostFn {
    /// Wrap `func`, whose coroutines run on `event_loop`.
    pub fn new(func: Py<PyAny>, event_loop: Arc<HostLoop>) -> Self {
        HostFn {
            func: Arc::new(func),
            event_loop,
        }
    }

    /// Call it with `args`, await a returned coroutine, convert the result. Any Python
    /// exception (or a conversion failure) is `Err(message)`.
    pub async fn call<T: Send + 'static>(
        &self,
        args: Args,
        convert: Convert<T>,
    ) -> Result<T, String> {
        let (tx, rx) = oneshot::channel::<Result<T, String>>();
        let pending = Arc::new(Mutex::new(Pending::default()));
        let guard = CancelOnDrop(pending.clone());
        let func = self.func.clone();
        let event_loop = self.event_loop.clone();
        // A plain thread, outside the runtime's context, so the callable may itself make
        // blocking `Ditto` calls (a tool that runs another model call).
        let (started_tx, started_rx) = oneshot::channel();
        let spawned = std::thread::Builder::new()
            .name("ditto-llm-callback".into())
            .spawn(move || {
                let started = attach_from_runtime(|py| {
                    start(py, &func, &event_loop, args, convert, tx, &pending)
                });
                let _ = started_tx.send(started);
            });
        if let Err(e) = spawned {
            return Err(format!("could not start a callback thread: {e}"));
        }
        match started_rx.await {
            Ok(Some(Ok(()))) => {}
            Ok(Some(Err(message))) => return Err(message),
            Ok(None) => return Err("the Python interpreter is shutting down".to_owned()),
            Err(_) => return Err("the callback thread failed".to_owned()),
        }
        let out = rx.await.unwrap_or_else(|_| Err("cancelled".to_owned()));
        drop(guard);
        out
    }
}

/// Run the callable; deliver a plain result to `tx` at once, or schedule a coroutine whose
/// completion delivers it.
fn start<T: Send + 'static>(
    py: Python<'_>,
    func: &Py<PyAny>,
    event_loop: &HostLoop,
    args: Args,
    convert: Convert<T>,
    tx: oneshot::Sender<Result<T, String>>,
    pending: &Arc<Mutex<Pending>>,
) -> Result<(), String> {
    let msg = |e: PyErr| exception_message(py, &e);
    let args = args(py).map_err(msg)?;
    let value = func.bind(py).call1(args.bind(py)).map_err(msg)?;
    let awaitable = py
        .import("inspect")
        .and_then(|m| m.call_method1("isawaitable", (&value,)))
        .and_then(|b| b.is_truthy())
        .map_err(msg)?;
    if !awaitable {
        let _ = tx.send(convert(&value));
        return Ok(());
    }
    let target = event_loop.event_loop(py).map_err(msg)?;
    let future = bridge(py)
        .and_then(|b| b.call_method1("schedule", (&value, &target)))
        .map_err(msg)?;
    let finish: Finish = Box::new(move |_py, outcome| {
        let _ = tx.send(outcome.and_then(|v| convert(&v)));
    });
    let completer = Completer(Mutex::new(Some(finish)));
    future
        .call_method1("add_done_callback", (completer,))
        .map_err(msg)?;
    let mut p = pending.lock().unwrap_or_else(|p| p.into_inner());
    if p.cancelled {
        let _ = future.call_method0("cancel");
    } else {
        p.future = Some(future.unbind());
    }
    Ok(())
}

/// [`Convert`] to JSON (a value that cannot be sent as JSON is an error naming its type).
pub fn json_result(v: &Bound<'_, PyAny>) -> Result<Value, String> {
    to_json(v, "the returned value").map_err(|e| Python::attach(|py| exception_message(py, &e)))
}

/// [`Convert`] to a truth value.
pub fn bool_result(v: &Bound<'_, PyAny>) -> Result<bool, String> {
    v.is_truthy()
        .map_err(|e| Python::attach(|py| exception_message(py, &e)))
}
