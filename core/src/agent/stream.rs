//! `AgentStream`: the agent loop driven from inside the stream, so dropping the stream drops
//! the in-flight model call and the pending tool executions with it.

use super::engine::Engine;
use crate::error::Result;
use crate::types::StreamEvent;
use futures_core::Stream;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// Events buffered between the loop and the consumer; a slow consumer pauses the loop.
pub(crate) const EVENT_BUFFER: usize = 64;

/// The stream `stream_agent` returns: `start`, per step `start-step`, the model's events, the
/// step's `tool-result` / `tool-error` / `tool-approval-request` events, `finish-step`; then
/// `finish` with the usage of all steps. A failure is yielded once as `Err`, then the stream
/// ends. Dropping it cancels the model call in flight and the running tools.
pub struct AgentStream {
    rx: mpsc::Receiver<Result<StreamEvent>>,
    driver: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
}

impl std::fmt::Debug for AgentStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentStream")
            .field("running", &self.driver.is_some())
            .finish_non_exhaustive()
    }
}

impl AgentStream {
    /// Wrap an engine built with a sender to `rx`.
    pub(crate) fn new(engine: Engine, rx: mpsc::Receiver<Result<StreamEvent>>) -> Self {
        AgentStream {
            rx,
            driver: Some(Box::pin(engine.drive())),
        }
    }
}

impl Stream for AgentStream {
    type Item = Result<StreamEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Poll::Ready(item) = self.rx.poll_recv(cx) {
                return Poll::Ready(item);
            }
            let Some(driver) = self.driver.as_mut() else {
                // The driver is gone, so is the sender: `poll_recv` ends the stream.
                return Poll::Pending;
            };
            match driver.as_mut().poll(cx) {
                // Dropping the driver drops the sender; the next `poll_recv` drains and ends.
                Poll::Ready(()) => self.driver = None,
                // Hand out what the driver queued before it paused.
                Poll::Pending => return self.rx.poll_recv(cx),
            }
        }
    }
}
