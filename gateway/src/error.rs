//! Every error the gateway answers with: OpenAI's error JSON shape and the right status.
//!
//! `{"error": {"message": "...", "type": "...", "param": null, "code": "..."}}`, plus
//! `retry-after` on 429.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use ditto_llm::ErrorKind;
use serde_json::json;
use std::time::Duration;

/// An error response.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Human message (never contains a secret).
    pub message: String,
    /// OpenAI `type`.
    pub kind: &'static str,
    /// OpenAI `code`.
    pub code: Option<&'static str>,
    /// OpenAI `param`.
    pub param: Option<String>,
    /// Seconds for `retry-after`.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// A generic constructor.
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        code: Option<&'static str>,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            message: message.into(),
            kind,
            code,
            param: None,
            retry_after: None,
        }
    }

    /// 400.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            None,
            message,
        )
    }

    /// 401: missing, unknown, disabled or expired key.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            Some("invalid_api_key"),
            message,
        )
    }

    /// 403.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "permission_error",
            Some(code),
            message,
        )
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            Some("not_found"),
            message,
        )
    }

    /// 413.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request_error",
            Some("request_too_large"),
            format!("the request body is larger than the gateway's limit of {limit} bytes"),
        )
    }

    /// 429 with `retry-after`.
    pub fn rate_limited(
        code: &'static str,
        message: impl Into<String>,
        retry_after_secs: u64,
    ) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_error",
            Some(code),
            message,
        );
        e.retry_after = Some(retry_after_secs.max(1));
        e
    }

    /// 402: the key's budget cannot cover this request.
    pub fn budget_exceeded(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYMENT_REQUIRED,
            "insufficient_quota",
            Some("budget_exceeded"),
            message,
        )
    }

    /// 502.
    pub fn bad_gateway(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_GATEWAY,
            "upstream_error",
            Some("bad_gateway"),
            message,
        )
    }

    /// 504.
    pub fn gateway_timeout(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::GATEWAY_TIMEOUT,
            "upstream_error",
            Some("timeout"),
            message,
        )
    }

    /// 500.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            Some("internal"),
            message,
        )
    }

    /// 503.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "server_error",
            Some("unavailable"),
            message,
        )
    }

    /// Map a core error (translation backends) once.
    pub fn from_core(e: &ditto_llm::Error) -> Self {
        let kind = e.kind();
        let status = StatusCode::from_u16(kind.http_status()).unwrap_or(StatusCode::BAD_GATEWAY);
        let (otype, code) = match kind {
            ErrorKind::InvalidRequest => ("invalid_request_error", None),
            ErrorKind::ContextLengthExceeded => {
                ("invalid_request_error", Some("context_length_exceeded"))
            }
            ErrorKind::ContentFiltered => ("invalid_request_error", Some("content_filter")),
            ErrorKind::Authentication => ("upstream_error", Some("upstream_authentication")),
            ErrorKind::PermissionDenied => ("permission_error", Some("permission_denied")),
            ErrorKind::NotFound => ("invalid_request_error", Some("model_not_found")),
            ErrorKind::RateLimited => ("rate_limit_error", Some("upstream_rate_limited")),
            ErrorKind::Timeout => ("upstream_error", Some("timeout")),
            ErrorKind::Connection | ErrorKind::Provider | ErrorKind::Stream => {
                ("upstream_error", Some("bad_gateway"))
            }
            ErrorKind::Cancelled => ("upstream_error", Some("cancelled")),
            ErrorKind::Config | ErrorKind::Internal => ("server_error", Some("internal")),
            ErrorKind::NoObjectGenerated => ("upstream_error", Some("no_object_generated")),
        };
        // An upstream 401 is the gateway's misconfiguration, not the client's key: answer 502.
        let status = if kind == ErrorKind::Authentication {
            StatusCode::BAD_GATEWAY
        } else {
            status
        };
        let mut err = Self::new(status, otype, code, e.message().to_owned());
        if kind == ErrorKind::RateLimited {
            err.retry_after = Some(e.retry_after().map(|d| d.as_secs().max(1)).unwrap_or(1));
        }
        err
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        json!({"error": {"message": self.message, "type": self.kind, "param": self.param, "code": self.code}})
    }

    /// A `retry-after` duration, if any.
    pub fn retry_after_duration(&self) -> Option<Duration> {
        self.retry_after.map(Duration::from_secs)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(self.body())).into_response();
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert("retry-after", v);
            }
        }
        resp.extensions_mut()
            .insert(RejectReason(self.code.unwrap_or(self.kind)));
        resp
    }
}

/// Attached to error responses so the metrics layer can count rejections by reason.
#[derive(Debug, Clone, Copy)]
pub struct RejectReason(pub &'static str);
