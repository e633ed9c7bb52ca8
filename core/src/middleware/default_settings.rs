//! `DefaultSettings`: fill call settings the caller left unset.

use super::Middleware;
use crate::error::Result;
use crate::model::{LanguageModel, ModelStream};
use crate::types::{CallOptions, CallSettings, ModelResponse};
use std::sync::Arc;

/// Settings applied to every call that does not set them itself: each unset field
/// (`None`, or an empty `stop` list) takes the default; `provider_options` are merged per
/// provider and key, the call's own values winning.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DefaultSettings {
    /// The defaults.
    pub settings: CallSettings,
}

impl DefaultSettings {
    /// Middleware applying `settings` as defaults.
    pub fn new(settings: CallSettings) -> Self {
        DefaultSettings { settings }
    }

    /// `options` with the defaults filled in.
    pub fn apply(&self, options: &CallOptions) -> CallOptions {
        let mut out = options.clone();
        let (s, d) = (&mut out.settings, &self.settings);
        macro_rules! fill {
            ($($f:ident),*) => { $( if s.$f.is_none() { s.$f = d.$f.clone(); } )* };
        }
        fill!(
            max_output_tokens,
            temperature,
            top_p,
            top_k,
            seed,
            presence_penalty,
            frequency_penalty,
            response_format
        );
        if s.stop.is_empty() {
            s.stop = d.stop.clone();
        }
        for (provider, defaults) in &d.provider_options.0 {
            let own = s.provider_options.0.entry(provider.clone()).or_default();
            for (key, value) in defaults {
                own.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
        out
    }
}

#[async_trait::async_trait]
impl Middleware for DefaultSettings {
    async fn generate(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelResponse> {
        next.generate(&self.apply(options)).await
    }

    async fn stream(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelStream> {
        next.stream(&self.apply(options)).await
    }
}

#[cfg(test)]
#[path = "default_settings_tests.rs"]
mod tests;
