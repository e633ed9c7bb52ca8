use std::time::Duration;

/// Timeouts, limits and retry policy of the HTTP layer.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpConfig {
    /// Time to establish the TCP (and TLS) connection. Default 10 s.
    pub connect_timeout: Duration,
    /// Time from sending the request to receiving the response headers. Default 120 s.
    pub first_byte_timeout: Duration,
    /// Longest gap between two body chunks of a response. Default 120 s.
    pub idle_timeout: Duration,
    /// Whole-request deadline for non-streaming calls (streams use the idle timeout). Default 600 s.
    pub total_timeout: Option<Duration>,
    /// Largest non-streaming response body accepted. Default 64 MiB.
    pub max_response_bytes: usize,
    /// Retry policy.
    pub retry: RetryPolicy,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            first_byte_timeout: Duration::from_secs(120),
            idle_timeout: Duration::from_secs(120),
            total_timeout: Some(Duration::from_secs(600)),
            max_response_bytes: 64 * 1024 * 1024,
            retry: RetryPolicy::default(),
        }
    }
}

/// When and how long to wait before sending a failed request again.
///
/// Retried: HTTP 408, 409, 429 and 5xx, connection failures and timeouts before the response
/// headers arrive (a stream that already started is never replayed). The wait is the provider's
/// `retry-after-ms` / `retry-after` when given and not above `max_retry_after`, otherwise
/// exponential backoff with jitter. An `x-should-retry: true|false` header overrides the status.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt. Default 2.
    pub max_retries: u32,
    /// First backoff delay. Default 500 ms.
    pub initial_backoff: Duration,
    /// Longest backoff delay. Default 8 s.
    pub max_backoff: Duration,
    /// Longest provider-requested delay we honour; above it we fall back to backoff. Default 60 s.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The delay before retry number `attempt` (0-based), given what the provider asked for.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            if wait <= self.max_retry_after {
                return wait;
            }
        }
        let exp = self
            .initial_backoff
            .saturating_mul(1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX));
        let capped = exp.min(self.max_backoff);
        // Full jitter on the top quarter keeps retries of many clients apart.
        let jitter = 1.0 - 0.25 * fastrand::f64();
        capped.mul_f64(jitter)
    }
}
