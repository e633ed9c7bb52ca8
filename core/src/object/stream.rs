//! `stream_object`: partial objects while the model writes, the validated object at the end.

use super::finalize::{ObjectRepair, Outcome};
use super::partial::PartialJsonParser;
use super::request::{ObjectMode, ObjectRequest, Plan, Shape, JSON_TOOL_NAME};
use super::validate::validate;
use crate::error::{Error, Result};
use crate::model::{EventStream, LanguageModel};
use crate::types::{FinishReason, ProviderMetadata, ResponseMetadata, StreamEvent, Usage, Warning};
use futures_core::Stream;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// One event of an [`ObjectStream`]. JSON: `{"type": "partial-object", "object": ...}`, ...
// `finish` is the large variant, and it comes once per stream: boxing it would only make
// matching on it clumsier.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ObjectStreamEvent {
    /// The best-effort object so far; sent only when it changed. `array` output: the completed,
    /// valid elements; `enum` output: the value once the text so far matches only one.
    PartialObject {
        /// The partial object.
        object: Value,
    },
    /// `array` output: one more complete element that matches the element schema, in order.
    Element {
        /// Its position in the array.
        index: usize,
        /// The element.
        element: Value,
    },
    /// Raw object text as the model wrote it.
    TextDelta {
        /// The new text.
        text: String,
    },
    /// The end: the validated object, and how the call went.
    Finish {
        /// The validated object (array for `array` output, string for `enum` output).
        object: Value,
        /// Unified finish reason.
        finish_reason: FinishReason,
        /// The provider's own finish reason.
        #[serde(default)]
        raw_finish_reason: Option<String>,
        /// Token usage.
        usage: Usage,
        /// What the provider could not honour, and schema keywords Ditto did not check.
        #[serde(default)]
        warnings: Vec<Warning>,
        /// Response facts.
        #[serde(default)]
        response: ResponseMetadata,
        /// Provider details.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
}

/// What `stream_object` returns. A failure (the provider's, or `no_object_generated` when the
/// finished text is not a valid object) is yielded once as `Err`, then the stream ends.
/// Dropping it cancels the upstream request.
pub struct ObjectStream {
    inner: Pin<Box<dyn Stream<Item = Result<ObjectStreamEvent>> + Send>>,
}

impl std::fmt::Debug for ObjectStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectStream").finish_non_exhaustive()
    }
}

impl Stream for ObjectStream {
    type Item = Result<ObjectStreamEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl ObjectStream {
    /// Consume the stream and return the `finish` event's object.
    pub async fn object(mut self) -> Result<Value> {
        while let Some(ev) = self.next().await {
            if let ObjectStreamEvent::Finish { object, .. } = ev? {
                return Ok(object);
            }
        }
        Err(Error::stream(
            "the object stream ended without a finish event",
        ))
    }
}

/// Stream one object from `model` (the request's `model` field is not consulted). Errors
/// before the first byte are returned here; later ones arrive as the stream's `Err` item.
pub async fn stream_object(
    model: &dyn LanguageModel,
    request: &ObjectRequest,
    repair: Option<Arc<dyn ObjectRepair>>,
) -> Result<ObjectStream> {
    let plan = request.plan()?;
    let upstream = model.stream(&plan.options).await?;
    let mut warnings = plan.warnings.clone();
    warnings.extend(upstream.warnings);
    let run = Run {
        parser: PartialJsonParser::with_max_bytes(plan.max_bytes),
        plan,
        repair,
        inner: Some(upstream.events),
        queue: VecDeque::new(),
        text: String::new(),
        json_start: None,
        parser_failed: false,
        last_partial: None,
        elements_sent: 0,
        elements_ok: true,
        warnings,
        finish: None,
        tool_call_input: None,
    };
    let events = futures_util::stream::unfold(run, |mut run| async move {
        let item = run.next_item().await?;
        Some((item, run))
    });
    Ok(ObjectStream {
        inner: Box::pin(events),
    })
}

/// The `finish-step` facts.
struct StepEnd {
    finish_reason: FinishReason,
    raw_finish_reason: Option<String>,
    usage: Usage,
    response: ResponseMetadata,
    provider_metadata: Option<ProviderMetadata>,
}

struct Run {
    plan: Plan,
    repair: Option<Arc<dyn ObjectRepair>>,
    /// The model's events; `None` once done (dropping it cancels the request).
    inner: Option<EventStream>,
    queue: VecDeque<ObjectStreamEvent>,
    /// The object text so far (at most `plan.max_bytes`).
    text: String,
    /// Where the JSON starts in `text`, once known (after whitespace or a code fence line).
    json_start: Option<usize>,
    parser: PartialJsonParser,
    parser_failed: bool,
    last_partial: Option<Value>,
    elements_sent: usize,
    elements_ok: bool,
    warnings: Vec<Warning>,
    finish: Option<StepEnd>,
    /// `tool` mode: the complete input of the `json` tool call, if it came whole.
    tool_call_input: Option<String>,
}

impl Run {
    /// The next item, or `None` at the end.
    async fn next_item(&mut self) -> Option<Result<ObjectStreamEvent>> {
        loop {
            if let Some(ev) = self.queue.pop_front() {
                return Some(Ok(ev));
            }
            let inner = self.inner.as_mut()?;
            match inner.next().await {
                Some(Ok(event)) => {
                    if let Err(e) = self.on_event(event) {
                        self.inner = None;
                        return Some(Err(e));
                    }
                }
                Some(Err(e)) => {
                    self.inner = None;
                    return Some(Err(e));
                }
                None => {
                    self.inner = None;
                    if let Err(e) = self.on_end().await {
                        return Some(Err(e));
                    }
                }
            }
        }
    }

    fn outcome(&self) -> Outcome {
        match &self.finish {
            Some(f) => Outcome {
                usage: f.usage,
                finish_reason: f.finish_reason,
            },
            None => Outcome {
                usage: Usage::default(),
                finish_reason: FinishReason::Other,
            },
        }
    }

    fn on_event(&mut self, event: StreamEvent) -> Result<()> {
        let tool_mode = self.plan.mode == ObjectMode::Tool;
        match event {
            StreamEvent::TextDelta { text, .. } if !tool_mode => self.on_text(text),
            StreamEvent::ToolInputDelta { delta, .. } if tool_mode => self.on_text(delta),
            StreamEvent::ToolCall(call) if tool_mode && call.tool_name == JSON_TOOL_NAME => {
                self.tool_call_input = Some(match call.input {
                    Value::String(raw) if call.invalid_input => raw,
                    input => input.to_string(),
                });
                Ok(())
            }
            StreamEvent::FinishStep {
                finish_reason,
                raw_finish_reason,
                usage,
                response,
                provider_metadata,
            } => {
                self.finish = Some(StepEnd {
                    finish_reason,
                    raw_finish_reason,
                    usage: usage.with_computed_total(),
                    response,
                    provider_metadata,
                });
                Ok(())
            }
            StreamEvent::StartStep { warnings } => {
                self.warnings.extend(warnings);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn on_text(&mut self, delta: String) -> Result<()> {
        if delta.is_empty() {
            return Ok(());
        }
        if self.text.len() + delta.len() > self.plan.max_bytes {
            let message = format!(
                "the object text is over the limit of {} bytes (max_object_bytes)",
                self.plan.max_bytes
            );
            return Err(self.plan.no_object(message, &self.text, self.outcome()));
        }
        let before = self.text.len();
        self.text.push_str(&delta);
        self.queue
            .push_back(ObjectStreamEvent::TextDelta { text: delta });
        // Feed the parser from where the JSON starts (skipping a leading code fence line).
        let feed_from = match self.json_start {
            Some(_) => before,
            None => match json_start(&self.text) {
                Some(start) => {
                    self.json_start = Some(start);
                    start
                }
                None => return Ok(()),
            },
        };
        if self.parser_failed {
            return Ok(());
        }
        match self.parser.feed(&self.text[feed_from..]) {
            Ok(Some(partial)) => self.on_partial(partial),
            Ok(None) => {}
            // Not JSON we can follow (or trailing text such as a closing code fence): show what
            // was read up to there; partials stop and the final parse decides.
            Err(_) => {
                self.parser_failed = true;
                if let Some(partial) = self.parser.value() {
                    self.on_partial(partial);
                }
            }
        }
        Ok(())
    }

    /// Turn the parser's value into `partial-object` / `element` events.
    fn on_partial(&mut self, value: Value) {
        let mut new_elements = Vec::new();
        let shown = match &self.plan.shape {
            Shape::Object(_) | Shape::NoSchema => Some(value),
            Shape::Enum(values) => match value.get("result") {
                Some(Value::String(prefix)) => {
                    let mut matching = values.iter().filter(|v| v.starts_with(prefix.as_str()));
                    match (matching.next(), matching.next()) {
                        (Some(only), None) => Some(Value::String(only.clone())),
                        _ => None,
                    }
                }
                _ => None,
            },
            Shape::Array(item) => {
                let Some(Value::Array(elements)) = value.get("elements") else {
                    return;
                };
                // Every element but the last is complete; send those that validate, in order.
                let complete = elements.len().saturating_sub(1);
                while self.elements_ok && self.elements_sent < complete {
                    let element = &elements[self.elements_sent];
                    if validate(item, element).is_err() {
                        self.elements_ok = false;
                        break;
                    }
                    new_elements.push(ObjectStreamEvent::Element {
                        index: self.elements_sent,
                        element: element.clone(),
                    });
                    self.elements_sent += 1;
                }
                Some(Value::Array(elements[..self.elements_sent].to_vec()))
            }
        };
        if let Some(shown) = shown {
            if self.last_partial.as_ref() != Some(&shown) {
                self.queue.push_back(ObjectStreamEvent::PartialObject {
                    object: shown.clone(),
                });
                self.last_partial = Some(shown);
            }
        }
        self.queue.extend(new_elements);
    }

    async fn on_end(&mut self) -> Result<()> {
        if self.text.is_empty() {
            if let Some(input) = self.tool_call_input.take() {
                // The input came whole: it is the text, in one piece.
                self.on_text(input)?;
            }
        }
        let outcome = self.outcome();
        let object = self
            .plan
            .finalize(&self.text, self.repair.as_deref(), outcome)
            .await?;
        if let (Shape::Array(_), Value::Array(elements)) = (&self.plan.shape, &object) {
            // Elements the stream could not confirm yet (the last one, or all after a repair).
            let start = self.elements_sent.min(elements.len());
            for (i, element) in elements.iter().enumerate().skip(start) {
                self.queue.push_back(ObjectStreamEvent::Element {
                    index: i,
                    element: element.clone(),
                });
            }
        }
        let end = self.finish.take();
        let (finish_reason, raw_finish_reason, response, provider_metadata) = match end {
            Some(e) => (
                e.finish_reason,
                e.raw_finish_reason,
                e.response,
                e.provider_metadata,
            ),
            None => (FinishReason::Other, None, ResponseMetadata::default(), None),
        };
        self.queue.push_back(ObjectStreamEvent::Finish {
            object,
            finish_reason,
            raw_finish_reason,
            usage: outcome.usage,
            warnings: std::mem::take(&mut self.warnings),
            response,
            provider_metadata,
        });
        Ok(())
    }
}

/// Where the JSON begins in `text`: after leading whitespace, or after a Markdown code fence's
/// first line. `None` while that is not known yet.
fn json_start(text: &str) -> Option<usize> {
    let trimmed = text.trim_start();
    let offset = text.len() - trimmed.len();
    if trimmed.is_empty() {
        return None;
    }
    if "```".starts_with(trimmed) {
        return None; // maybe the start of a fence
    }
    if trimmed.starts_with("```") {
        return trimmed.find('\n').map(|n| offset + n + 1);
    }
    Some(offset)
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
