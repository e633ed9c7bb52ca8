//! Server-sent events: a bounded, incremental decoder for `text/event-stream` bodies.
//!
//! [`SseDecoder`] implements the WHATWG "event stream interpretation" rules
//! (<https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation>):
//!
//! * lines end with LF, CRLF or a lone CR; a CR at the end of one chunk and an LF at the start of
//!   the next are one line ending;
//! * a UTF-8 byte order mark is skipped at the very start of the stream only;
//! * lines starting with `:` are comments;
//! * `field:value` lines lose at most one space after the colon; a line without a colon is a field
//!   name with an empty value;
//! * `data` appends to the event's data, `event` sets its type, `id` sets the last event ID
//!   (ignored when it contains NUL; it persists across events), `retry` sets the reconnection time
//!   (ASCII digits only); other fields are ignored;
//! * a blank line dispatches the event when any `data` line was seen, and otherwise just resets the
//!   event type;
//! * invalid UTF-8 is decoded lossily (U+FFFD), as the spec's UTF-8 decode does.
//!
//! Memory is bounded by [`SseLimits`]: a line longer than [`SseLimits::max_line_bytes`] or an
//! event whose data grows past [`SseLimits::max_event_bytes`] fails the decoder with an
//! [`ErrorKind::Stream`](crate::error::ErrorKind::Stream) error instead of buffering forever.
//!
//! [`sse_events`] adapts a stream of byte chunks (for example an HTTP response body) into a
//! stream of [`SseEvent`]s.

// `fuzzing` is the cfg cargo-fuzz sets; it exposes a buffer probe to the fuzz target.
#![allow(unexpected_cfgs)]

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::stream::{FusedStream, Stream};

use crate::error::{Error, Result};

/// The UTF-8 byte order mark, skipped when it opens the stream.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// One dispatched server-sent event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The event type from the `event:` field; `None` when the event had none (or an empty one),
    /// which the spec treats as `"message"`.
    pub event: Option<String>,
    /// The event's data: the values of its `data:` lines joined with `"\n"`.
    pub data: String,
    /// The last event ID in effect when the event was dispatched (set by the most recent `id:`
    /// field of the stream, this event's or an earlier one's); `None` when it is empty.
    pub id: Option<String>,
    /// The reconnection time in milliseconds in effect when the event was dispatched (set by the
    /// most recent valid `retry:` field of the stream); `None` when the stream never set one.
    pub retry: Option<u64>,
}

/// Size limits that bound the decoder's memory whatever the input.
#[derive(Debug, Clone, Copy)]
pub struct SseLimits {
    /// The longest line accepted, in bytes, excluding its line ending.
    pub max_line_bytes: usize,
    /// The largest event data accepted, in bytes (the `data:` values joined with `"\n"`).
    pub max_event_bytes: usize,
}

impl Default for SseLimits {
    /// 1 MiB per line, 4 MiB per event.
    fn default() -> Self {
        SseLimits {
            max_line_bytes: 1024 * 1024,
            max_event_bytes: 4 * 1024 * 1024,
        }
    }
}

/// Where the decoder stands with respect to a leading byte order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bom {
    /// This many bytes of the stream so far are a prefix of the BOM (0..=2).
    Matching(u8),
    /// The start of the stream is behind us.
    Done,
}

/// A limit breach, kept small on the hot path and turned into an [`Error`] at the API boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Breach {
    /// A line longer than `max_line_bytes`.
    Line,
    /// Event data larger than `max_event_bytes`.
    Event,
}

impl Breach {
    fn message(self, limits: SseLimits) -> String {
        match self {
            Breach::Line => format!(
                "SSE line exceeds the limit of {} bytes",
                limits.max_line_bytes
            ),
            Breach::Event => format!(
                "SSE event data exceeds the limit of {} bytes",
                limits.max_event_bytes
            ),
        }
    }
}

/// The per-stream field state: everything except the partial line.
#[derive(Debug)]
struct Fields {
    limits: SseLimits,
    /// The data buffer, without the spec's trailing LF (see `has_data`).
    data: String,
    /// Whether any `data` field was seen since the last dispatch. The spec's data buffer is
    /// non-empty exactly when this is true.
    has_data: bool,
    /// The event type buffer.
    event_type: String,
    /// The last event ID buffer; persists across events.
    last_id: String,
    /// The reconnection time; persists across events.
    retry: Option<u64>,
}

impl Fields {
    /// Interpret one complete line (without its line ending).
    fn line(&mut self, line: &[u8], out: &mut Vec<SseEvent>) -> Result<(), Breach> {
        if line.is_empty() {
            self.dispatch(out);
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(());
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                let value = value.strip_prefix(b" ").unwrap_or(value);
                (&line[..colon], value)
            }
            None => (line, &[][..]),
        };
        match name {
            b"data" => {
                let value = String::from_utf8_lossy(value);
                let separator = usize::from(self.has_data);
                let new_len = self.data.len() + separator + value.len();
                if new_len > self.limits.max_event_bytes {
                    return Err(Breach::Event);
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(&value);
                self.has_data = true;
            }
            b"event" => {
                self.event_type.clear();
                self.event_type.push_str(&String::from_utf8_lossy(value));
            }
            b"id" if !value.contains(&0) => {
                self.last_id.clear();
                self.last_id.push_str(&String::from_utf8_lossy(value));
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // Values too large for a u64 are ignored.
                if let Some(ms) = parse_digits(value) {
                    self.retry = Some(ms);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A blank line: dispatch the event when it has data, and reset the event either way.
    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        if !self.has_data {
            self.event_type.clear();
            return;
        }
        self.has_data = false;
        let event = if self.event_type.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.event_type))
        };
        out.push(SseEvent {
            event,
            data: std::mem::take(&mut self.data),
            id: (!self.last_id.is_empty()).then(|| self.last_id.clone()),
            retry: self.retry,
        });
    }

    /// Forget the event being assembled (not the last event ID nor the reconnection time).
    fn reset_event(&mut self) {
        self.data.clear();
        self.has_data = false;
        self.event_type.clear();
    }
}

/// An incremental, bounded decoder of `text/event-stream` bytes.
///
/// Feed it chunks as they arrive with [`feed`](SseDecoder::feed) and call
/// [`finish`](SseDecoder::finish) at the end of the input. Chunk boundaries may fall anywhere,
/// including inside a CRLF pair or a multi-byte character: the events are the same as for the
/// whole input in one chunk.
///
/// After [`finish`](SseDecoder::finish) the decoder is ready for a new stream (for example after
/// reconnecting); the last event ID and reconnection time carry over, as with `EventSource`.
#[derive(Debug)]
pub struct SseDecoder {
    /// The bytes of a line whose ending has not arrived yet; reused from line to line.
    line: Vec<u8>,
    /// The previous chunk ended with CR, so an LF opening the next chunk belongs to it.
    pending_cr: bool,
    bom: Bom,
    fields: Fields,
    /// Set by a limit breach: what every later call fails with.
    failed: Option<Breach>,
}

impl SseDecoder {
    /// A decoder that enforces `limits`.
    pub fn new(limits: SseLimits) -> Self {
        SseDecoder {
            line: Vec::new(),
            pending_cr: false,
            bom: Bom::Matching(0),
            fields: Fields {
                limits,
                data: String::new(),
                has_data: false,
                event_type: String::new(),
                last_id: String::new(),
                retry: None,
            },
            failed: None,
        }
    }

    /// The limits this decoder enforces.
    pub fn limits(&self) -> SseLimits {
        self.fields.limits
    }

    /// The last event ID buffer (empty when no `id:` field set one).
    pub fn last_event_id(&self) -> &str {
        &self.fields.last_id
    }

    /// The reconnection time in milliseconds set by the stream, if any.
    pub fn retry(&self) -> Option<u64> {
        self.fields.retry
    }

    /// Feed the next chunk; decoded events are pushed to `out`.
    ///
    /// A line longer than [`SseLimits::max_line_bytes`] or event data larger than
    /// [`SseLimits::max_event_bytes`] is an error of kind
    /// [`Stream`](crate::error::ErrorKind::Stream); the events completed before the breach are
    /// still pushed to `out`. The decoder then stays failed: later calls return the same kind of
    /// error.
    #[allow(clippy::result_large_err)] // the crate-wide error type
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) -> Result<()> {
        self.check_failed()?;
        self.feed_inner(chunk, out)
            .map_err(|breach| self.fail(breach))
    }

    fn feed_inner(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) -> Result<(), Breach> {
        let mut rest = chunk;
        if let Bom::Matching(matched) = self.bom {
            rest = self.skip_bom(matched, rest)?;
        }
        if self.pending_cr {
            match rest.first() {
                None => return Ok(()),
                Some(&b'\n') => rest = &rest[1..],
                Some(_) => {}
            }
            self.pending_cr = false;
        }
        let max_line = self.fields.limits.max_line_bytes;
        while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            let mut next = end + 1;
            if rest[end] == b'\r' {
                match rest.get(next) {
                    Some(&b'\n') => next += 1,
                    Some(_) => {}
                    None => self.pending_cr = true,
                }
            }
            if self.line.is_empty() {
                // The whole line lies in this chunk: interpret it in place.
                if end > max_line {
                    return Err(Breach::Line);
                }
                self.fields.line(&rest[..end], out)?;
            } else {
                if self.line.len() + end > max_line {
                    return Err(Breach::Line);
                }
                self.line.extend_from_slice(&rest[..end]);
                let result = self.fields.line(&self.line, out);
                self.line.clear();
                result?;
            }
            rest = &rest[next..];
        }
        if !rest.is_empty() {
            if self.line.len() + rest.len() > max_line {
                return Err(Breach::Line);
            }
            self.line.extend_from_slice(rest);
        }
        Ok(())
    }

    /// Consume the part of a leading BOM that `chunk` holds, `matched` bytes of it having been
    /// seen already. Returns the rest of the chunk. A prefix that turns out not to be a BOM is
    /// ordinary line content and goes to the line buffer.
    fn skip_bom<'c>(&mut self, mut matched: u8, chunk: &'c [u8]) -> Result<&'c [u8], Breach> {
        let mut rest = chunk;
        while let Some(&byte) = rest.first() {
            if byte != BOM[usize::from(matched)] {
                self.bom = Bom::Done;
                self.push_partial_bom(matched)?;
                return Ok(rest);
            }
            matched += 1;
            rest = &rest[1..];
            if usize::from(matched) == BOM.len() {
                self.bom = Bom::Done;
                return Ok(rest);
            }
        }
        self.bom = Bom::Matching(matched);
        Ok(rest)
    }

    /// Move the first `matched` BOM bytes, which were not a BOM after all, to the line buffer.
    fn push_partial_bom(&mut self, matched: u8) -> Result<(), Breach> {
        let prefix = &BOM[..usize::from(matched)];
        if self.line.len() + prefix.len() > self.fields.limits.max_line_bytes {
            return Err(Breach::Line);
        }
        self.line.extend_from_slice(prefix);
        Ok(())
    }

    /// Call at end of input.
    ///
    /// Flushes a final line that has no line ending (it may set the last event ID, the
    /// reconnection time or add data, but never dispatches: per the spec an event without its
    /// closing blank line is discarded, so nothing is pushed to `out` today). Returns `Ok(true)`
    /// when an event was left incomplete (data without the closing blank line), so the caller can
    /// report a truncated stream, and `Ok(false)` when the input ended cleanly. Fails, like
    /// [`feed`](SseDecoder::feed), when the decoder has failed or the final line breaks a limit.
    ///
    /// Afterwards the decoder is ready for a new stream, keeping the last event ID and the
    /// reconnection time.
    #[allow(clippy::result_large_err)] // the crate-wide error type
    pub fn finish(&mut self, out: &mut Vec<SseEvent>) -> Result<bool> {
        self.check_failed()?;
        let incomplete = self.finish_inner(out).map_err(|breach| self.fail(breach))?;
        self.line.clear();
        self.pending_cr = false;
        self.bom = Bom::Matching(0);
        self.fields.reset_event();
        Ok(incomplete)
    }

    fn finish_inner(&mut self, out: &mut Vec<SseEvent>) -> Result<bool, Breach> {
        if let Bom::Matching(matched) = self.bom {
            self.bom = Bom::Done;
            self.push_partial_bom(matched)?;
        }
        if !self.line.is_empty() {
            let result = self.fields.line(&self.line, out);
            self.line.clear();
            result?;
        }
        Ok(self.fields.has_data)
    }

    #[allow(clippy::result_large_err)] // the crate-wide error type
    fn check_failed(&self) -> Result<()> {
        match self.failed {
            Some(breach) => Err(Error::stream(breach.message(self.fields.limits))),
            None => Ok(()),
        }
    }

    /// Enter the failed state, release the buffers, and return the error to report.
    fn fail(&mut self, breach: Breach) -> Error {
        self.failed = Some(breach);
        self.line = Vec::new();
        self.fields.data = String::new();
        self.fields.event_type = String::new();
        self.fields.has_data = false;
        Error::stream(breach.message(self.fields.limits))
    }

    /// Bytes currently held by the decoder's buffers: (partial line, event data, event type,
    /// last event ID). Each is bounded by the limits. For the tests and the fuzzer only.
    #[cfg(any(test, fuzzing))]
    #[doc(hidden)]
    pub fn buffered_bytes(&self) -> (usize, usize, usize, usize) {
        (
            self.line.len(),
            self.fields.data.len(),
            self.fields.event_type.len(),
            self.fields.last_id.len(),
        )
    }
}

impl Default for SseDecoder {
    /// A decoder with the default [`SseLimits`].
    fn default() -> Self {
        SseDecoder::new(SseLimits::default())
    }
}

/// The value of a non-empty run of ASCII digits, or `None` when it overflows a `u64`.
fn parse_digits(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, &d| {
        acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

pin_project_lite::pin_project! {
    /// A stream of [`SseEvent`]s decoded from a stream of byte chunks; see [`sse_events`].
    #[derive(Debug)]
    #[must_use = "streams do nothing unless polled"]
    pub struct SseEvents<S> {
        #[pin]
        bytes: S,
        decoder: SseDecoder,
        // Decoded events not yet yielded: `events[next..]`.
        events: Vec<SseEvent>,
        next: usize,
        // An error to yield once the events decoded before it are out.
        error: Option<Error>,
        // The input has ended (or failed); nothing more is polled from it.
        input_done: bool,
        // Everything has been yielded.
        done: bool,
    }
}

/// Adapt a byte stream (for example an HTTP body mapped to [`Error`]) into a stream of events.
///
/// Upstream errors pass through as they are. A limit breach yields a
/// [`Stream`](crate::error::ErrorKind::Stream) error after the events decoded before it. If the
/// input ends in the middle of an event (data without its closing blank line), the stream yields
/// a `Stream` error "stream ended in the middle of an event". After an error, or at the end, the
/// stream yields `None` forever.
pub fn sse_events<S>(bytes: S, limits: SseLimits) -> SseEvents<S>
where
    S: Stream<Item = Result<Bytes>>,
{
    SseEvents {
        bytes,
        decoder: SseDecoder::new(limits),
        events: Vec::new(),
        next: 0,
        error: None,
        input_done: false,
        done: false,
    }
}

impl<S> SseEvents<S> {
    /// The decoder, for the last event ID and reconnection time seen so far.
    pub fn decoder(&self) -> &SseDecoder {
        &self.decoder
    }
}

impl<S> Stream for SseEvents<S>
where
    S: Stream<Item = Result<Bytes>>,
{
    type Item = Result<SseEvent>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if *this.next < this.events.len() {
                let event = std::mem::take(&mut this.events[*this.next]);
                *this.next += 1;
                if *this.next == this.events.len() {
                    this.events.clear();
                    *this.next = 0;
                }
                return Poll::Ready(Some(Ok(event)));
            }
            if let Some(err) = this.error.take() {
                *this.done = true;
                return Poll::Ready(Some(Err(err)));
            }
            if *this.input_done {
                *this.done = true;
                return Poll::Ready(None);
            }
            match this.bytes.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    if let Err(err) = this.decoder.feed(&chunk, this.events) {
                        *this.error = Some(err);
                        *this.input_done = true;
                    }
                }
                Poll::Ready(Some(Err(err))) => {
                    *this.error = Some(err);
                    *this.input_done = true;
                }
                Poll::Ready(None) => {
                    *this.input_done = true;
                    match this.decoder.finish(this.events) {
                        Ok(false) => {}
                        Ok(true) => {
                            *this.error =
                                Some(Error::stream("stream ended in the middle of an event"));
                        }
                        Err(err) => *this.error = Some(err),
                    }
                }
            }
        }
    }
}

impl<S> FusedStream for SseEvents<S>
where
    S: Stream<Item = Result<Bytes>>,
{
    fn is_terminated(&self) -> bool {
        self.done
    }
}

#[cfg(test)]
#[path = "sse_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "sse_prop_tests.rs"]
mod prop_tests;
