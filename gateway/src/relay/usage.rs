//! Token usage in OpenAI response objects (chat, completions, embeddings, responses).

use serde_json::Value;

/// Input and output tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tokens {
    /// Prompt / input tokens.
    pub input: u64,
    /// Completion / output tokens.
    pub output: u64,
    /// Total as reported (or input + output).
    pub total: u64,
}

#[derive(serde::Deserialize)]
struct RawUsage {
    prompt_tokens: Option<u64>,
    input_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    output_tokens: Option<u64>,
    total_tokens: Option<u64>,
}

#[derive(serde::Deserialize)]
struct WithUsage {
    #[serde(default)]
    usage: Option<RawUsage>,
}

/// The usage of a serialized OpenAI object, reading only `usage`.
///
/// A structural scan (strings and nesting tracked; nothing decoded or allocated) finds the
/// top-level `usage` value of a complete object, and only that value is deserialized. Bodies the
/// scan does not take as they are (a top-level key with an escape, a duplicate `usage`, not an
/// object, incomplete) go through serde over the whole body, which reads only `usage` too.
pub fn usage_from_slice(bytes: &[u8]) -> Option<Tokens> {
    let u = match scan_usage(bytes) {
        Scan::Absent => return None,
        Scan::At(pos) => match read_usage(bytes, pos) {
            Some(u) => u?,
            None => {
                let mut de = serde_json::Deserializer::from_slice(&bytes[pos..]);
                <Option<RawUsage> as serde::Deserialize>::deserialize(&mut de).ok()??
            }
        },
        Scan::Unsure => serde_json::from_slice::<WithUsage>(bytes).ok()?.usage?,
    };
    let input = u.prompt_tokens.or(u.input_tokens).unwrap_or(0);
    let output = u.completion_tokens.or(u.output_tokens).unwrap_or(0);
    Some(Tokens {
        input,
        output,
        total: u.total_tokens.unwrap_or(input + output),
    })
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    i
}

/// The end of the string whose opening quote is at `i - 1` (the offset of its closing quote),
/// and whether it has an escape.
fn string_end(b: &[u8], mut i: usize) -> Option<(usize, bool)> {
    let mut escaped = false;
    loop {
        // Most strings in these objects are short: a plain loop first, then memchr for the rest.
        let short = (i + 24).min(b.len());
        while i < short && b[i] != b'"' && b[i] != b'\\' {
            i += 1;
        }
        if i == short {
            i += memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
        }
        if b[i] == b'"' {
            return Some((i, escaped));
        }
        escaped = true;
        i += 2;
    }
}

/// The `usage` object at `i` read by hand when it is plain: keys without escapes, the known
/// counters as unsigned integers or null, other members of any shape (skipped structurally).
/// Some(None) for `null`; None when serde must decide (anything else).
fn read_usage(b: &[u8], i: usize) -> Option<Option<RawUsage>> {
    let mut i = skip_ws(b, i);
    if b[i..].starts_with(b"null") {
        return Some(None);
    }
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut u = RawUsage {
        prompt_tokens: None,
        input_tokens: None,
        completion_tokens: None,
        output_tokens: None,
        total_tokens: None,
    };
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Some(Some(u));
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let (end, escaped) = string_end(b, i + 1)?;
        if escaped {
            return None;
        }
        let slot = match &b[i + 1..end] {
            b"prompt_tokens" => Some(&mut u.prompt_tokens),
            b"input_tokens" => Some(&mut u.input_tokens),
            b"completion_tokens" => Some(&mut u.completion_tokens),
            b"output_tokens" => Some(&mut u.output_tokens),
            b"total_tokens" => Some(&mut u.total_tokens),
            _ => None,
        };
        i = skip_ws(b, end + 1);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        match slot {
            Some(slot) => {
                if slot.is_some() {
                    return None; // duplicate: serde refuses it
                }
                if b[i..].starts_with(b"null") {
                    i += 4;
                } else {
                    let start = i;
                    let mut n: u64 = 0;
                    while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
                        n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
                        i += 1;
                    }
                    if i == start || (b[start] == b'0' && i - start > 1) {
                        return None;
                    }
                    *slot = Some(n);
                }
            }
            None => i = skip_member_value(b, i)?,
        }
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Some(Some(u)),
            _ => return None,
        }
    }
}

/// The offset just past the value at `i` (an object, array, string or literal), tracking
/// strings and nesting; the caller checks what follows.
fn skip_member_value(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match *b.get(i)? {
            b'"' => i = string_end(b, i + 1)?.0,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b',' if depth == 0 => return Some(i),
            _ => {}
        }
        i += 1;
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Scan {
    /// A complete object without a top-level `usage`.
    Absent,
    /// The top-level `usage` value starts at this offset (the object is complete).
    At(usize),
    /// Leave it to serde.
    Unsure,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn scan_usage(b: &[u8]) -> Scan {
    let n = b.len();
    let mut i = 0;
    while i < n && is_ws(b[i]) {
        i += 1;
    }
    if i == n || b[i] != b'{' {
        return Scan::Unsure;
    }
    let mut depth = 0usize;
    // At depth 1 the next string is a key (after `{` or `,`).
    let mut key_next = false;
    let mut usage_at = None;
    while i < n {
        match b[i] {
            b'"' => {
                let start = i + 1;
                let Some((j, escaped)) = string_end(b, start) else {
                    return Scan::Unsure;
                };
                if depth == 1 && key_next {
                    if escaped {
                        return Scan::Unsure;
                    }
                    if &b[start..j] == b"usage" {
                        if usage_at.is_some() {
                            return Scan::Unsure;
                        }
                        let mut k = j + 1;
                        while k < n && is_ws(b[k]) {
                            k += 1;
                        }
                        if b.get(k) != Some(&b':') {
                            return Scan::Unsure;
                        }
                        usage_at = Some(k + 1);
                    }
                }
                key_next = false;
                i = j + 1;
                continue;
            }
            b'{' => {
                depth += 1;
                key_next = true;
            }
            b'[' => {
                depth += 1;
                key_next = false;
            }
            b'}' | b']' => {
                if depth == 0 {
                    return Scan::Unsure;
                }
                depth -= 1;
                key_next = false;
                if depth == 0 {
                    i += 1;
                    while i < n && is_ws(b[i]) {
                        i += 1;
                    }
                    if i != n {
                        return Scan::Unsure;
                    }
                    return match usage_at {
                        Some(at) => Scan::At(at),
                        None => Scan::Absent,
                    };
                }
            }
            b',' => key_next = true,
            _ => {}
        }
        i += 1;
    }
    Scan::Unsure
}

/// The usage of an OpenAI object, when it has a non-null `usage`.
pub fn usage_of(v: &Value) -> Option<Tokens> {
    let u = v.get("usage")?.as_object()?;
    let get = |keys: &[&str]| keys.iter().find_map(|k| u.get(*k).and_then(Value::as_u64));
    let input = get(&["prompt_tokens", "input_tokens"]).unwrap_or(0);
    let output = get(&["completion_tokens", "output_tokens"]).unwrap_or(0);
    let total = get(&["total_tokens"]).unwrap_or(input + output);
    Some(Tokens {
        input,
        output,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_usage() {
        let chat =
            json!({"usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}});
        assert_eq!(
            usage_of(&chat),
            Some(Tokens {
                input: 3,
                output: 4,
                total: 7
            })
        );
        let emb = json!({"usage": {"prompt_tokens": 5, "total_tokens": 5}});
        assert_eq!(usage_of(&emb).unwrap().total, 5);
        assert_eq!(usage_of(&json!({"usage": null})), None);
        assert_eq!(usage_of(&json!({})), None);
        let raw = br#"{"id":"x","choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}"#;
        assert_eq!(
            usage_from_slice(raw),
            Some(Tokens {
                input: 3,
                output: 4,
                total: 7
            })
        );
        assert_eq!(usage_from_slice(br#"{"usage":null}"#), None);
        assert_eq!(usage_from_slice(b"{truncated"), None);
        // Only the top-level `usage` counts; strings and nested objects do not confuse the scan.
        let nested = br#"{"a":{"usage":{"total_tokens":1}},"s":"\"usage\":{","b":["usage",{"usage":2}],"usage":{"prompt_tokens":2,"completion_tokens":3}}"#;
        assert_eq!(scan_usage(nested), Scan::At(nested.len() - 42));
        assert_eq!(
            usage_from_slice(nested),
            Some(Tokens {
                input: 2,
                output: 3,
                total: 5
            })
        );
        assert_eq!(
            usage_from_slice(
                br#" { "x" : 1 , "usage" : { "input_tokens" : 4 , "output_tokens" : 1 } } "#
            )
            .map(|t| t.total),
            Some(5)
        );
        assert_eq!(
            scan_usage(br#"{"a":{"usage":{"total_tokens":1}}}"#),
            Scan::Absent
        );
        assert_eq!(
            usage_from_slice(br#"{"a":{"usage":{"total_tokens":1}}}"#),
            None
        );
        // Incomplete bodies, escaped keys and duplicates go through serde.
        assert_eq!(scan_usage(br#"{"usage":{"total_tokens":1}"#), Scan::Unsure);
        assert_eq!(usage_from_slice(br#"{"usage":{"total_tokens":1}"#), None);
        let escaped = br#"{"us\u0061ge":{"total_tokens":6}}"#;
        assert_eq!(scan_usage(escaped), Scan::Unsure);
        assert_eq!(usage_from_slice(escaped).map(|t| t.total), Some(6));
        assert_eq!(
            usage_from_slice(br#"{"usage":{"total_tokens":1},"usage":{"total_tokens":2}}"#),
            None
        );
        assert_eq!(usage_from_slice(br#"{"usage":{"total_tokens":"x"}}"#), None);
        assert_eq!(usage_from_slice(b"[]"), None);
        assert_eq!(usage_from_slice(b"{} x"), None);
        // The hand reader: plain usage, nested details, null, and what it leaves to serde.
        let real = br#"{"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":[1,"}"]},"note":"a,b}"}}"#;
        assert_eq!(
            read_usage(real, 9)
                .unwrap()
                .map(|u| (u.prompt_tokens, u.total_tokens)),
            Some((Some(19), Some(29)))
        );
        assert_eq!(usage_from_slice(real).map(|t| t.total), Some(29));
        assert_eq!(usage_from_slice(br#"{"usage": null}"#), None);
        assert_eq!(
            usage_from_slice(br#"{"usage":{}}"#).map(|t| t.total),
            Some(0)
        );
        assert_eq!(
            usage_from_slice(br#"{"usage":{"total_tokens":null,"prompt_tokens":2}}"#)
                .map(|t| t.total),
            Some(2)
        );
        for odd in [
            &br#"{"usage":{"total_tokens":1.5}}"#[..],
            br#"{"usage":{"total_tokens":-1}}"#,
            br#"{"usage":{"total_tokens":01}}"#,
            br#"{"usage":{"total_tokens":"7"}}"#,
            br#"{"usage":{"total_tokens":1,"total_tokens":2}}"#,
            br#"{"usage":{"total_tokens":99999999999999999999999}}"#,
            br#"{"usage":[1]}"#,
        ] {
            assert_eq!(
                read_usage(odd, 9).map(|_| ()),
                None,
                "{}",
                String::from_utf8_lossy(odd)
            );
            assert_eq!(
                usage_from_slice(odd),
                None,
                "{}",
                String::from_utf8_lossy(odd)
            );
        }
        assert_eq!(
            usage_from_slice(br#"{"usage":{"total_tokens":7,"x":true}}"#).map(|t| t.total),
            Some(7)
        );
    }
}
