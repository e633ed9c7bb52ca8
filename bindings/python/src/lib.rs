//! `ditto_llm._native`: the Python binding of the ditto-llm core.
//!
//! The binding only converts types, bridges the runtime and maps errors (DESIGN §2 rule 1):
//! - `client.rs` / `aclient.rs`: `Ditto` (sync) and `AsyncDitto` (asyncio);
//! - `request.rs`: keyword arguments -> core requests (messages/tools via `types::interop`);
//! - `results.rs`, `event.rs`: result and event classes with attributes and `to_dict()`;
//! - `stream.rs`, `astream.rs`: the sync and async streams;
//! - `runtime.rs`: the one tokio runtime, GIL-free waiting, Ctrl-C, panic containment;
//! - `aio.rs`: the asyncio bridge with cancellation;
//! - `errors.rs`: `ErrorKind` -> exception class, once; `convert.rs`: Python <-> JSON.

mod aclient;
mod agent;
mod agent_results;
mod aio;
mod areader;
mod astream;
mod client;
mod convert;
mod errors;
mod event;
mod host;
mod middleware;
mod objects;
mod ostream;
mod protocol;
mod request;
mod results;
mod runtime;
mod sreader;
mod stream;
mod tee;

use pyo3::prelude::*;

/// Test hook: panic inside the binding (in a sync call, or in async work on the runtime) to
/// show that a panic surfaces as `ditto_llm.InternalError` and never crosses into Python.
#[pyfunction]
#[pyo3(name = "_panic_for_tests")]
fn panic_for_tests(py: Python<'_>, in_async: bool) -> PyResult<Bound<'_, PyAny>> {
    runtime::guard(|| {
        if !in_async {
            panic!("panic requested by a test (sync)");
        }
        let work = async move {
            if in_async {
                panic!("panic requested by a test (async)");
            }
            Ok::<(), ditto_llm::Error>(())
        };
        let (fut, _) = aio::spawn(py, work, |py, ()| Ok(py.None()))?;
        Ok(fut)
    })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<client::PyDitto>()?;
    m.add_class::<aclient::PyAsyncDitto>()?;
    m.add_class::<stream::PyTextStream>()?;
    m.add_class::<astream::PyAsyncTextStream>()?;
    m.add_class::<event::PyStreamEvent>()?;
    m.add_class::<results::PyGenerateTextResult>()?;
    m.add_class::<results::PyUsage>()?;
    m.add_class::<agent_results::PyStepResult>()?;
    m.add_class::<objects::PyGenerateObjectResult>()?;
    m.add_class::<ostream::PyObjectStreamEvent>()?;
    m.add_class::<ostream::PyObjectStream>()?;
    m.add_class::<ostream::PyAsyncObjectStream>()?;
    m.add_class::<protocol::PyDittoV1Encoder>()?;
    m.add_class::<protocol::PyDittoV1Decoder>()?;
    m.add_class::<protocol::PyUiMessageEncoder>()?;
    m.add_class::<tee::PyTextDeltaStream>()?;
    m.add_class::<tee::PyAsyncTextDeltaStream>()?;
    m.add_function(wrap_pyfunction!(protocol::ui_chat_request, m)?)?;
    m.add_class::<results::PyToolCall>()?;
    m.add_class::<results::PyWarning>()?;
    m.add_class::<results::PyResponseMetadata>()?;
    m.add_class::<results::PyEmbedResult>()?;
    m.add_class::<results::PyRerankResult>()?;
    m.add_class::<results::PyRankedDocument>()?;
    m.add_class::<results::PyImageResult>()?;
    m.add_class::<results::PyGeneratedImage>()?;
    m.add_class::<results::PyTranscriptionResult>()?;
    m.add_class::<results::PyTranscriptSegment>()?;
    m.add_class::<results::PySpeechResult>()?;
    m.add_function(wrap_pyfunction!(aio::resolve_future, m)?)?;
    m.add_function(wrap_pyfunction!(panic_for_tests, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    let shutdown = wrap_pyfunction!(runtime::shutdown, m)?;
    m.py()
        .import("atexit")?
        .call_method1("register", (shutdown,))?;
    Ok(())
}
