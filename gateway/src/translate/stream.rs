//! A translated stream as SSE: OpenAI chunks (`/v1/chat/completions`) or AI SDK UI chunks
//! (`/v1/ui/chat`), through one [`SseEncoder`]. The budget is settled from the `finish` event;
//! if the client goes away first, dropping the body drops the core stream (closing the
//! upstream connection) and the ticket charges its estimate.

use super::ChunkEncoder;
use crate::control::Ticket;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::routes::openai::{Permits, Prepared};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use ditto_llm::protocol::ui_message::{ui_frame, UiChunk, UiMessageEncoder};
use ditto_llm::{StreamEvent, TextStream, Usage};
use futures_util::StreamExt;
use std::sync::Arc;

fn sse(v: &serde_json::Value) -> Bytes {
    Bytes::from(format!("data: {v}\n\n"))
}

const DONE: &[u8] = b"data: [DONE]\n\n";

/// How one wire format writes a translated stream.
pub trait SseEncoder: Send + 'static {
    /// The frame for one event other than `finish` (None: nothing to send).
    fn event(&mut self, ev: &StreamEvent) -> Option<Bytes>;
    /// The frames that end a complete stream, given its `finish` event and total usage,
    /// `data: [DONE]` included.
    fn finish(&mut self, ev: &StreamEvent, usage: &Usage) -> Bytes;
    /// The frames that end a failed stream.
    fn error(&mut self, e: &ApiError) -> Bytes;
}

/// OpenAI chat completion chunks.
pub struct OpenAiSse {
    /// The chunk encoder.
    pub enc: ChunkEncoder,
    /// Send a final usage chunk.
    pub include_usage: bool,
}

impl SseEncoder for OpenAiSse {
    fn event(&mut self, ev: &StreamEvent) -> Option<Bytes> {
        self.enc.encode(ev).map(|c| sse(&c))
    }

    fn finish(&mut self, _ev: &StreamEvent, usage: &Usage) -> Bytes {
        let mut out = Vec::new();
        if self.include_usage {
            out.extend_from_slice(&sse(&self.enc.usage_chunk(usage)));
        }
        out.extend_from_slice(DONE);
        Bytes::from(out)
    }

    fn error(&mut self, e: &ApiError) -> Bytes {
        sse(&e.body())
    }
}

/// AI SDK UI message stream chunks.
pub struct UiSse(pub UiMessageEncoder);

impl SseEncoder for UiSse {
    fn event(&mut self, ev: &StreamEvent) -> Option<Bytes> {
        self.0.encode(ev).map(|c| ui_frame(&c))
    }

    fn finish(&mut self, ev: &StreamEvent, _usage: &Usage) -> Bytes {
        let mut out = self.event(ev).map(|b| b.to_vec()).unwrap_or_default();
        out.extend_from_slice(DONE);
        Bytes::from(out)
    }

    fn error(&mut self, e: &ApiError) -> Bytes {
        let chunk = UiChunk::Error {
            error_text: e.message.clone(),
        };
        let mut out = ui_frame(&chunk).to_vec();
        out.extend_from_slice(DONE);
        Bytes::from(out)
    }
}

struct State<E> {
    ts: TextStream,
    enc: E,
    ticket: Option<Ticket>,
    metrics: Arc<Metrics>,
    backend: String,
    deadline: tokio::time::Instant,
    events: u64,
    input_estimate: u64,
    done: bool,
    _permits: Permits,
}

impl<E: SseEncoder> State<E> {
    fn fail(&mut self, e: ApiError) -> Bytes {
        self.done = true;
        if let Some(mut t) = self.ticket.take() {
            t.set_fallback(self.events);
            drop(t);
        }
        self.enc.error(&e)
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
                return Some(self.enc.finish(&ev, total_usage));
            }
            if let Some(frame) = self.enc.event(&ev) {
                self.events += 1;
                // If the client goes away now, charge what was produced, not the reservation.
                if let Some(t) = self.ticket.as_mut() {
                    t.set_fallback(self.input_estimate / 4 + self.events);
                }
                return Some(frame);
            }
        }
    }
}

/// The response body.
pub fn sse_body<E: SseEncoder>(st: &Arc<AppState>, p: Prepared, ts: TextStream, enc: E) -> Body {
    let deadline = tokio::time::Instant::now() + p.backend.timeouts.total;
    let mut ticket = p.ticket;
    ticket.set_fallback(p.input_estimate / 4);
    let state = State {
        ts,
        enc,
        ticket: Some(ticket),
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
