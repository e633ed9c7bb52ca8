//! Node.js binding of ditto-llm (napi-rs): the native half of the `@ditto/llm` npm package.
//!
//! The JS wrapper (`bindings/node/lib/`) gives users `Ditto`, `streamText`'s async iterator and
//! `ReadableStream`, `AbortSignal` support and the error classes; this crate only converts
//! options (JSON text in camelCase) into core requests, runs them on napi-rs's one process-wide
//! tokio runtime, and hands results back as camelCase JSON text. Every exported function
//! returns at once (work runs on the runtime), and no panic crosses into JavaScript.

#![deny(clippy::all)]

mod agent;
mod call;
mod case;
mod client;
mod errors;
mod host;
mod middleware;
mod object;
mod options;
mod protocol;
mod stream;

pub use call::NativeCall;
pub use client::NativeDitto;
pub use stream::NativeTextStream;

use napi_derive::napi;

/// The version of this package and of the Rust core it runs.
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The prefix of error messages that carry an `ErrorInfo` JSON object (for the JS wrapper).
#[napi]
pub fn error_prefix() -> String {
    errors::ERROR_PREFIX.to_owned()
}
