//! Normalizing user JSON (our shape, the AI SDK's camelCase shape, or OpenAI Chat Completions)
//! into the core's message and tool JSON, through `ditto_llm::types::interop`.

use crate::util::{arg_str, guarded, Failure};
use crate::DITTO_OK;
use ditto_llm::protocol::ui_message::{ui_messages_to_messages, UiChatRequest};
use ditto_llm::types::interop::{messages_from_json, tools_from_json};
use ditto_llm::Error;
use serde_json::Value;
use std::ffi::c_char;

fn normalize<T: serde::Serialize>(
    json: &str,
    what: &str,
    read: impl FnOnce(&Value) -> ditto_llm::Result<T>,
) -> Result<String, Failure> {
    let value: Value = serde_json::from_str(json)
        .map_err(|e| crate::util::bad_argument(&format!("{what} is not valid JSON: {e}")))?;
    let parsed = read(&value)?;
    serde_json::to_string(&parsed)
        .map_err(|e| Error::internal(format!("cannot serialize {what}: {e}")).into())
}

/// Read a JSON array of messages in any supported shape; on `DITTO_OK` `*out_json` is the same
/// conversation in the core's shape, otherwise an `invalid_request` `ErrorInfo` JSON naming the
/// offending path (`messages[2].content[0]: ...`).
///
/// # Safety
/// `messages_json` must be a NUL-terminated string and `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn ditto_messages_from_json(
    messages_json: *const c_char,
    out_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees both pointers.
    unsafe {
        guarded(out_json, || {
            match arg_str(messages_json, "messages_json")
                .and_then(|s| normalize(s, "messages", messages_from_json))
            {
                Ok(json) => (DITTO_OK, Some(json)),
                Err(f) => f.outcome(),
            }
        })
    }
}

/// Read a JSON array of tools in any supported shape (ours, the AI SDK's, OpenAI's
/// `{"type": "function", "function": {...}}`); on `DITTO_OK` `*out_json` is the core's shape.
///
/// # Safety
/// `tools_json` must be a NUL-terminated string and `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn ditto_tools_from_json(
    tools_json: *const c_char,
    out_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees both pointers.
    unsafe {
        guarded(out_json, || {
            match arg_str(tools_json, "tools_json")
                .and_then(|s| normalize(s, "tools", tools_from_json))
            {
                Ok(json) => (DITTO_OK, Some(json)),
                Err(f) => f.outcome(),
            }
        })
    }
}

/// Read a `useChat` request body (`{id, messages: UIMessage[], trigger, messageId?, model?,
/// ...}`); on `DITTO_OK` `*out_json` is `{"id", "trigger", "message_id", "model", "extra",
/// "messages"}` with `messages` converted to the core's shape (text, reasoning, file and tool
/// parts, tool outputs as tool messages), otherwise an `invalid_request` `ErrorInfo` JSON.
///
/// # Safety
/// `body_json` must be a NUL-terminated string and `out_json` writable.
#[no_mangle]
pub unsafe extern "C" fn ditto_ui_chat_request(
    body_json: *const c_char,
    out_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees both pointers.
    unsafe {
        guarded(out_json, || {
            match arg_str(body_json, "body_json").and_then(ui_chat_request) {
                Ok(json) => (DITTO_OK, Some(json)),
                Err(f) => f.outcome(),
            }
        })
    }
}

fn ui_chat_request(json: &str) -> Result<String, Failure> {
    let request: UiChatRequest = serde_json::from_str(json)
        .map_err(|e| Error::invalid_request(format!("not a UI chat request: {e}")))?;
    let messages = ui_messages_to_messages(&request.messages)?;
    serde_json::to_string(&serde_json::json!({
        "id": request.id,
        "trigger": request.trigger,
        "message_id": request.message_id,
        "model": request.model,
        "extra": request.extra,
        "messages": messages,
    }))
    .map_err(|e| Error::internal(format!("cannot serialize the messages: {e}")).into())
}
