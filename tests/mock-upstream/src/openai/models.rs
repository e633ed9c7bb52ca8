//! `GET /v1/models`.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::reply::Reply;

/// Model ids the mock lists.
pub(crate) const MODEL_IDS: [&str; 3] = ["gpt-4o-mini", "text-embedding-3-small", "mock-lorem"];

/// The model list reply.
pub(crate) fn list() -> Reply {
    let data: Vec<Value> = MODEL_IDS
        .iter()
        .map(|id| {
            json!({
                "id": id,
                "object": "model",
                "created": super::chat::CREATED,
                "owned_by": "ditto-mock",
            })
        })
        .collect();
    Reply::json(StatusCode::OK, &json!({ "object": "list", "data": data }))
}
