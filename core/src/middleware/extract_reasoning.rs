//! `ExtractReasoning`: models that write their reasoning inline as `<think>…</think>` get
//! it split out into reasoning parts (generate) and reasoning events (stream).

use super::Middleware;
use crate::error::{Error, Result};
use crate::model::{LanguageModel, ModelStream};
use crate::types::{
    CallOptions, ContentPart, ModelResponse, ProviderMetadata, ReasoningPart, StreamEvent, TextPart,
};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::Arc;

/// Text blocks one stream may have open at once before it is refused.
const MAX_OPEN_BLOCKS: usize = 64;

/// Splits `<tag>…</tag>` out of the model's text into reasoning.
///
/// - `generate`: each text part becomes reasoning and text parts in the order they appear.
/// - `stream`: a bounded state machine over the text deltas (tags may be split across
///   chunks; at most one tag's length is held back) turns them into `reasoning-start` /
///   `-delta` / `-end` and `text-start` / `-delta` / `-end` blocks. Reasoning block ids are
///   `<text id>-reasoning-<n>`; the first text block keeps the original id, later ones are
///   `<text id>-<n>`.
///
/// Whitespace right after a closing tag is dropped (models write `</think>\n\n`). With
/// `start_with_reasoning`, text starts as reasoning until the first closing tag, for models
/// whose template already wrote the opening tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractReasoning {
    /// The tag name without brackets (default `think`).
    pub tag_name: String,
    /// Treat text as reasoning until the first closing tag.
    pub start_with_reasoning: bool,
}

impl Default for ExtractReasoning {
    fn default() -> Self {
        Self::new("think")
    }
}

impl ExtractReasoning {
    /// Extract `<tag_name>…</tag_name>`.
    pub fn new(tag_name: impl Into<String>) -> Self {
        ExtractReasoning {
            tag_name: tag_name.into(),
            start_with_reasoning: false,
        }
    }

    /// Set [`ExtractReasoning::start_with_reasoning`].
    pub fn start_with_reasoning(mut self, yes: bool) -> Self {
        self.start_with_reasoning = yes;
        self
    }

    fn splitter(&self) -> Splitter {
        Splitter {
            open: format!("<{}>", self.tag_name),
            close: format!("</{}>", self.tag_name),
            in_reasoning: self.start_with_reasoning,
            pending: String::new(),
            trim_text: false,
        }
    }

    /// Split the text parts of `response`.
    pub fn split_response(&self, mut response: ModelResponse) -> ModelResponse {
        let mut content = Vec::with_capacity(response.content.len());
        for part in response.content.drain(..) {
            let ContentPart::Text(t) = part else {
                content.push(part);
                continue;
            };
            let mut s = self.splitter();
            let mut pieces = Vec::new();
            s.push(&t.text, &mut pieces);
            s.finish(&mut pieces);
            for piece in pieces {
                content.push(match piece {
                    Piece::Reasoning(text) => ContentPart::Reasoning(ReasoningPart {
                        text,
                        provider_metadata: None,
                    }),
                    Piece::Text(text) => ContentPart::Text(TextPart {
                        text,
                        provider_options: t.provider_options.clone(),
                    }),
                });
            }
        }
        response.content = content;
        response
    }
}

#[async_trait::async_trait]
impl Middleware for ExtractReasoning {
    async fn generate(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelResponse> {
        Ok(self.split_response(next.generate(options).await?))
    }

    async fn stream(
        &self,
        next: &Arc<dyn LanguageModel>,
        options: &CallOptions,
    ) -> Result<ModelStream> {
        let inner = next.stream(options).await?;
        let mut state = StreamState {
            config: self.clone(),
            blocks: HashMap::new(),
        };
        let events = inner
            .events
            .map(move |item| match item {
                Ok(event) => state.process(event),
                Err(e) => vec![Err(e)],
            })
            .flat_map(futures_util::stream::iter);
        Ok(ModelStream {
            warnings: inner.warnings,
            events: Box::pin(events),
        })
    }
}

/// A run of text of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Reasoning(String),
    Text(String),
}

/// Splits text at the open / close tags, holding back only a possible partial tag.
#[derive(Debug)]
struct Splitter {
    open: String,
    close: String,
    in_reasoning: bool,
    pending: String,
    trim_text: bool,
}

impl Splitter {
    fn push(&mut self, delta: &str, out: &mut Vec<Piece>) {
        self.pending.push_str(delta);
        loop {
            let tag = if self.in_reasoning {
                &self.close
            } else {
                &self.open
            };
            if let Some(pos) = self.pending.find(tag.as_str()) {
                let tag_len = tag.len();
                let before: String = self.pending.drain(..pos).collect();
                self.pending.drain(..tag_len);
                self.emit(before, out);
                self.in_reasoning = !self.in_reasoning;
                self.trim_text = !self.in_reasoning;
                continue;
            }
            let keep = partial_suffix(&self.pending, tag);
            let ready: String = self.pending.drain(..self.pending.len() - keep).collect();
            self.emit(ready, out);
            return;
        }
    }

    fn finish(&mut self, out: &mut Vec<Piece>) {
        let rest = std::mem::take(&mut self.pending);
        self.emit(rest, out);
    }

    fn emit(&mut self, mut text: String, out: &mut Vec<Piece>) {
        if !self.in_reasoning && self.trim_text {
            let trimmed = text.trim_start();
            if trimmed.is_empty() {
                return;
            }
            text = trimmed.to_owned();
            self.trim_text = false;
        }
        if text.is_empty() {
            return;
        }
        match (out.last_mut(), self.in_reasoning) {
            (Some(Piece::Reasoning(r)), true) => r.push_str(&text),
            (Some(Piece::Text(t)), false) => t.push_str(&text),
            (_, true) => out.push(Piece::Reasoning(text)),
            (_, false) => out.push(Piece::Text(text)),
        }
    }
}

/// The length of the longest proper prefix of `tag` that `s` ends with.
fn partial_suffix(s: &str, tag: &str) -> usize {
    (1..tag.len().min(s.len() + 1))
        .rev()
        .find(|&k| tag.is_char_boundary(k) && s.ends_with(&tag[..k]))
        .unwrap_or(0)
}

/// One incoming text block being split.
#[derive(Debug)]
struct Block {
    splitter: Splitter,
    start_metadata: Option<ProviderMetadata>,
    reasoning_open: Option<String>,
    text_open: Option<String>,
    texts: usize,
    reasonings: usize,
}

#[derive(Debug)]
struct StreamState {
    config: ExtractReasoning,
    blocks: HashMap<String, Block>,
}

impl StreamState {
    fn block(&mut self, id: &str) -> Result<&mut Block> {
        if !self.blocks.contains_key(id) {
            if self.blocks.len() >= MAX_OPEN_BLOCKS {
                return Err(Error::stream(format!(
                    "more than {MAX_OPEN_BLOCKS} text blocks open at once"
                )));
            }
            let block = Block {
                splitter: self.config.splitter(),
                start_metadata: None,
                reasoning_open: None,
                text_open: None,
                texts: 0,
                reasonings: 0,
            };
            self.blocks.insert(id.to_owned(), block);
        }
        Ok(self.blocks.get_mut(id).expect("inserted above"))
    }

    fn process(&mut self, event: StreamEvent) -> Vec<Result<StreamEvent>> {
        let mut out = Vec::new();
        let mut pieces = Vec::new();
        match event {
            StreamEvent::TextStart {
                id,
                provider_metadata,
            } => match self.block(&id) {
                Ok(b) => b.start_metadata = provider_metadata,
                Err(e) => out.push(Err(e)),
            },
            StreamEvent::TextDelta { id, text, .. } => match self.block(&id) {
                Ok(b) => {
                    b.splitter.push(&text, &mut pieces);
                    b.emit(&id, pieces, &mut out);
                }
                Err(e) => out.push(Err(e)),
            },
            StreamEvent::TextEnd {
                id,
                provider_metadata,
            } => {
                if let Some(mut b) = self.blocks.remove(&id) {
                    b.splitter.finish(&mut pieces);
                    b.emit(&id, pieces, &mut out);
                    b.close_reasoning(&mut out);
                    if let Some(text_id) = b.text_open.take() {
                        out.push(Ok(StreamEvent::TextEnd {
                            id: text_id,
                            provider_metadata,
                        }));
                    }
                }
            }
            other => out.push(Ok(other)),
        }
        out
    }
}

impl Block {
    fn close_reasoning(&mut self, out: &mut Vec<Result<StreamEvent>>) {
        if let Some(id) = self.reasoning_open.take() {
            out.push(Ok(StreamEvent::ReasoningEnd {
                id,
                provider_metadata: None,
            }));
        }
    }

    fn close_text(&mut self, out: &mut Vec<Result<StreamEvent>>) {
        if let Some(id) = self.text_open.take() {
            out.push(Ok(StreamEvent::TextEnd {
                id,
                provider_metadata: None,
            }));
        }
    }

    fn emit(&mut self, base: &str, pieces: Vec<Piece>, out: &mut Vec<Result<StreamEvent>>) {
        for piece in pieces {
            match piece {
                Piece::Reasoning(text) => {
                    self.close_text(out);
                    let id = match &self.reasoning_open {
                        Some(id) => id.clone(),
                        None => {
                            self.reasonings += 1;
                            let id = format!("{base}-reasoning-{}", self.reasonings);
                            out.push(Ok(StreamEvent::ReasoningStart {
                                id: id.clone(),
                                provider_metadata: None,
                            }));
                            self.reasoning_open = Some(id.clone());
                            id
                        }
                    };
                    out.push(Ok(StreamEvent::ReasoningDelta {
                        id,
                        text,
                        provider_metadata: None,
                    }));
                }
                Piece::Text(text) => {
                    self.close_reasoning(out);
                    let id = match &self.text_open {
                        Some(id) => id.clone(),
                        None => {
                            self.texts += 1;
                            let id = if self.texts == 1 {
                                base.to_owned()
                            } else {
                                format!("{base}-{}", self.texts)
                            };
                            out.push(Ok(StreamEvent::TextStart {
                                id: id.clone(),
                                provider_metadata: self.start_metadata.take(),
                            }));
                            self.text_open = Some(id.clone());
                            id
                        }
                    };
                    out.push(Ok(StreamEvent::text_delta(&id, text)));
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "extract_reasoning_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "extract_reasoning_prop_tests.rs"]
mod prop_tests;
