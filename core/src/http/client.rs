use super::body::{read_capped, transport_error, ByteStream};
use super::retry::{parse_retry_after, status_is_retryable, ErrorMapper};
use super::HttpConfig;
use crate::error::{Error, ErrorKind, Result};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use std::time::Instant;

/// Bytes of an error response body read for error mapping.
const MAX_ERROR_READ: usize = 64 * 1024;

/// One outgoing request, built by a provider.
#[derive(Clone)]
pub struct HttpRequest {
    /// HTTP method.
    pub method: Method,
    /// Full URL, query included.
    pub url: String,
    /// Headers (credentials included; never logged).
    pub headers: Vec<(String, String)>,
    /// JSON or other body.
    pub body: Option<Bytes>,
    /// Retries for this request; the client's policy when `None`.
    pub max_retries: Option<u32>,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Header values may hold credentials: show names only.
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("body_len", &self.body.as_ref().map(Bytes::len))
            .finish()
    }
}

impl HttpRequest {
    /// A POST with a JSON body.
    pub fn post_json(url: String, body: &serde_json::Value) -> Self {
        HttpRequest {
            method: Method::POST,
            url,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Some(Bytes::from(body.to_string())),
            max_retries: None,
        }
    }

    /// Add a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A successful (2xx) response whose body has not been read yet.
#[derive(Debug)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    response: reqwest::Response,
    deadline: Option<Instant>,
    config: HttpConfig,
}

impl HttpResponse {
    /// Read the whole body, bounded by `max_response_bytes` and the total deadline.
    pub async fn bytes(self) -> Result<Bytes> {
        let read = read_capped(self.response, self.config.max_response_bytes);
        match self.deadline {
            Some(deadline) => tokio::time::timeout_at(deadline.into(), read)
                .await
                .map_err(|_| Error::timeout("the response body did not arrive in time"))?,
            None => read.await,
        }
    }

    /// The body as a stream of chunks with the idle timeout applied between chunks.
    /// Dropping the stream closes the connection.
    pub fn byte_stream(self) -> ByteStream {
        ByteStream::new(self.response, self.config.idle_timeout)
    }
}

/// The pooled HTTP client every provider shares. Cheap to clone.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    config: HttpConfig,
}

impl HttpClient {
    /// A client with the given timeouts and retry policy.
    pub fn new(config: HttpConfig) -> Result<Self> {
        let inner = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .tcp_nodelay(true)
            .pool_idle_timeout(std::time::Duration::from_secs(90))
            .pool_max_idle_per_host(64)
            .user_agent(concat!("ditto-llm/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpClient { inner, config })
    }

    /// The configuration in force.
    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// Send `request`, retrying per policy until a 2xx arrives or the error is final.
    /// Non-2xx answers become errors through `map_error`.
    pub async fn send(
        &self,
        request: &HttpRequest,
        map_error: &ErrorMapper<'_>,
    ) -> Result<HttpResponse> {
        let deadline = self.config.total_timeout.map(|t| Instant::now() + t);
        let max_retries = request.max_retries.unwrap_or(self.config.retry.max_retries);
        let mut attempt = 0u32;
        loop {
            let (err, retryable) = match self.send_once(request, deadline).await {
                Ok(resp) if (200..300).contains(&resp.status().as_u16()) => {
                    return Ok(HttpResponse {
                        status: resp.status().as_u16(),
                        headers: resp.headers().clone(),
                        response: resp,
                        deadline,
                        config: self.config.clone(),
                    });
                }
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let headers = resp.headers().clone();
                    let body = read_capped(resp, MAX_ERROR_READ).await.unwrap_or_default();
                    let mut err = map_error(status, &headers, &body);
                    if err.retry_after().is_none() {
                        if let Some(wait) = parse_retry_after(&headers) {
                            err = err.with_retry_after(wait);
                        }
                    }
                    (err, status_is_retryable(status, &headers))
                }
                Err(err) => {
                    let retryable =
                        matches!(err.kind(), ErrorKind::Connection | ErrorKind::Timeout);
                    (err, retryable)
                }
            };
            if !retryable || attempt >= max_retries {
                return Err(err);
            }
            let wait = self.config.retry.delay(attempt, err.retry_after());
            if let Some(deadline) = deadline {
                if Instant::now() + wait >= deadline {
                    return Err(err);
                }
            }
            tracing::debug!(
                attempt = attempt + 1,
                wait_ms = wait.as_millis() as u64,
                kind = %err.kind(),
                "retrying request"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        request: &HttpRequest,
        deadline: Option<Instant>,
    ) -> Result<reqwest::Response> {
        let mut headers = HeaderMap::with_capacity(request.headers.len());
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::config(format!("invalid header name `{name}`")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| Error::config(format!("invalid value for header `{name}`")))?;
            headers.insert(name, value);
        }
        let mut builder = self
            .inner
            .request(request.method.clone(), &request.url)
            .headers(headers);
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let mut first_byte = self.config.first_byte_timeout;
        if let Some(deadline) = deadline {
            first_byte = first_byte.min(deadline.saturating_duration_since(Instant::now()));
        }
        match tokio::time::timeout(first_byte, builder.send()).await {
            Ok(Ok(resp)) => Ok(resp),
            Ok(Err(e)) => Err(transport_error(e)),
            Err(_) => Err(Error::timeout(format!(
                "no response headers within {} ms",
                first_byte.as_millis()
            ))),
        }
    }
}
