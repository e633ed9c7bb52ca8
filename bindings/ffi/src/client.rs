//! `DittoClient`: create / free, and the blocking JSON calls (`generate_text`, `embed`; the
//! media calls are in `media.rs`).

use crate::cancel::{block_on_cancellable, token, DittoCancel};
use crate::counts::{Kind, Live};
use crate::host_hooks::{HostCacheStore, HostSpanSink};
use crate::request;
use crate::util::{arg_str, bad_argument, guarded, Failure, Outcome};
use crate::DITTO_OK;
use ditto_llm::{Ditto, DittoConfig};
use serde::Serialize;
use std::ffi::c_char;
use std::future::Future;
use std::sync::Arc;

/// A client: providers plus one connection pool. Thread-safe; share it freely.
#[derive(Debug)]
pub struct DittoClient {
    pub(crate) ditto: Ditto,
    _live: Live,
}

/// Borrow a client argument.
///
/// # Safety
/// `client` must be NULL or a live client from `ditto_client_new`.
pub(crate) unsafe fn client_ref<'a>(client: *const DittoClient) -> Result<&'a Ditto, Failure> {
    // SAFETY: guaranteed by the caller; shared access only.
    match unsafe { client.as_ref() } {
        Some(c) => Ok(&c.ditto),
        None => Err(bad_argument("`client` is NULL")),
    }
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value)
        .map_err(|e| ditto_llm::Error::internal(format!("cannot serialize the result: {e}")).into())
}

pub(crate) fn finish(result: Result<String, Failure>) -> Outcome {
    match result {
        Ok(json) => (DITTO_OK, Some(json)),
        Err(f) => f.outcome(),
    }
}

/// The shape shared by the blocking JSON calls: borrow the client, read `request_json`, parse
/// it with `parse`, run `call` on the shared runtime under the optional cancel token and write
/// the result (or the error) as JSON to `out_json`, with panics caught.
///
/// # Safety
/// `client` must be NULL or a live client, `request_json` NULL or a NUL-terminated string,
/// `cancel` NULL or a live token, and `out_json` NULL or writable.
pub(crate) unsafe fn blocking_json_call<'a, Req, Res, Fut>(
    client: *const DittoClient,
    request_json: *const c_char,
    cancel: *const DittoCancel,
    out_json: *mut *mut c_char,
    parse: impl FnOnce(&str) -> Result<Req, Failure>,
    call: impl FnOnce(&'a Ditto, Req) -> Fut,
) -> i32
where
    Res: Serialize,
    Fut: Future<Output = ditto_llm::Result<Res>>,
{
    // SAFETY: guaranteed by the caller.
    unsafe {
        guarded(out_json, || {
            finish((|| {
                let ditto = client_ref(client)?;
                let request = parse(arg_str(request_json, "request_json")?)?;
                let result = block_on_cancellable(token(cancel), call(ditto, request))?;
                to_json(&result)
            })())
        })
    }
}

/// Create a client from a `DittoConfig` JSON
/// (`{"providers": {"openai": {"api_key", "base_url"}}, "from_env": true, "timeout_ms",
/// "aliases": {"name": {"model", "middleware": [...]}}, ...}`, plus optional
/// `"cache_store_host_fn"` / `"span_sink_host_fn"` host functions used by the aliases' `cache`
/// and `telemetry` layers);
/// NULL means `{}` (providers from the environment). On success `*out_client` holds the client
/// (release it with `ditto_client_free`); on failure `*out_error` holds an `ErrorInfo` JSON.
///
/// # Safety
/// `config_json` must be NULL or a NUL-terminated string; `out_client` must be writable;
/// `out_error` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn ditto_client_new(
    config_json: *const c_char,
    out_client: *mut *mut DittoClient,
    out_error: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees the pointers; `guarded` only writes through `out_error`.
    unsafe {
        guarded(out_error, || {
            if out_client.is_null() {
                return bad_argument("`out_client` is NULL").outcome();
            }
            // SAFETY: checked non-null; the caller guarantees it is writable.
            *out_client = std::ptr::null_mut();
            let made = (|| {
                let config = if config_json.is_null() {
                    request::ClientConfig {
                        config: DittoConfig::default(),
                        cache_store_fn: None,
                        span_sink_fn: None,
                    }
                } else {
                    request::config(arg_str(config_json, "config_json")?)?
                };
                let mut builder = Ditto::builder().config(config.config);
                if let Some(fn_id) = config.cache_store_fn {
                    builder = builder.cache_store(Arc::new(HostCacheStore { fn_id }));
                }
                if let Some(fn_id) = config.span_sink_fn {
                    builder = builder.span_sink(Arc::new(HostSpanSink { fn_id }));
                }
                // Building a client may touch tokio (the HTTP pool); do it inside the runtime.
                let rt = crate::runtime::runtime()?;
                let _entered = rt.enter();
                Ok::<_, Failure>(builder.build()?)
            })();
            match made {
                Ok(ditto) => {
                    // SAFETY: as above.
                    *out_client = Box::into_raw(Box::new(DittoClient {
                        ditto,
                        _live: Live::new(Kind::Client),
                    }));
                    (DITTO_OK, None)
                }
                Err(f) => f.outcome(),
            }
        })
    }
}

/// Release a client. Streams opened from it keep working until they are freed. NULL is ignored.
///
/// # Safety
/// `client` must be NULL or a client from `ditto_client_new`, freed only once, with no call on
/// it still running.
#[no_mangle]
pub unsafe extern "C" fn ditto_client_free(client: *mut DittoClient) {
    if client.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: the caller guarantees `client` came from `Box::into_raw` and is freed once.
        drop(unsafe { Box::from_raw(client) });
    }));
}

/// Generate text: `request_json` is a `TextRequest` JSON; on `DITTO_OK` `*out_json` is the
/// `GenerateTextResult` JSON, otherwise an `ErrorInfo` JSON. Blocks the calling thread;
/// triggering `cancel` (may be NULL) makes it return a `cancelled` error promptly.
///
/// # Safety
/// `client` must be a live client, `request_json` a NUL-terminated string, `cancel` NULL or a
/// live token, and `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn ditto_generate_text(
    client: *const DittoClient,
    request_json: *const c_char,
    cancel: *const DittoCancel,
    out_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees every pointer (see above).
    unsafe {
        blocking_json_call(
            client,
            request_json,
            cancel,
            out_json,
            request::text_request,
            |ditto, request| ditto.generate_text(request),
        )
    }
}

/// Embed texts: `request_json` is an `EmbedRequest` JSON (`{"model", "input": [...]}`); on
/// `DITTO_OK` `*out_json` is the `EmbedManyResult` JSON (`{"embeddings", "usage", "warnings"}`),
/// otherwise an `ErrorInfo` JSON. Blocking and cancellable like `ditto_generate_text`.
///
/// # Safety
/// As `ditto_generate_text`.
#[no_mangle]
pub unsafe extern "C" fn ditto_embed(
    client: *const DittoClient,
    request_json: *const c_char,
    cancel: *const DittoCancel,
    out_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees every pointer (see above).
    unsafe {
        blocking_json_call(
            client,
            request_json,
            cancel,
            out_json,
            request::embed_request,
            |ditto, request| ditto.embed_many(request),
        )
    }
}
