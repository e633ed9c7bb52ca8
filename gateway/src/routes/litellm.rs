//! LiteLLM-compatible key management: `/key/generate`, `/key/info`, `/key/list`,
//! `/key/update`, `/key/delete`, `/key/regenerate`. Field names follow LiteLLM
//! (`key_alias`, `models`, `rpm_limit`, `tpm_limit`, `duration`, `user_id`, `team_id`,
//! `metadata`, `blocked`); `budget_tokens` is Ditto's token budget. `max_budget` (USD) is
//! refused with a clear 400 until USD pricing lands.

use super::keys_common::{self as kc, KeyChange};
use super::JsonBody;
use crate::config::time::{format_rfc3339, now_unix};
use crate::control::KeyEntry;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

const FIELDS: &[&str] = &[
    "key",
    "key_alias",
    "models",
    "rpm_limit",
    "tpm_limit",
    "duration",
    "user_id",
    "team_id",
    "project_id",
    "metadata",
    "blocked",
    "budget_tokens",
    "max_budget",
    "key_id",
];

/// `30s`, `15m`, `1h`, `30d` → seconds.
fn duration_secs(s: &str) -> Result<u64, ApiError> {
    let bad =
        || ApiError::invalid_request(format!("duration: `{s}` is not like 30s, 15m, 1h or 30d"));
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
    let n: u64 = num.parse().map_err(|_| bad())?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(bad()),
    };
    Ok(n.saturating_mul(mult))
}

fn change_from(o: &Map<String, Value>) -> Result<KeyChange, ApiError> {
    kc::only_fields(o, FIELDS)?;
    if o.get("max_budget").is_some_and(|v| !v.is_null()) {
        return Err(ApiError::invalid_request(
            "max_budget (USD) is not supported yet; set `budget_tokens` for a token budget",
        ));
    }
    let mut c = KeyChange {
        alias: kc::opt_str(o, "key_alias")?,
        user: kc::opt_str(o, "user_id")?,
        tenant: kc::opt_str(o, "team_id")?,
        project: kc::opt_str(o, "project_id")?,
        allowed_models: kc::opt_list(o, "models")?,
        rpm: kc::opt_u64(o, "rpm_limit")?,
        tpm: kc::opt_u64(o, "tpm_limit")?,
        budget_tokens: kc::opt_u64(o, "budget_tokens")?,
        metadata: o.get("metadata").cloned(),
        ..KeyChange::default()
    };
    if let Some(v) = o.get("blocked").filter(|v| !v.is_null()) {
        c.enabled = Some(
            !v.as_bool()
                .ok_or_else(|| ApiError::invalid_request("blocked: must be true or false"))?,
        );
    }
    match o.get("duration") {
        None => {}
        Some(Value::Null) => c.expires_at = Some(None),
        Some(Value::String(d)) => c.expires_at = Some(Some(now_unix() + duration_secs(d)?)),
        Some(_) => {
            return Err(ApiError::invalid_request(
                "duration: must be a string like 30d",
            ))
        }
    }
    Ok(c)
}

fn info(e: &KeyEntry) -> Value {
    let r = &e.record;
    let s = e.lock();
    json!({
        "key_name": r.token_hint, "key_alias": r.alias, "token_id": r.id,
        "expires": r.expires_at.map(format_rfc3339), "models": r.allowed_models,
        "rpm_limit": r.rpm, "tpm_limit": r.tpm, "budget_tokens": r.budget_tokens,
        "spend_tokens": s.spent, "reserved_tokens": s.reserved, "requests": s.requests,
        "user_id": r.user, "team_id": r.tenant, "project_id": r.project,
        "metadata": r.metadata, "blocked": !r.enabled, "created_at": format_rfc3339(r.created_at),
    })
}

fn object(v: &Value) -> Result<&Map<String, Value>, ApiError> {
    v.as_object()
        .ok_or_else(|| ApiError::invalid_request("the body must be a JSON object"))
}

fn key_param(o: &Map<String, Value>) -> Result<String, ApiError> {
    o.get("key")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::invalid_request("key: required"))
}

/// `POST /key/generate`.
pub async fn generate(
    State(st): State<Arc<AppState>>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let o = object(&body)?;
    let change = change_from(o)?;
    let token = kc::opt_str(o, "key")?.flatten();
    let id = kc::opt_str(o, "key_id")?.flatten();
    let (entry, token) = kc::create(&st, id, token, change)?;
    let mut v = info(&entry);
    v["key"] = Value::String(token);
    Ok(Json(v))
}

/// `GET /key/info?key=...` (a token or a key id).
pub async fn key_info(
    State(st): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let k = q
        .get("key")
        .ok_or_else(|| ApiError::invalid_request("key: required query parameter"))?;
    let e = kc::find(&st, k)?;
    Ok(Json(json!({"key": e.record.id, "info": info(&e)})))
}

/// `GET /key/list`.
pub async fn list(State(st): State<Arc<AppState>>) -> Json<Value> {
    let keys: Vec<String> = st
        .control
        .keys
        .list()
        .iter()
        .map(|e| e.record.id.clone())
        .collect();
    let n = keys.len();
    Json(json!({"keys": keys, "total_count": n, "current_page": 1, "total_pages": 1}))
}

/// `POST /key/update`.
pub async fn update(
    State(st): State<Arc<AppState>>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let o = object(&body)?;
    let e = kc::find(&st, &key_param(o)?)?;
    let mut rest = o.clone();
    rest.remove("key");
    let change = change_from(&rest)?;
    let mut record = e.record.clone();
    change.apply(&mut record);
    let saved = kc::save(&st, record)?;
    Ok(Json(info(&saved)))
}

/// `POST /key/delete` with `{"keys": [...]}` (tokens or ids).
pub async fn delete(
    State(st): State<Arc<AppState>>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let o = object(&body)?;
    let keys =
        kc::opt_list(o, "keys")?.ok_or_else(|| ApiError::invalid_request("keys: required list"))?;
    let mut deleted = Vec::new();
    for k in keys {
        let e = kc::find(&st, &k)?;
        kc::delete(&st, &e.record.id)?;
        deleted.push(e.record.id.clone());
    }
    Ok(Json(json!({"deleted_keys": deleted})))
}

/// `POST /key/regenerate` with `{"key": ...}`, or `POST /key/{key}/regenerate`.
pub async fn regenerate(
    State(st): State<Arc<AppState>>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let e = kc::find(&st, &key_param(object(&body)?)?)?;
    regenerated(&st, &e)
}

/// `POST /key/{key}/regenerate`.
pub async fn regenerate_path(
    State(st): State<Arc<AppState>>,
    Path(k): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let e = kc::find(&st, &k)?;
    regenerated(&st, &e)
}

fn regenerated(st: &AppState, e: &KeyEntry) -> Result<Json<Value>, ApiError> {
    let (entry, token) = kc::regenerate(st, e)?;
    let mut v = info(&entry);
    v["key"] = Value::String(token);
    Ok(Json(v))
}

#[cfg(test)]
mod tests {
    use super::duration_secs;

    #[test]
    fn durations() {
        assert_eq!(duration_secs("30s").unwrap(), 30);
        assert_eq!(duration_secs("2h").unwrap(), 7200);
        assert_eq!(duration_secs("30d").unwrap(), 2_592_000);
        assert!(duration_secs("soon").is_err());
        assert!(duration_secs("10y").is_err());
    }
}
