//! `POST /v1/images/generations`, `/v1/audio/transcriptions` (multipart) and
//! `/v1/audio/speech`: deterministic answers in OpenAI's formats.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::base64;
use super::chat::CREATED;
use super::error;
use crate::reply::Reply;

/// A 1x1 transparent PNG.
const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// `n` copies of a 1x1 PNG, with the prompt echoed as `revised_prompt`.
pub(crate) fn images(request: &Value) -> Reply {
    let Some(prompt) = request.get("prompt").and_then(Value::as_str) else {
        return error::invalid_request(
            StatusCode::BAD_REQUEST,
            "Missing required parameter: 'prompt'.",
            Some("prompt"),
            Some("missing_required_parameter"),
        );
    };
    let n = request
        .get("n")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .clamp(1, 10);
    let b64 = base64::encode(PNG_1X1);
    let data: Vec<Value> = (0..n)
        .map(|_| json!({"b64_json": b64, "revised_prompt": format!("mock: {prompt}")}))
        .collect();
    Reply::json(StatusCode::OK, &json!({"created": CREATED, "data": data}))
}

/// A transcription of the uploaded file: `"mock transcript of <N> bytes"`.
pub(crate) fn transcription(body: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(body);
    let Some(file_at) = text.find("name=\"file\"") else {
        return error::invalid_request(
            StatusCode::BAD_REQUEST,
            "Missing required parameter: 'file'.",
            Some("file"),
            Some("missing_required_parameter"),
        );
    };
    // The file part's bytes: after its blank line, up to the closing boundary.
    let start = text[file_at..].find("\r\n\r\n").map(|i| file_at + i + 4);
    let end = text.rfind("\r\n--");
    let size = match (start, end) {
        (Some(s), Some(e)) if e >= s => e - s,
        _ => 0,
    };
    let verbose = text.contains("verbose_json");
    let words = format!("mock transcript of {size} bytes");
    let mut out = json!({"text": words});
    if verbose {
        out["task"] = "transcribe".into();
        out["language"] = "english".into();
        out["duration"] = json!(1.5);
        out["segments"] = json!([{"id": 0, "start": 0.0, "end": 1.5, "text": words}]);
    }
    Reply::json(StatusCode::OK, &out)
}

/// Speech: the bytes `ID3` + the input text (enough to check round trips).
pub(crate) fn speech(request: &Value) -> Reply {
    let Some(input) = request.get("input").and_then(Value::as_str) else {
        return error::invalid_request(
            StatusCode::BAD_REQUEST,
            "Missing required parameter: 'input'.",
            Some("input"),
            Some("missing_required_parameter"),
        );
    };
    let mut bytes = b"ID3".to_vec();
    bytes.extend_from_slice(input.as_bytes());
    Reply::bytes(StatusCode::OK, "audio/mpeg", bytes)
}
