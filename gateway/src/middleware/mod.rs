//! Cross-cutting layers: request ids, metrics and access logs; admin authentication.

pub mod access_log;
mod admin_auth;
mod observe;

pub use admin_auth::{admin_auth, AdminRole};
pub use observe::{observe, observed, RequestId};
