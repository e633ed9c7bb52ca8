//! `Telemetry`: one span per model call with the OpenTelemetry GenAI semantic-convention
//! attributes, as a live `tracing` span and as a [`SpanRecord`] handed to a [`SpanSink`].

use super::observe::{Observed, Observer, Outcome};
use super::span::{SpanRecord, SpanSink, SpanStatus, TracingSink};
use super::Middleware;
use crate::error::{Error, Result};
use crate::model::{LanguageModel, ModelStream};
use crate::types::{
    CallOptions, FinishReason, ModelResponse, ResponseMetadata, StreamEvent, Usage,
};
use futures_util::future::BoxFuture;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Instant, SystemTime};
use tracing::Instrument;

/// Output text kept for `gen_ai.output.messages` at most (bytes).
const MAX_RECORDED_OUTPUT_BYTES: usize = 64 * 1024;

/// Prompt JSON kept for `gen_ai.input.messages` at most (bytes); longer prompts are cut and
/// flagged with `ditto.input.truncated`.
const MAX_RECORDED_INPUT_BYTES: usize = 64 * 1024;

/// `text` cut to at most `max` bytes on a character boundary.
fn cut(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Records a span named `gen_ai.chat` for every `generate` and `stream` call.
///
/// Attributes: `gen_ai.operation.name` (`chat`), `gen_ai.provider.name`,
/// `gen_ai.request.model`, `gen_ai.request.temperature` / `max_tokens` / `top_p` / `top_k` /
/// `seed` / `stop_sequences` / `frequency_penalty` / `presence_penalty` (when set),
/// `gen_ai.response.id`, `gen_ai.response.model`, `gen_ai.response.finish_reasons`,
/// `gen_ai.usage.input_tokens`, `gen_ai.usage.output_tokens` (when known), `error.type` on
/// failure, and `ditto.stream`, `ditto.function_id`, `ditto.time_to_first_chunk_ms` (streams),
/// `gen_ai.input.messages` / `gen_ai.output.messages` (JSON text, only when
/// `record_inputs` / `record_outputs`; each cut at 64 KiB, a cut prompt flagged with
/// `ditto.input.truncated`).
///
/// A stream's span ends when `finish-step` arrives (or on its error, or when it is dropped,
/// which records status `cancelled`). The sink runs before the last event reaches the caller.
#[derive(Debug, Clone)]
pub struct Telemetry {
    /// Where finished spans go (default [`TracingSink`]).
    pub sink: Arc<dyn SpanSink>,
    /// An id for the calling function, recorded as `ditto.function_id`.
    pub function_id: Option<String>,
    /// Record the prompt as `gen_ai.input.messages` (default false: prompts may be private).
    pub record_inputs: bool,
    /// Record the output as `gen_ai.output.messages` (default false).
    pub record_outputs: bool,
}

impl Default for Telemetry {
    fn default() -> Self {
        Telemetry {
            sink: Arc::new(TracingSink),
            function_id: None,
            record_inputs: false,
            record_outputs: false,
        }
    }
}

impl Telemetry {
    /// Telemetry sending spans to `sink`.
    pub fn new(sink: Arc<dyn SpanSink>) -> Self {
        Telemetry {
            sink,
            ..Self::default()
        }
    }

    fn begin(&self, next: &Arc<dyn LanguageModel>, options: &CallOptions, stream: bool) -> Span {
        let mut a = BTreeMap::new();
        let mut put = |k: &str, v: Value| {
            a.insert(k.to_owned(), v);
        };
        put("gen_ai.operation.name", json!("chat"));
        put("gen_ai.provider.name", json!(next.provider()));
        put("gen_ai.request.model", json!(next.model_id()));
        put("ditto.stream", json!(stream));
        let s = &options.settings;
        let optional = [
            (
                "gen_ai.request.temperature",
                s.temperature.map(|v| json!(v)),
            ),
            (
                "gen_ai.request.max_tokens",
                s.max_output_tokens.map(|v| json!(v)),
            ),
            ("gen_ai.request.top_p", s.top_p.map(|v| json!(v))),
            ("gen_ai.request.top_k", s.top_k.map(|v| json!(v))),
            ("gen_ai.request.seed", s.seed.map(|v| json!(v))),
            (
                "gen_ai.request.frequency_penalty",
                s.frequency_penalty.map(|v| json!(v)),
            ),
            (
                "gen_ai.request.presence_penalty",
                s.presence_penalty.map(|v| json!(v)),
            ),
            (
                "gen_ai.request.stop_sequences",
                (!s.stop.is_empty()).then(|| json!(s.stop)),
            ),
            (
                "ditto.function_id",
                self.function_id.as_ref().map(|v| json!(v)),
            ),
        ];
        for (k, v) in optional {
            if let Some(v) = v {
                put(k, v);
            }
        }
        if self.record_inputs {
            let messages = serde_json::to_string(&options.prompt).unwrap_or_default();
            if messages.len() > MAX_RECORDED_INPUT_BYTES {
                put("ditto.input.truncated", json!(true));
            }
            put(
                "gen_ai.input.messages",
                json!(cut(&messages, MAX_RECORDED_INPUT_BYTES)),
            );
        }
        let live = tracing::info_span!(
            "gen_ai.chat",
            "gen_ai.operation.name" = "chat",
            "gen_ai.provider.name" = next.provider(),
            "gen_ai.request.model" = next.model_id(),
            "gen_ai.response.id" = tracing::field::Empty,
            "gen_ai.response.model" = tracing::field::Empty,
            "gen_ai.usage.input_tokens" = tracing::field::Empty,
            "gen_ai.usage.output_tokens" = tracing::field::Empty,
            "error.type" = tracing::field::Empty,
        );
        Span {
            attributes: a,
            start: SystemTime::now(),
            started: Instant::now(),
            live,
            record_outputs: self.record_outputs,
        }
    }
}

/// A span being recorded.
struct Span {
    attributes: BTreeMap<String, Value>,
    start: SystemTime,
    started: Instant,
    live: tracing::Span,
    record_outputs: bool,
}

impl Span {
    fn set(&mut self, key: &str, value: Value) {
        self.attributes.insert(key.to_owned(), value);
    }

    fn response(&mut self, finish: FinishReason, usage: &Usage, meta: &ResponseMetadata) {
        self.set("gen_ai.response.finish_reasons", json!([finish.as_str()]));
        if let Some(id) = &meta.id {
            self.live.record("gen_ai.response.id", id.as_str());
            self.set("gen_ai.response.id", json!(id));
        }
        if let Some(model) = &meta.model_id {
            self.live.record("gen_ai.response.model", model.as_str());
            self.set("gen_ai.response.model", json!(model));
        }
        if let Some(n) = usage.input_tokens {
            self.live.record("gen_ai.usage.input_tokens", n);
            self.set("gen_ai.usage.input_tokens", json!(n));
        }
        if let Some(n) = usage.output_tokens {
            self.live.record("gen_ai.usage.output_tokens", n);
            self.set("gen_ai.usage.output_tokens", json!(n));
        }
    }

    fn output(&mut self, text: &str, finish: FinishReason) {
        if self.record_outputs {
            let messages = json!([{"role": "assistant", "parts": [{"type": "text", "content": text}],
                                   "finish_reason": finish.as_str()}]);
            self.set("gen_ai.output.messages", json!(messages.to_string()));
        }
    }

    fn finish(mut self, status: SpanStatus) -> SpanRecord {
        if let SpanStatus::Error { kind, .. } = &status {
            self.live.record("error.type", kind.as_str());
            self.set("error.type", json!(kind));
        }
        SpanRecord {
            name: "gen_ai.chat".into(),
            attributes: self.attributes,
            start: self.start,
            end: self.start + self.started.elapsed(),
            status,
        }
    }
}

fn error_status(e: &Error) -> SpanStatus {
    SpanStatus::Error {
        kind: e.kind().as_str().to_owned(),
        message: e.message().to_owned(),
    }
}

#[async_trait::async_trait]
impl Middleware for Telemetry {
    async fn generate(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelResponse> {
        let mut span = self.begin(next, options, false);
        let result = next.generate(options).instrument(span.live.clone()).await;
        let record = match &result {
            Ok(r) => {
                span.response(r.finish_reason, &r.usage, &r.response);
                let text: String = r.content.iter().filter_map(|p| p.as_text()).collect();
                span.output(&text, r.finish_reason);
                span.finish(SpanStatus::Ok)
            }
            Err(e) => span.finish(error_status(e)),
        };
        self.sink.record(record).await;
        result
    }

    async fn stream(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelStream> {
        let span = self.begin(next, options, true);
        match next.stream(options).instrument(span.live.clone()).await {
            Ok(s) => {
                let live = span.live.clone();
                let observer = StreamSpan {
                    span: Some(span),
                    sink: self.sink.clone(),
                    first_chunk: None,
                    text: String::new(),
                };
                Ok(ModelStream {
                    warnings: s.warnings,
                    events: Box::pin(Observed::new(s.events, observer).in_span(live)),
                })
            }
            Err(e) => {
                self.sink.record(span.finish(error_status(&e))).await;
                Err(e)
            }
        }
    }
}

/// Follows a stream and finishes its span at the end.
struct StreamSpan {
    span: Option<Span>,
    sink: Arc<dyn SpanSink>,
    first_chunk: Option<f64>,
    text: String,
}

impl Observer for StreamSpan {
    fn event(&mut self, event: &StreamEvent) {
        let Some(span) = &mut self.span else { return };
        if self.first_chunk.is_none() {
            self.first_chunk = Some(span.started.elapsed().as_secs_f64() * 1000.0);
        }
        match event {
            StreamEvent::TextDelta { text, .. } if span.record_outputs => {
                let room = MAX_RECORDED_OUTPUT_BYTES.saturating_sub(self.text.len());
                self.text.push_str(cut(text, room));
            }
            StreamEvent::FinishStep {
                finish_reason,
                usage,
                response,
                ..
            } => {
                span.response(*finish_reason, usage, response);
                span.output(&self.text, *finish_reason);
            }
            _ => {}
        }
    }

    fn end(&mut self, outcome: Outcome<'_>) -> Option<BoxFuture<'static, ()>> {
        let mut span = self.span.take()?;
        if let Some(ms) = self.first_chunk {
            span.set("ditto.time_to_first_chunk_ms", json!(ms));
        }
        let status = match outcome {
            Outcome::Finished => SpanStatus::Ok,
            Outcome::Failed(e) => error_status(e),
            Outcome::Incomplete => error_status(&Error::stream(
                "the model stream ended without a finish event",
            )),
            Outcome::Dropped => SpanStatus::Error {
                kind: crate::ErrorKind::Cancelled.as_str().to_owned(),
                message: "the stream was dropped before it finished".into(),
            },
        };
        let record = span.finish(status);
        let sink = self.sink.clone();
        Some(Box::pin(async move { sink.record(record).await }))
    }
}

#[cfg(test)]
#[path = "telemetry_tests.rs"]
mod tests;
