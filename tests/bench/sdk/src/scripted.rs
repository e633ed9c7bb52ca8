//! A `LanguageModel` that streams prepared text deltas from memory (no network), and the
//! event lists of a realistic text stream.

use ditto_llm::{
    CallOptions, ContentPart, FinishReason, LanguageModel, ModelResponse, ModelStream,
    ResponseMetadata, Result, StreamEvent, Usage,
};
use std::sync::Arc;

/// Streams `chunks` as the text deltas of one text block.
#[derive(Debug, Clone)]
pub struct Scripted {
    /// The deltas, in order.
    pub chunks: Arc<Vec<String>>,
}

#[async_trait::async_trait]
impl LanguageModel for Scripted {
    fn provider(&self) -> &str {
        "scripted"
    }

    fn model_id(&self) -> &str {
        "bench"
    }

    async fn generate(&self, _options: &CallOptions) -> Result<ModelResponse> {
        Ok(ModelResponse {
            content: vec![ContentPart::text(self.chunks.concat())],
            finish_reason: FinishReason::Stop,
            ..ModelResponse::default()
        })
    }

    async fn stream(&self, _options: &CallOptions) -> Result<ModelStream> {
        let events = model_events(self.chunks.iter().cloned());
        Ok(ModelStream {
            warnings: Vec::new(),
            events: Box::pin(futures_util::stream::iter(events.into_iter().map(Ok))),
        })
    }
}

/// What a provider yields for one text block made of `deltas`: text-start, the deltas,
/// text-end, finish-step (`TextStream` adds start, start-step and finish).
pub fn model_events(deltas: impl Iterator<Item = String>) -> Vec<StreamEvent> {
    let mut events = vec![StreamEvent::TextStart {
        id: "txt-0".into(),
        provider_metadata: None,
    }];
    let mut output_tokens = 0u64;
    for text in deltas {
        output_tokens += 1;
        events.push(StreamEvent::text_delta("txt-0", text));
    }
    events.push(StreamEvent::TextEnd {
        id: "txt-0".into(),
        provider_metadata: None,
    });
    events.push(StreamEvent::FinishStep {
        finish_reason: FinishReason::Stop,
        raw_finish_reason: Some("stop".into()),
        usage: usage(output_tokens),
        response: ResponseMetadata::default(),
        provider_metadata: None,
    });
    events
}

/// `n` word-like deltas (`" word17"`, some with punctuation and non-ASCII text).
pub fn word_deltas(n: usize) -> impl Iterator<Item = String> {
    (0..n).map(|i| match i % 7 {
        0 => format!(" word{i}"),
        3 => format!(" \"quoted\" {i},"),
        5 => " café".to_owned(),
        _ => format!(" w{i}"),
    })
}

/// The whole stream a caller sees for `n` deltas, as `TextStream` yields it.
pub fn full_events(n: usize) -> Vec<StreamEvent> {
    let mut events = vec![
        StreamEvent::Start,
        StreamEvent::StartStep {
            warnings: Vec::new(),
        },
    ];
    events.extend(model_events(word_deltas(n)));
    events.push(StreamEvent::Finish {
        finish_reason: FinishReason::Stop,
        raw_finish_reason: Some("stop".into()),
        total_usage: usage(n as u64),
    });
    events
}

fn usage(output_tokens: u64) -> Usage {
    Usage {
        input_tokens: Some(12),
        output_tokens: Some(output_tokens),
        total_tokens: Some(12 + output_tokens),
        ..Usage::default()
    }
}
