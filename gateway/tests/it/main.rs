//! Gateway integration tests over real sockets against `ditto-mock-upstream`.

mod admin;
mod budget;
mod common;
mod config;
mod crash;
mod ditto_stream;
mod faults;
mod front;
mod passthrough;
mod routing;
mod translate;
mod ui;
