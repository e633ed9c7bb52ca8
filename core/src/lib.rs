//! # ditto-llm
//!
//! One Rust core for every major LLM provider. See the crate README and `docs/architecture.md`.

#![warn(missing_docs)]

pub mod error;
pub mod http;

pub use error::{Error, ErrorInfo, ErrorKind, Result};
