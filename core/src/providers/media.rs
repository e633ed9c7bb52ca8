//! The image, transcription and speech model traits (object-safe, like the chat traits).

use crate::error::Result;
use crate::types::{
    ImageRequest, ImageResult, SpeechRequest, SpeechResult, TranscriptionRequest,
    TranscriptionResult,
};

/// An image generation model (`openai:gpt-image-1`, `openai:dall-e-3`, ...).
#[async_trait::async_trait]
pub trait ImageModel: Send + Sync + std::fmt::Debug {
    /// The provider name.
    fn provider(&self) -> &str;
    /// The model id without the provider prefix.
    fn model_id(&self) -> &str;
    /// Generate images (the request's `model` is not read).
    async fn generate(&self, request: &ImageRequest) -> Result<ImageResult>;
}

/// A speech-to-text model (`openai:whisper-1`, `openai:gpt-4o-transcribe`, ...).
#[async_trait::async_trait]
pub trait TranscriptionModel: Send + Sync + std::fmt::Debug {
    /// The provider name.
    fn provider(&self) -> &str;
    /// The model id without the provider prefix.
    fn model_id(&self) -> &str;
    /// Transcribe (the request's `model` is not read).
    async fn transcribe(&self, request: &TranscriptionRequest) -> Result<TranscriptionResult>;
}

/// A text-to-speech model (`openai:gpt-4o-mini-tts`, `openai:tts-1`, ...).
#[async_trait::async_trait]
pub trait SpeechModel: Send + Sync + std::fmt::Debug {
    /// The provider name.
    fn provider(&self) -> &str;
    /// The model id without the provider prefix.
    fn model_id(&self) -> &str;
    /// Speak (the request's `model` is not read).
    async fn speak(&self, request: &SpeechRequest) -> Result<SpeechResult>;
}
