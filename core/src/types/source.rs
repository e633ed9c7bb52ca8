use super::ProviderMetadata;
use serde::{Deserialize, Serialize};

/// A source the model cited (a web page or a document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "source_type", rename_all = "kebab-case")]
pub enum Source {
    /// A web page.
    Url {
        /// Stable id within the response.
        id: String,
        /// The cited URL.
        url: String,
        /// Page title, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// Provider-specific details.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A document.
    Document {
        /// Stable id within the response.
        id: String,
        /// Media type of the document.
        media_type: String,
        /// Document title.
        title: String,
        /// File name, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filename: Option<String>,
        /// Provider-specific details.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
}
