//! The one error type of the SDK.
//!
//! Every failure is an [`Error`] with a stable [`ErrorKind`]. Each surface maps the kind exactly once:
//! the gateway to an HTTP status and OpenAI error JSON, Python to an exception class, JS to an error
//! `code`, Go to a sentinel error.

use crate::types::{FinishReason, Usage};
use std::fmt;
use std::time::Duration;

/// The stable category of an [`Error`]. Its string form ([`ErrorKind::as_str`]) never changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The request is malformed or asks for something the provider rejects (HTTP 400/422).
    InvalidRequest,
    /// The API key is missing or wrong (HTTP 401).
    Authentication,
    /// The key is valid but not allowed to do this (HTTP 403).
    PermissionDenied,
    /// The model or resource does not exist (HTTP 404).
    NotFound,
    /// Too many requests or quota exhausted (HTTP 429); see [`Error::retry_after`].
    RateLimited,
    /// The prompt does not fit the model's context window.
    ContextLengthExceeded,
    /// The provider refused the input or output on safety grounds.
    ContentFiltered,
    /// A connect, first-byte, idle or total timeout elapsed.
    Timeout,
    /// The connection could not be made or broke (reset, DNS, TLS).
    Connection,
    /// The provider failed (5xx or an unexpected status), with status and body.
    Provider,
    /// The upstream stream was malformed, truncated or too large.
    Stream,
    /// The client or provider is misconfigured (missing key, unknown provider, bad URL).
    Config,
    /// The caller cancelled the operation.
    Cancelled,
    /// A bug in Ditto itself.
    Internal,
    /// The model's output could not be turned into the requested object: not JSON, or not
    /// matching the schema (after any repair). Carries the raw text, usage and finish reason.
    NoObjectGenerated,
}

impl ErrorKind {
    /// All kinds, in declaration order.
    pub const ALL: [ErrorKind; 15] = [
        ErrorKind::InvalidRequest,
        ErrorKind::Authentication,
        ErrorKind::PermissionDenied,
        ErrorKind::NotFound,
        ErrorKind::RateLimited,
        ErrorKind::ContextLengthExceeded,
        ErrorKind::ContentFiltered,
        ErrorKind::Timeout,
        ErrorKind::Connection,
        ErrorKind::Provider,
        ErrorKind::Stream,
        ErrorKind::Config,
        ErrorKind::Cancelled,
        ErrorKind::Internal,
        ErrorKind::NoObjectGenerated,
    ];

    /// The stable snake_case name of the kind (`"rate_limited"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::Authentication => "authentication",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::ContextLengthExceeded => "context_length_exceeded",
            ErrorKind::ContentFiltered => "content_filtered",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Connection => "connection",
            ErrorKind::Provider => "provider",
            ErrorKind::Stream => "stream",
            ErrorKind::Config => "config",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::Internal => "internal",
            ErrorKind::NoObjectGenerated => "no_object_generated",
        }
    }

    /// The HTTP status a server surface should answer with for this kind.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::InvalidRequest | ErrorKind::ContextLengthExceeded => 400,
            ErrorKind::ContentFiltered => 400,
            ErrorKind::Authentication => 401,
            ErrorKind::PermissionDenied => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::RateLimited => 429,
            ErrorKind::Cancelled => 499,
            ErrorKind::Timeout => 504,
            ErrorKind::Connection | ErrorKind::Provider | ErrorKind::Stream => 502,
            ErrorKind::NoObjectGenerated => 502,
            ErrorKind::Config | ErrorKind::Internal => 500,
        }
    }

    /// Whether a request that failed with this kind may succeed when sent again.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::RateLimited
                | ErrorKind::Timeout
                | ErrorKind::Connection
                | ErrorKind::Provider
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Provider error bodies kept on an [`Error`] are cut to this many bytes.
pub const MAX_ERROR_BODY_BYTES: usize = 16 * 1024;

/// A failure anywhere in the SDK: a [`kind`](Error::kind), a message, and what the provider said.
///
/// One pointer wide, so `Result<T>` stays small.
#[derive(Debug)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    message: String,
    status: Option<u16>,
    provider: Option<String>,
    code: Option<String>,
    body: Option<String>,
    retry_after: Option<Duration>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    object: Option<Box<NoObjectDetails>>,
}

/// What a [`ErrorKind::NoObjectGenerated`] error knows about the failed generation.
#[derive(Debug, Clone, Default)]
struct NoObjectDetails {
    text: Option<String>,
    usage: Option<Usage>,
    finish_reason: Option<FinishReason>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.inner.kind, self.inner.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The SDK's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind` with a human-readable message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                status: None,
                provider: None,
                code: None,
                body: None,
                retry_after: None,
                source: None,
                object: None,
            }),
        }
    }

    /// Shorthand for [`ErrorKind::InvalidRequest`].
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidRequest, message)
    }

    /// Shorthand for [`ErrorKind::Config`].
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    /// Shorthand for [`ErrorKind::Stream`].
    pub fn stream(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Stream, message)
    }

    /// Shorthand for [`ErrorKind::Internal`].
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// Shorthand for [`ErrorKind::Timeout`].
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Timeout, message)
    }

    /// A [`ErrorKind::NoObjectGenerated`] error with the model's raw text, usage and finish
    /// reason.
    pub fn no_object_generated(
        message: impl Into<String>,
        text: impl Into<String>,
        usage: Usage,
        finish_reason: FinishReason,
    ) -> Self {
        let mut err = Self::new(ErrorKind::NoObjectGenerated, message);
        err.inner.object = Some(Box::new(NoObjectDetails {
            text: Some(text.into()),
            usage: Some(usage),
            finish_reason: Some(finish_reason),
        }));
        err
    }

    /// Attach the HTTP status the provider answered with.
    pub fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    /// Attach the provider name.
    pub fn with_provider(mut self, provider: impl Into<String>) -> Self {
        self.inner.provider = Some(provider.into());
        self
    }

    /// Attach the provider's own error code (`"context_length_exceeded"`, ...).
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.inner.code = Some(code.into());
        self
    }

    /// Attach the provider's response body, cut to [`MAX_ERROR_BODY_BYTES`].
    pub fn with_body(mut self, body: impl Into<String>) -> Self {
        let mut body = body.into();
        if body.len() > MAX_ERROR_BODY_BYTES {
            let mut cut = MAX_ERROR_BODY_BYTES;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body.truncate(cut);
        }
        self.inner.body = Some(body);
        self
    }

    /// Attach how long the provider asked us to wait before retrying.
    pub fn with_retry_after(mut self, retry_after: Duration) -> Self {
        self.inner.retry_after = Some(retry_after);
        self
    }

    /// Attach the underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// The stable category of this error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The human-readable message (without the kind prefix).
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The HTTP status the provider answered with, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The provider that produced the error, when known.
    pub fn provider(&self) -> Option<&str> {
        self.inner.provider.as_deref()
    }

    /// The provider's own error code, when it sent one.
    pub fn code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }

    /// The provider's response body (cut to [`MAX_ERROR_BODY_BYTES`]), when there was one.
    pub fn body(&self) -> Option<&str> {
        self.inner.body.as_deref()
    }

    /// How long the provider asked to wait before retrying, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// The model's raw text, on a [`ErrorKind::NoObjectGenerated`] error.
    pub fn no_object_text(&self) -> Option<&str> {
        self.inner.object.as_ref()?.text.as_deref()
    }

    /// The call's token usage, on a [`ErrorKind::NoObjectGenerated`] error.
    pub fn no_object_usage(&self) -> Option<Usage> {
        self.inner.object.as_ref()?.usage
    }

    /// The call's finish reason, on a [`ErrorKind::NoObjectGenerated`] error.
    pub fn no_object_finish_reason(&self) -> Option<FinishReason> {
        self.inner.object.as_ref()?.finish_reason
    }

    /// A serializable summary, used by stream `error` events and the bindings.
    pub fn to_info(&self) -> ErrorInfo {
        ErrorInfo {
            kind: self.inner.kind,
            message: self.inner.message.clone(),
            status: self.inner.status,
            provider: self.inner.provider.clone(),
            code: self.inner.code.clone(),
            body: self.inner.body.clone(),
            retry_after_ms: self.inner.retry_after.map(|d| d.as_millis() as u64),
            text: self.no_object_text().map(str::to_owned),
            usage: self.no_object_usage(),
            finish_reason: self.no_object_finish_reason(),
        }
    }
}

impl From<ErrorInfo> for Error {
    fn from(info: ErrorInfo) -> Self {
        let mut err = Error::new(info.kind, info.message);
        err.inner.status = info.status;
        err.inner.provider = info.provider;
        err.inner.code = info.code;
        err.inner.body = info.body;
        err.inner.retry_after = info.retry_after_ms.map(Duration::from_millis);
        if info.text.is_some() || info.usage.is_some() || info.finish_reason.is_some() {
            err.inner.object = Some(Box::new(NoObjectDetails {
                text: info.text,
                usage: info.usage,
                finish_reason: info.finish_reason,
            }));
        }
        err
    }
}

/// The serializable form of an [`Error`]: what crosses language and process boundaries.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ErrorInfo {
    /// Stable category.
    pub kind: ErrorKind,
    /// Human-readable message.
    pub message: String,
    /// Provider HTTP status, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Provider name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Provider error code, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Provider response body, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Requested retry delay in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// The model's raw text (`no_object_generated` errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Token usage of the failed call (`no_object_generated` errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Finish reason of the failed call (`no_object_generated` errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<FinishReason>,
}
