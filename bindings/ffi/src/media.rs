//! The blocking JSON calls beyond text and embeddings: rerank, images, transcription, speech.
//! Each one parses the core's request type, runs the call on the shared runtime under the
//! optional cancel token and returns the core's result type as JSON, like `ditto_embed`.

use crate::cancel::{block_on_cancellable, token, DittoCancel};
use crate::client::{client_ref, finish, to_json, DittoClient};
use crate::request::typed_request;
use crate::util::{arg_str, guarded};
use ditto_llm::{ImageRequest, RerankRequest, SpeechRequest, TranscriptionRequest};
use std::ffi::c_char;

/// Rerank documents: `request_json` is a `RerankRequest` JSON (`{"model": "cohere:rerank-v3.5",
/// "query", "documents": [...], "top_n"?}`); on `DITTO_OK` `*out_json` is the `RerankResult`
/// JSON (`{"results": [{"index", "relevance_score", "document"}], "usage", "warnings"}`, most
/// relevant first), otherwise an `ErrorInfo` JSON. Blocking and cancellable like
/// `ditto_generate_text`.
///
/// # Safety
/// As `ditto_generate_text`.
#[no_mangle]
pub unsafe extern "C" fn ditto_rerank(
    client: *const DittoClient,
    request_json: *const c_char,
    cancel: *const DittoCancel,
    out_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees every pointer (see above).
    unsafe {
        guarded(out_json, || {
            finish((|| {
                let ditto = client_ref(client)?;
                let request: RerankRequest =
                    typed_request(arg_str(request_json, "request_json")?, "rerank request")?;
                let result = block_on_cancellable(token(cancel), ditto.rerank(request))?;
                to_json(&result)
            })())
        })
    }
}

/// Generate images: `request_json` is an `ImageRequest` JSON (`{"model": "openai:gpt-image-1",
/// "prompt", "n"?, "size"?}`); on `DITTO_OK` `*out_json` is the `ImageResult` JSON
/// (`{"images": [{"base64", "media_type", "revised_prompt"?}], "usage", "warnings"}`), otherwise
/// an `ErrorInfo` JSON. Blocking and cancellable like `ditto_generate_text`.
///
/// # Safety
/// As `ditto_generate_text`.
#[no_mangle]
pub unsafe extern "C" fn ditto_generate_image(
    client: *const DittoClient,
    request_json: *const c_char,
    cancel: *const DittoCancel,
    out_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees every pointer (see above).
    unsafe {
        guarded(out_json, || {
            finish((|| {
                let ditto = client_ref(client)?;
                let request: ImageRequest =
                    typed_request(arg_str(request_json, "request_json")?, "image request")?;
                let result = block_on_cancellable(token(cancel), ditto.generate_image(request))?;
                to_json(&result)
            })())
        })
    }
}

/// Transcribe audio: `request_json` is a `TranscriptionRequest` JSON (`{"model":
/// "openai:whisper-1", "audio": {"base64": ...}, "media_type": "audio/wav", "language"?,
/// "prompt"?}`); on `DITTO_OK` `*out_json` is the `TranscriptionResult` JSON (`{"text",
/// "segments", "language", "duration_seconds", "warnings"}`), otherwise an `ErrorInfo` JSON.
/// Blocking and cancellable like `ditto_generate_text`.
///
/// # Safety
/// As `ditto_generate_text`.
#[no_mangle]
pub unsafe extern "C" fn ditto_transcribe(
    client: *const DittoClient,
    request_json: *const c_char,
    cancel: *const DittoCancel,
    out_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees every pointer (see above).
    unsafe {
        guarded(out_json, || {
            finish((|| {
                let ditto = client_ref(client)?;
                let request: TranscriptionRequest = typed_request(
                    arg_str(request_json, "request_json")?,
                    "transcription request",
                )?;
                let result = block_on_cancellable(token(cancel), ditto.transcribe(request))?;
                to_json(&result)
            })())
        })
    }
}

/// Generate speech: `request_json` is a `SpeechRequest` JSON (`{"model": "openai:tts-1",
/// "text", "voice"?, "output_format"?, "speed"?, "instructions"?}`); on `DITTO_OK` `*out_json`
/// is the `SpeechResult` JSON (`{"audio_base64", "media_type", "warnings"}`), otherwise an
/// `ErrorInfo` JSON. Blocking and cancellable like `ditto_generate_text`.
///
/// # Safety
/// As `ditto_generate_text`.
#[no_mangle]
pub unsafe extern "C" fn ditto_generate_speech(
    client: *const DittoClient,
    request_json: *const c_char,
    cancel: *const DittoCancel,
    out_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees every pointer (see above).
    unsafe {
        guarded(out_json, || {
            finish((|| {
                let ditto = client_ref(client)?;
                let request: SpeechRequest =
                    typed_request(arg_str(request_json, "request_json")?, "speech request")?;
                let result = block_on_cancellable(token(cancel), ditto.generate_speech(request))?;
                to_json(&result)
            })())
        })
    }
}
