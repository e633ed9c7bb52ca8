//! Key views and changes shared by the admin API and the LiteLLM-compatible `/key/*` API.

use crate::config::time::{format_rfc3339, now_unix};
use crate::control::KeyEntry;
use crate::error::ApiError;
use crate::secret::{hash_token, hint, new_id, new_token};
use crate::state::AppState;
use crate::store::KeyRecord;
use serde_json::{json, Value};
use std::sync::Arc;

/// Prefix of generated tokens.
pub const TOKEN_PREFIX: &str = "sk-ditto-";

/// The public view of a key (never its token).
pub fn view(e: &KeyEntry) -> Value {
    let r = &e.record;
    let st = e.lock();
    json!({
        "id": r.id,
        "alias": r.alias,
        "token_hint": r.token_hint,
        "enabled": r.enabled,
        "expires_at": r.expires_at.map(format_rfc3339),
        "limits": {"rpm": r.rpm, "tpm": r.tpm},
        "budget": {
            "total_tokens": r.budget_tokens,
            "spent_tokens": st.spent,
            "reserved_tokens": st.reserved,
            "remaining_tokens": r.budget_tokens.map(|t| t.saturating_sub(st.spent + st.reserved)),
        },
        "requests": st.requests,
        "allowed_models": r.allowed_models,
        "tenant": r.tenant,
        "project": r.project,
        "user": r.user,
        "metadata": r.metadata,
        "source": r.source,
        "created_at": format_rfc3339(r.created_at),
    })
}

/// Fields a create or update may set (None: unchanged).
#[derive(Debug, Default)]
pub struct KeyChange {
    /// Alias.
    pub alias: Option<Option<String>>,
    /// Enabled.
    pub enabled: Option<bool>,
    /// Expiry.
    pub expires_at: Option<Option<u64>>,
    /// rpm.
    pub rpm: Option<Option<u64>>,
    /// tpm.
    pub tpm: Option<Option<u64>>,
    /// Budget.
    pub budget_tokens: Option<Option<u64>>,
    /// Allowed models.
    pub allowed_models: Option<Vec<String>>,
    /// Tenant.
    pub tenant: Option<Option<String>>,
    /// Project.
    pub project: Option<Option<String>>,
    /// User.
    pub user: Option<Option<String>>,
    /// Metadata.
    pub metadata: Option<Value>,
}

impl KeyChange {
    /// Apply to a record.
    pub fn apply(self, r: &mut KeyRecord) {
        if let Some(v) = self.alias {
            r.alias = v;
        }
        if let Some(v) = self.enabled {
            r.enabled = v;
        }
        if let Some(v) = self.expires_at {
            r.expires_at = v;
        }
        if let Some(v) = self.rpm {
            r.rpm = v;
        }
        if let Some(v) = self.tpm {
            r.tpm = v;
        }
        if let Some(v) = self.budget_tokens {
            r.budget_tokens = v;
        }
        if let Some(v) = self.allowed_models {
            r.allowed_models = v;
        }
        if let Some(v) = self.tenant {
            r.tenant = v;
        }
        if let Some(v) = self.project {
            r.project = v;
        }
        if let Some(v) = self.user {
            r.user = v;
        }
        if let Some(v) = self.metadata {
            r.metadata = v;
        }
    }
}

/// Save a record to the store, then to the table.
pub fn save(st: &AppState, record: KeyRecord) -> Result<Arc<KeyEntry>, ApiError> {
    st.store()
        .upsert_key(&record)
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    Ok(st.control.keys.put(record))
}

/// Create a key; returns its entry and the token (shown once).
pub fn create(
    st: &AppState,
    id: Option<String>,
    token: Option<String>,
    change: KeyChange,
) -> Result<(Arc<KeyEntry>, String), ApiError> {
    let id = id.unwrap_or_else(|| format!("key-{}", new_id()));
    if id.is_empty() || id.len() > 128 {
        return Err(ApiError::invalid_request("id: must be 1 to 128 characters"));
    }
    if st.control.keys.get(&id).is_some() {
        let mut e = ApiError::invalid_request(format!("id: a key `{id}` already exists"));
        e.status = axum::http::StatusCode::CONFLICT;
        return Err(e);
    }
    let token = match token {
        Some(t) if t.len() < 8 => {
            return Err(ApiError::invalid_request(
                "key: must be at least 8 characters",
            ))
        }
        Some(t) => t,
        None => new_token(TOKEN_PREFIX)
            .map_err(|e| ApiError::internal(format!("no randomness: {e}")))?,
    };
    let hash = hash_token(&token);
    if st.control.keys.get_by_hash(&hash).is_some() {
        return Err(ApiError::invalid_request(
            "key: this token is already in use",
        ));
    }
    let mut record = KeyRecord {
        id,
        token_hash: hash,
        token_hint: hint(&token),
        enabled: true,
        metadata: Value::Null,
        source: "api".into(),
        created_at: now_unix(),
        ..KeyRecord::default()
    };
    change.apply(&mut record);
    Ok((save(st, record)?, token))
}

/// Give a key a new token; returns it (shown once).
pub fn regenerate(st: &AppState, entry: &KeyEntry) -> Result<(Arc<KeyEntry>, String), ApiError> {
    let token =
        new_token(TOKEN_PREFIX).map_err(|e| ApiError::internal(format!("no randomness: {e}")))?;
    let mut record = entry.record.clone();
    record.token_hash = hash_token(&token);
    record.token_hint = hint(&token);
    Ok((save(st, record)?, token))
}

/// Delete a key.
pub fn delete(st: &AppState, id: &str) -> Result<bool, ApiError> {
    let existed = st
        .store()
        .delete_key(id)
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    Ok(st.control.keys.remove(id).is_some() || existed)
}

/// A key by id, or by its token.
pub fn find(st: &AppState, id_or_token: &str) -> Result<Arc<KeyEntry>, ApiError> {
    st.control
        .keys
        .get(id_or_token)
        .or_else(|| st.control.keys.get_by_hash(&hash_token(id_or_token)))
        .ok_or_else(|| ApiError::not_found("no such key"))
}

/// Read an optional non-negative integer field.
pub fn opt_u64(
    o: &serde_json::Map<String, Value>,
    k: &str,
) -> Result<Option<Option<u64>>, ApiError> {
    match o.get(k) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(v) => v.as_u64().map(|n| Some(Some(n))).ok_or_else(|| {
            ApiError::invalid_request(format!("{k}: must be a non-negative integer"))
        }),
    }
}

/// Read an optional string field.
pub fn opt_str(
    o: &serde_json::Map<String, Value>,
    k: &str,
) -> Result<Option<Option<String>>, ApiError> {
    match o.get(k) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => Ok(Some(Some(s.clone()))),
        Some(_) => Err(ApiError::invalid_request(format!("{k}: must be a string"))),
    }
}

/// Read an optional list of strings.
pub fn opt_list(
    o: &serde_json::Map<String, Value>,
    k: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str().map(str::to_owned).ok_or_else(|| {
                    ApiError::invalid_request(format!("{k}: must be a list of strings"))
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(ApiError::invalid_request(format!(
            "{k}: must be a list of strings"
        ))),
    }
}

/// Reject fields outside `allowed`.
pub fn only_fields(o: &serde_json::Map<String, Value>, allowed: &[&str]) -> Result<(), ApiError> {
    match o.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(ApiError::invalid_request(format!(
            "unknown field `{k}` (accepted: {})",
            allowed.join(", ")
        ))),
        None => Ok(()),
    }
}
