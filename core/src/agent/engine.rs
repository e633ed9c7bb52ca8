//! The agent loop shared by `run_agent` and `stream_agent`: resume approvals, call the model,
//! run the tools, decide whether to go on.

use super::approval::{approval_id, denied_message};
use super::execute::{execute_all, execute_one, tool_result, Executed};
use super::stop::any_met;
use super::{AgentOptions, AgentResult, StepResult, ToolApprovalRequest, ToolContext, ToolSet};
use crate::error::{Error, Result};
use crate::model::LanguageModel;
use crate::stream::{StreamCollector, DEFAULT_MAX_COLLECTED_BYTES};
use crate::types::{
    CallOptions, ContentPart, FinishReason, GenerateTextResult, Message, Role, StreamEvent, Tool,
    ToolCall, ToolResultOutput, Usage,
};
use futures_util::StreamExt;
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Where stream events go; `None` for `run_agent`.
pub(crate) type Sink = Option<mpsc::Sender<Result<StreamEvent>>>;

/// One agent run's state.
#[derive(Debug)]
pub(crate) struct Engine {
    model: Arc<dyn LanguageModel>,
    call: CallOptions,
    tools: ToolSet,
    defs: Vec<Tool>,
    opts: AgentOptions,
    steps: Vec<StepResult>,
    response_messages: Vec<Message>,
    pending: Vec<ToolApprovalRequest>,
    sink: Sink,
}

/// The receiver went away (the stream was dropped): stop quietly.
struct Gone;

impl Engine {
    /// Check everything that can be checked before the first call.
    pub(crate) fn new(
        model: Arc<dyn LanguageModel>,
        request: &crate::types::TextRequest,
        tools: &ToolSet,
        opts: &AgentOptions,
        sink: Sink,
    ) -> Result<Self> {
        opts.validate()?;
        let mut request = request.clone();
        request.tools.extend(tools.definitions());
        let call = request.to_call_options()?;
        Ok(Engine {
            model,
            defs: call.tools.clone(),
            call,
            tools: tools.clone(),
            opts: opts.clone(),
            steps: Vec::new(),
            response_messages: Vec::new(),
            pending: Vec::new(),
            sink,
        })
    }

    async fn emit(&self, event: StreamEvent) -> std::result::Result<(), Gone> {
        match &self.sink {
            Some(tx) => tx.send(Ok(event)).await.map_err(|_| Gone),
            None => Ok(()),
        }
    }

    /// Run to the end and return the result (`run_agent`).
    pub(crate) async fn run(mut self) -> Result<AgentResult> {
        match self.run_inner().await {
            Ok(Ok(())) => Ok(self.result()),
            Ok(Err(e)) => Err(e),
            Err(Gone) => Err(Error::stream("the agent stream was dropped")),
        }
    }

    /// Run to the end, sending events and a final error to the sink (`stream_agent`).
    pub(crate) async fn drive(mut self) {
        if let Ok(Err(e)) = self.run_inner().await {
            if let Some(tx) = &self.sink {
                let _ = tx.send(Err(e)).await;
            }
        }
    }

    async fn run_inner(&mut self) -> std::result::Result<Result<()>, Gone> {
        self.emit(StreamEvent::Start).await?;
        if let Err(e) = self.resume().await? {
            return Ok(Err(e));
        }
        if self.pending.is_empty() {
            loop {
                let go_on = match self.step().await? {
                    Ok(go_on) => go_on,
                    Err(e) => return Ok(Err(e)),
                };
                if !go_on
                    || self.steps.len() >= self.opts.max_steps as usize
                    || any_met(&self.opts.stop_when, &self.steps).await
                {
                    break;
                }
            }
        }
        let last = self.steps.last();
        self.emit(StreamEvent::Finish {
            finish_reason: last.map_or(FinishReason::ToolCalls, |s| s.finish_reason),
            raw_finish_reason: last.and_then(|s| s.raw_finish_reason.clone()),
            total_usage: self.total_usage(),
        })
        .await?;
        Ok(Ok(()))
    }

    fn total_usage(&self) -> Usage {
        self.steps
            .iter()
            .fold(Usage::default(), |acc, s| acc.add(&s.usage))
            .with_computed_total()
    }

    fn result(self) -> AgentResult {
        let total_usage = self.total_usage();
        let last = self.steps.last();
        AgentResult {
            text: last.map(|s| s.text.clone()).unwrap_or_default(),
            finish_reason: last.map_or(FinishReason::ToolCalls, |s| s.finish_reason),
            total_usage,
            steps: self.steps,
            response_messages: self.response_messages,
            pending_approvals: self.pending,
        }
    }

    /// Append `message` to the conversation and to the response messages.
    fn push_message(&mut self, message: Message) {
        self.call.prompt.push(message.clone());
        self.response_messages.push(message);
    }

    /// Answer the approvals of a paused run: run approved calls, refuse denied ones. Calls
    /// still unanswered stay pending (and no model call happens).
    async fn resume(&mut self) -> std::result::Result<Result<()>, Gone> {
        if self.opts.approvals.is_empty() {
            return Ok(Ok(()));
        }
        let open = open_calls(&self.call.prompt);
        for a in &self.opts.approvals {
            if !open.iter().any(|c| approval_id(c) == a.approval_id) {
                return Ok(Err(Error::invalid_request(format!(
                    "approval `{}` matches no unanswered tool call in `messages`",
                    a.approval_id
                ))));
            }
        }
        let ctx = ToolContext {
            step: 0,
            messages: self.call.prompt.clone(),
        };
        let mut done = Vec::new();
        for call in open {
            let id = approval_id(&call);
            match self.opts.approvals.iter().find(|a| a.approval_id == id) {
                Some(a) if a.approved => {
                    done.push(execute_one(&self.tools, &self.defs, &self.opts, &ctx, call).await)
                }
                Some(a) => {
                    let output = ToolResultOutput::ErrorText(denied_message(a.reason.as_deref()));
                    let result = tool_result(&call, output);
                    done.push(Executed { call, result });
                }
                None => self.pending.push(ToolApprovalRequest {
                    approval_id: id,
                    tool_call: call,
                }),
            }
        }
        for e in &done {
            self.emit(e.event()).await?;
        }
        if !done.is_empty() {
            let parts = done
                .into_iter()
                .map(|e| ContentPart::ToolResult(e.result))
                .collect();
            self.push_message(Message::with_parts(Role::Tool, parts));
        }
        for p in &self.pending {
            self.emit(StreamEvent::ToolApprovalRequest {
                approval_id: p.approval_id.clone(),
                tool_call: p.tool_call.clone(),
            })
            .await?;
        }
        Ok(Ok(()))
    }

    /// One model call and its tools. `Ok(true)` when the loop may go on.
    async fn step(&mut self) -> std::result::Result<Result<bool>, Gone> {
        let step = self.steps.len() as u32;
        let (model, finish) = match self.call_model().await? {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        let calls: Vec<ToolCall> = model
            .tool_calls
            .iter()
            .filter(|c| !c.provider_executed)
            .cloned()
            .collect();
        let mut runnable = Vec::new();
        let mut approvals = Vec::new();
        for call in &calls {
            match self.tools.get(&call.tool_name) {
                // Handed back to the caller: the step then has a call without result.
                Some(t) if t.executor.is_none() => {}
                Some(t) if t.needs_approval => approvals.push(ToolApprovalRequest {
                    approval_id: approval_id(call),
                    tool_call: call.clone(),
                }),
                _ => runnable.push(call.clone()),
            }
        }
        let ctx = ToolContext {
            step,
            messages: self.call.prompt.clone(),
        };
        let executed = execute_all(&self.tools, &self.defs, &self.opts, &ctx, runnable).await;
        for e in &executed {
            self.emit(e.event()).await?;
        }
        for a in &approvals {
            self.emit(StreamEvent::ToolApprovalRequest {
                approval_id: a.approval_id.clone(),
                tool_call: a.tool_call.clone(),
            })
            .await?;
        }
        if let Some(finish) = finish {
            self.emit(finish).await?;
        }
        let all_ran = executed.len() == calls.len();
        let go_on = model.finish_reason == FinishReason::ToolCalls && !calls.is_empty() && all_ran;
        self.record_step(step, model, executed);
        self.pending = approvals;
        Ok(Ok(go_on))
    }

    /// Keep the step and grow the conversation by its assistant and tool messages.
    fn record_step(&mut self, step: u32, mut model: GenerateTextResult, executed: Vec<Executed>) {
        // Repaired calls replace the originals, so the model sees the input that ran.
        for e in &executed {
            for part in model.content.iter_mut() {
                if let ContentPart::ToolCall(c) = part {
                    if c.tool_call_id == e.call.tool_call_id {
                        *c = e.call.clone();
                    }
                }
            }
            for c in model.tool_calls.iter_mut() {
                if c.tool_call_id == e.call.tool_call_id {
                    *c = e.call.clone();
                }
            }
        }
        let assistant: Vec<ContentPart> = model
            .content
            .iter()
            .filter(|p| !matches!(p, ContentPart::ToolResult(_)))
            .cloned()
            .collect();
        if !assistant.is_empty() {
            self.push_message(Message::with_parts(Role::Assistant, assistant));
        }
        let results: Vec<_> = executed.into_iter().map(|e| e.result).collect();
        if !results.is_empty() {
            let parts = results
                .iter()
                .cloned()
                .map(ContentPart::ToolResult)
                .collect();
            self.push_message(Message::with_parts(Role::Tool, parts));
        }
        self.steps.push(StepResult::new(step, model, results));
    }

    /// One model call: `generate` for `run_agent`; for streams, `stream` with its events
    /// forwarded as they come, except `finish-step`, which is returned to send after the
    /// step's tool results.
    async fn call_model(
        &mut self,
    ) -> std::result::Result<Result<(GenerateTextResult, Option<StreamEvent>)>, Gone> {
        if self.sink.is_none() {
            return Ok(self
                .model
                .generate(&self.call)
                .await
                .map(|r| (GenerateTextResult::from(r), None)));
        }
        let stream = match self.model.stream(&self.call).await {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        self.emit(StreamEvent::StartStep {
            warnings: stream.warnings.clone(),
        })
        .await?;
        let mut collector = StreamCollector::new(DEFAULT_MAX_COLLECTED_BYTES);
        collector.push(StreamEvent::StartStep {
            warnings: stream.warnings,
        });
        let mut events = stream.events;
        let mut finish = None;
        while let Some(event) = events.next().await {
            let event = match event {
                Ok(ev) => ev,
                Err(e) => return Ok(Err(e)),
            };
            if matches!(event, StreamEvent::FinishStep { .. }) {
                collector.push(event.clone());
                finish = Some(event);
                break;
            }
            collector.push(event.clone());
            self.emit(event).await?;
        }
        drop(events);
        if finish.is_none() {
            return Ok(Err(Error::stream(
                "the model stream ended without a finish event",
            )));
        }
        Ok(Ok((collector.finish(), finish)))
    }
}

/// The tool calls of the last assistant message that no later tool result answers.
fn open_calls(messages: &[Message]) -> Vec<ToolCall> {
    let Some(at) = messages.iter().rposition(|m| m.role == Role::Assistant) else {
        return Vec::new();
    };
    let answered: HashSet<&str> = messages[at + 1..]
        .iter()
        .flat_map(|m| m.content.iter())
        .filter_map(|p| match p {
            ContentPart::ToolResult(r) => Some(r.tool_call_id.as_str()),
            _ => None,
        })
        .collect();
    messages[at]
        .content
        .iter()
        .filter_map(|p| match p {
            ContentPart::ToolCall(c)
                if !c.provider_executed && !answered.contains(c.tool_call_id.as_str()) =>
            {
                Some(c.clone())
            }
            _ => None,
        })
        .collect()
}
