use crate::error::{Error, ErrorKind, Result};
use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Map a transport failure onto the error taxonomy: timeouts are `Timeout`, everything else that
/// broke the connection (refused, reset, closed early) is `Connection`.
pub(crate) fn transport_error(e: reqwest::Error) -> Error {
    let kind = if e.is_timeout() {
        ErrorKind::Timeout
    } else if e.is_builder() {
        ErrorKind::Config
    } else {
        ErrorKind::Connection
    };
    // Display of reqwest errors includes the URL but never headers; keep the cause chain short.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::new(kind, message)
}

/// Read a whole body, failing once it exceeds `max` bytes (without reading further).
pub(crate) async fn read_capped(mut resp: reqwest::Response, max: usize) -> Result<Bytes> {
    if let Some(len) = resp.content_length() {
        if len as usize > max {
            return Err(Error::new(
                ErrorKind::Provider,
                format!("response body of {len} bytes exceeds the {max}-byte limit"),
            ));
        }
    }
    let mut buf = BytesMut::new();
    while let Some(chunk) = resp.chunk().await.map_err(transport_error)? {
        if buf.len() + chunk.len() > max {
            return Err(Error::new(
                ErrorKind::Provider,
                format!("response body exceeds the {max}-byte limit"),
            ));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

type ChunkFuture =
    Pin<Box<dyn std::future::Future<Output = (Option<Result<Bytes>>, State)> + Send>>;

struct State {
    resp: reqwest::Response,
    idle: Duration,
}

/// A response body as a stream of byte chunks, with an idle timeout between chunks.
/// Dropping it drops the response, which closes the upstream connection.
pub struct ByteStream {
    pending: Option<ChunkFuture>,
    done: bool,
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("done", &self.done)
            .finish()
    }
}

impl ByteStream {
    pub(crate) fn new(resp: reqwest::Response, idle: Duration) -> Self {
        ByteStream {
            pending: Some(Box::pin(next_chunk(State { resp, idle }))),
            done: false,
        }
    }

    /// A stream over in-memory chunks (tests and replay).
    pub fn from_chunks(
        chunks: Vec<Result<Bytes>>,
    ) -> Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>> {
        Box::pin(futures_util::stream::iter(chunks))
    }
}

async fn next_chunk(mut state: State) -> (Option<Result<Bytes>>, State) {
    let idle = state.idle;
    let item = match tokio::time::timeout(idle, state.resp.chunk()).await {
        Ok(Ok(Some(bytes))) => Some(Ok(bytes)),
        Ok(Ok(None)) => None,
        Ok(Err(e)) => Some(Err(transport_error(e))),
        Err(_) => Some(Err(Error::timeout(format!(
            "no data from the upstream stream for {} ms",
            idle.as_millis()
        )))),
    };
    (item, state)
}

impl Stream for ByteStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let Some(fut) = self.pending.as_mut() else {
            return Poll::Ready(None);
        };
        let (item, state) = std::task::ready!(fut.as_mut().poll(cx));
        match item {
            Some(Ok(bytes)) => {
                self.pending = Some(Box::pin(next_chunk(state)));
                Poll::Ready(Some(Ok(bytes)))
            }
            Some(Err(e)) => {
                self.done = true;
                self.pending = None;
                Poll::Ready(Some(Err(e)))
            }
            None => {
                self.done = true;
                self.pending = None;
                Poll::Ready(None)
            }
        }
    }
}
