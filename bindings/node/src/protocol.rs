//! Wire protocols for JavaScript: the Ditto stream protocol v1 (encode a batch of events,
//! an incremental decoder), the AI SDK UI message stream encoder, and `useChat` bodies →
//! messages. Events cross as camelCase JSON text (what JavaScript holds) and are mapped back
//! to the core's `StreamEvent` with [`to_snake`]. The work per call is small and synchronous.

use crate::case::{camel_json, to_camel, to_snake};
use crate::errors::guarded;
use ditto_llm::protocol::ditto_v1::{encode_frame, terminator, Decoder, Framing};
use ditto_llm::protocol::ui_message::{
    ui_messages_to_messages, UiChatRequest, UiMessageEncoder, UiStreamOptions,
};
use ditto_llm::{Error, ErrorKind, Result, StreamEvent};
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use serde_json::Value;

fn framing(name: &str) -> Result<Framing> {
    name.parse::<Framing>()
}

/// A JSON array of camelCase events → the core's events.
fn events(json: &str) -> Result<Vec<StreamEvent>> {
    let value: Value = serde_json::from_str(json)
        .map_err(|e| Error::invalid_request(format!("events are not valid JSON: {e}")))?;
    let Value::Array(items) = value else {
        return Err(Error::invalid_request("events must be a list"));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let kind = item
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("<missing>")
                .to_owned();
            serde_json::from_value(to_snake(item)).map_err(|e| {
                Error::invalid_request(format!("event {i} ({kind:?}) is not a stream event: {e}"))
            })
        })
        .collect()
}

/// Encode a batch of events (a JSON array of camelCase events) as Ditto v1 frames.
#[napi]
pub fn encode_ditto_v1(events_json: String, framing_name: String) -> napi::Result<String> {
    guarded(|| {
        let framing = framing(&framing_name)?;
        let mut out = String::new();
        for event in events(&events_json)? {
            let frame = encode_frame(&event, framing);
            out.push_str(std::str::from_utf8(&frame).map_err(|e| Error::internal(e.to_string()))?);
        }
        Ok(out)
    })
}

/// What ends a Ditto v1 stream: `data: [DONE]\n\n` for SSE, nothing for NDJSON.
#[napi]
pub fn ditto_v1_terminator(framing_name: String) -> napi::Result<String> {
    guarded(|| {
        Ok(terminator(framing(&framing_name)?)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default())
    })
}

/// An incremental, bounded Ditto v1 decoder: bytes in, camelCase events out.
#[napi]
#[derive(Debug)]
pub struct NativeDittoDecoder {
    inner: std::sync::Mutex<Decoder>,
}

fn events_json(out: &[StreamEvent]) -> Result<String> {
    let mut s = String::from("[");
    for (i, ev) in out.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&camel_json(ev)?);
    }
    s.push(']');
    Ok(s)
}

#[napi]
impl NativeDittoDecoder {
    /// A decoder for `framing` (`"sse"` or `"ndjson"`).
    #[napi(constructor)]
    pub fn new(framing_name: String) -> napi::Result<Self> {
        guarded(|| {
            Ok(NativeDittoDecoder {
                inner: std::sync::Mutex::new(Decoder::new(framing(&framing_name)?)),
            })
        })
    }

    /// Feed bytes; the events completed by them, as a JSON array.
    #[napi]
    pub fn push(&self, chunk: Buffer) -> napi::Result<String> {
        guarded(|| {
            let mut out = Vec::new();
            let mut d = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            d.feed(&chunk, &mut out)?;
            events_json(&out)
        })
    }

    /// End of input: the last events (a truncated stream is an error).
    #[napi]
    pub fn finish(&self) -> napi::Result<String> {
        guarded(|| {
            let mut out = Vec::new();
            let mut d = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            d.finish(&mut out)?;
            events_json(&out)
        })
    }
}

/// The AI SDK UI message stream encoder: events in, UI chunks (JSON, already in the AI SDK's
/// camelCase shape) out.
#[napi]
#[derive(Debug)]
pub struct NativeUiEncoder {
    inner: std::sync::Mutex<UiMessageEncoder>,
}

#[napi]
impl NativeUiEncoder {
    /// `options_json`: `{version: "v5"|"v6", messageId, sendReasoning, sendSources, sendStart,
    /// sendFinish, maskErrors}` (camelCase or snake_case, every field optional).
    #[napi(constructor)]
    pub fn new(options_json: String) -> napi::Result<Self> {
        guarded(|| {
            let value: Value = serde_json::from_str(&options_json)
                .map_err(|e| Error::invalid_request(format!("UI stream options: {e}")))?;
            let mut de = to_snake(value);
            if let Some(map) = de.as_object_mut() {
                map.retain(|_, v| !v.is_null());
            }
            let opts: UiStreamOptions = serde_path_to_error::deserialize(de)
                .map_err(|e| Error::invalid_request(format!("UI stream options: {e}")))?;
            Ok(NativeUiEncoder {
                inner: std::sync::Mutex::new(UiMessageEncoder::new(opts)),
            })
        })
    }

    /// Encode a batch of events (JSON array of camelCase events): a JSON array of UI chunks.
    #[napi]
    pub fn push(&self, events_json: String) -> napi::Result<String> {
        guarded(|| {
            let mut enc = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            let chunks: Vec<_> = events(&events_json)?
                .iter()
                .filter_map(|ev| enc.encode(ev))
                .collect();
            serde_json::to_string(&chunks).map_err(|e| Error::internal(e.to_string()))
        })
    }

    /// The `error` chunk for a failure of kind `kind` (an error code) with `message`.
    #[napi]
    pub fn error_chunk(&self, kind: String, message: String) -> napi::Result<String> {
        guarded(|| {
            let kind: ErrorKind =
                serde_json::from_value(Value::String(kind)).unwrap_or(ErrorKind::Internal);
            let enc = self.inner.lock().unwrap_or_else(|p| p.into_inner());
            let chunk = enc.error_chunk(&Error::new(kind, message));
            serde_json::to_string(&chunk).map_err(|e| Error::internal(e.to_string()))
        })
    }
}

/// A `useChat` request body (`{id, messages: UIMessage[], trigger, ...}`, as JSON text) → the
/// conversation as camelCase messages, ready for `messages` of a call.
#[napi]
pub fn ui_chat_request_to_messages(body_json: String) -> napi::Result<String> {
    guarded(|| {
        let mut de = serde_json::Deserializer::from_str(&body_json);
        let body: UiChatRequest = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| Error::invalid_request(format!("not a useChat request body: {e}")))?;
        let messages = ui_messages_to_messages(&body.messages)?;
        let v = serde_json::to_value(&messages).map_err(|e| Error::internal(e.to_string()))?;
        Ok(to_camel(v).to_string())
    })
}

#[cfg(test)]
#[path = "protocol_tests.rs"]
mod tests;
