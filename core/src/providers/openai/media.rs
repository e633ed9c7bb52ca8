//! OpenAI images (`/images/generations`), transcription (`/audio/transcriptions`, multipart)
//! and speech (`/audio/speech`): request building and response parsing. Pure: no IO.

use crate::error::{Error, Result};
use crate::providers::common::{bad_response, parse_body, wrap_metadata};
use crate::types::{
    GeneratedImage, ImageRequest, ImageResult, SpeechRequest, TranscriptSegment,
    TranscriptionRequest, TranscriptionResult, Usage, Warning,
};
use serde_json::{json, Map, Value};

/// Most images one request may ask for.
pub const MAX_IMAGES: u32 = 10;

/// The `/images/generations` body. GPT image models always answer base64; DALL·E is asked to.
pub fn build_image_request(model_id: &str, request: &ImageRequest, keys: &[&str]) -> Result<Value> {
    if request.prompt.trim().is_empty() {
        return Err(Error::invalid_request("an image request needs a prompt"));
    }
    let n = request.n.unwrap_or(1);
    if n == 0 || n > MAX_IMAGES {
        return Err(Error::invalid_request(format!(
            "`n` must be between 1 and {MAX_IMAGES}"
        )));
    }
    let mut b = Map::new();
    b.insert("model".into(), model_id.into());
    b.insert("prompt".into(), request.prompt.clone().into());
    b.insert("n".into(), n.into());
    if let Some(size) = &request.size {
        b.insert("size".into(), size.clone().into());
    }
    if !model_id.starts_with("gpt-image") {
        b.insert("response_format".into(), "b64_json".into());
    }
    crate::providers::common::pass_through(&request.provider_options, keys, &[], &mut b);
    Ok(Value::Object(b))
}

/// Parse `{"data": [{"b64_json", "revised_prompt"}], "usage"?, "output_format"?}`.
pub fn parse_image_response(provider: &str, body: &[u8]) -> Result<ImageResult> {
    let v = parse_body(provider, body)?;
    let data = v
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| bad_response(provider, "the image response has no `data`", &v))?;
    let media_type = match v.get("output_format").and_then(Value::as_str) {
        Some("jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        _ => "image/png",
    };
    let mut images = Vec::with_capacity(data.len());
    let mut warnings = Vec::new();
    for item in data {
        match item.get("b64_json").and_then(Value::as_str) {
            Some(b64) => images.push(GeneratedImage {
                base64: b64.to_owned(),
                media_type: media_type.to_owned(),
                revised_prompt: item
                    .get("revised_prompt")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            }),
            None => warnings.push(Warning::other(
                "an image came back as a URL, not inline data; it was skipped",
            )),
        }
    }
    let u = v.get("usage");
    let n = |k: &str| u.and_then(|u| u.get(k)).and_then(Value::as_u64);
    let mut meta = Map::new();
    if let Some(c) = v.get("created") {
        meta.insert("created".into(), c.clone());
    }
    Ok(ImageResult {
        images,
        usage: Usage {
            input_tokens: n("input_tokens"),
            output_tokens: n("output_tokens"),
            total_tokens: n("total_tokens"),
            ..Usage::default()
        }
        .with_computed_total(),
        warnings,
        provider_metadata: wrap_metadata(provider, meta),
    })
}

fn extension(media_type: &str) -> &str {
    match media_type {
        "audio/mpeg" | "audio/mp3" => "mp3",
        "audio/wav" | "audio/x-wav" | "audio/wave" => "wav",
        "audio/webm" => "webm",
        "audio/ogg" => "ogg",
        "audio/flac" => "flac",
        "audio/mp4" | "audio/m4a" | "audio/x-m4a" => "m4a",
        _ => "bin",
    }
}

/// A `multipart/form-data` body for `/audio/transcriptions`: `(content_type, bytes)`.
pub fn build_transcription_request(
    model_id: &str,
    request: &TranscriptionRequest,
    boundary: &str,
) -> Result<(String, Vec<u8>)> {
    use base64::Engine as _;
    let b64 = request.audio.to_base64().ok_or_else(|| {
        Error::invalid_request("transcription audio must be inline (bytes, base64 or a data: URL)")
    })?;
    let audio = base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .map_err(|_| Error::invalid_request("transcription audio is not valid base64"))?;
    // Whisper gives timestamps with verbose_json; the GPT-4o transcribers only take json.
    let verbose = model_id.starts_with("whisper");
    let mut fields: Vec<(String, String)> = vec![
        ("model".into(), model_id.into()),
        (
            "response_format".into(),
            if verbose { "verbose_json" } else { "json" }.into(),
        ),
    ];
    if verbose {
        fields.push(("timestamp_granularities[]".into(), "segment".into()));
    }
    if let Some(l) = &request.language {
        fields.push(("language".into(), l.clone()));
    }
    if let Some(p) = &request.prompt {
        fields.push(("prompt".into(), p.clone()));
    }
    if let Some(extra) = request.provider_options.get("openai") {
        for (k, v) in extra {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            fields.push((k.clone(), text));
        }
    }
    let mut body = Vec::with_capacity(audio.len() + 1024);
    for (name, value) in &fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"audio.{}\"\r\nContent-Type: {}\r\n\r\n",
            extension(&request.media_type),
            request.media_type
        )
        .as_bytes(),
    );
    body.extend_from_slice(&audio);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Ok((format!("multipart/form-data; boundary={boundary}"), body))
}

/// Parse a `json` or `verbose_json` transcription.
pub fn parse_transcription_response(provider: &str, body: &[u8]) -> Result<TranscriptionResult> {
    let v = parse_body(provider, body)?;
    let text = v
        .get("text")
        .and_then(Value::as_str)
        .ok_or_else(|| bad_response(provider, "the transcription has no `text`", &v))?;
    let timed = v
        .get("segments")
        .or_else(|| v.get("words"))
        .and_then(Value::as_array);
    let segments = timed
        .into_iter()
        .flatten()
        .filter_map(|s| {
            Some(TranscriptSegment {
                text: s
                    .get("text")
                    .or_else(|| s.get("word"))?
                    .as_str()?
                    .to_owned(),
                start: s.get("start")?.as_f64()?,
                end: s.get("end")?.as_f64()?,
            })
        })
        .collect();
    let mut meta = Map::new();
    if let Some(u) = v.get("usage") {
        meta.insert("usage".into(), u.clone());
    }
    Ok(TranscriptionResult {
        text: text.to_owned(),
        segments,
        language: v.get("language").and_then(Value::as_str).map(str::to_owned),
        duration_seconds: v.get("duration").and_then(Value::as_f64),
        warnings: Vec::new(),
        provider_metadata: wrap_metadata(provider, meta),
    })
}

/// The `/audio/speech` body and the media type of the answer.
pub fn build_speech_request(
    model_id: &str,
    request: &SpeechRequest,
) -> Result<(Value, &'static str)> {
    if request.text.is_empty() {
        return Err(Error::invalid_request("a speech request needs text"));
    }
    let format = request.output_format.as_deref().unwrap_or("mp3");
    let media_type = match format {
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "opus" => "audio/opus",
        "aac" => "audio/aac",
        "flac" => "audio/flac",
        "pcm" => "audio/pcm",
        other => {
            return Err(Error::invalid_request(format!(
                "OpenAI speech has no `{other}` output (mp3, wav, opus, aac, flac, pcm)"
            )))
        }
    };
    let mut b = json!({
        "model": model_id,
        "input": request.text,
        "voice": request.voice.as_deref().unwrap_or("alloy"),
        "response_format": format,
    });
    if let Some(s) = request.speed {
        b["speed"] = json!(s);
    }
    if let Some(i) = &request.instructions {
        b["instructions"] = i.clone().into();
    }
    if let Some(extra) = request.provider_options.get("openai") {
        for (k, v) in extra {
            b[k] = v.clone();
        }
    }
    Ok((b, media_type))
}
