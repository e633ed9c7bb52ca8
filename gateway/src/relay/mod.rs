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
use axum::http::{HeaderMap, HeaderName, HeaderValue};
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

/// The upstream URI through `Url` (percent-encoding and dot segments as the URL standard says).
fn url_uri(
    base_url: &reqwest::Url,
    base_path: &str,
    path: &str,
    query: &Option<String>,
    extra_query: &Option<String>,
) -> Result<hyper::Uri, ApiError> {
    let mut url = base_url.clone();
    url.set_path(&format!("{base_path}{path}"));
    match (query, extra_query) {
        (None, None) => url.set_query(None),
        (Some(q), None) => url.set_query(Some(q)),
        (None, Some(x)) => url.set_query(Some(x)),
        (Some(q), Some(x)) => url.set_query(Some(&format!("{q}&{x}"))),
    }
    url.as_str()
        .parse()
        .map_err(|_| ApiError::internal("the upstream URL is not a valid URI"))
}

/// A byte `Url` keeps as it is in a path segment or a query: ASCII letters and digits,
/// unreserved characters, sub-delimiters, `:` and `@` (RFC 3986 `pchar` without
/// percent-escapes).
fn is_uri_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'_'
                | b'.'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
        )
}

/// A path `Url` would take as it is: absolute, only unreserved characters and sub-delimiters,
/// no percent-escapes, no dot segments, no empty segments.
fn plain_path(base_path: &str, path: &str) -> bool {
    let ok = |s: &str| {
        s.bytes().all(|b| is_uri_safe(b) || b == b'/')
            && !s
                .as_bytes()
                .windows(2)
                .any(|w| w[0] == b'/' && (w[1] == b'.' || w[1] == b'/'))
    };
    let first = if base_path.is_empty() {
        path
    } else {
        base_path
    };
    first.starts_with('/') && ok(base_path) && ok(path)
}

/// A query `Url` would take as it is (nothing it percent-encodes).
fn plain_query(query: &Option<String>) -> bool {
    query.as_deref().is_none_or(|q| {
        q.bytes()
            .all(|b| is_uri_safe(b) || matches!(b, b'/' | b'?' | b'%'))
    })
}

/// The upstream URI from the pre-parsed scheme and authority, for plain paths and queries
/// (the same URI `url_uri` gives them, without parsing the URL again).
fn fast_uri(
    scheme: &axum::http::uri::Scheme,
    authority: &axum::http::uri::Authority,
    base_path: &str,
    path: &str,
    query: &Option<String>,
    extra_query: &Option<String>,
) -> Option<hyper::Uri> {
    let mut pq = String::with_capacity(
        base_path.len()
            + path.len()
            + 2
            + query.as_ref().map_or(0, String::len)
            + extra_query.as_ref().map_or(0, String::len),
    );
    pq.push_str(base_path);
    pq.push_str(path);
    match (query, extra_query) {
        (None, None) => {}
        (Some(q), None) | (None, Some(q)) => {
            pq.push('?');
            pq.push_str(q);
        }
        (Some(q), Some(x)) => {
            pq.push('?');
            pq.push_str(q);
            pq.push('&');
            pq.push_str(x);
        }
    }
    let mut parts = axum::http::uri::Parts::default();
    parts.scheme = Some(scheme.clone());
    parts.authority = Some(authority.clone());
    parts.path_and_query = Some(axum::http::uri::PathAndQuery::try_from(pq).ok()?);
    hyper::Uri::from_parts(parts).ok()
}

/// Send the request and relay the response.
pub async fn passthrough(st: Arc<AppState>, p: Prepared) -> Result<Response, ApiError> {
    let BackendKind::Passthrough {
        base_url,
        base_path,
        origin,
        extra_query,
        client,
        ..
    } = &p.backend.kind
    else {
        return Err(ApiError::internal(
            "passthrough called for a provider backend",
        ));
    };
    let uri = match origin {
        Some((scheme, authority)) if plain_path(base_path, &p.path) && plain_query(&p.query) => {
            fast_uri(scheme, authority, base_path, &p.path, &p.query, extra_query)
        }
        _ => None,
    };
    let uri = match uri {
        Some(u) => u,
        None => url_uri(base_url, base_path, &p.path, &p.query, extra_query)?,
    };
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
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    let send = client.get().request(request);
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
    // The upstream's head is reused (no header-by-header copy unless one must go): hop-by-hop
    // and the other never-relayed headers are left out, version and extensions are the
    // gateway's own.
    let (mut head, incoming) = response.into_parts();
    let strip = strip_usage && is_sse;
    let drop_header = |n: &HeaderName| {
        let n = n.as_str();
        DROP_RESPONSE.contains(&n) || (strip && n == "content-length")
    };
    // Usually none is there: a look at the few names instead of a removal per listed name.
    if head.headers.keys().any(drop_header) {
        let mut kept = HeaderMap::with_capacity(head.headers.len());
        for (name, value) in &head.headers {
            if !drop_header(name) {
                kept.append(name.clone(), value.clone());
            }
        }
        head.headers = kept;
    }
    head.version = axum::http::Version::HTTP_11;
    head.extensions.clear();
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
    let body = RelayBody::new(incoming, watch, settle, deadline, permits);
    Ok(Response::from_parts(head, Body::from_stream(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_uri_equals_url_uri() {
        for base in [
            "http://127.0.0.1:9000/v1",
            "http://example.com/",
            "https://example.com:443/openai/v1/",
            "http://h:80/a",
        ] {
            let url = reqwest::Url::parse(base).unwrap();
            let base_path = url.path().trim_end_matches('/').to_owned();
            let u: axum::http::Uri = url.as_str().parse().unwrap();
            let p = u.into_parts();
            let (scheme, authority) = (p.scheme.unwrap(), p.authority.unwrap());
            for path in [
                "/chat/completions",
                "/models/gpt-4o:latest",
                "",
                "x",
                "/a/b.c/d~e",
                "/a/../b",
                "/a//b",
                "/a%2e%2e/b",
                "/a b",
                "/{x}",
            ] {
                for query in [
                    None,
                    Some("a=1&b=%20"),
                    Some(""),
                    Some("q='x'"),
                    Some("a b"),
                ] {
                    for extra in [None, Some("k=v%2F")] {
                        let query = query.map(str::to_owned);
                        let extra = extra.map(str::to_owned);
                        if !(plain_path(&base_path, path) && plain_query(&query)) {
                            continue;
                        }
                        let fast = fast_uri(&scheme, &authority, &base_path, path, &query, &extra)
                            .unwrap();
                        let slow = url_uri(&url, &base_path, path, &query, &extra).unwrap();
                        assert_eq!(fast, slow, "{base} {path} {query:?} {extra:?}");
                    }
                }
            }
        }
        assert!(plain_path("/v1", "/chat/completions"));
        assert!(!plain_path("/v1", "/a/../b"));
        assert!(!plain_path("", "x"));
        assert!(!plain_query(&Some("a b".into())));
    }
}
