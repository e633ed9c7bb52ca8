//! Stop conditions: when the agent loop stops even though the model asked for tools.

use super::StepResult;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::Arc;

/// A caller-defined stop test, run after each step that would otherwise continue.
#[async_trait::async_trait]
pub trait StopPredicate: Send + Sync + std::fmt::Debug {
    /// True to stop after the last of `steps`.
    async fn should_stop(&self, steps: &[StepResult]) -> bool;
}

/// When to stop the loop. Several conditions stop it when any one holds.
///
/// JSON (for bindings): `{"type": "step-count", "count": 3}` and
/// `{"type": "has-tool-call", "tool_name": "x"}`. `Custom` has no JSON form: it serializes as
/// `{"type": "custom"}`, which does not deserialize.
#[derive(Debug, Clone)]
pub enum StopCondition {
    /// Stop once this many steps ran (the AI SDK's `stepCountIs`).
    StepCount(u32),
    /// Stop after a step that called this tool (the AI SDK's `hasToolCall`).
    HasToolCall(String),
    /// Stop when the predicate says so.
    Custom(Arc<dyn StopPredicate>),
}

impl StopCondition {
    /// Whether this condition holds after `steps`.
    pub async fn is_met(&self, steps: &[StepResult]) -> bool {
        match self {
            StopCondition::StepCount(n) => steps.len() >= *n as usize,
            StopCondition::HasToolCall(name) => steps
                .last()
                .is_some_and(|s| s.tool_calls.iter().any(|c| &c.tool_name == name)),
            StopCondition::Custom(p) => p.should_stop(steps).await,
        }
    }
}

/// Whether any of `conditions` holds after `steps`.
pub async fn any_met(conditions: &[StopCondition], steps: &[StepResult]) -> bool {
    for c in conditions {
        if c.is_met(steps).await {
            return true;
        }
    }
    false
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
enum Wire {
    StepCount { count: u32 },
    HasToolCall { tool_name: String },
    Custom,
}

impl Serialize for StopCondition {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            StopCondition::StepCount(count) => Wire::StepCount { count: *count },
            StopCondition::HasToolCall(tool_name) => Wire::HasToolCall {
                tool_name: tool_name.clone(),
            },
            StopCondition::Custom(_) => Wire::Custom,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for StopCondition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match Wire::deserialize(d)? {
            Wire::StepCount { count } => Ok(StopCondition::StepCount(count)),
            Wire::HasToolCall { tool_name } => Ok(StopCondition::HasToolCall(tool_name)),
            Wire::Custom => Err(serde::de::Error::custom(
                "a `custom` stop condition has no JSON form; pass a StopPredicate instead",
            )),
        }
    }
}
