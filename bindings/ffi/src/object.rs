//! Structured output over the C ABI: `ditto_generate_object` (blocking) and
//! `ditto_object_stream_open` (a `DittoStream` of `ObjectStreamEvent` JSON). The request is the
//! core's `ObjectRequest` JSON plus an optional `"repair_host_fn"` (see `host.rs`); its
//! `messages` also accept the AI SDK and OpenAI shapes.

use crate::cancel::DittoCancel;
use crate::client::{blocking_json_call, client_ref, DittoClient};
use crate::host_hooks::HostObjectRepair;
use crate::request::parse_object;
use crate::stream::{open_stream, DittoStream};
use crate::util::{arg_str, Failure};
use ditto_llm::object::{ObjectRepair, ObjectRequest};
use ditto_llm::types::interop::messages_from_json;
use ditto_llm::Error;
use serde_json::Value;
use std::ffi::c_char;
use std::sync::Arc;

/// A parsed object request and its repair hook.
pub(crate) fn object_call(
    json: &str,
) -> Result<(ObjectRequest, Option<Arc<dyn ObjectRepair>>), Failure> {
    let mut obj = parse_object(json, "the object request")?;
    let repair: Option<Arc<dyn ObjectRepair>> = match obj.remove("repair_host_fn") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let fn_id = v.as_u64().ok_or_else(|| {
                Failure::from(Error::invalid_request(format!(
                    "repair_host_fn must be a host function id, got {v}"
                )))
            })?;
            Some(Arc::new(HostObjectRepair { fn_id }))
        }
    };
    let messages = obj
        .remove("messages")
        .filter(|v| !v.is_null())
        .map(|v| messages_from_json(&v))
        .transpose()?;
    let mut request: ObjectRequest = serde_json::from_value(Value::Object(obj))
        .map_err(|e| Failure::from(Error::invalid_request(format!("object request: {e}"))))?;
    if let Some(messages) = messages {
        request.messages = messages;
    }
    Ok((request, repair))
}

/// Generate one object: `request_json` is an `ObjectRequest` JSON (`{"model", "prompt",
/// "schema", "output": "object"|"array"|"enum"|"no-schema", "enum_values", "mode":
/// "auto"|"json"|"tool", ..., "repair_host_fn"?}`); on `DITTO_OK` `*out_json` is the
/// `GenerateObjectResult` JSON (`{"object", "text", "finish_reason", "usage", ...}`), otherwise
/// an `ErrorInfo` JSON (`no_object_generated` carries `text`, `usage`, `finish_reason`).
/// Blocking and cancellable like `ditto_generate_text`.
///
/// # Safety
/// As `ditto_generate_text`.
#[no_mangle]
pub unsafe extern "C" fn ditto_generate_object(
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
            object_call,
            |ditto, (request, repair)| async move {
                ditto.generate_object(request, repair.as_deref()).await
            },
        )
    }
}

/// Open an object stream: `ditto_stream_next` then yields `ObjectStreamEvent` JSON
/// (`partial-object {object}` when the partial value changed, `element {index, element}` for
/// array output, `text-delta {text}`, and `finish {object, finish_reason, usage, ...}` with the
/// validated object); a failure (`no_object_generated` included) ends the stream as an error.
/// Invalid requests fail here.
///
/// # Safety
/// As `ditto_stream_open`.
#[no_mangle]
pub unsafe extern "C" fn ditto_object_stream_open(
    client: *const DittoClient,
    request_json: *const c_char,
    out_stream: *mut *mut DittoStream,
    out_error: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees every pointer (see above).
    unsafe {
        open_stream(out_stream, out_error, || {
            let ditto = client_ref(client)?.clone();
            let (request, repair) = object_call(arg_str(request_json, "request_json")?)?;
            DittoStream::spawn(async move { ditto.stream_object(request, repair).await })
        })
    }
}
