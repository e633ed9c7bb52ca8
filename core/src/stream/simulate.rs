use crate::types::{ContentPart, ModelResponse, StreamEvent};

/// Split `text` into pieces of `words_per_chunk` whitespace-separated words, keeping the
/// whitespace so the pieces concatenate back to `text` exactly.
pub fn split_words(text: &str, words_per_chunk: usize) -> Vec<String> {
    let per = words_per_chunk.max(1);
    let mut out = Vec::new();
    let mut current = String::new();
    let mut words = 0;
    let mut in_word = false;
    for ch in text.chars() {
        let space = ch.is_whitespace();
        if !space && !in_word {
            if words == per {
                out.push(std::mem::take(&mut current));
                words = 0;
            }
            words += 1;
        }
        in_word = !space;
        current.push(ch);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The stream events of a complete response, as a provider would have streamed it: each part
/// as a block, text and reasoning in chunks of `words_per_chunk` words, then `finish-step`.
pub fn response_events(resp: &ModelResponse, words_per_chunk: usize) -> Vec<StreamEvent> {
    let mut out = Vec::new();
    for (i, part) in resp.content.iter().enumerate() {
        match part {
            ContentPart::Text(t) => {
                let id = format!("txt-{i}");
                out.push(StreamEvent::TextStart {
                    id: id.clone(),
                    provider_metadata: None,
                });
                for piece in split_words(&t.text, words_per_chunk) {
                    out.push(StreamEvent::text_delta(&id, piece));
                }
                out.push(StreamEvent::TextEnd {
                    id,
                    provider_metadata: None,
                });
            }
            ContentPart::Reasoning(r) => {
                let id = format!("reasoning-{i}");
                out.push(StreamEvent::ReasoningStart {
                    id: id.clone(),
                    provider_metadata: None,
                });
                for piece in split_words(&r.text, words_per_chunk) {
                    out.push(StreamEvent::ReasoningDelta {
                        id: id.clone(),
                        text: piece,
                        provider_metadata: None,
                    });
                }
                out.push(StreamEvent::ReasoningEnd {
                    id,
                    provider_metadata: r.provider_metadata.clone(),
                });
            }
            ContentPart::ToolCall(call) => {
                out.push(StreamEvent::ToolInputStart {
                    id: call.tool_call_id.clone(),
                    tool_name: call.tool_name.clone(),
                    provider_executed: call.provider_executed,
                });
                out.push(StreamEvent::ToolInputDelta {
                    id: call.tool_call_id.clone(),
                    delta: call.arguments_json(),
                });
                out.push(StreamEvent::ToolInputEnd {
                    id: call.tool_call_id.clone(),
                });
                out.push(StreamEvent::ToolCall(call.clone()));
            }
            _ => {}
        }
    }
    out.extend(resp.sources.iter().cloned().map(StreamEvent::Source));
    out.push(StreamEvent::FinishStep {
        finish_reason: resp.finish_reason,
        raw_finish_reason: resp.raw_finish_reason.clone(),
        usage: resp.usage,
        response: resp.response.clone(),
        provider_metadata: resp.provider_metadata.clone(),
    });
    out
}
