//! Running one step's tool calls: input checks and repair, the executor, the output cap, and
//! bounded parallelism with results in call order.

use super::{AgentOptions, ToolContext, ToolSet};
use crate::types::{StreamEvent, Tool, ToolCall, ToolResult, ToolResultOutput};
use futures_util::StreamExt;
use serde_json::Value;

/// One executed (or failed) call: the call as it ran (after repair) and its result.
#[derive(Debug, Clone)]
pub(crate) struct Executed {
    pub(crate) call: ToolCall,
    pub(crate) result: ToolResult,
}

impl Executed {
    fn new(call: ToolCall, output: ToolResultOutput) -> Self {
        let result = tool_result(&call, output);
        Executed { call, result }
    }

    /// The `tool-result` or `tool-error` event for this call.
    pub(crate) fn event(&self) -> StreamEvent {
        let (tool_call_id, tool_name, input) = (
            self.call.tool_call_id.clone(),
            self.call.tool_name.clone(),
            self.call.input.clone(),
        );
        match &self.result.output {
            ToolResultOutput::Json(output) => StreamEvent::ToolResult {
                tool_call_id,
                tool_name,
                input,
                output: output.clone(),
                provider_executed: false,
            },
            ToolResultOutput::Text(text) => StreamEvent::ToolResult {
                tool_call_id,
                tool_name,
                input,
                output: Value::String(text.clone()),
                provider_executed: false,
            },
            other => StreamEvent::ToolError {
                tool_call_id,
                tool_name,
                input,
                error: other.to_text(),
            },
        }
    }
}

/// A tool result part answering `call`.
pub(crate) fn tool_result(call: &ToolCall, output: ToolResultOutput) -> ToolResult {
    ToolResult {
        tool_call_id: call.tool_call_id.clone(),
        tool_name: call.tool_name.clone(),
        output,
        provider_options: Default::default(),
    }
}

/// Schema errors listed in a tool error message; more are counted, not listed.
const MAX_LISTED_ERRORS: usize = 5;

/// Why `call`'s input cannot be given to `tool`, if it cannot: not JSON, or not matching the
/// tool's `input_schema` (checked with [`crate::object::validate`]).
fn check_input(tool: &Tool, call: &ToolCall) -> Result<(), String> {
    if call.invalid_input {
        return Err(format!(
            "invalid input for tool `{}`: not valid JSON: {}",
            call.tool_name,
            call.arguments_json()
        ));
    }
    let Tool::Function { input_schema, .. } = tool else {
        return Ok(());
    };
    crate::object::validate(input_schema, &call.input).map_err(|errors| {
        let mut listed: Vec<String> = errors
            .iter()
            .take(MAX_LISTED_ERRORS)
            .map(ToString::to_string)
            .collect();
        if errors.len() > MAX_LISTED_ERRORS {
            listed.push(format!("{} more", errors.len() - MAX_LISTED_ERRORS));
        }
        format!(
            "invalid input for tool `{}`: {}",
            call.tool_name,
            listed.join("; ")
        )
    })
}

/// The call to run: `call` when its input is fine, else the repair hook's fix, else the error.
async fn checked_call(
    tool: &Tool,
    call: ToolCall,
    defs: &[Tool],
    opts: &AgentOptions,
) -> Result<ToolCall, (ToolCall, String)> {
    let Err(error) = check_input(tool, &call) else {
        return Ok(call);
    };
    let Some(repair) = &opts.repair else {
        return Err((call, error));
    };
    match repair.repair(&call, &error, defs).await {
        Ok(Some(fixed)) => {
            if fixed.tool_call_id != call.tool_call_id || fixed.tool_name != call.tool_name {
                return Err((
                    call,
                    format!("{error} (the repaired call changed its id or tool name)"),
                ));
            }
            match check_input(tool, &fixed) {
                Ok(()) => Ok(fixed),
                Err(again) => Err((call, format!("{again} (after repair)"))),
            }
        }
        Ok(None) => Err((call, error)),
        Err(e) => Err((call, format!("{error} (repair failed: {})", e.message()))),
    }
}

/// Run one call to completion; every failure becomes an error result.
pub(crate) async fn execute_one(
    tools: &ToolSet,
    defs: &[Tool],
    opts: &AgentOptions,
    ctx: &ToolContext,
    call: ToolCall,
) -> Executed {
    let Some(tool) = tools.get(&call.tool_name) else {
        let msg = format!("no such tool: `{}`", call.tool_name);
        return Executed::new(call, ToolResultOutput::ErrorText(msg));
    };
    let Some(executor) = &tool.executor else {
        let msg = format!("tool `{}` has no executor", call.tool_name);
        return Executed::new(call, ToolResultOutput::ErrorText(msg));
    };
    let call = match checked_call(&tool.definition, call, defs, opts).await {
        Ok(call) => call,
        Err((call, msg)) => return Executed::new(call, ToolResultOutput::ErrorText(msg)),
    };
    let output = match executor.execute(&call, ctx).await {
        Ok(value) => capped(value, opts.max_tool_output_bytes),
        Err(msg) => ToolResultOutput::ErrorText(msg),
    };
    Executed::new(call, output)
}

/// `value` as a JSON output, or an error when its JSON is over `max_bytes`.
fn capped(value: Value, max_bytes: usize) -> ToolResultOutput {
    let size = serde_json::to_vec(&value).map_or(usize::MAX, |v| v.len());
    if size > max_bytes {
        ToolResultOutput::ErrorText(format!(
            "tool output is {size} bytes, over the {max_bytes}-byte limit"
        ))
    } else {
        ToolResultOutput::Json(value)
    }
}

/// Run `calls`, at most `opts.max_parallel_tools` at once; results in call order.
pub(crate) async fn execute_all(
    tools: &ToolSet,
    defs: &[Tool],
    opts: &AgentOptions,
    ctx: &ToolContext,
    calls: Vec<ToolCall>,
) -> Vec<Executed> {
    // Collect the futures first: a lazy `map` closure over borrowed state makes the combined
    // future impossible to prove `Send`.
    let pending: Vec<_> = calls
        .into_iter()
        .map(|call| execute_one(tools, defs, opts, ctx, call))
        .collect();
    futures_util::stream::iter(pending)
        .buffered(opts.max_parallel_tools.max(1))
        .collect()
        .await
}
