//! Turning the model's text into the result: parse, unwrap the array / enum envelope, validate,
//! and give an [`ObjectRepair`] hook one chance to fix text that fails.

use super::request::{Plan, Shape};
use super::validate::{validate, ValidationError};
use crate::error::{Error, Result};
use crate::types::{FinishReason, Usage};
use serde_json::Value;

/// Fixes model output that is not valid JSON or fails the schema, before `generate_object` /
/// `stream_object` give up with `no_object_generated`.
///
/// Called at most once per call, with the raw text and the error it caused. Return the fixed
/// text, or `None` to keep the error. An `Err` from the hook is returned as is.
#[async_trait::async_trait]
pub trait ObjectRepair: Send + Sync {
    /// Repair `text`, which failed with `error`.
    async fn repair(&self, text: &str, error: &Error) -> Result<Option<String>>;
}

/// How one call ended, for the error a failed object carries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outcome {
    pub usage: Usage,
    pub finish_reason: FinishReason,
}

/// Parse `text` as one JSON value. Surrounding whitespace and a Markdown code fence
/// (```` ```json ... ``` ````) are ignored.
pub(crate) fn parse_json_text(text: &str) -> std::result::Result<Value, String> {
    let body = strip_fence(text.trim());
    if body.is_empty() {
        return Err("the model returned no text".into());
    }
    serde_json::from_str(body).map_err(|e| format!("the text is not valid JSON: {e}"))
}

/// The inside of a Markdown code fence, or `text` when it is not fenced.
pub(crate) fn strip_fence(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("```") else {
        return text;
    };
    let Some(newline) = rest.find('\n') else {
        return text;
    };
    let inner = &rest[newline + 1..];
    inner.trim_end().strip_suffix("```").unwrap_or(inner).trim()
}

fn describe(errors: &[ValidationError]) -> String {
    const SHOWN: usize = 5;
    let mut out: Vec<String> = errors.iter().take(SHOWN).map(|e| e.to_string()).collect();
    if errors.len() > SHOWN {
        out.push(format!("and {} more", errors.len() - SHOWN));
    }
    out.join("; ")
}

impl Shape {
    /// Unwrap and check a parsed value: the object, the array or the enum value.
    pub(crate) fn read(&self, value: Value) -> std::result::Result<Value, String> {
        let mismatch = |errors: Vec<ValidationError>| {
            format!(
                "the object does not match the schema: {}",
                describe(&errors)
            )
        };
        match self {
            Shape::NoSchema => Ok(value),
            Shape::Object(schema) => validate(schema, &value).map(|()| value).map_err(mismatch),
            Shape::Array(item) => {
                let Value::Object(mut map) = value else {
                    return Err("expected an object with an `elements` array".into());
                };
                let Some(Value::Array(elements)) = map.remove("elements") else {
                    return Err("expected an object with an `elements` array".into());
                };
                for (i, e) in elements.iter().enumerate() {
                    validate(item, e).map_err(|errors| {
                        let errors: Vec<ValidationError> = errors
                            .into_iter()
                            .map(|mut v| {
                                v.path = format!("/elements/{i}{}", v.path);
                                v
                            })
                            .collect();
                        mismatch(errors)
                    })?;
                }
                Ok(Value::Array(elements))
            }
            Shape::Enum(values) => match value.get("result") {
                Some(Value::String(s)) if values.contains(s) => Ok(Value::String(s.clone())),
                Some(other) => Err(format!(
                    "the result {other} is not one of {}",
                    serde_json::to_string(values).unwrap_or_default()
                )),
                None => Err("expected an object with a `result` value".into()),
            },
        }
    }
}

impl Plan {
    /// The final object from the complete text, repairing once if a hook is given.
    pub(crate) async fn finalize(
        &self,
        text: &str,
        repair: Option<&dyn ObjectRepair>,
        outcome: Outcome,
    ) -> Result<Value> {
        let first = match self.read_text(text) {
            Ok(v) => return Ok(v),
            Err(message) => self.no_object(message, text, outcome),
        };
        let Some(hook) = repair else {
            return Err(first);
        };
        let Some(fixed) = hook.repair(text, &first).await? else {
            return Err(first);
        };
        if fixed.len() > self.max_bytes {
            let message = format!(
                "the repaired text is over the limit of {} bytes (max_object_bytes)",
                self.max_bytes
            );
            return Err(self.no_object(message, text, outcome));
        }
        self.read_text(&fixed)
            .map_err(|m| self.no_object(format!("after repair: {m}"), &fixed, outcome))
    }

    fn read_text(&self, text: &str) -> std::result::Result<Value, String> {
        self.shape.read(parse_json_text(text)?)
    }

    /// A `no_object_generated` error carrying the text and how the call ended.
    pub(crate) fn no_object(&self, message: String, text: &str, outcome: Outcome) -> Error {
        Error::no_object_generated(
            format!("no object generated: {message}"),
            text,
            outcome.usage,
            outcome.finish_reason,
        )
    }
}

#[cfg(test)]
#[path = "finalize_tests.rs"]
mod tests;
