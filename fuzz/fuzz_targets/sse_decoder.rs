//! Fuzz the SSE decoder: arbitrary bytes, arbitrary chunking, arbitrary (often tiny) limits.
//!
//! Input layout: byte 0 picks the limits, byte 1 the number of split points (0..=15), the next
//! bytes the split points; the rest is the event-stream body.
//!
//! Checks: no panic; the events, the error (if any) and the `finish` result are the same for the
//! whole body in one chunk, for the chosen chunks and for one byte at a time; the decoder's
//! buffers never exceed the limits.

#![no_main]

use ditto_llm::http::sse::{SseDecoder, SseEvent, SseLimits};
use libfuzzer_sys::fuzz_target;

/// What decoding a body produced: the events, then either `finish`'s answer or an error.
#[derive(Debug, PartialEq)]
struct Outcome {
    events: Vec<SseEvent>,
    end: Result<bool, String>,
}

fn check_bounds(decoder: &SseDecoder, limits: SseLimits) {
    let (line, data, event_type, id) = decoder.buffered_bytes();
    assert!(
        line <= limits.max_line_bytes,
        "line buffer {line} > {}",
        limits.max_line_bytes
    );
    assert!(
        data <= limits.max_event_bytes,
        "data buffer {data} > {}",
        limits.max_event_bytes
    );
    // Lossy decoding turns each invalid byte into U+FFFD (3 bytes), so a field value can be up
    // to three times its line.
    assert!(event_type <= 3 * limits.max_line_bytes);
    assert!(id <= 3 * limits.max_line_bytes);
}

fn decode<'a>(chunks: impl Iterator<Item = &'a [u8]>, limits: SseLimits) -> Outcome {
    let mut decoder = SseDecoder::new(limits);
    let mut events = Vec::new();
    for chunk in chunks {
        let fed = decoder.feed(chunk, &mut events);
        check_bounds(&decoder, limits);
        if let Err(err) = fed {
            // Failure is sticky.
            assert!(decoder.feed(b"data: x\n\n", &mut Vec::new()).is_err());
            assert!(decoder.finish(&mut Vec::new()).is_err());
            return Outcome {
                events,
                end: Err(err.message().to_owned()),
            };
        }
    }
    let end = decoder
        .finish(&mut events)
        .map_err(|err| err.message().to_owned());
    check_bounds(&decoder, limits);
    Outcome { events, end }
}

fuzz_target!(|input: &[u8]| {
    if input.len() < 2 {
        return;
    }
    let limits = match input[0] % 4 {
        0 => SseLimits::default(),
        _ => SseLimits {
            max_line_bytes: usize::from(input[0] >> 2) % 48,
            max_event_bytes: usize::from(input[0]) % 96,
        },
    };
    let splits = usize::from(input[1] % 16).min(input.len() - 2);
    let (points, body) = input[2..].split_at(splits);
    let mut cuts: Vec<usize> = points
        .iter()
        .map(|&p| usize::from(p) * body.len() / 255)
        .collect();
    cuts.sort_unstable();
    cuts.push(body.len());

    let whole = decode(std::iter::once(body), limits);

    let mut start = 0;
    let chunked: Vec<&[u8]> = cuts
        .iter()
        .map(|&end| {
            let chunk = &body[start..end];
            start = end;
            chunk
        })
        .collect();
    assert_eq!(
        whole,
        decode(chunked.into_iter(), limits),
        "chunked differs from whole"
    );

    assert_eq!(
        whole,
        decode(body.chunks(1), limits),
        "byte-at-a-time differs from whole"
    );
});
