//! [`PartialJsonParser`]: an incremental, bounded JSON parser that yields best-effort values of
//! an unfinished document.
//!
//! Each character is looked at once (a stack of open containers plus the token being read), so
//! parsing a whole stream is O(n). A snapshot of the current value costs O(size of the value);
//! [`PartialJsonParser::feed`] takes one only when the visible value changed and at most as
//! often as keeps the total snapshot work linear in the input (see [`SNAPSHOT_EVERY_BYTES`]).
//!
//! What a partial value shows: open strings, arrays and objects are closed; an object key appears
//! once its value has started; numbers appear once a delimiter ends them (`12` may still become
//! `123`), `true` / `false` / `null` once complete. Every partial value is therefore consistent
//! with the final one: its strings are prefixes, its arrays and objects subsets in order.

use crate::error::{Error, ErrorKind, Result};
use serde_json::{Map, Value};

/// Default cap on the bytes one parser accepts: 4 MiB.
pub const DEFAULT_MAX_OBJECT_BYTES: usize = 4 * 1024 * 1024;

/// Deepest nesting accepted (the same limit `serde_json` applies).
pub const MAX_DEPTH: usize = 128;

/// Below this many bytes of input every change yields a snapshot; above it a snapshot is taken
/// once the input grew by at least 1/16 of its size since the last one (linear total work).
pub const SNAPSHOT_EVERY_BYTES: usize = 1024;

/// Incremental JSON parser with a byte cap: what a partial value shows, and when snapshots
/// are taken, is described in `docs/objects.md`.
///
/// ```
/// use ditto_llm::object::PartialJsonParser;
/// use serde_json::json;
///
/// let mut p = PartialJsonParser::new();
/// assert_eq!(p.feed(r#"{"name": "Pan"#).unwrap(), Some(json!({"name": "Pan"})));
/// assert_eq!(p.feed(r#"cakes", "n": 1"#).unwrap(), Some(json!({"name": "Pancakes"})));
/// // `1` shows once `}` ends it.
/// assert_eq!(p.feed("}").unwrap(), Some(json!({"name": "Pancakes", "n": 1})));
/// assert_eq!(p.finish().unwrap(), json!({"name": "Pancakes", "n": 1}));
/// ```
#[derive(Debug)]
pub struct PartialJsonParser {
    max_bytes: usize,
    bytes: usize,
    stack: Vec<Frame>,
    token: Token,
    root: Option<Value>,
    /// The visible value changed since the last snapshot.
    dirty: bool,
    bytes_at_snapshot: usize,
    failed: Option<String>,
}

#[derive(Debug)]
enum Frame {
    Array {
        items: Vec<Value>,
        state: ArrState,
    },
    Object {
        map: Map<String, Value>,
        key: Option<String>,
        state: ObjState,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ArrState {
    /// After `[`: a value or `]`.
    First,
    /// After `,`: a value.
    Value,
    /// After a value: `,` or `]`.
    Next,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ObjState {
    /// After `{`: a key or `}`.
    First,
    /// After `,`: a key.
    Key,
    /// After a key: `:`.
    Colon,
    /// After `:`: a value.
    Value,
    /// After a value: `,` or `}`.
    Next,
}

#[derive(Debug)]
enum Token {
    None,
    Str {
        buf: String,
        key: bool,
        escape: Escape,
    },
    Num(String),
    Lit {
        word: &'static str,
        matched: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Escape {
    None,
    /// After `\`.
    Backslash,
    /// Inside `\uXXXX`: digits read so far, their value, and a pending high surrogate.
    Unicode {
        digits: u8,
        value: u32,
        high: Option<u32>,
    },
    /// After a high surrogate: expecting `\`.
    LowBackslash(u32),
    /// After a high surrogate and `\`: expecting `u`.
    LowU(u32),
}

impl Default for PartialJsonParser {
    fn default() -> Self {
        Self::new()
    }
}

impl PartialJsonParser {
    /// A parser with the default cap ([`DEFAULT_MAX_OBJECT_BYTES`]).
    pub fn new() -> Self {
        Self::with_max_bytes(DEFAULT_MAX_OBJECT_BYTES)
    }

    /// A parser that rejects input beyond `max_bytes` bytes.
    pub fn with_max_bytes(max_bytes: usize) -> Self {
        PartialJsonParser {
            max_bytes,
            bytes: 0,
            stack: Vec::new(),
            token: Token::None,
            root: None,
            dirty: false,
            bytes_at_snapshot: 0,
            failed: None,
        }
    }

    /// Bytes fed so far.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// True once a complete top-level value has been read.
    pub fn is_complete(&self) -> bool {
        self.root.is_some() && matches!(self.token, Token::None)
    }

    /// Feed the next piece of text. Returns the current best-effort value when it changed since
    /// the last value returned (and the snapshot budget allows one), else `None`.
    ///
    /// Errors (kind [`ErrorKind::NoObjectGenerated`]) when the text is not JSON or the input
    /// goes over the byte cap; after an error every call fails the same way.
    pub fn feed(&mut self, chunk: &str) -> Result<Option<Value>> {
        if let Some(msg) = &self.failed {
            return Err(fail(msg.clone()));
        }
        if self.bytes + chunk.len() > self.max_bytes {
            let msg = format!(
                "the object text is over the limit of {} bytes (max_object_bytes)",
                self.max_bytes
            );
            self.failed = Some(msg.clone());
            return Err(fail(msg));
        }
        self.bytes += chunk.len();
        for c in chunk.chars() {
            if let Err(msg) = self.step(c) {
                let msg = format!("invalid JSON: {msg}");
                self.failed = Some(msg.clone());
                return Err(fail(msg));
            }
        }
        let grown = self.bytes - self.bytes_at_snapshot;
        if !self.dirty || (self.bytes > SNAPSHOT_EVERY_BYTES && grown * 16 < self.bytes) {
            return Ok(None);
        }
        Ok(self.take_snapshot())
    }

    /// The current best-effort value (`None` before any value is visible), regardless of the
    /// snapshot budget. Costs O(size of the value).
    pub fn value(&self) -> Option<Value> {
        if let Some(root) = &self.root {
            return Some(root.clone());
        }
        let mut child = match &self.token {
            Token::Str {
                buf, key: false, ..
            } => Some(Value::String(buf.clone())),
            _ => None,
        };
        for frame in self.stack.iter().rev() {
            child = Some(match frame {
                Frame::Array { items, .. } => {
                    let mut items = items.clone();
                    items.extend(child);
                    Value::Array(items)
                }
                Frame::Object { map, key, .. } => {
                    let mut map = map.clone();
                    if let (Some(k), Some(v)) = (key, child) {
                        map.insert(k.clone(), v);
                    }
                    Value::Object(map)
                }
            });
        }
        child
    }

    /// End of input: the complete value. Errors when the text is not one complete JSON value.
    pub fn finish(mut self) -> Result<Value> {
        if let Some(msg) = self.failed {
            return Err(fail(msg));
        }
        if let Token::Num(_) = self.token {
            if self.stack.is_empty() {
                self.end_number()
                    .map_err(|m| fail(format!("invalid JSON: {m}")))?;
            }
        }
        match self.root {
            Some(v) if matches!(self.token, Token::None) => Ok(v),
            _ if self.bytes == 0 => Err(fail("the model returned no text".into())),
            _ => Err(fail(
                "invalid JSON: the text ends before the value is complete".into(),
            )),
        }
    }

    fn take_snapshot(&mut self) -> Option<Value> {
        self.dirty = false;
        self.bytes_at_snapshot = self.bytes;
        self.value()
    }

    fn step(&mut self, c: char) -> std::result::Result<(), String> {
        match &mut self.token {
            Token::Str { .. } => return self.string_char(c),
            Token::Lit { word, matched } => {
                let expected = word.as_bytes()[*matched] as char;
                if c != expected {
                    return Err(format!("expected `{word}`"));
                }
                *matched += 1;
                if *matched == word.len() {
                    let v = match *word {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        _ => Value::Null,
                    };
                    self.token = Token::None;
                    self.complete(v)?;
                }
                return Ok(());
            }
            Token::Num(buf) => {
                if matches!(c, '0'..='9' | '-' | '+' | '.' | 'e' | 'E') {
                    if buf.len() >= 512 {
                        return Err("number too long".into());
                    }
                    buf.push(c);
                    return Ok(());
                }
                self.end_number()?;
            }
            Token::None => {}
        }
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            return Ok(());
        }
        if self.root.is_some() {
            return Err(format!("unexpected `{c}` after the value"));
        }
        match self.stack.last_mut() {
            None => self.begin_value(c),
            Some(Frame::Array { state, .. }) => match (*state, c) {
                (ArrState::First | ArrState::Next, ']') => self.close(),
                (ArrState::First | ArrState::Value, _) => self.begin_value(c),
                (ArrState::Next, ',') => {
                    *state = ArrState::Value;
                    Ok(())
                }
                _ => Err(format!("expected `,` or `]`, got `{c}`")),
            },
            Some(Frame::Object { state, .. }) => match (*state, c) {
                (ObjState::First | ObjState::Next, '}') => self.close(),
                (ObjState::First | ObjState::Key, '"') => {
                    *state = ObjState::Colon;
                    self.token = Token::Str {
                        buf: String::new(),
                        key: true,
                        escape: Escape::None,
                    };
                    Ok(())
                }
                (ObjState::Colon, ':') => {
                    *state = ObjState::Value;
                    Ok(())
                }
                (ObjState::Value, _) => self.begin_value(c),
                (ObjState::Next, ',') => {
                    *state = ObjState::Key;
                    Ok(())
                }
                (ObjState::First | ObjState::Key, _) => Err(format!("expected a key, got `{c}`")),
                (ObjState::Colon, _) => Err(format!("expected `:`, got `{c}`")),
                (ObjState::Next, _) => Err(format!("expected `,` or `}}`, got `{c}`")),
            },
        }
    }

    fn begin_value(&mut self, c: char) -> std::result::Result<(), String> {
        match c {
            '{' | '[' => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(format!("nested deeper than {MAX_DEPTH} levels"));
                }
                self.mark_value_started();
                self.stack.push(if c == '{' {
                    Frame::Object {
                        map: Map::new(),
                        key: None,
                        state: ObjState::First,
                    }
                } else {
                    Frame::Array {
                        items: Vec::new(),
                        state: ArrState::First,
                    }
                });
                self.dirty = true;
            }
            '"' => {
                self.mark_value_started();
                self.token = Token::Str {
                    buf: String::new(),
                    key: false,
                    escape: Escape::None,
                };
                self.dirty = true;
            }
            '-' | '0'..='9' => self.token = Token::Num(c.to_string()),
            't' => {
                self.token = Token::Lit {
                    word: "true",
                    matched: 1,
                }
            }
            'f' => {
                self.token = Token::Lit {
                    word: "false",
                    matched: 1,
                }
            }
            'n' => {
                self.token = Token::Lit {
                    word: "null",
                    matched: 1,
                }
            }
            _ => return Err(format!("expected a value, got `{c}`")),
        }
        Ok(())
    }

    /// The parent now holds a (possibly open) value: it moves past its value slot.
    fn mark_value_started(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Array { state, .. }) => *state = ArrState::Next,
            Some(Frame::Object { state, .. }) => *state = ObjState::Next,
            None => {}
        }
    }

    fn end_number(&mut self) -> std::result::Result<(), String> {
        let Token::Num(buf) = std::mem::replace(&mut self.token, Token::None) else {
            return Ok(());
        };
        let n: serde_json::Number =
            serde_json::from_str(&buf).map_err(|_| format!("invalid number `{buf}`"))?;
        self.mark_value_started();
        self.complete(Value::Number(n))
    }

    /// A scalar or container is complete: attach it to its parent (or make it the root).
    fn complete(&mut self, v: Value) -> std::result::Result<(), String> {
        self.dirty = true;
        match self.stack.last_mut() {
            None => self.root = Some(v),
            Some(Frame::Array { items, state }) => {
                items.push(v);
                *state = ArrState::Next;
            }
            Some(Frame::Object { map, key, state }) => {
                let k = key.take().ok_or("value without a key")?;
                map.insert(k, v);
                *state = ObjState::Next;
            }
        }
        Ok(())
    }

    fn close(&mut self) -> std::result::Result<(), String> {
        let v = match self.stack.pop() {
            Some(Frame::Array { items, .. }) => Value::Array(items),
            Some(Frame::Object { map, .. }) => Value::Object(map),
            None => return Err("unbalanced close".into()),
        };
        let visible_before = self.dirty;
        self.complete(v)?;
        // Closing shows nothing new: the open container was already visible.
        self.dirty = visible_before;
        Ok(())
    }

    fn string_char(&mut self, c: char) -> std::result::Result<(), String> {
        let Token::Str { buf, key, escape } = &mut self.token else {
            return Ok(());
        };
        let visible = !*key;
        match *escape {
            Escape::None => match c {
                '"' => {
                    let s = std::mem::take(buf);
                    let is_key = *key;
                    self.token = Token::None;
                    if is_key {
                        if let Some(Frame::Object { key, .. }) = self.stack.last_mut() {
                            *key = Some(s);
                        }
                        return Ok(());
                    }
                    let before = self.dirty;
                    self.complete(Value::String(s))?;
                    self.dirty = before; // the string was already visible
                    return Ok(());
                }
                '\\' => *escape = Escape::Backslash,
                c if (c as u32) < 0x20 => return Err("control character in a string".into()),
                c => {
                    buf.push(c);
                    self.dirty |= visible;
                }
            },
            Escape::Backslash => {
                let out = match c {
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'u' => {
                        *escape = Escape::Unicode {
                            digits: 0,
                            value: 0,
                            high: None,
                        };
                        return Ok(());
                    }
                    _ => return Err(format!("invalid escape `\\{c}`")),
                };
                buf.push(out);
                *escape = Escape::None;
                self.dirty |= visible;
            }
            Escape::Unicode {
                digits,
                value,
                high,
            } => {
                let d = c.to_digit(16).ok_or("invalid \\u escape")?;
                let value = value * 16 + d;
                if digits < 3 {
                    *escape = Escape::Unicode {
                        digits: digits + 1,
                        value,
                        high,
                    };
                    return Ok(());
                }
                let ch = match (high, value) {
                    (None, 0xD800..=0xDBFF) => {
                        *escape = Escape::LowBackslash(value);
                        return Ok(());
                    }
                    (None, 0xDC00..=0xDFFF) => return Err("lone trailing surrogate".into()),
                    (None, v) => char::from_u32(v),
                    (Some(h), 0xDC00..=0xDFFF) => {
                        char::from_u32(0x10000 + ((h - 0xD800) << 10) + (value - 0xDC00))
                    }
                    (Some(_), _) => return Err("lone leading surrogate".into()),
                };
                buf.push(ch.ok_or("invalid \\u escape")?);
                *escape = Escape::None;
                self.dirty |= visible;
            }
            Escape::LowBackslash(h) if c == '\\' => *escape = Escape::LowU(h),
            Escape::LowU(h) if c == 'u' => {
                *escape = Escape::Unicode {
                    digits: 0,
                    value: 0,
                    high: Some(h),
                }
            }
            Escape::LowBackslash(_) | Escape::LowU(_) => {
                return Err("lone leading surrogate".into())
            }
        }
        Ok(())
    }
}

fn fail(message: String) -> Error {
    Error::new(ErrorKind::NoObjectGenerated, message)
}

#[cfg(test)]
#[path = "partial_tests.rs"]
mod tests;
