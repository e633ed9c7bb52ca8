use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Provider-specific options, keyed by provider name (`{"openai": {"user": "u1"}}`).
///
/// Each provider reads only its own key (and, for OpenAI-compatible services, `openai` as a
/// fallback); everything else passes through untouched.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProviderOptions(pub BTreeMap<String, Map<String, Value>>);

impl ProviderOptions {
    /// The options for `provider`, if any were given.
    pub fn get(&self, provider: &str) -> Option<&Map<String, Value>> {
        self.0.get(provider)
    }

    /// One option of one provider.
    pub fn value(&self, provider: &str, key: &str) -> Option<&Value> {
        self.get(provider).and_then(|m| m.get(key))
    }

    /// Set one option of one provider.
    pub fn insert(&mut self, provider: &str, key: &str, value: Value) {
        self.0
            .entry(provider.to_owned())
            .or_default()
            .insert(key.to_owned(), value);
    }

    /// True when no options are set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
