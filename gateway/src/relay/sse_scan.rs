//! Watches an OpenAI SSE stream as it passes: finds the usage chunk and, when the gateway
//! asked for usage on the client's behalf, removes that chunk. Events are forwarded as soon as
//! they are complete (never the whole stream); a partial event waits for its end, bounded.

use super::usage::{usage_of, Tokens};
use bytes::{Bytes, BytesMut};

/// Longest partial event held back; beyond it the bytes are forwarded unscanned.
const MAX_PENDING: usize = 1024 * 1024;

/// The scanner.
#[derive(Debug)]
pub struct SseScanner {
    pending: BytesMut,
    strip_usage: bool,
    /// Usage seen so far.
    pub usage: Option<Tokens>,
    /// Data events seen (excluding `[DONE]`).
    pub events: u64,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// End of the first complete event in `buf`: index just past its blank line.
fn event_end(buf: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i + 1 < buf.len() {
        if buf[i] == b'\n' {
            if buf[i + 1] == b'\n' {
                return Some(i + 2);
            }
            if buf[i + 1] == b'\r' && buf.get(i + 2) == Some(&b'\n') {
                return Some(i + 3);
            }
        }
        i += 1;
    }
    None
}

impl SseScanner {
    /// A scanner; `strip_usage` removes the usage-only chunk.
    pub fn new(strip_usage: bool) -> Self {
        SseScanner {
            pending: BytesMut::new(),
            strip_usage,
            usage: None,
            events: 0,
        }
    }

    /// Inspect one event; false when it must be dropped.
    fn inspect(&mut self, event: &[u8]) -> bool {
        let Some(data_at) = find(event, b"data:") else {
            return true;
        };
        let data = &event[data_at + 5..];
        let data = data.strip_prefix(b" ").unwrap_or(data);
        if data.starts_with(b"[DONE]") {
            return true;
        }
        self.events += 1;
        if find(data, b"\"usage\"").is_none() || find(data, b"\"usage\":null").is_some() {
            return true;
        }
        let text = String::from_utf8_lossy(data);
        let Ok(v) = serde_json::from_str::<serde_json::Value>(text.trim_end()) else {
            return true;
        };
        if let Some(u) = usage_of(&v) {
            self.usage = Some(u);
            let no_choices = v
                .get("choices")
                .and_then(|c| c.as_array())
                .is_some_and(|c| c.is_empty());
            if self.strip_usage && no_choices {
                self.events -= 1;
                return false;
            }
        }
        true
    }

    /// Feed a chunk; returns the bytes to forward now (possibly empty).
    pub fn push(&mut self, chunk: Bytes) -> Bytes {
        if self.pending.is_empty() {
            // Fast path: the chunk holds whole events (the usual case).
            if let Some(out) = self.whole_events(&chunk) {
                return out;
            }
        }
        self.pending.extend_from_slice(&chunk);
        let mut out = BytesMut::new();
        while let Some(end) = event_end(&self.pending) {
            let ev = self.pending.split_to(end);
            if self.inspect(&ev) {
                out.extend_from_slice(&ev);
            }
        }
        if self.pending.len() > MAX_PENDING {
            out.extend_from_slice(&self.pending.split());
        }
        out.freeze()
    }

    /// When `chunk` is exactly a sequence of complete events, scan them without copying.
    fn whole_events(&mut self, chunk: &Bytes) -> Option<Bytes> {
        let mut at = 0;
        let mut keep_all = true;
        let mut spans = Vec::new();
        while at < chunk.len() {
            let end = at + event_end(&chunk[at..])?;
            let keep = self.inspect(&chunk[at..end]);
            keep_all &= keep;
            spans.push((at, end, keep));
            at = end;
        }
        if keep_all {
            return Some(chunk.clone());
        }
        let mut out = BytesMut::with_capacity(chunk.len());
        for (s, e, keep) in spans {
            if keep {
                out.extend_from_slice(&chunk[s..e]);
            }
        }
        Some(out.freeze())
    }

    /// The unterminated rest at the end of the stream.
    pub fn finish(&mut self) -> Bytes {
        self.pending.split().freeze()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USAGE: &str = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3,\"total_tokens\":5}}\n\n";
    const TEXT: &str = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}],\"usage\":null}\n\n";

    #[test]
    fn strips_usage_chunk_and_reads_it() {
        let mut s = SseScanner::new(true);
        let all = format!("{TEXT}{USAGE}data: [DONE]\n\n");
        let out = s.push(Bytes::from(all));
        assert_eq!(out, Bytes::from(format!("{TEXT}data: [DONE]\n\n")));
        assert_eq!(s.usage.unwrap().total, 5);
        assert_eq!(s.events, 1);
    }

    #[test]
    fn keeps_usage_when_client_asked_and_handles_split_events() {
        let mut s = SseScanner::new(false);
        let all = format!("{TEXT}{USAGE}");
        let (a, b) = all.split_at(30);
        let first = s.push(Bytes::copy_from_slice(a.as_bytes()));
        assert!(first.is_empty());
        let second = s.push(Bytes::copy_from_slice(b.as_bytes()));
        assert_eq!(second, Bytes::from(all.clone()));
        assert_eq!(s.usage.unwrap().input, 2);
    }

    #[test]
    fn crlf_events() {
        let mut s = SseScanner::new(true);
        let out = s.push(Bytes::from_static(
            b"data: {\"choices\":[],\"usage\":{\"total_tokens\":1}}\r\n\r\ndata: x\n\n",
        ));
        assert_eq!(out, Bytes::from_static(b"data: x\n\n"));
    }
}
