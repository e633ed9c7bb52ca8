//! `POST /v1/ui/chat`: a `useChat` request (AI SDK UI messages) in, the AI SDK UI message
//! stream out, on any backend — `provider:` backends through their core adapter, plain
//! OpenAI-compatible backends through a core OpenAI-compatible client with the backend's
//! injected headers (the client's key never goes upstream). Auth, limits and budgets were
//! applied by `routes::openai::prepare`, as for `/v1/chat/completions`.

use super::stream::{sse_body, UiSse};
use super::{open_prepared, sse_response};
use crate::error::ApiError;
use crate::routes::openai::Prepared;
use crate::state::AppState;
use axum::http::HeaderValue;
use axum::response::Response;
use ditto_llm::protocol::ui_message::{
    ui_messages_to_messages, UiChatRequest, UiMessageEncoder, UiRole, UiStreamOptions,
    UI_MESSAGE_STREAM_HEADER,
};
use ditto_llm::TextRequest;
use serde_json::Value;
use std::sync::Arc;

/// Serve a prepared `/v1/ui/chat` request. Errors before the stream starts are OpenAI error
/// JSON; errors after it started are an `error` chunk, then `data: [DONE]`.
pub async fn ui_chat(st: Arc<AppState>, p: Prepared) -> Result<Response, ApiError> {
    let (p, ts, message_id) = open_prepared(&st, p, text_request).await?;
    let enc = UiSse(UiMessageEncoder::new(UiStreamOptions {
        message_id: Some(message_id),
        ..UiStreamOptions::default()
    }));
    let mut resp = sse_response(sse_body(&st, p, ts, enc));
    let (name, value) = UI_MESSAGE_STREAM_HEADER;
    resp.headers_mut()
        .insert(name, HeaderValue::from_static(value));
    Ok(resp)
}

/// The core request for a `useChat` body (its messages converted, the routed model, and the
/// output cap the gateway set or the client sent as `max_tokens`) and the id of the assistant
/// message the stream writes.
fn text_request(p: &Prepared) -> Result<(TextRequest, String), ApiError> {
    let (_, spec) = p.spec().map_err(|_| {
        ApiError::invalid_request("`model` is required (send it in the useChat body)")
    })?;
    let body = p.json.clone().unwrap_or(Value::Null);
    let cap = body.get("max_tokens").and_then(Value::as_u64);
    let chat: UiChatRequest = serde_json::from_value(body)
        .map_err(|e| ApiError::invalid_request(format!("not a useChat request body: {e}")))?;
    if chat.messages.is_empty() {
        return Err(ApiError::invalid_request("`messages` is empty"));
    }
    let messages = ui_messages_to_messages(&chat.messages)
        .map_err(|e| ApiError::invalid_request(e.message().to_owned()))?;
    let mut req = TextRequest::new(spec).messages(messages);
    if let Some(cap) = cap {
        req = req.max_output_tokens(u32::try_from(cap).unwrap_or(u32::MAX).max(1));
    }
    Ok((req, response_message_id(&chat)))
}

/// The `messageId` of the `start` chunk, which `useChat` gives the assistant message it builds:
/// the body's `messageId` (regenerate keeps the id of the message it replaces), else the last
/// message's id when it is the assistant's (the stream continues it, e.g. after tool results or
/// approvals — as the AI SDK's `toUIMessageStream` with `originalMessages`), else a new
/// `msg-<unique>` (its `generateMessageId`).
fn response_message_id(chat: &UiChatRequest) -> String {
    if let Some(id) = chat.message_id.as_ref().filter(|id| !id.is_empty()) {
        return id.clone();
    }
    match chat.messages.last() {
        Some(m) if m.role == UiRole::Assistant && !m.id.is_empty() => m.id.clone(),
        _ => format!("msg-{}", crate::secret::unique_id()),
    }
}
