use serde::{Deserialize, Serialize};

/// Token usage of one call or a sum of calls.
///
/// Every field is `None` when the provider did not report it: unknown is never `0` and never NaN.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens, cached ones included.
    pub input_tokens: Option<u64>,
    /// Generated tokens, reasoning included.
    pub output_tokens: Option<u64>,
    /// Input plus output as reported, or computed when both are known.
    pub total_tokens: Option<u64>,
    /// Input tokens served from the provider's prompt cache.
    pub cache_read_tokens: Option<u64>,
    /// Input tokens written to the provider's prompt cache.
    pub cache_write_tokens: Option<u64>,
    /// Output tokens spent on reasoning.
    pub reasoning_tokens: Option<u64>,
}

impl Usage {
    /// Usage with input and output known; total computed.
    pub fn new(input_tokens: u64, output_tokens: u64) -> Self {
        Usage {
            input_tokens: Some(input_tokens),
            output_tokens: Some(output_tokens),
            total_tokens: Some(input_tokens + output_tokens),
            ..Usage::default()
        }
    }

    /// Fill `total_tokens` from input and output when the provider left it out.
    pub fn with_computed_total(mut self) -> Self {
        if self.total_tokens.is_none() {
            if let (Some(i), Some(o)) = (self.input_tokens, self.output_tokens) {
                self.total_tokens = Some(i + o);
            }
        }
        self
    }

    /// Field-wise sum; a field stays `None` only when it is `None` on both sides.
    pub fn add(&self, other: &Usage) -> Usage {
        fn sum(a: Option<u64>, b: Option<u64>) -> Option<u64> {
            match (a, b) {
                (None, None) => None,
                (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
            }
        }
        Usage {
            input_tokens: sum(self.input_tokens, other.input_tokens),
            output_tokens: sum(self.output_tokens, other.output_tokens),
            total_tokens: sum(self.total_tokens, other.total_tokens),
            cache_read_tokens: sum(self.cache_read_tokens, other.cache_read_tokens),
            cache_write_tokens: sum(self.cache_write_tokens, other.cache_write_tokens),
            reasoning_tokens: sum(self.reasoning_tokens, other.reasoning_tokens),
        }
    }

    /// True when nothing is known.
    pub fn is_unknown(&self) -> bool {
        *self == Usage::default()
    }
}
