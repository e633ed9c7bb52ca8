//! Turning a [`Reply`] into an HTTP response, applying the timing and
//! abort knobs of a [`Step`] to its body frames.

use std::collections::VecDeque;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;
use bytes::Bytes;
use futures_util::stream;

use crate::faults::delay;
use crate::reply::{Reply, ReplyBody};
use crate::scenario::Step;
use crate::stats::{Counters, Outcome, StreamGuard};

/// Frame-level knobs taken from a step.
#[derive(Debug, Clone, Copy, Default)]
struct Pacing {
    first_byte_delay: Option<Duration>,
    chunk_delay: Option<Duration>,
    reset_after: Option<usize>,
    truncate_after: Option<usize>,
}

impl Pacing {
    fn from_step(step: &Step) -> Self {
        Self {
            first_byte_delay: delay(step.first_byte_delay_ms),
            chunk_delay: delay(step.chunk_delay_ms),
            reset_after: step.reset_after_chunks,
            truncate_after: step.truncate_after_chunks,
        }
    }

    fn is_plain(&self) -> bool {
        self.first_byte_delay.is_none()
            && self.chunk_delay.is_none()
            && self.reset_after.is_none()
            && self.truncate_after.is_none()
    }
}

/// The response for `reply` with `step`'s headers and body knobs applied.
/// SSE bodies are counted in the stream stats.
pub(crate) fn deliver(reply: Reply, step: &Step, counters: &Arc<Counters>) -> Response {
    let pacing = Pacing::from_step(step);
    let body = match reply.body {
        ReplyBody::Whole(bytes) if pacing.is_plain() => Body::from(bytes),
        ReplyBody::Whole(bytes) => paced(vec![bytes], pacing, StreamGuard::new(counters, false)),
        ReplyBody::Events(frames) => paced(frames, pacing, StreamGuard::new(counters, true)),
    };
    let mut response = Response::new(body);
    *response.status_mut() = reply.status;
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static(reply.content_type),
    );
    let retry = [
        ("retry-after", step.retry_after.clone()),
        (
            "retry-after-ms",
            step.retry_after_ms.map(|ms| ms.to_string()),
        ),
    ];
    let extra = reply
        .headers
        .into_iter()
        .chain(
            retry
                .into_iter()
                .filter_map(|(n, v)| Some((n.to_owned(), v?))),
        )
        .chain(step.headers.clone());
    for (name, value) in extra {
        // Invalid names or values are skipped rather than failing the request.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.insert(name, value);
        }
    }
    response
}

/// State of a paced body stream.
struct Paced {
    frames: VecDeque<Bytes>,
    sent: usize,
    pacing: Pacing,
    guard: StreamGuard,
}

/// A streamed body that sends each frame separately, waiting and aborting as
/// `pacing` says. The guard records how the stream ended.
fn paced(frames: Vec<Bytes>, pacing: Pacing, guard: StreamGuard) -> Body {
    let state = Paced {
        frames: frames.into(),
        sent: 0,
        pacing,
        guard,
    };
    let frames = stream::unfold(Some(state), |state| async move {
        let mut state = state?;
        if state.pacing.reset_after == Some(state.sent) {
            // Return `Pending` once so hyper flushes the head and the frames
            // already produced; otherwise it may drop them with the connection.
            tokio::task::yield_now().await;
            state.guard.finish(Outcome::Reset);
            let error = io::Error::new(io::ErrorKind::ConnectionReset, "mock reset");
            // Dropping the state here counts the reset; later polls end.
            return Some((Err(error), None));
        }
        if state.pacing.truncate_after == Some(state.sent) || state.frames.is_empty() {
            state.guard.finish(Outcome::Completed);
            return None;
        }
        let wait = if state.sent == 0 {
            state.pacing.first_byte_delay
        } else {
            state.pacing.chunk_delay
        };
        if let Some(wait) = wait {
            tokio::time::sleep(wait).await;
        }
        let frame = state.frames.pop_front()?;
        state.sent += 1;
        Some((Ok(frame), Some(state)))
    });
    Body::from_stream(frames)
}

impl std::fmt::Debug for Paced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paced")
            .field("remaining", &self.frames.len())
            .field("sent", &self.sent)
            .finish_non_exhaustive()
    }
}
