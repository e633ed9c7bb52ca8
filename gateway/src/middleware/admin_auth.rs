//! `/admin/*` and `/key/*`: the admin token may do anything, the read-only token may only read.

use crate::error::ApiError;
use crate::secret::{bearer, ct_eq, hash_token};
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Which admin token was presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminRole {
    /// Read and write.
    Admin,
    /// Read only.
    ReadOnly,
}

/// True for requests that only read (`GET`, and the LiteLLM read endpoints).
fn is_read(req: &Request) -> bool {
    req.method() == Method::GET || req.method() == Method::HEAD
}

/// The layer.
pub async fn admin_auth(State(st): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let Some(token) = bearer(req.headers()) else {
        return ApiError::unauthorized(
            "missing admin token: send `Authorization: Bearer <admin token>`",
        )
        .into_response();
    };
    let h = hash_token(token);
    let role = if ct_eq(&h, &st.admin_hash) {
        AdminRole::Admin
    } else if st.read_only_hash.as_deref().is_some_and(|ro| ct_eq(&h, ro)) {
        AdminRole::ReadOnly
    } else {
        return ApiError::unauthorized("invalid admin token").into_response();
    };
    if role == AdminRole::ReadOnly && !is_read(&req) {
        return ApiError::forbidden(
            "read_only",
            "the read-only admin token cannot change anything",
        )
        .into_response();
    }
    req.extensions_mut().insert(role);
    next.run(req).await
}
