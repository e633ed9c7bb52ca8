//! Integration tests over real sockets, one binary with a module per area.

mod admin;
mod binary;
mod chat;
mod common;
mod embeddings;
mod faults;
mod fixtures;
mod plan;
mod scenarios;
