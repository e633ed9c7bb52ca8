//! A translated stream as SSE: OpenAI chunks (`/v1/chat/completions`), AI SDK UI chunks
//! (`/v1/ui/chat`) or Ditto v1 events (`/v1/ditto/stream`, SSE or NDJSON), through one
//! [`SseEncoder`]. The budget is settled from the `finish` event;
//! if the client goes away first, dropping the body drops the core stream (closing the
//! upstream connection) and the ticket charges its estimate.

use super::ChunkEncoder;
use crate::control::Ticket;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::routes::openai::{Permits, Prepared};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use ditto_llm::protocol::ditto_v1::{encode_frame, terminator, Framing};
use ditto_llm::protocol::ui_message::{ui_frame, UiChunk, UiMessageEncoder};
use ditto_llm::{ErrorKind, StreamEvent, TextStream, Usage};
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
    /// The frames that end a stream failed by the core (an upstream error mid-stream). By
    /// default the error as the gateway reports it.
    fn core_error(&mut self, e: &ditto_llm::Error) -> Bytes {
        self.error(&ApiError::from_core(e))
    }
    /// What ends a stream that stopped without a `finish` event: `data: [DONE]` by default.
    fn end(&mut self) -> Bytes {
        Bytes::from_static(DONE)
    }
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

/// Ditto stream protocol v1 events, SSE or NDJSON framed (the `finish` event included, then
/// the framing's terminator; failures are an `error` event carrying the core's error info).
pub struct DittoV1(pub Framing);

impl DittoV1 {
    fn with_end(&self, ev: &StreamEvent) -> Bytes {
        let mut out = encode_frame(ev, self.0).to_vec();
        if let Some(t) = terminator(self.0) {
            out.extend_from_slice(&t);
        }
        Bytes::from(out)
    }
}

impl SseEncoder for DittoV1 {
    fn event(&mut self, ev: &StreamEvent) -> Option<Bytes> {
        Some(encode_frame(ev, self.0))
    }

    fn finish(&mut self, ev: &StreamEvent, _usage: &Usage) -> Bytes {
        self.with_end(ev)
    }

    fn error(&mut self, e: &ApiError) -> Bytes {
        let kind = if e.status == axum::http::StatusCode::GATEWAY_TIMEOUT {
            ErrorKind::Timeout
        } else {
            ErrorKind::Provider
        };
        self.core_error(&ditto_llm::Error::new(kind, e.message.clone()))
    }

    fn core_error(&mut self, e: &ditto_llm::Error) -> Bytes {
        self.with_end(&StreamEvent::Error { error: e.to_info() })
    }

    fn end(&mut self) -> Bytes {
        terminator(self.0).unwrap_or_default()
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
    /// End the stream after a failure whose last frames are `frames`.
    fn fail(&mut self, frames: Bytes) -> Bytes {
        self.done = true;
        if let Some(mut t) = self.ticket.take() {
            t.set_fallback(self.events);
            drop(t);
        }
        frames
    }

    async fn next_bytes(&mut self) -> Option<Bytes> {
        loop {
            if self.done {
                return None;
            }
            let ev = match tokio::time::timeout_at(self.deadline, self.ts.next()).await {
                Err(_) => {
                    let e = ApiError::gateway_timeout("the upstream stream took too long");
                    let frames = self.enc.error(&e);
                    return Some(self.fail(frames));
                }
                Ok(None) => {
                    self.done = true;
                    if let Some(mut t) = self.ticket.take() {
                        t.set_fallback(self.events);
                    }
                    return Some(self.enc.end());
                }
                Ok(Some(Err(e))) => {
                    let frames = self.enc.core_error(&e);
                    return Some(self.fail(frames));
                }
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
