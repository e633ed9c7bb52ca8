//! Passthrough to `base_url` backends: the client's request, rewritten only where needed
//! (model map, usage request, budget cap), headers and query injected, the client's key removed;
//! the response relayed as it arrives.

mod body;
pub mod sse_scan;
pub mod usage;

pub use body::{RelayBody, Settle, Watch};

use crate::backend::BackendKind;
use crate::error::ApiError;
use crate::routes::openai::Prepared;
use crate::state::AppState;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use std::sync::Arc;
use std::time::Instant;

/// Request headers never forwarded: hop-by-hop, the client's credentials, and ones the HTTP
/// client sets itself.
const DROP_REQUEST: &[&str] = &[
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "authorization",
    "x-api-key",
    "api-key",
    "cookie",
    "accept-encoding",
    "x-request-id",
];

/// Response headers never relayed.
const DROP_RESPONSE: &[&str] = &[
    "connection",
    "keep-alive",
    "transfer-encoding",
    "upgrade",
    "proxy-authenticate",
    "trailer",
    "set-cookie",
    "x-request-id",
];

fn upstream_headers(p: &Prepared) -> HeaderMap {
    let mut h = HeaderMap::with_capacity(p.headers.len() + p.backend.headers.len() + 1);
    for (name, value) in &p.headers {
        if !DROP_REQUEST.contains(&name.as_str()) {
            h.append(name.clone(), value.clone());
        }
    }
    if p.rewritten {
        h.insert("content-type", HeaderValue::from_static("application/json"));
    }
    for (name, value) in &p.backend.headers {
        h.insert(name.clone(), value.clone());
    }
    if let Ok(v) = HeaderValue::from_str(&p.request_id) {
        h.insert(HeaderName::from_static("x-request-id"), v);
    }
    h
}

/// Map a send failure to 502 / 504.
fn send_error(e: &hyper_util::client::legacy::Error, backend: &str) -> ApiError {
    let timed_out = std::error::Error::source(e)
        .is_some_and(|s| s.to_string().to_ascii_lowercase().contains("timed out"));
    if timed_out {
        ApiError::gateway_timeout(format!("backend `{backend}` timed out"))
    } else if e.is_connect() {
        ApiError::bad_gateway(format!("cannot connect to backend `{backend}`"))
    } else {
        ApiError::bad_gateway(format!("backend `{backend}` failed: the connection broke"))
    }
}

/// Send the request and relay the response.
pub async fn passthrough(st: Arc<AppState>, p: Prepared) -> Result<Response, ApiError> {
    let BackendKind::Passthrough {
        base_url,
        base_path,
        extra_query,
        client,
        ..
    } = &p.backend.kind
    else {
        return Err(ApiError::internal(
            "passthrough called for a provider backend",
        ));
    };
    let mut url = base_url.clone();
    url.set_path(&format!("{base_path}{}", p.path));
    match (&p.query, extra_query) {
        (None, None) => url.set_query(None),
        (Some(q), None) => url.set_query(Some(q)),
        (None, Some(x)) => url.set_query(Some(x)),
        (Some(q), Some(x)) => url.set_query(Some(&format!("{q}&{x}"))),
    }
    let body = if p.rewritten {
        match &p.json {
            Some(j) => bytes::Bytes::from(
                serde_json::to_vec(j).map_err(|e| ApiError::internal(e.to_string()))?,
            ),
            None => p.raw.clone(),
        }
    } else {
        p.raw.clone()
    };
    let headers = upstream_headers(&p);
    let timeouts = p.backend.timeouts;
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + timeouts.total;
    let mut request = hyper::Request::new(http_body_util::Full::new(body));
    *request.method_mut() = p.method.clone();
    *request.uri_mut() = url
        .as_str()
        .parse()
        .map_err(|_| ApiError::internal("the upstream URL is not a valid URI"))?;
    *request.headers_mut() = headers;
    let send = client.request(request);
    let first_byte = timeouts.first_byte.min(timeouts.total);
    let backend_name = p.backend.name.clone();
    let result = tokio::time::timeout(first_byte, send).await;
    st.metrics
        .record_upstream(&backend_name, started.elapsed().as_secs_f64());
    let Prepared {
        ticket,
        permits,
        input_estimate,
        strip_usage,
        ..
    } = p;
    let response = match result {
        Err(_) => {
            ticket.release();
            return Err(ApiError::gateway_timeout(format!(
                "backend `{backend_name}` sent no response within {} ms",
                first_byte.as_millis()
            )));
        }
        Ok(Err(e)) => {
            ticket.release();
            return Err(send_error(&e, &backend_name));
        }
        Ok(Ok(r)) => r,
    };
    let status = response.status();
    let is_sse = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    let is_json = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let mut out = Response::builder()
        .status(StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY));
    let strip = strip_usage && is_sse;
    if let Some(h) = out.headers_mut() {
        for (name, value) in response.headers() {
            let n = name.as_str();
            if DROP_RESPONSE.contains(&n) || (strip && n == "content-length") {
                continue;
            }
            h.append(name.clone(), value.clone());
        }
    }
    let (watch, ticket) = if !status.is_success() {
        // The upstream refused: nothing was generated, nothing is charged.
        ticket.release();
        (Watch::Nothing, None)
    } else if is_sse {
        (Watch::Sse(sse_scan::SseScanner::new(strip)), Some(ticket))
    } else if is_json {
        (Watch::Json(bytes::BytesMut::new()), Some(ticket))
    } else {
        let mut t = ticket;
        t.set_fallback(input_estimate);
        (Watch::Nothing, Some(t))
    };
    let settle = Settle {
        ticket,
        input_estimate,
        metrics: st.metrics.clone(),
        backend: backend_name,
    };
    let body = RelayBody::new(response, watch, settle, deadline, permits);
    out.body(Body::from_stream(body))
        .map_err(|e| ApiError::internal(e.to_string()))
}
