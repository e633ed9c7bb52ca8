use serde::{Deserialize, Serialize};

/// Why the model stopped, unified across providers. The provider's own value travels beside it
/// as `raw_finish_reason`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FinishReason {
    /// A natural stop or a stop sequence.
    Stop,
    /// The output token limit was reached.
    Length,
    /// Content was filtered by the provider.
    ContentFilter,
    /// The model called tools.
    ToolCalls,
    /// The generation failed.
    Error,
    /// Anything else, including unknown values.
    #[default]
    Other,
}

impl FinishReason {
    /// The stable string form (`"stop"`, `"tool-calls"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ContentFilter => "content-filter",
            FinishReason::ToolCalls => "tool-calls",
            FinishReason::Error => "error",
            FinishReason::Other => "other",
        }
    }
}

impl std::fmt::Display for FinishReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
