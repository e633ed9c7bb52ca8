//! Property tests of the SSE decoder: generated inputs split at arbitrary boundaries, arbitrary
//! bytes, and a deliberately simple reference implementation to compare the decoder against.

#![allow(clippy::result_large_err)] // the crate-wide error type

use super::tests::small;
use super::*;
use crate::error::ErrorKind;
use proptest::prelude::*;

// Reference model: a slow, literal reading of the spec, to compare the decoder against.

/// What decoding produced: the events, then `finish`'s answer, or the error if decoding failed.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    events: Vec<SseEvent>,
    end: std::result::Result<bool, ()>,
}

/// A decoder in the simplest terms: split the bytes into lines one byte at a time, decode each
/// line lossily, and interpret it with the spec's own buffers (a data buffer that keeps its
/// trailing LF until dispatch).
fn reference(input: &[u8], limits: SseLimits) -> Outcome {
    let input = input.strip_prefix(&BOM[..]).unwrap_or(input);

    // Split into lines: LF, CR, or CR LF end a line.
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut current = Vec::new();
    let mut i = 0;
    while i < input.len() {
        let byte = input[i];
        if byte == b'\n' {
            lines.push(std::mem::take(&mut current));
        } else if byte == b'\r' {
            lines.push(std::mem::take(&mut current));
            if input.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
        } else {
            current.push(byte);
        }
        i += 1;
    }
    // The final line without a line ending is flushed at the end, when non-empty.
    if !current.is_empty() {
        lines.push(current);
    }

    let mut events = Vec::new();
    let mut data = String::new();
    let mut event_type = String::new();
    let mut last_id = String::new();
    let mut retry: Option<u64> = None;
    for raw in &lines {
        if raw.len() > limits.max_line_bytes {
            return Outcome {
                events,
                end: Err(()),
            };
        }
        let line = String::from_utf8_lossy(raw).into_owned();
        if line.is_empty() {
            if data.is_empty() {
                event_type.clear();
                continue;
            }
            if data.ends_with('\n') {
                data.pop();
            }
            events.push(SseEvent {
                event: if event_type.is_empty() {
                    None
                } else {
                    Some(event_type.clone())
                },
                data: data.clone(),
                id: if last_id.is_empty() {
                    None
                } else {
                    Some(last_id.clone())
                },
                retry,
            });
            data.clear();
            event_type.clear();
            continue;
        }
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = match line.find(':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (&line[..], ""),
        };
        match field {
            "data" => {
                data.push_str(value);
                data.push('\n');
                // The limit is on the data as it would be dispatched (without the final LF).
                if data.len() - 1 > limits.max_event_bytes {
                    return Outcome {
                        events,
                        end: Err(()),
                    };
                }
            }
            "event" => event_type = value.to_owned(),
            "id" if !value.contains('\0') => last_id = value.to_owned(),
            "retry" if !value.is_empty() && value.chars().all(|c| c.is_ascii_digit()) => {
                if let Ok(ms) = value.parse::<u64>() {
                    retry = Some(ms);
                }
            }
            _ => {}
        }
    }
    Outcome {
        events,
        end: Ok(!data.is_empty()),
    }
}

/// Decode `input` cut at `cuts` (positions taken modulo the length, in any order), checking the
/// buffer bounds after every call.
fn decode_split(input: &[u8], cuts: &[usize], limits: SseLimits) -> Outcome {
    let mut positions: Vec<usize> = cuts
        .iter()
        .map(|&c| {
            if input.is_empty() {
                0
            } else {
                c % (input.len() + 1)
            }
        })
        .collect();
    positions.sort_unstable();
    positions.push(input.len());
    let mut decoder = SseDecoder::new(limits);
    let mut events = Vec::new();
    let mut start = 0;
    for end in positions {
        let fed = decoder.feed(&input[start..end], &mut events);
        assert_bounded(&decoder, limits);
        if let Err(err) = fed {
            assert_eq!(err.kind(), ErrorKind::Stream);
            return Outcome {
                events,
                end: Err(()),
            };
        }
        start = end;
    }
    let end = decoder.finish(&mut events).map_err(|err| {
        assert_eq!(err.kind(), ErrorKind::Stream);
    });
    assert_bounded(&decoder, limits);
    Outcome { events, end }
}

fn assert_bounded(decoder: &SseDecoder, limits: SseLimits) {
    let (line, data, event_type, id) = decoder.buffered_bytes();
    assert!(line <= limits.max_line_bytes, "line buffer {line} bytes");
    assert!(data <= limits.max_event_bytes, "data buffer {data} bytes");
    // Lossy decoding can turn each byte of a line into U+FFFD, 3 bytes.
    assert!(
        event_type <= 3 * limits.max_line_bytes,
        "event type {event_type} bytes"
    );
    assert!(id <= 3 * limits.max_line_bytes, "last event id {id} bytes");
}

// ---------------------------------------------------------------------------------------------
// Generators

/// A field name: mostly the four the spec knows, sometimes near misses.
fn field_name() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => Just(b"data".to_vec()),
        2 => Just(b"event".to_vec()),
        2 => Just(b"id".to_vec()),
        2 => Just(b"retry".to_vec()),
        1 => Just(b"dat".to_vec()),
        1 => Just(b"Data".to_vec()),
        1 => Just(b"".to_vec()),
        1 => Just(b"x-other".to_vec()),
    ]
}

/// A field value: bytes from an alphabet heavy in the characters that matter.
fn field_value() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        6 => prop::sample::select(b"abc xyz{}\"[]DONE".to_vec()),
        3 => prop::sample::select(b"0123456789".to_vec()),
        1 => Just(b':'),
        1 => Just(b' '),
        1 => Just(0u8),
        1 => prop::sample::select(vec![0xEF, 0xBB, 0xBF, 0xC3, 0xA9, 0xFF, 0x80, 0xF0, 0x9F]),
    ];
    prop::collection::vec(byte, 0..12)
}

fn line_ending() -> impl Strategy<Value = &'static [u8]> {
    prop_oneof![Just(&b"\n"[..]), Just(&b"\r\n"[..]), Just(&b"\r"[..])]
}

/// One line of an event stream, with its line ending.
fn sse_line() -> impl Strategy<Value = Vec<u8>> {
    let separator = prop_oneof![
        Just(&b": "[..]),
        Just(&b":"[..]),
        Just(&b":  "[..]),
        Just(&b""[..]),
    ];
    let field = (field_name(), separator, field_value()).prop_map(|(name, sep, value)| {
        let mut line = name;
        line.extend_from_slice(sep);
        if !sep.is_empty() {
            line.extend_from_slice(&value);
        }
        line
    });
    let comment = field_value().prop_map(|value| [&b":"[..], &value].concat());
    let body = prop_oneof![
        6 => field,
        2 => Just(Vec::new()),
        1 => comment,
        1 => Just(BOM.to_vec()),
    ];
    (body, line_ending()).prop_map(|(mut line, ending)| {
        line.extend_from_slice(ending);
        line
    })
}

/// A whole stream: an optional BOM, lines, and sometimes a final line without its ending.
fn sse_text() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        prop::collection::vec(sse_line(), 0..40),
        prop::option::of(field_value()),
    )
        .prop_map(|(bom, lines, tail)| {
            let mut text = if bom { BOM.to_vec() } else { Vec::new() };
            for line in lines {
                text.extend_from_slice(&line);
            }
            if let Some(tail) = tail {
                text.extend_from_slice(b"data: ");
                text.extend_from_slice(&tail);
            }
            text
        })
}

/// Arbitrary bytes, biased towards the bytes the grammar cares about.
fn noise() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => any::<u8>(),
        2 => prop::sample::select(b"\r\n: ".to_vec()),
        2 => prop::sample::select(b"dataeventidretry".to_vec()),
        1 => prop::sample::select(BOM.to_vec()),
    ];
    prop::collection::vec(byte, 0..400)
}

/// Limits from tiny (so that breaches happen) to the defaults.
fn limits() -> impl Strategy<Value = SseLimits> {
    prop_oneof![
        1 => Just(SseLimits::default()),
        2 => (0usize..40, 0usize..120).prop_map(|(line, event)| small(line, event)),
    ]
}

fn cuts() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(any::<usize>(), 0..12)
}

fn proptest_config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(proptest_config())]

    /// Chunk boundaries never change the outcome.
    #[test]
    fn prop_split_invariance(text in sse_text(), cut in cuts(), limits in limits()) {
        let whole = decode_split(&text, &[], limits);
        let split = decode_split(&text, &cut, limits);
        prop_assert_eq!(&whole, &split);
        let bytewise: Vec<usize> = (0..text.len()).collect();
        prop_assert_eq!(&whole, &decode_split(&text, &bytewise, limits));
    }

    /// Arbitrary bytes never panic and never make the buffers outgrow the limits (checked
    /// inside `decode_split` after every call), and chunking still does not matter.
    #[test]
    fn prop_arbitrary_bytes_are_bounded(bytes in noise(), cut in cuts(), limits in limits()) {
        let whole = decode_split(&bytes, &[], limits);
        prop_assert_eq!(&whole, &decode_split(&bytes, &cut, limits));
    }

    /// The decoder agrees with the reference model on generated event streams.
    #[test]
    fn prop_matches_reference_on_sse_text(text in sse_text(), cut in cuts(), limits in limits()) {
        prop_assert_eq!(decode_split(&text, &cut, limits), reference(&text, limits));
    }

    /// The decoder agrees with the reference model on arbitrary bytes.
    #[test]
    fn prop_matches_reference_on_noise(bytes in noise(), cut in cuts(), limits in limits()) {
        prop_assert_eq!(decode_split(&bytes, &cut, limits), reference(&bytes, limits));
    }

    /// The reference (and the decoder) decode line by line; the spec decodes the whole stream
    /// first. Those agree because line endings are ASCII, which never sits inside a UTF-8
    /// sequence: check it.
    #[test]
    fn prop_lossy_decoding_commutes_with_line_splitting(bytes in noise()) {
        let whole = String::from_utf8_lossy(&bytes).into_owned();
        let mut joined = String::new();
        for piece in bytes.split_inclusive(|&b| b == b'\n' || b == b'\r') {
            joined.push_str(&String::from_utf8_lossy(piece));
        }
        prop_assert_eq!(whole, joined);
    }
}
