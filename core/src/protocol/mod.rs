//! Wire protocols that carry Ditto streams to other processes:
//!
//! - [`ditto_v1`]: the Ditto stream protocol v1 (`{"v":1,"type":...}` events over SSE or
//!   NDJSON), spoken by the SDKs and the gateway. Specified in `docs/stream-protocol.md`.
//! - [`ui_message`]: the AI SDK UI message stream (v1), so a Ditto backend can serve a
//!   `useChat` front end directly. See `docs/ui-stream.md`.

pub mod ditto_v1;
pub mod ui_message;
