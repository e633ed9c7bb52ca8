//! Accepts or generates `x-request-id`, returns it on every response, counts the request in
//! the metrics and writes one access-log line (no headers, no bodies, no secrets).

use crate::error::RejectReason;
use crate::routes::openai::BackendName;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::time::Instant;

/// The request id, in request extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A client-supplied id is kept when it is short and printable.
fn accept_id(v: &HeaderValue) -> Option<String> {
    let s = v.to_str().ok()?;
    (!s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic()))
        .then(|| s.to_owned())
}

/// A bounded route label.
pub fn route_label(path: &str) -> &'static str {
    let p = path.strip_prefix("/v1").unwrap_or(path);
    match p {
        "/chat/completions" => "/v1/chat/completions",
        "/completions" => "/v1/completions",
        "/embeddings" => "/v1/embeddings",
        "/models" => "/v1/models",
        "/responses" => "/v1/responses",
        "/health" => "/health",
        "/ready" => "/ready",
        "/metrics" => "/metrics",
        _ if p.starts_with("/models/") => "/v1/models/{id}",
        _ if path.starts_with("/admin/") => "/admin",
        _ if path.starts_with("/key/") => "/key",
        _ => "other",
    }
}

/// The layer (for the router served on its own, see [`crate::server::app`]).
pub async fn observe(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    observed(&st, req, |req| next.run(req)).await
}

/// Observe one request served by `inner`: the request id in, the same id out, metrics, the
/// access-log line.
pub async fn observed<F, Fut>(st: &AppState, mut req: Request, inner: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    let started = Instant::now();
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(accept_id)
        .unwrap_or_else(|| {
            let mut id = String::with_capacity(24);
            id.push_str("req_");
            crate::secret::push_unique_id(&mut id);
            id
        });
    let route = route_label(req.uri().path());
    let method = req.method().clone();
    req.extensions_mut().insert(RequestId(id.clone()));
    st.metrics.in_flight_add(1);
    let mut resp = inner(req).await;
    st.metrics.in_flight_add(-1);
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    let status = resp.status().as_u16();
    let backend = resp
        .extensions()
        .get::<BackendName>()
        .map(|b| b.0.as_str())
        .unwrap_or("");
    let secs = started.elapsed().as_secs_f64();
    st.metrics.record_request(route, status, backend, secs);
    if let Some(RejectReason(reason)) = resp.extensions().get::<RejectReason>() {
        st.metrics.record_rejection(reason);
    }
    if route != "/metrics" && route != "/health" {
        super::access_log::request(
            &id,
            method.as_str(),
            route,
            status,
            backend,
            (secs * 1000.0) as u64,
        );
    }
    resp
}
