//! `MiddlewareSpec`: the JSON form of a middleware layer, for configs and bindings.

use super::{DefaultSettings, ExtractReasoning, Middleware, SimulateStreaming};
use crate::error::{Error, Result};
use crate::model::LanguageModel;
use crate::types::CallSettings;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One middleware layer as JSON (tag `type`). A list of them, outermost first, goes with an
/// alias: `{"model": "openai:gpt-4o-mini", "middleware": [{"type": "extract-reasoning"}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum MiddlewareSpec {
    /// [`DefaultSettings`]: `{"type": "default-settings", "settings": {"temperature": 0}}`.
    DefaultSettings {
        /// The defaults (the [`CallSettings`] fields).
        settings: Box<CallSettings>,
    },
    /// [`ExtractReasoning`]: `{"type": "extract-reasoning", "tag_name": "think",
    /// "start_with_reasoning": false}`.
    ExtractReasoning {
        /// The tag name without brackets (default `think`).
        #[serde(default = "default_tag")]
        tag_name: String,
        /// Treat text as reasoning until the first closing tag (default false).
        #[serde(default)]
        start_with_reasoning: bool,
    },
    /// [`SimulateStreaming`]: `{"type": "simulate-streaming"}`.
    SimulateStreaming {
        /// Words per delta; unset sends each part as one delta.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        words_per_chunk: Option<usize>,
    },
}

fn default_tag() -> String {
    "think".into()
}

/// What building a [`MiddlewareSpec`] may need from the client.
pub struct SpecContext<'a> {
    /// Resolves model names (aliases and `provider:model`) for layers that call other models.
    pub models: &'a dyn Fn(&str) -> Result<Arc<dyn LanguageModel>>,
}

impl std::fmt::Debug for SpecContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpecContext").finish_non_exhaustive()
    }
}

impl MiddlewareSpec {
    /// The spec's `type` tag.
    pub fn type_name(&self) -> &'static str {
        match self {
            MiddlewareSpec::DefaultSettings { .. } => "default-settings",
            MiddlewareSpec::ExtractReasoning { .. } => "extract-reasoning",
            MiddlewareSpec::SimulateStreaming { .. } => "simulate-streaming",
        }
    }

    /// Build the layer. Fails with a `config` error on invalid values.
    pub fn build(&self, _ctx: &SpecContext<'_>) -> Result<Arc<dyn Middleware>> {
        Ok(match self {
            MiddlewareSpec::DefaultSettings { settings } => {
                Arc::new(DefaultSettings::new((**settings).clone()))
            }
            MiddlewareSpec::ExtractReasoning {
                tag_name,
                start_with_reasoning,
            } => {
                if tag_name.is_empty() || tag_name.contains(['<', '>', '/']) {
                    return Err(Error::config(format!(
                        "extract-reasoning.tag_name must be a bare tag name like `think`, got `{tag_name}`"
                    )));
                }
                Arc::new(
                    ExtractReasoning::new(tag_name.clone())
                        .start_with_reasoning(*start_with_reasoning),
                )
            }
            MiddlewareSpec::SimulateStreaming { words_per_chunk } => {
                if *words_per_chunk == Some(0) {
                    return Err(Error::config(
                        "simulate-streaming.words_per_chunk must be at least 1",
                    ));
                }
                Arc::new(SimulateStreaming {
                    words_per_chunk: *words_per_chunk,
                })
            }
        })
    }
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
