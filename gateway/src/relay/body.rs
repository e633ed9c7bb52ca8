//! The response body relayed to the client: upstream chunks go out as they arrive. It watches
//! usage on the way, enforces the total deadline, settles the budget when the stream ends or
//! when the client goes away (dropping it drops the upstream response, which closes that
//! connection), and holds the concurrency permits until then.

use super::sse_scan::SseScanner;
use super::usage::{usage_from_slice, Tokens};
use crate::control::Ticket;
use crate::metrics::Metrics;
use crate::routes::openai::Permits;
use bytes::{Bytes, BytesMut};
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Largest JSON response copy kept to read its usage.
const MAX_JSON_COPY: usize = 4 * 1024 * 1024;

/// What is watched in the body.
#[derive(Debug)]
pub enum Watch {
    /// An SSE stream.
    Sse(SseScanner),
    /// A JSON object (a bounded copy, parsed at the end).
    Json(BytesMut),
    /// Nothing (other content types, or error responses).
    Nothing,
}

/// Settlement of one relayed response.
#[derive(Debug)]
pub struct Settle {
    /// The budget claim (None once settled).
    pub ticket: Option<Ticket>,
    /// Input estimate, for streams that end without usage.
    pub input_estimate: u64,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Backend name, for metrics.
    pub backend: String,
}

impl Settle {
    /// Charge `usage`, or an estimate when unknown.
    pub fn finish(&mut self, usage: Option<Tokens>, estimate: u64) {
        let Some(ticket) = self.ticket.take() else {
            return;
        };
        match usage {
            Some(u) => {
                self.metrics.record_tokens(&self.backend, u.input, u.output);
                ticket.settle(u.total);
            }
            None => ticket.settle(estimate),
        }
    }
}

/// The relayed body stream.
pub struct RelayBody {
    inner: BoxStream<'static, Result<Bytes, hyper::Error>>,
    watch: Watch,
    settle: Settle,
    /// The total deadline: compared on every chunk, and a timer armed only while the upstream
    /// keeps the body waiting (a body that is already buffered never touches the timer wheel).
    deadline: tokio::time::Instant,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    _permits: Permits,
    done: bool,
}

impl std::fmt::Debug for RelayBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayBody")
            .field("watch", &self.watch)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl RelayBody {
    /// Relay an upstream response body.
    pub fn new(
        body: hyper::body::Incoming,
        watch: Watch,
        settle: Settle,
        deadline: tokio::time::Instant,
        permits: Permits,
    ) -> Self {
        RelayBody {
            inner: http_body_util::BodyExt::into_data_stream(body).boxed(),
            watch,
            settle,
            deadline,
            timer: None,
            _permits: permits,
            done: false,
        }
    }

    fn estimate(&self) -> u64 {
        match &self.watch {
            Watch::Sse(s) => self.settle.input_estimate / 4 + s.events,
            _ => self
                .settle
                .ticket
                .as_ref()
                .map(|_| self.settle.input_estimate)
                .unwrap_or(0),
        }
    }

    /// Usage known so far: the SSE usage chunk, or the usage of a complete JSON body.
    fn usage(&self) -> Option<Tokens> {
        match &self.watch {
            Watch::Sse(s) => s.usage,
            Watch::Json(buf) => usage_from_slice(buf),
            Watch::Nothing => None,
        }
    }

    fn end(&mut self) -> Option<Bytes> {
        self.done = true;
        let estimate = self.estimate();
        let tail = match &mut self.watch {
            Watch::Sse(s) => Some(s.finish()).filter(|t| !t.is_empty()),
            _ => None,
        };
        let usage = self.usage();
        self.settle.finish(usage, estimate);
        tail
    }

    /// The body ended early (error, deadline, or dropped). Hyper also drops a body without
    /// polling its end once it has sent `content-length` bytes, so a complete JSON body still
    /// settles from its usage.
    fn fail(&mut self) {
        self.done = true;
        let estimate = self.estimate();
        let usage = self.usage();
        self.settle.finish(usage, estimate);
    }
}

impl Stream for RelayBody {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            let polled = this.inner.poll_next_unpin(cx);
            let timed_out = match &polled {
                Poll::Pending => {
                    let deadline = this.deadline;
                    this.timer
                        .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)))
                        .as_mut()
                        .poll(cx)
                        .is_ready()
                }
                Poll::Ready(Some(_)) => tokio::time::Instant::now() >= this.deadline,
                Poll::Ready(None) => false,
            };
            if timed_out {
                this.fail();
                return Poll::Ready(Some(Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "upstream total timeout",
                ))));
            }
            match polled {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    let out = match &mut this.watch {
                        Watch::Sse(s) => s.push(chunk),
                        Watch::Json(buf) => {
                            if buf.len() + chunk.len() <= MAX_JSON_COPY {
                                buf.extend_from_slice(&chunk);
                            } else {
                                this.watch = Watch::Nothing;
                            }
                            chunk
                        }
                        Watch::Nothing => chunk,
                    };
                    if !out.is_empty() {
                        return Poll::Ready(Some(Ok(out)));
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    this.fail();
                    tracing::warn!(error = %e, "upstream body failed");
                    return Poll::Ready(Some(Err(std::io::Error::other("upstream body failed"))));
                }
                Poll::Ready(None) => {
                    return Poll::Ready(this.end().map(Ok));
                }
            }
        }
    }
}

impl Drop for RelayBody {
    fn drop(&mut self) {
        if !self.done {
            // The client went away: charge what is known (the upstream is closed by dropping).
            self.fail();
        }
    }
}
