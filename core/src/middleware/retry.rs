//! `RetryPolicy`: send a failed call again, with exponential backoff and jitter.

use super::fallback::DEFAULT_FALLBACK_ON;
use super::stream_util::open_first;
use super::Middleware;
use crate::error::{ErrorKind, Result};
use crate::http;
use crate::model::{LanguageModel, ModelStream};
use crate::types::{CallOptions, ModelResponse};
use std::sync::Arc;
use std::time::Duration;

/// Retries calls that fail with one of `retry_on`, up to `max_retries` times after the first
/// attempt. The wait before retry `n` (0-based) is the error's
/// [`retry_after`](crate::Error::retry_after) when the provider sent one and it is not above
/// `max_retry_after`; otherwise `initial_delay * 2^n`, capped at `max_delay`, minus up to 25 %
/// jitter.
///
/// Streams are retried only before their first event was delivered (a failure to open, or a
/// first item that is an error), so `stream` returns once the first event is there.
///
/// This sits above the HTTP layer's own retries (`DittoBuilder::max_retries`, default 2): set
/// those to 0 when this policy should be the only one.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// First backoff delay (default 500 ms).
    pub initial_delay: Duration,
    /// Longest backoff delay (default 8 s).
    pub max_delay: Duration,
    /// Longest provider-requested wait honoured (default 60 s); longer ones use backoff.
    pub max_retry_after: Duration,
    /// Error kinds that are retried (default rate_limited, timeout, connection, provider).
    pub retry_on: Vec<ErrorKind>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            retry_on: DEFAULT_FALLBACK_ON.to_vec(),
        }
    }
}

impl RetryPolicy {
    /// The default policy with `max_retries` retries.
    pub fn new(max_retries: u32) -> Self {
        RetryPolicy {
            max_retries,
            ..Self::default()
        }
    }

    /// The wait before retry `attempt` (0-based).
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        // The HTTP layer's policy computes the same backoff; reuse it.
        http::RetryPolicy {
            max_retries: self.max_retries,
            initial_backoff: self.initial_delay,
            max_backoff: self.max_delay,
            max_retry_after: self.max_retry_after,
        }
        .delay(attempt, retry_after)
    }

    async fn run<T, F, Fut>(&self, mut call: F) -> Result<T>
    where
        F: FnMut() -> Fut + Send,
        Fut: std::future::Future<Output = Result<T>> + Send,
    {
        let mut attempt = 0;
        loop {
            match call().await {
                Err(e) if attempt < self.max_retries && self.retry_on.contains(&e.kind()) => {
                    let wait = self.delay(attempt, e.retry_after());
                    tracing::debug!(attempt, ?wait, error = %e, "retry policy: retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

#[async_trait::async_trait]
impl Middleware for RetryPolicy {
    async fn generate(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelResponse> {
        self.run(|| next.generate(options)).await
    }

    async fn stream(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelStream> {
        self.run(|| open_first(next, options)).await
    }
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
