//! `run_agent` and `stream_agent`: the entry points of the agent loop.

use super::engine::Engine;
use super::stream::{AgentStream, EVENT_BUFFER};
use super::{AgentOptions, AgentResult, ToolSet};
use crate::error::Result;
use crate::model::LanguageModel;
use crate::types::TextRequest;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Run the agent loop to the end with non-streaming model calls.
///
/// The request's `model` field is not consulted; its `tools` are sent besides `tools`' own
/// definitions (and act like tools without executor). Invalid options or requests fail here;
/// model errors fail the run; tool failures are fed back to the model as error results.
pub async fn run_agent(
    model: Arc<dyn LanguageModel>,
    request: &TextRequest,
    tools: &ToolSet,
    opts: &AgentOptions,
) -> Result<AgentResult> {
    Engine::new(model, request, tools, opts, None)?.run().await
}

/// Run the agent loop with streaming model calls. Invalid options or requests fail here;
/// everything later (model errors included) arrives as the stream's `Err` item.
pub fn stream_agent(
    model: Arc<dyn LanguageModel>,
    request: &TextRequest,
    tools: &ToolSet,
    opts: &AgentOptions,
) -> Result<AgentStream> {
    let (tx, rx) = mpsc::channel(EVENT_BUFFER);
    let engine = Engine::new(model, request, tools, opts, Some(tx))?;
    Ok(AgentStream::new(engine, rx))
}
