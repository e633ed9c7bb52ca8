//! Aliases: a name that stands for a base model with middleware around it.

use super::spec::SpecContext;
use super::{wrap, CacheStore, MiddlewareSpec, SpanSink};
use crate::error::{Error, Result};
use crate::model::LanguageModel;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Aliases may refer to other aliases this deep.
const MAX_ALIAS_DEPTH: usize = 16;

/// One alias: `{"model": "openai:gpt-4o-mini", "middleware": [{"type": "cache"}]}`.
///
/// `model` (and the models of a `fallback` layer) may name another alias. An alias named
/// like a model (`"openai:gpt-4o"`) with itself as `model` wraps that model for every request
/// naming it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliasConfig {
    /// The base model, `provider:model` or another alias.
    pub model: String,
    /// Layers around it, outermost first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub middleware: Vec<MiddlewareSpec>,
}

impl AliasConfig {
    /// An alias for `model` with `middleware` around it.
    pub fn new(model: impl Into<String>, middleware: Vec<MiddlewareSpec>) -> Self {
        AliasConfig {
            model: model.into(),
            middleware,
        }
    }
}

/// Builds every alias once (so stateful layers such as a cache are shared by all calls).
pub(crate) struct AliasBuilder<'a> {
    aliases: &'a BTreeMap<String, AliasConfig>,
    base: &'a dyn Fn(&str) -> Result<Arc<dyn LanguageModel>>,
    built: RefCell<BTreeMap<String, Arc<dyn LanguageModel>>>,
    stack: RefCell<Vec<String>>,
    cache_store: Option<Arc<dyn CacheStore>>,
    span_sink: Option<Arc<dyn SpanSink>>,
}

impl<'a> AliasBuilder<'a> {
    /// `base` resolves `provider:model` names.
    pub(crate) fn new(
        aliases: &'a BTreeMap<String, AliasConfig>,
        base: &'a dyn Fn(&str) -> Result<Arc<dyn LanguageModel>>,
    ) -> Self {
        AliasBuilder {
            aliases,
            base,
            built: RefCell::new(BTreeMap::new()),
            stack: RefCell::new(Vec::new()),
            cache_store: None,
            span_sink: None,
        }
    }

    /// Use `store` for every `cache` layer and `sink` for every `telemetry` layer.
    pub(crate) fn shared(
        mut self,
        store: Option<Arc<dyn CacheStore>>,
        sink: Option<Arc<dyn SpanSink>>,
    ) -> Self {
        self.cache_store = store;
        self.span_sink = sink;
        self
    }

    /// Build all aliases.
    pub(crate) fn build_all(self) -> Result<BTreeMap<String, Arc<dyn LanguageModel>>> {
        for name in self.aliases.keys() {
            if name.trim().is_empty() {
                return Err(Error::config("an alias name is empty"));
            }
            self.resolve(name)?;
        }
        Ok(self.built.into_inner())
    }

    fn resolve(&self, name: &str) -> Result<Arc<dyn LanguageModel>> {
        if let Some(m) = self.built.borrow().get(name) {
            return Ok(m.clone());
        }
        let Some(alias) = self.aliases.get(name) else {
            return (self.base)(name);
        };
        {
            let mut stack = self.stack.borrow_mut();
            if stack.iter().any(|n| n == name) || stack.len() >= MAX_ALIAS_DEPTH {
                stack.push(name.to_owned());
                return Err(Error::config(format!(
                    "aliases refer to each other in a cycle (or deeper than {MAX_ALIAS_DEPTH}): {}",
                    stack.join(" -> ")
                )));
            }
            stack.push(name.to_owned());
        }
        let result = self.build_one(name, alias);
        self.stack.borrow_mut().pop();
        let model = result?;
        self.built
            .borrow_mut()
            .insert(name.to_owned(), model.clone());
        Ok(model)
    }

    fn build_one(&self, name: &str, alias: &AliasConfig) -> Result<Arc<dyn LanguageModel>> {
        let in_alias = |e: Error| -> Error {
            if e.message().starts_with("aliases") {
                e
            } else {
                Error::config(format!("aliases.{name}: {}", e.message()))
            }
        };
        // An alias may shadow a model name (`openai:gpt-4o` with a cache around
        // `openai:gpt-4o`): its own name as base means the provider's model.
        let base = if alias.model == name {
            (self.base)(name)
        } else {
            self.resolve(&alias.model)
        }
        .map_err(in_alias)?;
        let resolve = |n: &str| self.resolve(n);
        let ctx = SpecContext {
            models: &resolve,
            cache_store: self.cache_store.clone(),
            span_sink: self.span_sink.clone(),
        };
        let layers = alias
            .middleware
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                spec.build(&ctx).map_err(|e| {
                    in_alias(Error::config(format!(
                        "middleware[{i}] ({}): {}",
                        spec.type_name(),
                        e.message()
                    )))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(wrap(base, layers))
    }
}
