//! The blocking JSON calls beyond text and embeddings: rerank, images, transcription, speech.
//! Each one parses the core's request type, runs the call on the shared runtime under the
//! optional cancel token and returns the core's result type as JSON, like `ditto_embed`.

use crate::cancel::DittoCancel;
use crate::client::{blocking_json_call, DittoClient};
use crate::request::typed_request;
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
        blocking_json_call(
            client,
            request_json,
            cancel,
            out_json,
            |json| typed_request::<RerankRequest>(json, "rerank request"),
            |ditto, request| ditto.rerank(request),
        )
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
        blocking_json_call(
            client,
            request_json,
            cancel,
            out_json,
            |json| typed_request::<ImageRequest>(json, "image request"),
            |ditto, request| ditto.generate_image(request),
        )
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
        blocking_json_call(
            client,
            request_json,
            cancel,
            out_json,
            |json| typed_request::<TranscriptionRequest>(json, "transcription request"),
            |ditto, request| ditto.transcribe(request),
        )
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
        blocking_json_call(
            client,
            request_json,
            cancel,
            out_json,
            |json| typed_request::<SpeechRequest>(json, "speech request"),
            |ditto, request| ditto.generate_speech(request),
        )
    }
}
