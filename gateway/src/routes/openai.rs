//! `ANY /v1/*` (and the same paths without `/v1`): authenticate, bound the body, route by
//! model, check limits, reserve budget, then hand over to passthrough or translation.

use crate::backend::{Backend, BackendKind};
use crate::config::time::now_unix;
use crate::control::Ticket;
use crate::error::ApiError;
use crate::middleware::RequestId;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::OwnedSemaphorePermit;

/// Concurrency permits held for the life of a request (body included).
#[derive(Debug)]
pub struct Permits {
    _global: OwnedSemaphorePermit,
    _backend: Option<OwnedSemaphorePermit>,
}

/// A request ready to be sent: authenticated, routed, budgeted.
#[derive(Debug)]
pub struct Prepared {
    /// The backend.
    pub backend: Arc<Backend>,
    /// Method.
    pub method: Method,
    /// Path below `/v1` (`/chat/completions`).
    pub path: String,
    /// The raw query string.
    pub query: Option<String>,
    /// Client headers.
    pub headers: HeaderMap,
    /// The body as received.
    pub raw: Bytes,
    /// The body parsed, for translated backends and rewritten passthrough bodies (model map,
    /// usage request, output cap applied); None when the raw bytes go upstream unchanged.
    pub json: Option<Value>,
    /// True when `json` differs from `raw`.
    pub rewritten: bool,
    /// The client's model name.
    pub model: Option<String>,
    /// The request id.
    pub request_id: String,
    /// True when the gateway asked for stream usage the client did not request.
    pub strip_usage: bool,
    /// Budget claim.
    pub ticket: Ticket,
    /// Concurrency permits.
    pub permits: Permits,
    /// Token estimate of the input (for settling when usage never arrives).
    pub input_estimate: u64,
}

/// Marks which backend served a response (for metrics and logs).
#[derive(Debug, Clone)]
pub struct BackendName(pub String);

/// The AI SDK UI chat endpoint (below `/v1`), served by the gateway itself on every backend.
pub const UI_CHAT_PATH: &str = "/ui/chat";

/// The Ditto stream protocol v1 endpoint (below `/v1`), served by the gateway itself on every
/// backend.
pub const DITTO_STREAM_PATH: &str = "/ditto/stream";

/// Paths whose body is a JSON object with token usage.
fn is_token_path(path: &str) -> bool {
    matches!(
        path,
        "/chat/completions"
            | "/completions"
            | "/embeddings"
            | "/responses"
            | UI_CHAT_PATH
            | DITTO_STREAM_PATH
    )
}

/// Endpoints the gateway serves itself through the core, on any backend (never passed
/// through), with what a client POSTs there.
fn served_here(path: &str) -> Option<&'static str> {
    match path {
        UI_CHAT_PATH => Some("a useChat request"),
        DITTO_STREAM_PATH => Some("a Ditto TextRequest"),
        _ => None,
    }
}

fn body_too_large(headers: &HeaderMap, limit: usize) -> bool {
    headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > limit as u64)
}

/// The handler.
pub async fn handle(State(st): State<Arc<AppState>>, req: Request) -> Response {
    match prepare(st.clone(), req).await {
        Ok(p) => {
            let name = BackendName(p.backend.name.clone());
            let served = if p.path == UI_CHAT_PATH {
                crate::translate::ui_chat(st.clone(), p).await
            } else if p.path == DITTO_STREAM_PATH {
                crate::translate::ditto_stream(st.clone(), p).await
            } else {
                match &p.backend.kind {
                    BackendKind::Passthrough { .. } => {
                        crate::relay::passthrough(st.clone(), p).await
                    }
                    BackendKind::Provider { .. } => crate::translate::dispatch(st.clone(), p).await,
                }
            };
            let mut resp = served.unwrap_or_else(IntoResponse::into_response);
            resp.extensions_mut().insert(name);
            resp
        }
        Err(e) => e.into_response(),
    }
}

async fn prepare(st: Arc<AppState>, req: Request) -> Result<Prepared, ApiError> {
    let (parts, body) = req.into_parts();
    let key = st
        .control
        .keys
        .authenticate(crate::secret::bearer(&parts.headers), now_unix())?;
    let global = st.global_permits.clone().try_acquire_owned().map_err(|_| {
        ApiError::rate_limited(
            "gateway_overloaded",
            "the gateway is at its in-flight limit; retry shortly",
            1,
        )
    })?;
    if body_too_large(&parts.headers, st.max_body_bytes) {
        return Err(ApiError::too_large(st.max_body_bytes));
    }
    let raw = axum::body::to_bytes(body, st.max_body_bytes)
        .await
        .map_err(|e| {
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.to_string().contains("length limit"))
                || e.to_string().contains("length limit");
            if too_large {
                ApiError::too_large(st.max_body_bytes)
            } else {
                ApiError::invalid_request(format!("could not read the request body: {e}"))
            }
        })?;
    let full_path = parts.uri.path();
    let path = full_path
        .strip_prefix("/v1")
        .unwrap_or(full_path)
        .to_owned();
    let own = served_here(&path);
    let served_by_core = own.is_some();
    if let (Some(what), false) = (own, parts.method == Method::POST) {
        return Err(ApiError::new(
            axum::http::StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request_error",
            Some("method_not_allowed"),
            format!("{} /v1{path} is not allowed (POST {what})", parts.method),
        ));
    }
    let looks_json = raw.first().is_some_and(|b| *b == b'{')
        || parts
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
    let peeked = if !raw.is_empty() && looks_json {
        match super::peek::peek(&raw) {
            Ok(p) => Some(p),
            Err(e) if is_token_path(&path) => return Err(ApiError::invalid_request(e)),
            Err(_) => None,
        }
    } else {
        None
    };
    if is_token_path(&path) && parts.method == Method::POST && peeked.is_none() {
        return Err(ApiError::invalid_request(
            "this endpoint takes a JSON object body",
        ));
    }
    let model = peeked.as_ref().and_then(|p| p.model.clone());
    if let Some(m) = &model {
        if !key.allows_model(m) {
            return Err(ApiError::forbidden(
                "model_not_allowed",
                format!("key `{}` may not use model `{m}`", key.record.id),
            ));
        }
    }
    let idx = st.router.route(model.as_deref()).ok_or_else(|| {
        ApiError::not_found(match &model {
            Some(m) => format!("no backend serves model `{m}`"),
            None => "no default backend is configured".to_owned(),
        })
    })?;
    let backend = st.backends[idx].clone();
    let backend_permit = match &backend.permits {
        Some(sem) => Some(sem.clone().try_acquire_owned().map_err(|_| {
            ApiError::rate_limited(
                "backend_overloaded",
                format!(
                    "backend `{}` is at its in-flight limit; retry shortly",
                    backend.name
                ),
                1,
            )
        })?),
        None => None,
    };
    st.control.check_rate(&key)?;

    // Decide on rewrites from the peek; build the JSON tree only when one is needed.
    let input_estimate = raw.len() as u64;
    let passthrough = matches!(backend.kind, BackendKind::Passthrough { .. });
    let is_chat = matches!(path.as_str(), "/chat/completions" | "/completions") || served_by_core;
    let mut output_reserve = 0;
    let mut inject_cap = None;
    let mut strip_usage = false;
    if let (Some(p), true) = (&peeked, is_chat) {
        output_reserve = match p.cap() {
            Some(c) => c,
            None => match st.control.output_room(&key, input_estimate) {
                // Near the end of the budget: cap the output to what is left.
                Some(room) if room < st.default_output_reserve => {
                    inject_cap = Some(room.max(1));
                    room.max(1)
                }
                _ => st.default_output_reserve,
            },
        };
        strip_usage = passthrough && !served_by_core && p.streams_without_usage();
    }
    let mapped = model
        .as_deref()
        .map(|m| backend.map_model(m))
        .filter(|mm| Some(*mm) != model.as_deref())
        .map(str::to_owned);
    let rewritten =
        passthrough && !served_by_core && (mapped.is_some() || inject_cap.is_some() || strip_usage);
    let json = if peeked.is_some() && (rewritten || !passthrough || served_by_core) {
        let mut v: Value = serde_json::from_slice(&raw).map_err(|e| {
            ApiError::invalid_request(format!("the request body is not valid JSON: {e}"))
        })?;
        if let Some(j) = v.as_object_mut() {
            if let Some(m) = mapped {
                j.insert("model".into(), Value::String(m));
            }
            if let Some(cap) = inject_cap {
                j.insert("max_tokens".into(), Value::from(cap));
            }
            if strip_usage {
                let opts = j
                    .entry("stream_options")
                    .or_insert_with(|| Value::Object(Default::default()));
                if let Some(o) = opts.as_object_mut() {
                    o.insert("include_usage".into(), Value::Bool(true));
                }
            }
        }
        Some(v)
    } else {
        None
    };
    let ticket = st.control.reserve(&key, input_estimate + output_reserve)?;
    let request_id = parts
        .extensions
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    Ok(Prepared {
        backend,
        method: parts.method,
        path,
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        raw,
        json,
        rewritten,
        model,
        request_id,
        strip_usage,
        ticket,
        permits: Permits {
            _global: global,
            _backend: backend_permit,
        },
        input_estimate,
    })
}
