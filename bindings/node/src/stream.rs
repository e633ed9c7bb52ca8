//! `NativeTextStream`: a text, agent or object stream pumped on the shared runtime into a bounded channel, read
//! from JavaScript in batches (one Promise per batch of ready events, not per event).
//!
//! Memory is bounded: at most [`CHANNEL_EVENTS`] events wait in the channel (a slow reader
//! slows the upstream read), and a batch holds at most [`BATCH_MAX_EVENTS`] events or about
//! [`BATCH_MAX_BYTES`] of JSON. `close()`, or garbage collection of the handle, aborts the
//! pump task: the Rust stream is dropped and the upstream connection closes.

use crate::case::camel_json;
use crate::errors::{from_panic, to_napi};
use ditto_llm::{Ditto, Error, TextRequest};
use futures_util::{FutureExt, Stream, StreamExt};
use napi_derive::napi;
use serde::Serialize;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

/// Events buffered between the upstream reader and JavaScript.
pub const CHANNEL_EVENTS: usize = 256;
/// Most events handed to JavaScript at once.
pub const BATCH_MAX_EVENTS: usize = 512;
/// A batch stops growing once its JSON reaches this size.
pub const BATCH_MAX_BYTES: usize = 1 << 20;

#[derive(Debug)]
enum Item {
    Event(String),
    Failed(Error),
}

/// A stream in flight.
#[napi]
#[derive(Debug)]
pub struct NativeTextStream {
    rx: tokio::sync::Mutex<mpsc::Receiver<Item>>,
    failed: Mutex<Option<Error>>,
    task: AbortHandle,
}

impl NativeTextStream {
    /// Start streaming `request` on the binding's runtime.
    pub fn start(ditto: Ditto, request: TextRequest) -> Self {
        Self::spawn(async move { ditto.stream_text(request).await })
    }

    /// Start the stream `open` resolves to (text, agent or object events) on the binding's
    /// runtime, pumping its events as camelCase JSON into the bounded channel.
    pub fn spawn<F, S, T>(open: F) -> Self
    where
        F: Future<Output = ditto_llm::Result<S>> + Send + 'static,
        S: Stream<Item = ditto_llm::Result<T>> + Send + 'static,
        T: Serialize + Send,
    {
        let (tx, rx) = mpsc::channel(CHANNEL_EVENTS);
        let handle = napi::bindgen_prelude::spawn(async move {
            let out = AssertUnwindSafe(pump(open, tx.clone()))
                .catch_unwind()
                .await
                .unwrap_or_else(|panic| Err(from_panic(panic)));
            if let Err(e) = out {
                let _ = tx.send(Item::Failed(e)).await;
            }
        });
        NativeTextStream {
            rx: tokio::sync::Mutex::new(rx),
            failed: Mutex::new(None),
            task: handle.abort_handle(),
        }
    }
}

async fn pump<F, S, T>(open: F, tx: mpsc::Sender<Item>) -> ditto_llm::Result<()>
where
    F: Future<Output = ditto_llm::Result<S>>,
    S: Stream<Item = ditto_llm::Result<T>>,
    T: Serialize,
{
    let stream = open.await?;
    let mut stream = std::pin::pin!(stream);
    while let Some(event) = stream.next().await {
        let json = camel_json(&event?)?;
        if tx.send(Item::Event(json)).await.is_err() {
            break; // the reader is gone
        }
    }
    Ok(())
}

#[napi]
impl NativeTextStream {
    /// The next batch of events as a JSON array text (camelCase events), or `null` at the end.
    /// A failure rejects, after the events that came before it were delivered.
    #[napi]
    pub async fn next(&self) -> napi::Result<Option<String>> {
        let earlier = self.failed.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(e) = earlier {
            return Err(to_napi(&e));
        }
        let mut rx = self.rx.lock().await;
        let mut item = match rx.recv().await {
            Some(item) => Some(item),
            None => return Ok(None),
        };
        let mut batch = String::from("[");
        let mut count = 0;
        while let Some(it) = item.take() {
            match it {
                Item::Event(json) => {
                    if count > 0 {
                        batch.push(',');
                    }
                    batch.push_str(&json);
                    count += 1;
                }
                Item::Failed(e) if count == 0 => return Err(to_napi(&e)),
                Item::Failed(e) => {
                    *self.failed.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    break;
                }
            }
            if count >= BATCH_MAX_EVENTS || batch.len() >= BATCH_MAX_BYTES {
                break;
            }
            item = rx.try_recv().ok();
        }
        batch.push(']');
        Ok(Some(batch))
    }

    /// Stop: drop the Rust stream and close the upstream connection. `next()` then ends.
    #[napi]
    pub fn close(&self) {
        self.task.abort();
    }
}

impl Drop for NativeTextStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}
