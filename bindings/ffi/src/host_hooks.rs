//! The core's hook traits implemented by host functions (see `host.rs`): tool execution, custom
//! stop conditions and tool-call repair. Each sends one JSON input and reads one JSON reply.
//!
//! | hook | input JSON | reply JSON |
//! |------|------------|------------|
//! | tool | `{"tool_call": ToolCall, "step": 0}` | the tool's output (any JSON) |
//! | stop | `{"steps": [StepResult, ...]}` | `true` / `false` |
//! | tool repair | `{"tool_call", "error", "tools"}` | a `ToolCall`, or `null` to give up |
//! | object repair | `{"text", "error": ErrorInfo}` | the fixed text, or `null` |
//! | cache store | `{"op": "get", "key"}` / `{"op": "put", "key", "value": base64}` | base64 or `null` / `null` |
//! | span sink | a `SpanRecord::to_json` object | ignored |

use crate::host;
use base64::Engine as _;
use ditto_llm::agent::{StepResult, StopPredicate, ToolCallRepair, ToolContext, ToolExecutor};
use ditto_llm::middleware::{CacheStore, SpanRecord, SpanSink};
use ditto_llm::object::ObjectRepair;
use ditto_llm::{Error, Tool, ToolCall};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// Call `fn_id` with `input` and parse its reply as `T`.
async fn call_json<T: DeserializeOwned>(fn_id: u64, input: &Value) -> Result<T, String> {
    let reply = host::call(fn_id, input.to_string()).await?;
    serde_json::from_str(&reply)
        .map_err(|e| format!("the host function's reply is not the expected JSON: {e}"))
}

/// A tool whose `execute` is host function `fn_id`. A host error (a Go error, a recovered
/// panic, an output that could not be encoded) becomes the tool error fed back to the model.
#[derive(Debug)]
pub(crate) struct HostTool {
    pub(crate) fn_id: u64,
}

#[async_trait::async_trait]
impl ToolExecutor for HostTool {
    async fn execute(&self, call: &ToolCall, ctx: &ToolContext) -> Result<Value, String> {
        call_json(self.fn_id, &json!({"tool_call": call, "step": ctx.step})).await
    }
}

/// A custom stop condition answered by host function `fn_id`. A failing predicate stops the
/// loop (a broken condition must not let it run on to `max_steps`).
#[derive(Debug)]
pub(crate) struct HostStop {
    pub(crate) fn_id: u64,
}

#[async_trait::async_trait]
impl StopPredicate for HostStop {
    async fn should_stop(&self, steps: &[StepResult]) -> bool {
        call_json::<bool>(self.fn_id, &json!({ "steps": steps }))
            .await
            .unwrap_or(true)
    }
}

/// A tool-call repair hook answered by host function `fn_id`; a host error is an `internal`
/// error for the core, which then reports the call as a tool error.
#[derive(Debug)]
pub(crate) struct HostToolRepair {
    pub(crate) fn_id: u64,
}

#[async_trait::async_trait]
impl ToolCallRepair for HostToolRepair {
    async fn repair(
        &self,
        call: &ToolCall,
        error: &str,
        tools: &[Tool],
    ) -> ditto_llm::Result<Option<ToolCall>> {
        let input = json!({"tool_call": call, "error": error, "tools": tools});
        call_json(self.fn_id, &input)
            .await
            .map_err(|e| Error::internal(format!("the tool-call repair hook failed: {e}")))
    }
}

/// An object repair hook answered by host function `fn_id`: input `{"text", "error":
/// ErrorInfo}`, reply the fixed text or `null`. When the host function fails, the call fails
/// with the original error (a `no_object_generated` keeps its text, usage and finish reason),
/// its message saying why the repair failed.
#[derive(Debug)]
pub(crate) struct HostObjectRepair {
    pub(crate) fn_id: u64,
}

#[async_trait::async_trait]
impl ObjectRepair for HostObjectRepair {
    async fn repair(&self, text: &str, error: &Error) -> ditto_llm::Result<Option<String>> {
        let input = json!({"text": text, "error": error.to_info()});
        call_json(self.fn_id, &input).await.map_err(|e| {
            let message = format!("{} (the repair hook failed: {e})", error.message());
            match (error.no_object_usage(), error.no_object_finish_reason()) {
                (Some(usage), Some(finish_reason)) => Error::no_object_generated(
                    message,
                    error.no_object_text().unwrap_or_default(),
                    usage,
                    finish_reason,
                ),
                _ => Error::new(error.kind(), message),
            }
        })
    }
}

/// A cache store answered by host function `fn_id` (values travel base64-encoded). A failing
/// host store is an `internal` error for the cache layer.
#[derive(Debug)]
pub(crate) struct HostCacheStore {
    pub(crate) fn_id: u64,
}

#[async_trait::async_trait]
impl CacheStore for HostCacheStore {
    async fn get(&self, key: &str) -> ditto_llm::Result<Option<Vec<u8>>> {
        let reply: Option<String> = call_json(self.fn_id, &json!({"op": "get", "key": key}))
            .await
            .map_err(|e| Error::internal(format!("the cache store failed: {e}")))?;
        reply
            .map(|b64| {
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|e| {
                        Error::internal(format!("the cache store returned bad base64: {e}"))
                    })
            })
            .transpose()
    }

    async fn put(&self, key: &str, value: Vec<u8>) -> ditto_llm::Result<()> {
        let value = base64::engine::general_purpose::STANDARD.encode(value);
        host::call(
            self.fn_id,
            json!({"op": "put", "key": key, "value": value}).to_string(),
        )
        .await
        .map(drop)
        .map_err(|e| Error::internal(format!("the cache store failed: {e}")))
    }
}

/// A span sink forwarding each finished span to host function `fn_id`; its failures are
/// ignored (telemetry never fails a call).
#[derive(Debug)]
pub(crate) struct HostSpanSink {
    pub(crate) fn_id: u64,
}

#[async_trait::async_trait]
impl SpanSink for HostSpanSink {
    async fn record(&self, span: SpanRecord) {
        let _ = host::call(self.fn_id, span.to_json().to_string()).await;
    }
}
