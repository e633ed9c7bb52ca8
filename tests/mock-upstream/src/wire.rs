//! Which provider wire format a request path belongs to. The path decides how fixtures are
//! framed (`data:` lines, `event:` + `data:` lines, the AWS binary event stream), which error
//! body an injected status gets, and which module answers by default.

use serde_json::Value;

/// A provider wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    /// OpenAI Chat Completions / Embeddings / Models (and everything unknown).
    OpenAi,
    /// Anthropic Messages (`/v1/messages`).
    Anthropic,
    /// Google Gemini / Vertex AI (`.../models/{model}:{method}`).
    Gemini,
    /// OpenAI Responses API (`/v1/responses`): named `response.*` events.
    Responses,
    /// Cohere v2 (`/v2/chat`, `/v2/embed`, `/v2/rerank`).
    Cohere,
    /// Amazon Bedrock runtime (`/model/{id}/converse[-stream]`, `/model/{id}/invoke`).
    Bedrock,
}

/// How the lines of a `*.chunks.txt` fixture become a stream body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// `data: <line>\n\n` each, then `data: [DONE]` unless told otherwise.
    Data,
    /// `event: <line.type>\ndata: <line>\n\n` each, no `[DONE]` (Anthropic, Cohere, Responses).
    Named,
    /// `data: <line>\n\n` each and nothing after (Gemini).
    DataOnly,
    /// Each line `{"<eventType>": payload}` as a binary AWS event-stream frame (Bedrock).
    AwsEventStream,
}

impl Wire {
    /// The wire format of `path`.
    pub(crate) fn of(path: &str) -> Wire {
        match path {
            "/v1/messages" | "/messages" => Wire::Anthropic,
            p if crate::gemini::route(p).is_some() => Wire::Gemini,
            p if crate::responses::owns(p) => Wire::Responses,
            p if crate::cohere::owns(p) => Wire::Cohere,
            p if crate::bedrock::route(p).is_some() => Wire::Bedrock,
            _ => Wire::OpenAi,
        }
    }

    /// How recorded chunks are framed on this wire.
    pub(crate) fn framing(self) -> Framing {
        match self {
            Wire::OpenAi => Framing::Data,
            Wire::Anthropic => Framing::Named,
            Wire::Gemini => Framing::DataOnly,
            Wire::Responses | Wire::Cohere => Framing::Named,
            Wire::Bedrock => Framing::AwsEventStream,
        }
    }

    /// The error body the provider sends with `status`.
    pub(crate) fn error_body(self, status: u16, model: Option<&str>) -> Value {
        match self {
            Wire::OpenAi | Wire::Responses => crate::openai::error::for_status(status, model),
            Wire::Anthropic => crate::anthropic::error_for_status(status),
            Wire::Gemini => crate::gemini::error_for_status(status),
            Wire::Cohere => crate::cohere::error_for_status(status),
            Wire::Bedrock => {
                serde_json::json!({"message": crate::bedrock::exception_for_status(status).1})
            }
        }
    }
}

impl Wire {
    /// Extra headers of an injected error (Bedrock names the exception in a header).
    pub(crate) fn error_headers(self, status: u16) -> Vec<(&'static str, String)> {
        match self {
            Wire::Bedrock => vec![(
                "x-amzn-errortype",
                format!(
                    "{}:http://internal.amazon.com/coral/com.amazon.bedrock/",
                    crate::bedrock::exception_for_status(status).0
                ),
            )],
            _ => Vec::new(),
        }
    }
}

/// The `type` field of a JSON line, for `event:` names.
pub(crate) fn event_name(line: &str) -> Option<String> {
    let value: Value = serde_json::from_str(line).ok()?;
    value.get("type")?.as_str().map(str::to_owned)
}
