//! # ditto-gateway
//!
//! An OpenAI-compatible LLM gateway on the `ditto-llm` core: passthrough to OpenAI-compatible
//! backends (streamed without buffering), translation to native providers through the core,
//! virtual keys (hashed), rpm/tpm limits, token budgets with reserve → settle persisted in
//! SQLite, an admin API with LiteLLM-compatible `/key/*` routes, `/health`, `/ready`,
//! `/metrics`. See `docs/gateway.md`.

pub mod backend;
pub mod cli;
pub mod config;
pub mod control;
pub mod error;
mod front;
pub mod metrics;
pub mod middleware;
pub mod relay;
pub mod routes;
pub mod secret;
pub mod server;
pub mod state;
pub mod store;
pub mod translate;

pub use config::GatewayConfig;
pub use error::ApiError;
pub use server::{start, Gateway, StartOptions};
pub use store::StoreSpec;
