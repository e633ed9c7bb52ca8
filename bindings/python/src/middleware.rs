//! Client-level Python callbacks of the middleware layers: a cache store object with `get` /
//! `put` methods (used by every alias's `cache` layer instead of the in-memory LRU) and an
//! `on_span` function receiving each finished telemetry span as a dict. Both may be sync or
//! async; they go through the one bridge in [`crate::host`].

use crate::convert::to_py;
use crate::errors::config_error;
use crate::host::{HostFn, HostLoop};
use ditto_llm::middleware::{CacheStore, SpanRecord, SpanSink};
use ditto_llm::{Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyTuple};
use std::sync::Arc;

/// A Python object with `get(key) -> bytes | None` and `put(key, value: bytes) -> None`.
#[derive(Debug)]
pub struct PyCacheStore {
    get: HostFn,
    put: HostFn,
}

fn optional_bytes(v: &Bound<'_, PyAny>) -> Result<Option<Vec<u8>>, String> {
    if v.is_none() {
        return Ok(None);
    }
    if let Ok(b) = v.cast::<PyBytes>() {
        return Ok(Some(b.as_bytes().to_vec()));
    }
    if let Ok(b) = v.cast::<PyByteArray>() {
        return Ok(Some(b.to_vec()));
    }
    Err("cache_store.get must return bytes or None".to_owned())
}

fn ignore(_: &Bound<'_, PyAny>) -> Result<(), String> {
    Ok(())
}

fn store_error(what: &str, message: String) -> Error {
    Error::new(
        ErrorKind::Internal,
        format!("cache_store.{what} failed: {message}"),
    )
}

#[async_trait::async_trait]
impl CacheStore for PyCacheStore {
    async fn get(&self, key: &str) -> ditto_llm::Result<Option<Vec<u8>>> {
        let key = key.to_owned();
        let args = Box::new(move |py: Python<'_>| Ok(PyTuple::new(py, [key])?.unbind()));
        self.get
            .call(args, optional_bytes)
            .await
            .map_err(|m| store_error("get", m))
    }

    async fn put(&self, key: &str, value: Vec<u8>) -> ditto_llm::Result<()> {
        let key = key.to_owned();
        let args = Box::new(move |py: Python<'_>| {
            let items = [
                key.into_pyobject(py)?.into_any(),
                PyBytes::new(py, &value).into_any(),
            ];
            Ok(PyTuple::new(py, items)?.unbind())
        });
        self.put
            .call(args, ignore)
            .await
            .map_err(|m| store_error("put", m))
    }
}

/// `on_span(span: dict)`: `{"name", "attributes", "start", "end", "status", ...}`.
#[derive(Debug)]
pub struct PySpanSink(HostFn);

#[async_trait::async_trait]
impl SpanSink for PySpanSink {
    async fn record(&self, span: SpanRecord) {
        let json = span.to_json();
        let args =
            Box::new(move |py: Python<'_>| Ok(PyTuple::new(py, [to_py(py, &json)?])?.unbind()));
        // A failing sink must not fail the call.
        let _ = self.0.call(args, ignore).await;
    }
}

/// The client's callbacks, from the constructor's `cache_store` and `on_span`.
#[derive(Debug, Default)]
pub struct Hooks {
    /// The cache store, if given.
    pub cache_store: Option<Arc<dyn CacheStore>>,
    /// The span sink, if given.
    pub span_sink: Option<Arc<dyn SpanSink>>,
}

/// Check and wrap the constructor's `cache_store` / `on_span`.
pub fn hooks(
    cache_store: Option<&Bound<'_, PyAny>>,
    on_span: Option<&Bound<'_, PyAny>>,
    event_loop: &Arc<HostLoop>,
) -> PyResult<Hooks> {
    let mut out = Hooks::default();
    if let Some(store) = cache_store.filter(|s| !s.is_none()) {
        let method = |name: &str| -> PyResult<HostFn> {
            let m = store.getattr(name).ok().filter(|m| m.is_callable()).ok_or_else(|| {
                config_error(format!(
                    "`cache_store` must have callable `get(key)` and `put(key, value)` methods (no `{name}`)"
                ))
            })?;
            Ok(HostFn::new(m.unbind(), event_loop.clone()))
        };
        out.cache_store = Some(Arc::new(PyCacheStore {
            get: method("get")?,
            put: method("put")?,
        }));
    }
    if let Some(f) = on_span.filter(|s| !s.is_none()) {
        if !f.is_callable() {
            return Err(config_error("`on_span` must be callable"));
        }
        out.span_sink = Some(Arc::new(PySpanSink(HostFn::new(
            f.clone().unbind(),
            event_loop.clone(),
        ))));
    }
    Ok(out)
}
