//! The unified types every provider, binding and the gateway share.
//!
//! Serde names are part of the public contract: field names are snake_case, enum tags kebab-case
//! (matching the AI SDK part names), and they never change without a new protocol version.
//! See `docs/types.md` for the JSON shapes.

mod content;
mod data;
mod embedding;
mod event;
mod finish;
pub mod interop;
mod media;
mod message;
mod options;
mod request;
mod rerank;
mod response;
mod settings;
mod source;
mod tool;
mod usage;
mod warning;

pub use content::{
    ContentPart, FilePart, ImagePart, ReasoningPart, TextPart, ToolCall, ToolResult,
    ToolResultOutput,
};
pub use data::DataSource;
pub use embedding::{EmbedManyResult, EmbedRequest, EmbedResult, EmbeddingResponse};
pub use event::StreamEvent;
pub use finish::FinishReason;
pub use media::{
    GeneratedImage, ImageRequest, ImageResult, SpeechRequest, SpeechResult, TranscriptSegment,
    TranscriptionRequest, TranscriptionResult,
};
pub use message::{Message, Role};
pub use options::ProviderOptions;
pub use request::{CallOptions, TextRequest};
pub use rerank::{RankedDocument, RerankRequest, RerankResult};
pub use response::{GenerateTextResult, ModelResponse, ResponseMetadata};
pub use settings::{CallSettings, ResponseFormat};
pub use source::Source;
pub use tool::{SpecificTool, Tool, ToolChoice, ToolChoiceMode};
pub use usage::Usage;
pub use warning::Warning;

/// Free-form provider-specific metadata attached to results and events, keyed by provider name.
pub type ProviderMetadata = serde_json::Map<String, serde_json::Value>;

#[cfg(test)]
#[path = "types_tests.rs"]
mod tests;
