//! `ditto-mock-upstream`: a real HTTP server that speaks LLM provider wire
//! formats, replays recorded fixtures, injects faults on request and records
//! the requests it receives so tests in any language can assert on them.
//!
//! Start one from Rust with [`MockServer::start`]; run the binary
//! `ditto-mock-upstream` from other languages. The full behaviour (routes,
//! fault headers, admin API, scenario steps) is described in
//! `docs/mock-upstream.md`.
//!
//! Module map:
//! - [`config`]: [`MockConfig`] and default fixture folders.
//! - [`server`]: [`MockServer`], listener and router.
//! - [`record`]: [`RecordedRequest`] and the bounded request ring.
//! - [`stats`]: [`Stats`] counters and the stream outcome guard.
//! - [`scenario`]: [`Step`] and the bounded per-key step queues.
//! - [`cli`]: argument parsing for the binary.
//! - private: `handler` (provider requests), `faults` (fault headers),
//!   `fixtures` (fixture replay), `delivery` (timed/faulty body frames),
//!   `reply` (format-neutral reply), `echo` (echo text helpers),
//!   `admin` (admin routes), `plan` (the multi-step `plan:` replies),
//!   `wire` (which wire format a path speaks), and one
//!   module per provider wire format: `openai`, `anthropic`, `gemini`, `responses`, `cohere`, `bedrock`.

pub mod cli;
pub mod config;
pub mod record;
pub mod scenario;
pub mod server;
pub mod stats;

mod admin;
mod anthropic;
mod bedrock;
mod cohere;
mod delivery;
mod echo;
mod faults;
mod fixtures;
mod gemini;
mod handler;
mod openai;
mod plan;
mod reply;
mod responses;
mod state;
mod wire;

pub use config::MockConfig;
pub use record::RecordedRequest;
pub use scenario::Step;
pub use server::MockServer;
pub use stats::Stats;

/// Largest request body accepted; bigger bodies get `413`.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
