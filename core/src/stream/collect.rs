use crate::types::{
    ContentPart, GenerateTextResult, ModelResponse, ReasoningPart, StreamEvent, TextPart, Warning,
};

/// Default cap on text and reasoning bytes a collector keeps: 32 MiB.
pub const DEFAULT_MAX_COLLECTED_BYTES: usize = 32 * 1024 * 1024;

/// Folds stream events into a [`GenerateTextResult`], keeping at most `max_bytes` of text and
/// reasoning. Past the cap it stops keeping deltas and adds one warning instead of growing.
#[derive(Debug)]
pub struct StreamCollector {
    response: ModelResponse,
    bytes: usize,
    max_bytes: usize,
    capped: bool,
}

impl StreamCollector {
    /// A collector with the given byte cap.
    pub fn new(max_bytes: usize) -> Self {
        StreamCollector {
            response: ModelResponse::default(),
            bytes: 0,
            max_bytes,
            capped: false,
        }
    }

    fn admit(&mut self, len: usize) -> bool {
        if self.capped {
            return false;
        }
        if self.bytes + len > self.max_bytes {
            self.capped = true;
            self.response.warnings.push(Warning::other(format!(
                "output exceeded the {}-byte collection limit and was cut",
                self.max_bytes
            )));
            return false;
        }
        self.bytes += len;
        true
    }

    /// Fold one event in.
    pub fn push(&mut self, event: StreamEvent) {
        match event {
            StreamEvent::StartStep { warnings } => self.response.warnings.extend(warnings),
            StreamEvent::TextDelta { text, .. } => {
                if !self.admit(text.len()) {
                    return;
                }
                match self.response.content.last_mut() {
                    Some(ContentPart::Text(t)) => t.text.push_str(&text),
                    _ => self.response.content.push(ContentPart::Text(TextPart {
                        text,
                        provider_options: Default::default(),
                    })),
                }
            }
            StreamEvent::TextStart { .. } => {
                // A new block starts a new part, even right after another text block.
                self.response.content.push(ContentPart::text(""));
            }
            StreamEvent::ReasoningStart {
                provider_metadata, ..
            } => self
                .response
                .content
                .push(ContentPart::Reasoning(ReasoningPart {
                    text: String::new(),
                    provider_metadata,
                })),
            StreamEvent::ReasoningDelta {
                text,
                provider_metadata,
                ..
            } => {
                if !self.admit(text.len()) {
                    return;
                }
                match self.response.content.last_mut() {
                    Some(ContentPart::Reasoning(r)) => {
                        r.text.push_str(&text);
                        if provider_metadata.is_some() {
                            r.provider_metadata = provider_metadata;
                        }
                    }
                    _ => self
                        .response
                        .content
                        .push(ContentPart::Reasoning(ReasoningPart {
                            text,
                            provider_metadata,
                        })),
                }
            }
            StreamEvent::ReasoningEnd {
                provider_metadata: Some(meta),
                ..
            } => {
                if let Some(ContentPart::Reasoning(r)) = self
                    .response
                    .content
                    .iter_mut()
                    .rev()
                    .find(|p| matches!(p, ContentPart::Reasoning(_)))
                {
                    r.provider_metadata = Some(meta);
                }
            }
            StreamEvent::ToolCall(call) => self.response.content.push(ContentPart::ToolCall(call)),
            StreamEvent::Source(source) => self.response.sources.push(source),
            StreamEvent::FinishStep {
                finish_reason,
                raw_finish_reason,
                usage,
                response,
                provider_metadata,
            } => {
                self.response.finish_reason = finish_reason;
                self.response.raw_finish_reason = raw_finish_reason;
                self.response.usage = usage;
                self.response.response = response;
                self.response.provider_metadata = provider_metadata;
            }
            _ => {}
        }
    }

    /// The collected result. Empty text parts left by empty blocks are dropped.
    pub fn finish(mut self) -> GenerateTextResult {
        self.response
            .content
            .retain(|p| !matches!(p, ContentPart::Text(t) if t.text.is_empty()));
        GenerateTextResult::from(self.response)
    }
}
