use super::{Framing, Limits, VERSION};
use crate::error::{Error, Result};
use crate::http::sse::{SseDecoder, SseEvent};
use crate::types::StreamEvent;
use bytes::Bytes;
use futures_core::Stream;
use futures_util::StreamExt;
use serde_json::Value;
use std::collections::VecDeque;

/// Parse one v1 event from its JSON text. Fails with an
/// [`ErrorKind::Stream`](crate::ErrorKind::Stream) error when the text is not a JSON object,
/// when `v` is missing or not 1, or when the object is not a known event.
#[allow(clippy::result_large_err)] // the crate-wide error type
pub fn decode_event(json: &str) -> Result<StreamEvent> {
    let mut value: Value = serde_json::from_str(json)
        .map_err(|e| Error::stream(format!("Ditto stream event is not valid JSON: {e}")))?;
    let map = value
        .as_object_mut()
        .ok_or_else(|| Error::stream("Ditto stream event is not a JSON object"))?;
    match map.remove("v") {
        Some(v) if v.as_u64() == Some(VERSION) => {}
        Some(v) => {
            return Err(Error::stream(format!(
                "unsupported Ditto stream protocol version {v} (this decoder speaks v{VERSION})"
            )))
        }
        None => {
            return Err(Error::stream(
                "Ditto stream event has no \"v\" field (expected \"v\": 1)",
            ))
        }
    }
    let type_name = map
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("<missing>")
        .to_owned();
    serde_json::from_value(value)
        .map_err(|e| Error::stream(format!("invalid Ditto stream event {type_name:?}: {e}")))
}

/// A bounded, incremental v1 decoder: bytes in, events out.
///
/// SSE framing goes through the shared [`SseDecoder`] (so `\r\n`, comments, `event:` and `id:`
/// lines are handled per the SSE spec; only `data` is used); `data: [DONE]` marks the end and
/// any event after it is an error. NDJSON framing splits on `\n` (a trailing `\r` and blank
/// lines are ignored). Every failure is an [`ErrorKind::Stream`](crate::ErrorKind::Stream)
/// error, after which the decoder stays failed.
#[derive(Debug)]
pub struct Decoder {
    framing: Framing,
    max_line_bytes: usize,
    sse: SseDecoder,
    sse_out: Vec<SseEvent>,
    line: Vec<u8>,
    done: bool,
    failed: Option<String>,
}

impl Decoder {
    /// A decoder with the default limits (1 MiB per line, 4 MiB per event).
    pub fn new(framing: Framing) -> Self {
        Self::with_limits(framing, Limits::default())
    }

    /// A decoder that enforces `limits`.
    pub fn with_limits(framing: Framing, limits: Limits) -> Self {
        Decoder {
            framing,
            max_line_bytes: limits.max_line_bytes.min(limits.max_event_bytes),
            sse: SseDecoder::new(limits),
            sse_out: Vec::new(),
            line: Vec::new(),
            done: false,
            failed: None,
        }
    }

    /// The framing this decoder reads.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// True once the SSE terminator `data: [DONE]` was read.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Feed the next chunk of bytes (split anywhere); complete events are pushed to `out`.
    #[allow(clippy::result_large_err)] // the crate-wide error type
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<StreamEvent>) -> Result<()> {
        if let Some(message) = &self.failed {
            return Err(Error::stream(message.clone()));
        }
        let result = match self.framing {
            Framing::Sse => self.feed_sse(chunk, out),
            Framing::Ndjson => self.feed_ndjson(chunk, out),
        };
        result.map_err(|e| self.fail(e))
    }

    /// The input ended: decode what is left. With SSE framing, a stream that ended before
    /// `data: [DONE]` is an error (it was truncated).
    #[allow(clippy::result_large_err)] // the crate-wide error type
    pub fn finish(&mut self, out: &mut Vec<StreamEvent>) -> Result<()> {
        if let Some(message) = &self.failed {
            return Err(Error::stream(message.clone()));
        }
        let result = match self.framing {
            Framing::Sse => self.finish_sse(out),
            Framing::Ndjson => {
                let line = std::mem::take(&mut self.line);
                self.ndjson_line(&line, out)
            }
        };
        result.map_err(|e| self.fail(e))
    }

    fn fail(&mut self, error: Error) -> Error {
        self.failed = Some(error.message().to_owned());
        self.line = Vec::new();
        self.sse_out = Vec::new();
        error
    }

    fn feed_sse(&mut self, chunk: &[u8], out: &mut Vec<StreamEvent>) -> Result<()> {
        let fed = self.sse.feed(chunk, &mut self.sse_out);
        self.take_sse_events(out)?;
        fed
    }

    fn finish_sse(&mut self, out: &mut Vec<StreamEvent>) -> Result<()> {
        self.sse.finish(&mut self.sse_out)?;
        self.take_sse_events(out)?;
        if self.done {
            Ok(())
        } else {
            Err(Error::stream(
                "Ditto SSE stream ended before \"data: [DONE]\" (truncated)",
            ))
        }
    }

    fn take_sse_events(&mut self, out: &mut Vec<StreamEvent>) -> Result<()> {
        for event in self.sse_out.drain(..) {
            if self.done {
                return Err(Error::stream(
                    "Ditto SSE stream has an event after \"data: [DONE]\"",
                ));
            }
            if event.data.trim() == "[DONE]" {
                self.done = true;
                continue;
            }
            out.push(decode_event(&event.data)?);
        }
        Ok(())
    }

    fn feed_ndjson(&mut self, chunk: &[u8], out: &mut Vec<StreamEvent>) -> Result<()> {
        let mut rest = chunk;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            if self.line.len() + end > self.max_line_bytes {
                return Err(self.oversize());
            }
            if self.line.is_empty() {
                self.ndjson_line(&rest[..end], out)?;
            } else {
                let mut line = std::mem::take(&mut self.line);
                line.extend_from_slice(&rest[..end]);
                let result = self.ndjson_line(&line, out);
                line.clear();
                self.line = line;
                result?;
            }
            rest = &rest[end + 1..];
        }
        if self.line.len() + rest.len() > self.max_line_bytes {
            return Err(self.oversize());
        }
        self.line.extend_from_slice(rest);
        Ok(())
    }

    fn oversize(&self) -> Error {
        Error::stream(format!(
            "Ditto NDJSON line exceeds the limit of {} bytes",
            self.max_line_bytes
        ))
    }

    fn ndjson_line(&self, line: &[u8], out: &mut Vec<StreamEvent>) -> Result<()> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let text = std::str::from_utf8(line)
            .map_err(|_| Error::stream("Ditto NDJSON line is not valid UTF-8"))?;
        out.push(decode_event(text)?);
        Ok(())
    }
}

/// Decode a byte stream (e.g. an HTTP response body) into events. An `error` event becomes an
/// `Err` item (its [`ErrorInfo`](crate::ErrorInfo) turned back into an [`Error`]) and ends the
/// stream, as Rust streams report failures; a transport error, a malformed or truncated stream
/// is an `Err` as well. Nothing is read after the first `Err`.
pub fn decode_stream<S, E>(
    bytes: S,
    framing: Framing,
    limits: Limits,
) -> impl Stream<Item = Result<StreamEvent>> + Send
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Send + 'static,
    E: Into<Error>,
{
    struct St<S> {
        bytes: std::pin::Pin<Box<S>>,
        decoder: Decoder,
        queue: VecDeque<StreamEvent>,
        ended: bool,
    }
    let state = St {
        bytes: Box::pin(bytes),
        decoder: Decoder::with_limits(framing, limits),
        queue: VecDeque::new(),
        ended: false,
    };
    futures_util::stream::unfold(state, |mut st| async move {
        let mut out = Vec::new();
        loop {
            if let Some(event) = st.queue.pop_front() {
                if let StreamEvent::Error { error } = event {
                    st.ended = true;
                    st.queue.clear();
                    return Some((Err(Error::from(error)), st));
                }
                return Some((Ok(event), st));
            }
            if st.ended {
                return None;
            }
            let step = match st.bytes.next().await {
                Some(Ok(chunk)) => st.decoder.feed(&chunk, &mut out),
                Some(Err(e)) => Err(e.into()),
                None => {
                    st.ended = true;
                    st.decoder.finish(&mut out)
                }
            };
            st.queue.extend(out.drain(..));
            if let Err(e) = step {
                // Events decoded before the failure were pushed to the queue first; deliver
                // them, then the error.
                st.ended = true;
                if st.queue.is_empty() {
                    return Some((Err(e), st));
                }
                st.queue
                    .push_back(StreamEvent::Error { error: e.to_info() });
            }
        }
    })
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
