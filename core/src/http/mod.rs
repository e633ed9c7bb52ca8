//! The one HTTP layer: a pooled client, connect / first-byte / idle / total timeouts, retries
//! that honour `retry-after`, bounded body reading, and SSE framing. Providers only build
//! requests and parse responses; every byte goes through here.

mod body;
mod client;
mod config;
mod retry;
pub mod sse;

pub use body::ByteStream;
pub use client::{HttpClient, HttpRequest, HttpResponse};
pub use config::{HttpConfig, RetryPolicy};
pub use retry::{parse_retry_after, ErrorMapper};
