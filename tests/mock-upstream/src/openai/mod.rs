//! OpenAI wire formats: Chat Completions, Embeddings, Models and errors.
//!
//! Each provider module exposes `handle`, which answers the provider's
//! default (fault-free) behaviour for the paths it owns.

mod base64;
pub(crate) mod chat;
mod chat_stream;
pub(crate) mod embeddings;
pub(crate) mod error;
mod media;
mod models;

use axum::http::Method;
use serde_json::Value;

use crate::reply::Reply;

/// The default reply for `method path` with `body`, or `None` when the path
/// is not an OpenAI path. `id` numbers the response.
pub(crate) fn handle(method: &Method, path: &str, body: &[u8], id: u64) -> Option<Reply> {
    let path = azure_path(path).unwrap_or_else(|| path.strip_prefix("/v1").unwrap_or(path));
    let expected = match path {
        "/chat/completions"
        | "/embeddings"
        | "/images/generations"
        | "/audio/transcriptions"
        | "/audio/speech" => Method::POST,
        "/models" => Method::GET,
        _ => return None,
    };
    if method != expected {
        return Some(error::method_not_allowed(method.as_str(), path));
    }
    let reply = match path {
        "/models" => models::list(),
        "/audio/transcriptions" => media::transcription(body),
        "/images/generations" => match parse_object(body) {
            Ok(request) => media::images(&request),
            Err(reply) => reply,
        },
        "/audio/speech" => match parse_object(body) {
            Ok(request) => media::speech(&request),
            Err(reply) => reply,
        },
        "/chat/completions" => match parse_object(body) {
            Ok(request) => chat::completions(&request, id),
            Err(reply) => reply,
        },
        _ => match parse_object(body) {
            Ok(request) => embeddings::create(&request),
            Err(reply) => reply,
        },
    };
    Some(reply.with_header("x-request-id", format!("req_mock_{id}")))
}

/// Azure OpenAI paths onto the OpenAI ones: `/openai/deployments/{d}/chat/completions` and
/// `/openai/v1/chat/completions` both answer as `/chat/completions`.
fn azure_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/openai")?;
    if let Some(v1) = rest.strip_prefix("/v1") {
        return Some(v1);
    }
    let after = rest.strip_prefix("/deployments/")?;
    let slash = after.find('/')?;
    Some(&after[slash..])
}

/// The `model` field of a JSON body, if there is one (for error messages).
pub(crate) fn model_of(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    value.get("model")?.as_str().map(str::to_owned)
}

fn parse_object(body: &[u8]) -> Result<Value, Reply> {
    match serde_json::from_slice::<Value>(body) {
        Ok(value) if value.is_object() => Ok(value),
        Ok(_) => Err(error::malformed_json("the body must be a JSON object")),
        Err(err) => Err(error::malformed_json(&err.to_string())),
    }
}
