//! Admin routes under `/__mock/` (and `/health`); never recorded.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::openai::error;
use crate::scenario::Step;
use crate::state::Shared;

/// The admin router (state still to be supplied).
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route(
            "/__mock/requests",
            get(list_requests).delete(clear_requests),
        )
        .route("/__mock/scenarios", get(list_scenarios))
        .route(
            "/__mock/scenarios/{key}",
            post(push_steps).delete(remove_scenario),
        )
        .route("/__mock/stats", get(stats))
        .route("/__mock/reset", post(reset))
}

#[derive(Debug, Deserialize)]
struct RequestFilter {
    scenario: Option<String>,
}

async fn list_requests(
    State(shared): State<Arc<Shared>>,
    Query(filter): Query<RequestFilter>,
) -> Response {
    Json(shared.recorder.snapshot(filter.scenario.as_deref())).into_response()
}

async fn clear_requests(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.recorder.clear();
    StatusCode::NO_CONTENT
}

async fn list_scenarios(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.scenarios.lengths()).into_response()
}

#[derive(Debug, Deserialize)]
struct StepsBody {
    steps: Vec<Step>,
}

async fn push_steps(
    State(shared): State<Arc<Shared>>,
    Path(key): Path<String>,
    body: Bytes,
) -> Response {
    let steps = match serde_json::from_slice::<StepsBody>(&body) {
        Ok(parsed) => parsed.steps,
        Err(err) => {
            let message = format!("expected {{\"steps\":[Step,...]}}: {err}");
            return bad_request(&message);
        }
    };
    match shared.scenarios.push(&key, steps) {
        Ok(queued) => Json(json!({ "key": key, "queued": queued })).into_response(),
        Err(err) => bad_request(&err.to_string()),
    }
}

async fn remove_scenario(State(shared): State<Arc<Shared>>, Path(key): Path<String>) -> StatusCode {
    shared.scenarios.remove(&key);
    StatusCode::NO_CONTENT
}

async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.counters.snapshot()).into_response()
}

async fn reset(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.reset();
    StatusCode::NO_CONTENT
}

fn bad_request(message: &str) -> Response {
    let body = error::body(message, "invalid_request_error", None, None);
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}
