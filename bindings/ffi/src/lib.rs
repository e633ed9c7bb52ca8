//! `ditto-ffi`: a small C ABI over `ditto-llm`, used by the Go binding.
//!
//! Everything crosses the boundary as NUL-terminated UTF-8 JSON in the shapes of `docs/types.md`:
//! a client is made from a `DittoConfig` JSON, `ditto_generate_text`, `ditto_embed`,
//! `ditto_rerank`, `ditto_generate_image`, `ditto_transcribe` and `ditto_generate_speech` take a
//! request JSON and return a result JSON, and a stream handle yields one `StreamEvent` JSON per
//! call to `ditto_stream_next`. Errors are `ErrorInfo` JSON (`{"kind", "message", "status", ...}`).
//!
//! Rules every function follows:
//! - no panic crosses the boundary: each body runs under `catch_unwind` and a panic becomes
//!   `DITTO_PANIC` with an `internal` error JSON;
//! - strings returned through `out_*` pointers belong to the caller and are released with
//!   `ditto_string_free` (never with `free`);
//! - each handle (`DittoClient`, `DittoStream`, `DittoCancel`) is released exactly once with its
//!   `*_free` function; a stream or call keeps working after its client is freed;
//! - all work runs on one process-wide multi-threaded tokio runtime; the calling thread blocks
//!   only inside those blocking JSON calls and `ditto_stream_next`.

mod agent;
mod cancel;
mod client;
mod codec;
mod counts;
mod host;
mod host_hooks;
mod interop;
mod media;
mod object;
mod request;
mod runtime;
mod stream;
mod util;

pub use agent::{ditto_agent_stream_open, ditto_run_agent};
pub use cancel::{ditto_cancel_free, ditto_cancel_new, ditto_cancel_trigger, DittoCancel};
pub use client::{
    ditto_client_free, ditto_client_new, ditto_embed, ditto_generate_text, DittoClient,
};
pub use codec::{
    ditto_codec_feed, ditto_codec_finish, ditto_codec_free, ditto_codec_new, DittoCodec,
};
pub use counts::{ditto_handle_counts, DittoHandleCounts};
pub use host::{
    ditto_host_call_cancelled, ditto_host_call_reply, ditto_host_register, DittoHostCall,
    MAX_HOST_REPLY_BYTES,
};
pub use interop::{ditto_messages_from_json, ditto_tools_from_json, ditto_ui_chat_request};
pub use media::{ditto_generate_image, ditto_generate_speech, ditto_rerank, ditto_transcribe};
pub use object::{ditto_generate_object, ditto_object_stream_open};
pub use stream::{
    ditto_stream_cancel, ditto_stream_free, ditto_stream_next, ditto_stream_open, DittoStream,
};

use std::ffi::{c_char, CString};

/// Success. The `out_*` pointer holds the result (a JSON string or a handle).
pub const DITTO_OK: i32 = 0;
/// `ditto_stream_next`: the stream has ended; `*out_json` is NULL.
pub const DITTO_DONE: i32 = 1;
/// `ditto_stream_next`: no event arrived within the timeout; `*out_json` is NULL. Call again.
pub const DITTO_PENDING: i32 = 2;
/// The operation failed; `*out_json` / `*out_error` holds an `ErrorInfo` JSON.
pub const DITTO_ERROR: i32 = -1;
/// An argument was NULL or not UTF-8; an `invalid_request` `ErrorInfo` JSON is written when the
/// out pointer itself is usable.
pub const DITTO_INVALID_ARGUMENT: i32 = -2;
/// A bug: Ditto panicked. The panic was caught; an `internal` `ErrorInfo` JSON is written.
pub const DITTO_PANIC: i32 = -3;

static VERSION: &[u8] = concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes();

/// The library version (`"0.1.0"`), a static string: do not free it.
#[no_mangle]
pub extern "C" fn ditto_version() -> *const c_char {
    VERSION.as_ptr().cast()
}

/// Release a string returned by this library. NULL is ignored.
///
/// # Safety
/// `s` must be NULL or a pointer this library returned through an `out_*` parameter that has not
/// been freed yet.
#[no_mangle]
pub unsafe extern "C" fn ditto_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: the caller guarantees `s` came from `CString::into_raw` in this library and
        // is freed only once.
        drop(unsafe { CString::from_raw(s) });
    }));
}
