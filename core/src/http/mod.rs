//! The one HTTP layer: pooled client, timeouts, retries and SSE framing.

pub mod sse;
