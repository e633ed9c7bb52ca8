//! The asyncio bridge: a Rust future runs on the shared runtime and completes an asyncio
//! `Future` of the caller's running loop through `loop.call_soon_threadsafe`. Cancelling the
//! asyncio future (task cancellation, `wait_for` timeouts) aborts the Rust task, which drops
//! the Rust future and with it any open upstream connection.

use crate::errors::{internal_error, to_py_err};
use crate::runtime::{attach_from_runtime, panic_message, runtime};
use futures_util::FutureExt;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use tokio::task::AbortHandle;

static RESOLVE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Converts a Rust result into the future's Python value, attached to the interpreter.
pub type Convert<T> = fn(Python<'_>, T) -> PyResult<Py<PyAny>>;

/// Completes `fut` unless it was cancelled meanwhile. Runs on the event loop's thread.
#[pyfunction]
#[pyo3(name = "_resolve_future")]
pub fn resolve_future(fut: &Bound<'_, PyAny>, ok: bool, value: &Bound<'_, PyAny>) -> PyResult<()> {
    if fut.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    if ok {
        fut.call_method1("set_result", (value,))?;
    } else {
        fut.call_method1("set_exception", (value,))?;
    }
    Ok(())
}

/// Runs when an awaitable is cancelled, before the awaiting task resumes.
pub type OnCancel = Box<dyn Fn() + Send + Sync>;

/// Aborts the Rust task when its asyncio future is cancelled. Registered first, so it runs
/// before the awaiting task wakes up.
#[pyclass(frozen, module = "ditto_llm._native")]
struct Canceller {
    abort: AbortHandle,
    on_cancel: Option<OnCancel>,
}

#[pymethods]
impl Canceller {
    fn __call__(&self, fut: &Bound<'_, PyAny>) -> PyResult<()> {
        if fut.call_method0("cancelled")?.is_truthy()? {
            self.abort.abort();
            if let Some(hook) = &self.on_cancel {
                hook();
            }
        }
        Ok(())
    }
}

fn running_loop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    py.import("asyncio")?
        .call_method0("get_running_loop")
        .map_err(|_| {
            PyRuntimeError::new_err(
                "AsyncDitto methods must be awaited inside a running asyncio event loop \
                 (use ditto_llm.Ditto for synchronous code)",
            )
        })
}

/// An already completed asyncio future (for results available without waiting).
pub fn ready<'py>(py: Python<'py>, value: PyResult<Py<PyAny>>) -> PyResult<Bound<'py, PyAny>> {
    let fut = running_loop(py)?.call_method0("create_future")?;
    match value {
        Ok(v) => fut.call_method1("set_result", (v,))?,
        Err(e) => fut.call_method1("set_exception", (e.into_value(py),))?,
    };
    Ok(fut)
}

/// Run `work` on the shared runtime; return an asyncio future of its converted result (errors
/// become the mapped exception) and the handle that aborts the work.
pub fn spawn<'py, F, T>(
    py: Python<'py>,
    work: F,
    convert: Convert<T>,
) -> PyResult<(Bound<'py, PyAny>, AbortHandle)>
where
    F: Future<Output = ditto_llm::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    spawn_with_cancel(py, work, convert, None)
}

/// [`spawn`], with a hook that runs synchronously when the awaitable is cancelled.
pub fn spawn_with_cancel<'py, F, T>(
    py: Python<'py>,
    work: F,
    convert: Convert<T>,
    on_cancel: Option<OnCancel>,
) -> PyResult<(Bound<'py, PyAny>, AbortHandle)>
where
    F: Future<Output = ditto_llm::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    let event_loop = running_loop(py)?;
    let py_future = event_loop.call_method0("create_future")?;
    let resolve = RESOLVE
        .get_or_try_init(py, || {
            wrap_pyfunction!(resolve_future, py).map(|f| f.into_any().unbind())
        })?
        .clone_ref(py);
    let loop_ref = event_loop.unbind();
    let fut_ref = py_future.clone().unbind();
    let task = runtime().spawn(async move {
        let outcome = AssertUnwindSafe(work).catch_unwind().await;
        // The only place a runtime thread touches Python; skipped once the interpreter exits.
        attach_from_runtime(|py| {
            let (ok, value) = match outcome {
                Ok(Ok(v)) => match convert(py, v) {
                    Ok(obj) => (true, obj),
                    Err(e) => (false, e.into_value(py).into_any()),
                },
                Ok(Err(e)) => (false, to_py_err(&e).into_value(py).into_any()),
                Err(panic) => (
                    false,
                    internal_error(&panic_message(panic.as_ref()))
                        .into_value(py)
                        .into_any(),
                ),
            };
            // A closed loop means nobody is waiting any more: drop the value.
            let _ = loop_ref.bind(py).call_method1(
                "call_soon_threadsafe",
                (resolve.bind(py), fut_ref.bind(py), ok, value),
            );
        });
    });
    let handle = task.abort_handle();
    let canceller = Canceller {
        abort: handle.clone(),
        on_cancel,
    };
    py_future.call_method1("add_done_callback", (canceller,))?;
    Ok((py_future, handle))
}
