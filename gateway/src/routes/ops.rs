//! `/health` (process up), `/ready` (store reachable), `/metrics` (Prometheus text).

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;
use std::sync::Arc;

/// `GET /health`.
pub async fn health() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// `GET /ready`: 503 when the store does not answer.
pub async fn ready(State(st): State<Arc<AppState>>) -> Result<Json<serde_json::Value>, ApiError> {
    st.store()
        .ping()
        .map_err(|e| ApiError::unavailable(format!("not ready: {e}")))?;
    Ok(Json(
        json!({"status": "ready", "keys": st.control.keys.len(), "backends": st.backends.len()}),
    ))
}

/// `GET /metrics`.
pub async fn metrics(State(st): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        st.metrics
            .render(st.control.keys.len(), st.control.reservations_in_flight()),
    )
}
