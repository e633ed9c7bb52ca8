//! `DittoCodec`: the wire protocols as incremental codecs the host drives with its own I/O —
//! Ditto stream protocol v1 encoding and decoding (SSE or NDJSON) and the AI SDK UI message
//! stream encoding. Each codec is used by one thread at a time and holds bounded state (the
//! decoder caps line and event sizes; the encoders keep only block ids).

use crate::counts::{Kind, Live};
use crate::request::parse_object;
use crate::util::{arg_str, bad_argument, guarded, Failure, Outcome};
use crate::DITTO_OK;
use ditto_llm::protocol::ditto_v1::{encode_frame, terminator, Decoder, Framing};
use ditto_llm::protocol::ui_message::{ui_frame, UiMessageEncoder, UiStreamOptions, UI_DONE};
use ditto_llm::{Error, StreamEvent};
use serde_json::Value;
use std::ffi::c_char;
use std::sync::Mutex;

/// Largest event JSON an encoder accepts in one `ditto_codec_feed`: 16 MiB.
const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug)]
enum Codec {
    DittoV1Encoder(Framing),
    DittoV1Decoder(Box<Decoder>),
    UiEncoder(Box<UiMessageEncoder>),
}

/// An encoder or decoder made by `ditto_codec_new`.
#[derive(Debug)]
pub struct DittoCodec {
    codec: Mutex<Codec>,
    _live: Live,
}

fn framing(obj: &mut serde_json::Map<String, Value>) -> Result<Framing, Failure> {
    match obj.remove("framing") {
        None => Ok(Framing::Sse),
        Some(Value::String(s)) => s.parse::<Framing>().map_err(Failure::from),
        Some(other) => Err(bad_argument(&format!(
            "`framing` must be \"sse\" or \"ndjson\", got {other}"
        ))),
    }
}

fn make(spec: &str) -> Result<Codec, Failure> {
    let mut obj = parse_object(spec, "the codec spec")?;
    let kind = match obj.remove("type") {
        Some(Value::String(s)) => s,
        _ => return Err(bad_argument("the codec spec needs a string `type`")),
    };
    let codec = match kind.as_str() {
        "ditto-v1-encoder" => Codec::DittoV1Encoder(framing(&mut obj)?),
        "ditto-v1-decoder" => Codec::DittoV1Decoder(Box::new(Decoder::new(framing(&mut obj)?))),
        "ui-encoder" => {
            let opts: UiStreamOptions = serde_json::from_value(Value::Object(obj))
                .map_err(|e| Error::invalid_request(format!("UI stream options: {e}")))?;
            return Ok(Codec::UiEncoder(Box::new(UiMessageEncoder::new(opts))));
        }
        other => {
            return Err(bad_argument(&format!(
                "unknown codec type `{other}` (ditto-v1-encoder, ditto-v1-decoder, ui-encoder)"
            )))
        }
    };
    if let Some(key) = obj.keys().next() {
        return Err(bad_argument(&format!(
            "the codec spec has an unknown field `{key}`"
        )));
    }
    Ok(codec)
}

fn event(bytes: &[u8]) -> Result<StreamEvent, Failure> {
    if bytes.len() > MAX_EVENT_BYTES {
        return Err(bad_argument(&format!(
            "the event is {} bytes, over the {MAX_EVENT_BYTES}-byte limit",
            bytes.len()
        )));
    }
    serde_json::from_slice(bytes)
        .map_err(|e| Error::invalid_request(format!("not a stream event: {e}")).into())
}

fn events_json(events: &[StreamEvent]) -> Result<String, Failure> {
    crate::client::to_json(&events)
}

impl Codec {
    fn feed(&mut self, bytes: &[u8]) -> Result<String, Failure> {
        match self {
            Codec::DittoV1Encoder(framing) => {
                let frame = encode_frame(&event(bytes)?, *framing);
                Ok(String::from_utf8_lossy(&frame).into_owned())
            }
            Codec::UiEncoder(encoder) => Ok(match encoder.encode(&event(bytes)?) {
                Some(chunk) => String::from_utf8_lossy(&ui_frame(&chunk)).into_owned(),
                None => String::new(),
            }),
            Codec::DittoV1Decoder(decoder) => {
                let mut out = Vec::new();
                decoder.feed(bytes, &mut out)?;
                events_json(&out)
            }
        }
    }

    fn finish(&mut self) -> Result<String, Failure> {
        match self {
            Codec::DittoV1Encoder(framing) => Ok(terminator(*framing)
                .map(|t| String::from_utf8_lossy(&t).into_owned())
                .unwrap_or_default()),
            Codec::UiEncoder(_) => Ok(UI_DONE.to_owned()),
            Codec::DittoV1Decoder(decoder) => {
                let mut out = Vec::new();
                decoder.finish(&mut out)?;
                events_json(&out)
            }
        }
    }
}

/// Create a codec from a spec JSON: `{"type": "ditto-v1-encoder", "framing": "sse"|"ndjson"}`,
/// `{"type": "ditto-v1-decoder", "framing": ...}` (framing defaults to SSE) or
/// `{"type": "ui-encoder", "version": "v5"|"v6", "message_id", "send_reasoning",
/// "send_sources", "send_start", "send_finish", "mask_errors"}` (every option optional). On
/// success `*out_codec` holds it (release with `ditto_codec_free`); on failure `*out_error`
/// holds an `ErrorInfo` JSON.
///
/// # Safety
/// `spec_json` must be a NUL-terminated string, `out_codec` writable, `out_error` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn ditto_codec_new(
    spec_json: *const c_char,
    out_codec: *mut *mut DittoCodec,
    out_error: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees every pointer (see above).
    unsafe {
        guarded(out_error, || {
            if out_codec.is_null() {
                return bad_argument("`out_codec` is NULL").outcome();
            }
            *out_codec = std::ptr::null_mut();
            match arg_str(spec_json, "spec_json").and_then(make) {
                Ok(codec) => {
                    *out_codec = Box::into_raw(Box::new(DittoCodec {
                        codec: Mutex::new(codec),
                        _live: Live::new(Kind::Codec),
                    }));
                    (DITTO_OK, None)
                }
                Err(f) => f.outcome(),
            }
        })
    }
}

fn run(codec: *const DittoCodec, f: impl FnOnce(&mut Codec) -> Result<String, Failure>) -> Outcome {
    // SAFETY: the callers' contracts guarantee `codec` is NULL or live.
    let Some(codec) = (unsafe { codec.as_ref() }) else {
        return bad_argument("`codec` is NULL").outcome();
    };
    let mut inner = codec.codec.lock().unwrap_or_else(|p| p.into_inner());
    match f(&mut inner) {
        Ok(text) => (DITTO_OK, Some(text)),
        Err(f) => f.outcome(),
    }
}

/// Feed `len` bytes at `data`. Encoders take one `StreamEvent` JSON (an `error` event
/// `{"type": "error", "error": ErrorInfo}` encodes a failure) and return its frame text
/// (empty when the UI encoder sends nothing for it). The decoder takes the next bytes of a
/// stream, split anywhere, and returns a JSON array of the events completed. On failure
/// `*out` holds an `ErrorInfo` JSON (a decoder stays failed).
///
/// # Safety
/// `codec` must be a live codec, `data` valid for `len` bytes (or NULL with `len` 0), `out`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn ditto_codec_feed(
    codec: *const DittoCodec,
    data: *const u8,
    len: usize,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees every pointer (see above).
    unsafe {
        guarded(out, || {
            let bytes: &[u8] = match (data.is_null(), len) {
                (_, 0) => &[],
                (true, _) => return bad_argument("`data` is NULL").outcome(),
                // SAFETY: non-null and valid for `len` bytes per the caller.
                (false, _) => std::slice::from_raw_parts(data, len),
            };
            run(codec, |c| c.feed(bytes))
        })
    }
}

/// End the stream: encoders return the terminator (`data: [DONE]\n\n` for SSE and UI streams,
/// empty for NDJSON); the decoder returns a JSON array of the last events, or an error when the
/// input was truncated (SSE without `data: [DONE]`, an unfinished line).
///
/// # Safety
/// `codec` must be a live codec and `out` writable.
#[no_mangle]
pub unsafe extern "C" fn ditto_codec_finish(
    codec: *const DittoCodec,
    out: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees both pointers.
    unsafe { guarded(out, || run(codec, Codec::finish)) }
}

/// Release a codec. NULL is ignored.
///
/// # Safety
/// `codec` must be NULL or a codec from `ditto_codec_new`, freed once, not in use.
#[no_mangle]
pub unsafe extern "C" fn ditto_codec_free(codec: *mut DittoCodec) {
    if codec.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: the caller guarantees `codec` came from `Box::into_raw` and is freed once.
        drop(unsafe { Box::from_raw(codec) });
    }));
}
