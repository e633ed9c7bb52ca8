//! Finished telemetry spans and where they go: the [`SpanSink`] trait and the default
//! [`TracingSink`].

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

/// How a span ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanStatus {
    /// The call succeeded.
    Ok,
    /// The call failed, or the stream was dropped before it finished.
    Error {
        /// The error kind (`rate_limited`, ...), or `cancelled` for a dropped stream.
        kind: String,
        /// The error message.
        message: String,
    },
}

/// One finished span, as a sink receives it.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanRecord {
    /// `gen_ai.<operation>`, e.g. `gen_ai.chat`.
    pub name: String,
    /// GenAI semantic-convention attributes (`gen_ai.request.model`, ...) plus `ditto.*` ones.
    pub attributes: BTreeMap<String, Value>,
    /// When the call started.
    pub start: SystemTime,
    /// When it ended (for streams: when `finish-step` arrived, or the failure / drop).
    pub end: SystemTime,
    /// Success or the error.
    pub status: SpanStatus,
}

fn unix_nanos(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos().min(u64::MAX as u128) as u64)
        .unwrap_or(0)
}

impl SpanRecord {
    /// The record as JSON (what the bindings hand to host code): `{"name", "attributes",
    /// "start_unix_nanos", "end_unix_nanos", "duration_ms", "status": "ok"|"error",
    /// "error": {"kind", "message"}?}`.
    pub fn to_json(&self) -> Value {
        let duration = self
            .end
            .duration_since(self.start)
            .unwrap_or_default()
            .as_secs_f64()
            * 1000.0;
        let mut v = json!({
            "name": self.name,
            "attributes": self.attributes,
            "start_unix_nanos": unix_nanos(self.start),
            "end_unix_nanos": unix_nanos(self.end),
            "duration_ms": duration,
            "status": if self.status == SpanStatus::Ok { "ok" } else { "error" },
        });
        if let SpanStatus::Error { kind, message } = &self.status {
            v["error"] = json!({"kind": kind, "message": message});
        }
        v
    }
}

/// Receives finished spans. Object-safe, so bindings can forward spans to host code
/// (OpenTelemetry in Python / Node / Go).
#[async_trait::async_trait]
pub trait SpanSink: Send + Sync + std::fmt::Debug {
    /// One finished span. Called once per model call; must not fail the call, so it returns
    /// nothing.
    async fn record(&self, span: SpanRecord);
}

/// The default sink: emits each finished span as a `tracing` event (target
/// `ditto_llm::telemetry`, level INFO, errors at WARN) with the attributes as JSON.
#[derive(Debug, Clone, Copy, Default)]
pub struct TracingSink;

#[async_trait::async_trait]
impl SpanSink for TracingSink {
    async fn record(&self, span: SpanRecord) {
        let json = span.to_json();
        let attributes = Value::Object(span.attributes.into_iter().collect());
        match &span.status {
            SpanStatus::Ok => tracing::info!(
                target: "ditto_llm::telemetry",
                span = %span.name,
                duration_ms = json["duration_ms"].as_f64(),
                attributes = %attributes,
                "span finished"
            ),
            SpanStatus::Error { kind, message } => tracing::warn!(
                target: "ditto_llm::telemetry",
                span = %span.name,
                duration_ms = json["duration_ms"].as_f64(),
                attributes = %attributes,
                error.kind = %kind,
                error.message = %message,
                "span failed"
            ),
        }
    }
}
