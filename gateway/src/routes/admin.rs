//! `/admin/*`: keys CRUD (the token is shown once, at creation or regeneration), per-key usage
//! and budget state.
//!
//! Body of `POST /admin/keys` and `PATCH /admin/keys/{id}`:
//! `{"id", "alias", "token", "enabled", "expires_at", "limits": {"rpm", "tpm"},
//!   "budget": {"total_tokens"}, "allowed_models", "tenant", "project", "user", "metadata"}`.

use super::keys_common::{self as kc, KeyChange};
use super::JsonBody;
use crate::config::time::parse_expiry;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::sync::Arc;

const FIELDS: &[&str] = &[
    "id",
    "alias",
    "token",
    "enabled",
    "expires_at",
    "limits",
    "budget",
    "allowed_models",
    "tenant",
    "project",
    "user",
    "metadata",
];

fn object(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    body.as_object()
        .ok_or_else(|| ApiError::invalid_request("the body must be a JSON object"))
}

fn change_from(o: &Map<String, Value>) -> Result<KeyChange, ApiError> {
    kc::only_fields(o, FIELDS)?;
    let mut c = KeyChange {
        alias: kc::opt_str(o, "alias")?,
        tenant: kc::opt_str(o, "tenant")?,
        project: kc::opt_str(o, "project")?,
        user: kc::opt_str(o, "user")?,
        allowed_models: kc::opt_list(o, "allowed_models")?,
        metadata: o.get("metadata").cloned(),
        ..KeyChange::default()
    };
    if let Some(v) = o.get("enabled") {
        c.enabled = Some(
            v.as_bool()
                .ok_or_else(|| ApiError::invalid_request("enabled: must be true or false"))?,
        );
    }
    if let Some(v) = o.get("expires_at") {
        c.expires_at = Some(
            parse_expiry(v).map_err(|e| ApiError::invalid_request(format!("expires_at: {e}")))?,
        );
    }
    if let Some(l) = o.get("limits") {
        let l = l
            .as_object()
            .ok_or_else(|| ApiError::invalid_request("limits: must be an object"))?;
        kc::only_fields(l, &["rpm", "tpm"])?;
        c.rpm = kc::opt_u64(l, "rpm")?;
        c.tpm = kc::opt_u64(l, "tpm")?;
    }
    if let Some(b) = o.get("budget") {
        if b.is_null() {
            c.budget_tokens = Some(None);
        } else {
            let b = b
                .as_object()
                .ok_or_else(|| ApiError::invalid_request("budget: must be an object"))?;
            kc::only_fields(b, &["total_tokens"])?;
            c.budget_tokens = kc::opt_u64(b, "total_tokens")?;
        }
    }
    Ok(c)
}

/// `POST /admin/keys`.
pub async fn create(
    State(st): State<Arc<AppState>>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let o = object(&body)?;
    let change = change_from(o)?;
    let id = kc::opt_str(o, "id")?.flatten();
    let token = kc::opt_str(o, "token")?.flatten();
    let (entry, token) = kc::create(&st, id, token, change)?;
    let mut v = kc::view(&entry);
    v["token"] = Value::String(token);
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// `GET /admin/keys`.
pub async fn list(State(st): State<Arc<AppState>>) -> Json<Value> {
    let data: Vec<Value> = st.control.keys.list().iter().map(|e| kc::view(e)).collect();
    Json(json!({"object": "list", "data": data}))
}

/// `GET /admin/keys/{id}`.
pub async fn get(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let e = st
        .control
        .keys
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("no key `{id}`")))?;
    Ok(Json(kc::view(&e)))
}

/// `PATCH /admin/keys/{id}`.
pub async fn update(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let e = st
        .control
        .keys
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("no key `{id}`")))?;
    let o = object(&body)?;
    if o.contains_key("id") || o.contains_key("token") {
        return Err(ApiError::invalid_request(
            "id and token cannot be changed (use /regenerate for a new token)",
        ));
    }
    let change = change_from(o)?;
    let mut record = e.record.clone();
    change.apply(&mut record);
    let saved = kc::save(&st, record)?;
    Ok(Json(kc::view(&saved)))
}

/// `DELETE /admin/keys/{id}`.
pub async fn delete(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if !kc::delete(&st, &id)? {
        return Err(ApiError::not_found(format!("no key `{id}`")));
    }
    Ok(Json(json!({"id": id, "deleted": true})))
}

/// `POST /admin/keys/{id}/regenerate`.
pub async fn regenerate(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let e = st
        .control
        .keys
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("no key `{id}`")))?;
    let (entry, token) = kc::regenerate(&st, &e)?;
    let mut v = kc::view(&entry);
    v["token"] = Value::String(token);
    Ok(Json(v))
}

/// `POST /admin/keys/{id}/reset-budget`: zero the ledger.
pub async fn reset_budget(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let e = st
        .control
        .keys
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("no key `{id}`")))?;
    st.store()
        .reset_spent(&id)
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    e.lock().spent = 0;
    Ok(Json(kc::view(&e)))
}

/// `GET /admin/usage`: every key's ledger, plus totals.
pub async fn usage(State(st): State<Arc<AppState>>) -> Json<Value> {
    let mut total_spent = 0;
    let mut total_requests = 0;
    let mut keys = Vec::new();
    for e in st.control.keys.list() {
        let s = e.lock();
        total_spent += s.spent;
        total_requests += s.requests;
        keys.push(json!({"id": e.record.id, "spent_tokens": s.spent, "reserved_tokens": s.reserved,
                         "requests": s.requests, "budget_tokens": e.record.budget_tokens,
                         "tenant": e.record.tenant, "project": e.record.project, "user": e.record.user}));
    }
    Json(
        json!({"keys": keys, "total_spent_tokens": total_spent, "total_requests": total_requests,
                "reservations_in_flight": st.control.reservations_in_flight()}),
    )
}
