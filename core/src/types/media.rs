use super::{DataSource, ProviderMetadata, ProviderOptions, Usage, Warning};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An image generation request: `{"model": "openai:gpt-image-1", "prompt": "...", "n": 1,
/// "size": "1024x1024"}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImageRequest {
    /// `"<provider>:<model>"`.
    pub model: String,
    /// What to draw.
    pub prompt: String,
    /// How many images (provider default when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    /// `WIDTHxHEIGHT`, e.g. `1024x1024`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// Provider-specific options (`quality`, `style`, `background`, ...).
    #[serde(skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
    /// Extra HTTP headers for this call only.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Retries for this call (overrides the client's setting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
}

/// One generated image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneratedImage {
    /// The image bytes, base64.
    pub base64: String,
    /// `image/png`, ...
    pub media_type: String,
    /// The prompt the provider actually used, when it rewrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revised_prompt: Option<String>,
}

/// The result of `generate_image`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageResult {
    /// The images.
    pub images: Vec<GeneratedImage>,
    /// Token usage, when reported.
    #[serde(default)]
    pub usage: Usage,
    /// What the provider could not honour.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Provider-specific details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_metadata: Option<ProviderMetadata>,
}

/// A transcription request: audio in, text out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranscriptionRequest {
    /// `"<provider>:<model>"`.
    pub model: String,
    /// The audio (inline; URLs other than `data:` are not fetched).
    pub audio: DataSource,
    /// `audio/mpeg`, `audio/wav`, ...
    pub media_type: String,
    /// ISO-639-1 language hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Context or spelling hints for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// Provider-specific options.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
    /// Extra HTTP headers for this call only.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Retries for this call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
}

/// A timed piece of a transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptSegment {
    /// The text.
    pub text: String,
    /// Start, seconds.
    pub start: f64,
    /// End, seconds.
    pub end: f64,
}

/// The result of `transcribe`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TranscriptionResult {
    /// The transcript.
    pub text: String,
    /// Timed words or segments, when the provider returned them.
    #[serde(default)]
    pub segments: Vec<TranscriptSegment>,
    /// Detected language.
    #[serde(default)]
    pub language: Option<String>,
    /// Audio length in seconds.
    #[serde(default)]
    pub duration_seconds: Option<f64>,
    /// What the provider could not honour.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Provider-specific details (usage, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_metadata: Option<ProviderMetadata>,
}

/// A speech request: text in, audio out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SpeechRequest {
    /// `"<provider>:<model>"`.
    pub model: String,
    /// What to say.
    pub text: String,
    /// The voice (provider default when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
    /// `mp3`, `wav`, `opus`, ... (provider default when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_format: Option<String>,
    /// Speaking speed multiplier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// Style instructions, for models that take them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// Provider-specific options.
    #[serde(skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
    /// Extra HTTP headers for this call only.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Retries for this call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
}

/// The result of `generate_speech`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SpeechResult {
    /// The audio, base64.
    pub audio_base64: String,
    /// `audio/mpeg`, ...
    pub media_type: String,
    /// What the provider could not honour.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}
