//! Built-in providers (a closed set, enum-dispatched) and the settings they share.
//! Each provider lives in its own folder and only translates; IO lives in `crate::http`.

pub mod anthropic;
pub mod bedrock;
pub mod capabilities;
pub mod cohere;
pub(crate) mod common;
mod fetch;
pub mod google;
pub mod media;
pub mod mock;
pub mod openai;
pub mod presets;
pub mod rerank;
mod settings;
pub mod sse_decode;

pub use media::{ImageModel, SpeechModel, TranscriptionModel};
pub use rerank::RerankModel;
pub use settings::{ProviderSettings, Secret};

use reqwest::header::HeaderMap;
use std::collections::BTreeMap;

/// Most response headers kept in [`crate::types::ResponseMetadata::headers`].
const MAX_KEPT_HEADERS: usize = 64;

/// Response headers that are safe to hand to callers: credentials and cookies never are.
pub(crate) fn safe_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .filter(|(name, _)| {
            let n = name.as_str();
            !(n.contains("cookie")
                || n.contains("authorization")
                || n.contains("api-key")
                || n.contains("token"))
        })
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .take(MAX_KEPT_HEADERS)
        .collect()
}
