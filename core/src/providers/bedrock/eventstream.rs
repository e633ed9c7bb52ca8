//! The binary `application/vnd.amazon.eventstream` framing of ConverseStream, decoded
//! incrementally with bounded memory.
//!
//! A message is: total length (u32 BE), headers length (u32 BE), prelude CRC32 (of the first 8
//! bytes), headers, payload, message CRC32 (of everything before it). A header is a name
//! (u8 length + bytes), a type byte and a value; Bedrock sends strings (type 7: u16 length +
//! bytes), the decoder also skips the other AWS header types. Frames over `max_frame_bytes`
//! are refused before any of their bytes are buffered beyond the prelude.

use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// Largest frame accepted by default (Bedrock frames are far smaller).
pub const DEFAULT_MAX_FRAME_BYTES: usize = 8 * 1024 * 1024;
/// Prelude (12) + message CRC (4).
const MIN_FRAME: usize = 16;

/// One decoded message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// String headers (`:event-type`, `:message-type`, `:content-type`, ...).
    pub headers: BTreeMap<String, String>,
    /// The payload (JSON for Bedrock).
    pub payload: Vec<u8>,
}

impl Frame {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib's `crc32`).
pub fn crc32(data: &[u8]) -> u32 {
    crc32_update(0, data)
}

/// Continue a CRC-32 over more data.
pub fn crc32_update(crc: u32, data: &[u8]) -> u32 {
    let mut c = !crc;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// An incremental decoder: feed bytes, get complete frames.
#[derive(Debug)]
pub struct EventStreamDecoder {
    buf: Vec<u8>,
    max_frame: usize,
}

impl Default for EventStreamDecoder {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_FRAME_BYTES)
    }
}

impl EventStreamDecoder {
    /// A decoder refusing frames larger than `max_frame` bytes.
    pub fn new(max_frame: usize) -> Self {
        EventStreamDecoder {
            buf: Vec::new(),
            max_frame: max_frame.max(MIN_FRAME),
        }
    }

    /// Bytes held for an incomplete frame.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Feed `bytes`; complete frames are appended to `out`.
    pub fn feed(&mut self, mut bytes: &[u8], out: &mut Vec<Frame>) -> Result<()> {
        while !bytes.is_empty() {
            // Take only what the current frame still needs, so the buffer never exceeds one
            // frame (and never more than the prelude before the length is checked).
            let need = match self.frame_len()? {
                Some(total) => total - self.buf.len(),
                None => 12 - self.buf.len(),
            };
            let take = need.min(bytes.len());
            self.buf.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if let Some(total) = self.frame_len()? {
                if self.buf.len() == total {
                    out.push(parse_frame(&self.buf)?);
                    self.buf.clear();
                }
            }
        }
        Ok(())
    }

    /// The input ended: true when it stopped inside a frame.
    pub fn finish(&self) -> bool {
        !self.buf.is_empty()
    }

    /// The total length once the prelude is in (validated), else `None`.
    fn frame_len(&self) -> Result<Option<usize>> {
        if self.buf.len() < 12 {
            return Ok(None);
        }
        let total =
            u32::from_be_bytes([self.buf[0], self.buf[1], self.buf[2], self.buf[3]]) as usize;
        let headers =
            u32::from_be_bytes([self.buf[4], self.buf[5], self.buf[6], self.buf[7]]) as usize;
        let crc = u32::from_be_bytes([self.buf[8], self.buf[9], self.buf[10], self.buf[11]]);
        if crc32(&self.buf[..8]) != crc {
            return Err(
                Error::stream("event stream prelude checksum mismatch").with_provider("bedrock")
            );
        }
        if total < MIN_FRAME || headers > total - MIN_FRAME {
            return Err(Error::stream(format!(
                "event stream frame of {total} bytes with {headers} header bytes is malformed"
            ))
            .with_provider("bedrock"));
        }
        if total > self.max_frame {
            return Err(Error::stream(format!(
                "event stream frame of {total} bytes exceeds the {}-byte limit",
                self.max_frame
            ))
            .with_provider("bedrock"));
        }
        Ok(Some(total))
    }
}

fn parse_frame(frame: &[u8]) -> Result<Frame> {
    let bad = |m: &str| {
        Error::stream(format!("malformed event stream frame: {m}")).with_provider("bedrock")
    };
    let total = frame.len();
    let crc = u32::from_be_bytes([
        frame[total - 4],
        frame[total - 3],
        frame[total - 2],
        frame[total - 1],
    ]);
    if crc32(&frame[..total - 4]) != crc {
        return Err(bad("message checksum mismatch"));
    }
    let headers_len = u32::from_be_bytes([frame[4], frame[5], frame[6], frame[7]]) as usize;
    let mut h = &frame[12..12 + headers_len];
    let mut headers = BTreeMap::new();
    while !h.is_empty() {
        let name_len = h[0] as usize;
        let name = h.get(1..1 + name_len).ok_or_else(|| bad("header name"))?;
        let name = String::from_utf8_lossy(name).into_owned();
        h = &h[1 + name_len..];
        let (&kind, rest) = h.split_first().ok_or_else(|| bad("header type"))?;
        h = rest;
        let fixed = |n: usize, h: &mut &[u8]| -> Result<()> {
            if h.len() < n {
                return Err(bad("header value"));
            }
            *h = &h[n..];
            Ok(())
        };
        match kind {
            0 | 1 => {}                 // bool true / false
            2 => fixed(1, &mut h)?,     // byte
            3 => fixed(2, &mut h)?,     // short
            4 => fixed(4, &mut h)?,     // int
            5 | 8 => fixed(8, &mut h)?, // long, timestamp
            9 => fixed(16, &mut h)?,    // uuid
            6 | 7 => {
                if h.len() < 2 {
                    return Err(bad("header length"));
                }
                let len = u16::from_be_bytes([h[0], h[1]]) as usize;
                let value = h.get(2..2 + len).ok_or_else(|| bad("header value"))?;
                if kind == 7 {
                    headers.insert(name, String::from_utf8_lossy(value).into_owned());
                }
                h = &h[2 + len..];
            }
            other => return Err(bad(&format!("unknown header type {other}"))),
        }
    }
    Ok(Frame {
        headers,
        payload: frame[12 + headers_len..total - 4].to_vec(),
    })
}

/// Encode a frame with string headers (tests and the mock's counterpart).
pub fn encode_frame(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::new();
    for (name, value) in headers {
        h.push(name.len() as u8);
        h.extend_from_slice(name.as_bytes());
        h.push(7);
        h.extend_from_slice(&(value.len() as u16).to_be_bytes());
        h.extend_from_slice(value.as_bytes());
    }
    let total = 12 + h.len() + payload.len() + 4;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&(total as u32).to_be_bytes());
    out.extend_from_slice(&(h.len() as u32).to_be_bytes());
    let prelude_crc = crc32(&out);
    out.extend_from_slice(&prelude_crc.to_be_bytes());
    out.extend_from_slice(&h);
    out.extend_from_slice(payload);
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}
