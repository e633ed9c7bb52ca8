//! Tools with Python `execute` functions and the agent options of `generate_text` /
//! `stream_text`: `ditto_llm.tool(...)` objects become core `AgentTool`s whose executor calls
//! back into Python through [`crate::host`]; `stop_when`, `max_steps`, `max_parallel_tools`,
//! `approvals` and `repair_tool_call` become `AgentOptions`.

use crate::agent_results::PyStepResult;
use crate::convert::{serde_to_py, to_json, to_py};
use crate::errors::invalid_request;
use crate::host::{bool_result, json_result, HostFn, HostLoop};
use ditto_llm::agent::{
    AgentOptions, AgentSpec, AgentTool, StepResult, StopCondition, StopPredicate, ToolCallRepair,
    ToolContext, ToolExecutor, ToolSet,
};
use ditto_llm::{Error, Tool, ToolCall};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The keyword arguments that make `generate_text` / `stream_text` run the agent loop.
pub const AGENT_ARGS: &[&str] = &[
    "stop_when",
    "max_steps",
    "max_parallel_tools",
    "approvals",
    "repair_tool_call",
];

/// True for a `ditto_llm.Tool` (made by `ditto_llm.tool`).
pub fn is_host_tool(v: &Bound<'_, PyAny>) -> PyResult<bool> {
    v.hasattr("__ditto_tool__")
}

/// Runs a tool's Python `execute`.
#[derive(Debug)]
struct PyToolExecutor(HostFn);

#[async_trait::async_trait]
impl ToolExecutor for PyToolExecutor {
    async fn execute(&self, call: &ToolCall, ctx: &ToolContext) -> Result<Value, String> {
        let input = call.input.clone();
        let context = serde_json::json!({
            "tool_call_id": call.tool_call_id,
            "tool_name": call.tool_name,
            "step": ctx.step,
            "messages": ctx.messages,
        });
        let args = Box::new(move |py: Python<'_>| {
            Ok(PyTuple::new(py, [to_py(py, &input)?, to_py(py, &context)?])?.unbind())
        });
        self.0.call(args, json_result).await
    }
}

/// A custom stop condition: a Python callable given the steps so far. An exception stops the
/// loop (the safe side).
#[derive(Debug)]
struct PyStop(HostFn);

#[async_trait::async_trait]
impl StopPredicate for PyStop {
    async fn should_stop(&self, steps: &[StepResult]) -> bool {
        let steps = steps.to_vec();
        let args = Box::new(move |py: Python<'_>| {
            let list = PyList::new(py, steps.into_iter().map(PyStepResult))?;
            Ok(PyTuple::new(py, [list.into_any()])?.unbind())
        });
        self.0.call(args, bool_result).await.unwrap_or(true)
    }
}

/// `repair_tool_call(call, error, tools)`: returns the corrected input (a dict) or `None`.
#[derive(Debug)]
struct PyRepair(HostFn);

#[async_trait::async_trait]
impl ToolCallRepair for PyRepair {
    async fn repair(
        &self,
        call: &ToolCall,
        error: &str,
        tools: &[Tool],
    ) -> ditto_llm::Result<Option<ToolCall>> {
        let (c, e) = (call.clone(), error.to_owned());
        let tools = serde_json::to_value(tools).unwrap_or_default();
        let args = Box::new(move |py: Python<'_>| {
            let call = serde_to_py(py, &c)?;
            let items = [call, e.into_pyobject(py)?.into_any(), to_py(py, &tools)?];
            Ok(PyTuple::new(py, items)?.unbind())
        });
        let fixed = self
            .0
            .call(args, json_result)
            .await
            .map_err(|m| Error::invalid_request(format!("repair_tool_call raised: {m}")))?;
        Ok(match fixed {
            Value::Null => None,
            input => Some(ToolCall {
                input,
                invalid_input: false,
                ..call.clone()
            }),
        })
    }
}

/// What the agent loop needs besides the request.
#[derive(Debug)]
pub struct AgentCall {
    /// Tools with executors (and `ditto_llm.Tool`s without one).
    pub tools: ToolSet,
    /// Loop options.
    pub options: AgentOptions,
}

/// The `ditto_llm.Tool` objects in `tools` as core tools, run on `event_loop`.
fn host_tools(tools: &Bound<'_, PyAny>, event_loop: &Arc<HostLoop>) -> PyResult<ToolSet> {
    let mut set = ToolSet::new();
    let items: Vec<Bound<'_, PyAny>> = if tools.is_instance_of::<PyDict>() {
        tools.cast::<PyDict>()?.values().iter().collect()
    } else if tools.is_instance_of::<PyList>() || tools.is_instance_of::<PyTuple>() {
        tools.try_iter()?.collect::<PyResult<_>>()?
    } else {
        return Ok(set);
    };
    for (i, item) in items.iter().enumerate() {
        if !is_host_tool(item)? {
            continue;
        }
        let name: String = item.getattr("name")?.extract()?;
        let description: Option<String> = item.getattr("description")?.extract()?;
        let schema = to_json(
            &item.getattr("parameters")?,
            &format!("tools[{i}].parameters"),
        )?;
        if !schema.is_object() {
            return Err(invalid_request(format!(
                "tools[{i}] (`{name}`): `parameters` must be a JSON Schema object"
            )));
        }
        let definition = Tool::function(name, description, schema);
        let executor: Option<Arc<dyn ToolExecutor>> = if item.getattr("execute")?.is_none() {
            None
        } else {
            let invoke = item.getattr("_invoke")?.unbind();
            Some(Arc::new(PyToolExecutor(HostFn::new(
                invoke,
                event_loop.clone(),
            ))))
        };
        let needs_approval: bool = item.getattr("needs_approval")?.extract()?;
        set.insert(AgentTool {
            definition,
            executor,
            needs_approval,
        });
    }
    Ok(set)
}

/// The agent part of `generate_text(**kwargs)`: `None` when nothing asks for the loop (no
/// `ditto_llm.Tool` in `tools` and no agent option).
pub fn agent_call(
    kwargs: Option<&Bound<'_, PyDict>>,
    event_loop: &Arc<HostLoop>,
) -> PyResult<Option<AgentCall>> {
    let Some(kwargs) = kwargs else {
        return Ok(None);
    };
    let tools = match kwargs.get_item("tools")? {
        Some(t) if !t.is_none() => host_tools(&t, event_loop)?,
        _ => ToolSet::new(),
    };
    let mut spec = Map::new();
    let mut customs = Vec::new();
    let mut repair = None;
    for name in AGENT_ARGS {
        let Some(value) = kwargs.get_item(name)?.filter(|v| !v.is_none()) else {
            continue;
        };
        match *name {
            "stop_when" => {
                let conditions: Vec<Bound<'_, PyAny>> =
                    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
                        value.try_iter()?.collect::<PyResult<_>>()?
                    } else {
                        vec![value]
                    };
                let mut wire = Vec::new();
                for (i, c) in conditions.into_iter().enumerate() {
                    if c.is_callable() {
                        let host = HostFn::new(c.unbind(), event_loop.clone());
                        customs.push(StopCondition::Custom(Arc::new(PyStop(host))));
                    } else {
                        wire.push(to_json(&c, &format!("stop_when[{i}]"))?);
                    }
                }
                spec.insert("stop_when".into(), Value::Array(wire));
            }
            "repair_tool_call" => {
                if !value.is_callable() {
                    return Err(invalid_request("`repair_tool_call` must be callable"));
                }
                let host = HostFn::new(value.unbind(), event_loop.clone());
                repair = Some(Arc::new(PyRepair(host)) as Arc<dyn ToolCallRepair>);
            }
            _ => {
                spec.insert((*name).into(), to_json(&value, name)?);
            }
        }
    }
    if tools.is_empty() && spec.is_empty() && repair.is_none() {
        return Ok(None);
    }
    let had_stop_when = spec.contains_key("stop_when");
    let spec: AgentSpec = serde_json::from_value(Value::Object(spec))
        .map_err(|e| invalid_request(format!("agent options: {e}")))?;
    let mut tools = tools;
    let mut options = spec
        .into_options(&mut tools)
        .map_err(|e| crate::errors::to_py_err(&e))?;
    if had_stop_when {
        options.stop_when.extend(customs);
    }
    options.repair = repair;
    Ok(Some(AgentCall { tools, options }))
}
