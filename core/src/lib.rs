//! # ditto-llm
//!
//! One Rust core for every major LLM provider: text, streams, tools, embeddings — with one set
//! of types, one error taxonomy and one HTTP layer. The Python, Node and Go packages and the
//! `ditto-gateway` all run this crate.
//!
//! ```no_run
//! # async fn demo() -> ditto_llm::Result<()> {
//! use ditto_llm::{Ditto, TextRequest};
//! use futures_util::StreamExt;
//!
//! let ditto = Ditto::from_env()?;
//! let r = ditto.generate_text(TextRequest::new("openai:gpt-4o-mini").prompt("Hi")).await?;
//! println!("{} ({:?})", r.text, r.usage.output_tokens);
//!
//! let mut s = ditto.stream_text(TextRequest::new("mock:echo").prompt("Hi")).await?;
//! while let Some(ev) = s.next().await {
//!     if let ditto_llm::StreamEvent::TextDelta { text, .. } = ev? { print!("{text}"); }
//! }
//! # Ok(()) }
//! ```
//!
//! See `docs/architecture.md` for where each concern lives.

#![warn(missing_docs)]

pub mod agent;
pub mod client;
pub mod config;
pub mod error;
pub mod generate;
pub mod http;
pub mod middleware;
pub mod model;
pub mod object;
pub mod protocol;
pub mod providers;
pub mod registry;
pub mod stream;
pub mod types;

pub use client::{Ditto, DittoBuilder};
pub use config::{DittoConfig, ProviderConfig, ProviderKind};
pub use error::{Error, ErrorInfo, ErrorKind, Result};
pub use generate::{embed, embed_many, generate_text, stream_text};
pub use model::{EmbeddingCall, EmbeddingModel, EventStream, LanguageModel, ModelStream};
pub use registry::{parse_model_spec, Provider, ProviderHandle, ProviderRegistry};
pub use stream::TextStream;
pub use types::*;
