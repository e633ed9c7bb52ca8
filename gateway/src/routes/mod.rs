//! HTTP endpoints, one file per family.

pub mod admin;
mod keys_common;
pub mod litellm;
pub mod openai;
pub mod ops;
mod peek;

use crate::error::ApiError;
use axum::extract::{FromRequest, Request};

/// A JSON body whose rejection is an OpenAI-shaped error.
#[derive(Debug)]
pub struct JsonBody(pub serde_json::Value);

/// Largest admin request body.
const MAX_ADMIN_BODY: usize = 1024 * 1024;

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::to_bytes(req.into_body(), MAX_ADMIN_BODY)
            .await
            .map_err(|_| ApiError::too_large(MAX_ADMIN_BODY))?;
        if bytes.is_empty() {
            return Ok(JsonBody(serde_json::Value::Object(Default::default())));
        }
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::invalid_request(format!("the body is not valid JSON: {e}")))
    }
}

/// The embedded default's key `default`: created on first start, given a fresh token on every
/// start (the token is only ever shown once). Returns the token.
pub fn keys_common_create_default(st: &crate::state::AppState) -> Result<String, ApiError> {
    match st.control.keys.get("default") {
        Some(e) => keys_common::regenerate(st, &e).map(|(_, t)| t),
        None => keys_common::create(
            st,
            Some("default".into()),
            None,
            keys_common::KeyChange::default(),
        )
        .map(|(_, t)| t),
    }
}
