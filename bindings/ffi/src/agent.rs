//! The agent loop over the C ABI: `ditto_run_agent` (blocking) and `ditto_agent_stream_open`
//! (a `DittoStream` of agent events). Tools run host functions (see `host.rs`).
//!
//! Request JSON:
//!
//! ```json
//! {"request": {"model": "openai:gpt-4o-mini", "prompt": "..."},
//!  "tools": [{"tool": {"type": "function", "name": "add", "input_schema": {...}}, "host_fn": 3},
//!            {"tool": {"name": "ask_user"}}],
//!  "options": {"stop_when": [{"type": "step-count", "count": 5},
//!                            {"type": "host", "host_fn": 4}],
//!              "max_steps": 20, "max_parallel_tools": 8, "approvals": [...],
//!              "needs_approval": ["add"], "repair_host_fn": 5}}
//! ```
//!
//! A tool without `host_fn` is client-side: the loop stops when the model calls it.

use crate::cancel::DittoCancel;
use crate::client::{blocking_json_call, client_ref, DittoClient};
use crate::host_hooks::{HostStop, HostTool, HostToolRepair};
use crate::request::{parse_object, text_request};
use crate::stream::{open_stream, DittoStream};
use crate::util::{arg_str, Failure};
use ditto_llm::agent::{AgentOptions, AgentSpec, AgentTool, StopCondition, ToolSet};
use ditto_llm::types::interop::tools_from_json;
use ditto_llm::{Error, TextRequest};
use serde_json::{Map, Value};
use std::ffi::c_char;
use std::sync::Arc;

/// A parsed agent request.
#[derive(Debug)]
pub(crate) struct AgentCall {
    pub(crate) request: TextRequest,
    pub(crate) tools: ToolSet,
    pub(crate) options: AgentOptions,
}

fn invalid(message: String) -> Failure {
    Error::invalid_request(message).into()
}

/// Read an optional `u64` host function id at `key`.
fn host_fn(obj: &mut Map<String, Value>, key: &str, what: &str) -> Result<Option<u64>, Failure> {
    match obj.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| invalid(format!("{what}.{key} must be a host function id, got {v}"))),
    }
}

fn parse_tools(value: Option<Value>) -> Result<ToolSet, Failure> {
    let mut set = ToolSet::new();
    let items = match value {
        None | Some(Value::Null) => return Ok(set),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(invalid(format!("`tools` must be an array, got {other}"))),
    };
    for (i, item) in items.into_iter().enumerate() {
        let what = format!("tools[{i}]");
        let Value::Object(mut obj) = item else {
            return Err(invalid(format!("{what} must be an object")));
        };
        let executor = host_fn(&mut obj, "host_fn", &what)?;
        let definition = obj
            .remove("tool")
            .ok_or_else(|| invalid(format!("{what}.tool is missing")))?;
        if let Some(key) = obj.keys().next() {
            return Err(invalid(format!("{what} has an unknown field `{key}`")));
        }
        let definition = tools_from_json(&Value::Array(vec![definition]))?
            .pop()
            .ok_or_else(|| invalid(format!("{what}.tool is empty")))?;
        if set.get(definition.name()).is_some() {
            return Err(invalid(format!(
                "{what}: a tool named `{}` is listed twice",
                definition.name()
            )));
        }
        set.insert(match executor {
            Some(fn_id) => AgentTool::new(definition, Arc::new(HostTool { fn_id })),
            None => AgentTool::client_side(definition),
        });
    }
    Ok(set)
}

/// Options: the `AgentSpec` JSON plus host stop conditions and the repair hook.
fn parse_options(value: Option<Value>, tools: &mut ToolSet) -> Result<AgentOptions, Failure> {
    let mut obj = match value {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(obj)) => obj,
        Some(other) => return Err(invalid(format!("`options` must be an object, got {other}"))),
    };
    let repair = host_fn(&mut obj, "repair_host_fn", "options")?;
    let mut custom = Vec::new();
    if let Some(Value::Array(conditions)) = obj.get_mut("stop_when") {
        let mut kept = Vec::with_capacity(conditions.len());
        for (i, mut c) in std::mem::take(conditions).into_iter().enumerate() {
            match c.as_object_mut() {
                Some(o) if o.get("type").and_then(Value::as_str) == Some("host") => {
                    let what = format!("options.stop_when[{i}]");
                    let fn_id = host_fn(o, "host_fn", &what)?
                        .ok_or_else(|| invalid(format!("{what}.host_fn is missing")))?;
                    custom.push(StopCondition::Custom(Arc::new(HostStop { fn_id })));
                }
                _ => kept.push(c),
            }
        }
        *conditions = kept;
    }
    let had_stop_when = obj.contains_key("stop_when");
    let spec: AgentSpec = serde_json::from_value(Value::Object(obj))
        .map_err(|e| invalid(format!("agent options: {e}")))?;
    let mut options = spec.into_options(tools)?;
    if had_stop_when {
        options.stop_when.extend(custom);
    } else if !custom.is_empty() {
        options.stop_when = custom;
    }
    if let Some(fn_id) = repair {
        options.repair = Some(Arc::new(HostToolRepair { fn_id }));
    }
    Ok(options)
}

/// Parse an agent request JSON (see the module docs).
pub(crate) fn agent_call(json: &str) -> Result<AgentCall, Failure> {
    let mut obj = parse_object(json, "the agent request")?;
    let request = obj
        .remove("request")
        .ok_or_else(|| invalid("the agent request has no `request`".to_owned()))?;
    let request = text_request(&request.to_string())?;
    let mut tools = parse_tools(obj.remove("tools"))?;
    let options = parse_options(obj.remove("options"), &mut tools)?;
    if let Some(key) = obj.keys().next() {
        return Err(invalid(format!(
            "the agent request has an unknown field `{key}`"
        )));
    }
    Ok(AgentCall {
        request,
        tools,
        options,
    })
}

/// Run the agent loop to the end: `request_json` is an agent request (see the crate docs of
/// `agent.rs`: `{"request", "tools", "options"}`); on `DITTO_OK` `*out_json` is the
/// `AgentResult` JSON (`{"text", "steps", "total_usage", "finish_reason",
/// "response_messages", "pending_approvals"}`), otherwise an `ErrorInfo` JSON. Tools run their
/// host functions on Ditto worker threads. Blocking; triggering `cancel` stops the loop,
/// cancels the running host functions and returns a `cancelled` error.
///
/// # Safety
/// As `ditto_generate_text`.
#[no_mangle]
pub unsafe extern "C" fn ditto_run_agent(
    client: *const DittoClient,
    request_json: *const c_char,
    cancel: *const DittoCancel,
    out_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees every pointer (see above).
    unsafe {
        blocking_json_call(
            client,
            request_json,
            cancel,
            out_json,
            agent_call,
            |ditto, call| async move {
                ditto
                    .run_agent(call.request, &call.tools, &call.options)
                    .await
            },
        )
    }
}

/// Open an agent stream: `ditto_stream_next` then yields `StreamEvent` JSON (`start`, per step
/// `start-step`, the model's events, `tool-result` / `tool-error` / `tool-approval-request`,
/// `finish-step`; `finish` with the total usage). Invalid requests and options fail here;
/// later failures end the stream. `ditto_stream_cancel` / `ditto_stream_free` stop the loop
/// and cancel running host functions.
///
/// # Safety
/// As `ditto_stream_open`.
#[no_mangle]
pub unsafe extern "C" fn ditto_agent_stream_open(
    client: *const DittoClient,
    request_json: *const c_char,
    out_stream: *mut *mut DittoStream,
    out_error: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller guarantees every pointer (see above).
    unsafe {
        open_stream(out_stream, out_error, || {
            let ditto = client_ref(client)?;
            let call = agent_call(arg_str(request_json, "request_json")?)?;
            let stream = ditto.stream_agent(call.request, &call.tools, &call.options)?;
            DittoStream::spawn(async move { Ok(stream) })
        })
    }
}

#[cfg(test)]
#[path = "agent_tests.rs"]
mod tests;
