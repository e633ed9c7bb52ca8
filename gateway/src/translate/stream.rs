//! A translated stream as OpenAI SSE chunks. The budget is settled from the `finish` event;
//! if the client goes away first, dropping the body drops the core stream (closing the
//! upstream connection) and the ticket charges its estimate.

use super::ChunkEncoder;
use crate::control::Ticket;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::routes::openai::{Permits, Prepared};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use ditto_llm::{StreamEvent, TextStream};
use futures_util::StreamExt;
use std::sync::Arc;

struct State {
    ts: TextStream,
    enc: ChunkEncoder,
    ticket: Option<Ticket>,
    include_usage: bool,
    metrics: Arc<Metrics>,
    backend: String,
    deadline: tokio::time::Instant,
    events: u64,
    input_estimate: u64,
    done: bool,
    _permits: Permits,
}

fn sse(v: &serde_json::Value) -> Bytes {
    Bytes::from(format!("data: {v}\n\n"))
}

const DONE: &[u8] = b"data: [DONE]\n\n";

impl State {
    fn fail(&mut self, e: ApiError) -> Bytes {
        self.done = true;
        if let Some(mut t) = self.ticket.take() {
            t.set_fallback(self.events);
            drop(t);
        }
        sse(&e.body())
    }

    async fn next_bytes(&mut self) -> Option<Bytes> {
        loop {
            if self.done {
                return None;
            }
            let ev = match tokio::time::timeout_at(self.deadline, self.ts.next()).await {
                Err(_) => {
                    return Some(self.fail(ApiError::gateway_timeout(
                        "the upstream stream took too long",
                    )))
                }
                Ok(None) => {
                    self.done = true;
                    if let Some(mut t) = self.ticket.take() {
                        t.set_fallback(self.events);
                    }
                    return Some(Bytes::from_static(DONE));
                }
                Ok(Some(Err(e))) => return Some(self.fail(ApiError::from_core(&e))),
                Ok(Some(Ok(ev))) => ev,
            };
            if let StreamEvent::Finish { total_usage, .. } = &ev {
                self.done = true;
                let (i, o) = (
                    total_usage.input_tokens.unwrap_or(0),
                    total_usage.output_tokens.unwrap_or(0),
                );
                self.metrics.record_tokens(&self.backend, i, o);
                if let Some(t) = self.ticket.take() {
                    t.settle(total_usage.total_tokens.unwrap_or(i + o));
                }
                let mut out = Vec::new();
                if self.include_usage {
                    out.extend_from_slice(&sse(&self.enc.usage_chunk(total_usage)));
                }
                out.extend_from_slice(DONE);
                return Some(Bytes::from(out));
            }
            if let Some(chunk) = self.enc.encode(&ev) {
                self.events += 1;
                // If the client goes away now, charge what was produced, not the reservation.
                if let Some(t) = self.ticket.as_mut() {
                    t.set_fallback(self.input_estimate / 4 + self.events);
                }
                return Some(sse(&chunk));
            }
        }
    }
}

/// The response body.
pub fn sse_body(
    st: &Arc<AppState>,
    p: Prepared,
    ts: TextStream,
    enc: ChunkEncoder,
    include_usage: bool,
) -> Body {
    let deadline = tokio::time::Instant::now() + p.backend.timeouts.total;
    let mut ticket = p.ticket;
    ticket.set_fallback(p.input_estimate / 4);
    let state = State {
        ts,
        enc,
        ticket: Some(ticket),
        include_usage,
        metrics: st.metrics.clone(),
        backend: p.backend.name.clone(),
        deadline,
        events: 0,
        input_estimate: p.input_estimate,
        done: false,
        _permits: p.permits,
    };
    let stream = futures_util::stream::unfold(state, |mut s| async move {
        let b = s.next_bytes().await?;
        Some((Ok::<_, std::io::Error>(b), s))
    });
    Body::from_stream(stream)
}
