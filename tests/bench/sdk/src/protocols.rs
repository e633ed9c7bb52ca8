//! Figure 2: Ditto stream protocol v1 encode and decode, and the AI SDK UI message stream
//! encoder, over a realistic text stream, against plain `serde_json` of the same events.

use crate::rounds::{bx, table, Rounds};
use crate::scripted::full_events;
use ditto_llm::protocol::ditto_v1::{encode_frame, terminator, Decoder, Framing};
use ditto_llm::protocol::ui_message::{ui_frame, UiMessageEncoder, UiStreamOptions, UI_DONE};
use ditto_llm::StreamEvent;
use std::hint::black_box;

/// Bytes handed to the decoder at a time (a typical socket read).
const READ_BYTES: usize = 4096;

/// Measure and print figure 2 for a stream of `deltas` text deltas.
pub fn run(rounds: &Rounds, deltas: usize) {
    let events = full_events(deltas);
    let json_lines: Vec<String> = events
        .iter()
        .map(|e| serde_json::to_string(e).expect("serializes"))
        .collect();
    let mut sse = Vec::new();
    for e in &events {
        sse.extend_from_slice(&encode_frame(e, Framing::Sse));
    }
    sse.extend_from_slice(&terminator(Framing::Sse).expect("SSE has a terminator"));

    // Correctness once: decoding the encoded stream gives the events back.
    assert_eq!(decode(&sse), events);
    let ui_bytes = ui_encode(&events);

    let m = rounds.measure(vec![
        (
            "serde_json::to_string of each event",
            bx(|| {
                let mut n = 0;
                for e in &events {
                    n += serde_json::to_string(e).expect("serializes").len();
                }
                black_box(n);
            }),
        ),
        (
            "serde_json::from_str of each event",
            bx(|| {
                for line in &json_lines {
                    black_box(serde_json::from_str::<StreamEvent>(line).expect("parses"));
                }
            }),
        ),
        (
            "ditto v1 encode_frame (SSE) + terminator",
            bx(|| {
                let mut n = 0;
                for e in &events {
                    n += encode_frame(e, Framing::Sse).len();
                }
                n += terminator(Framing::Sse).map_or(0, |b| b.len());
                black_box(n);
            }),
        ),
        (
            "ditto v1 Decoder (SSE, 4 KiB reads)",
            bx(|| {
                black_box(decode(&sse));
            }),
        ),
        (
            "UI message stream: UiMessageEncoder + ui_frame (v5)",
            bx(|| {
                black_box(ui_encode(&events));
            }),
        ),
    ]);
    let n = events.len() as f64;
    let rows = (0..m.names.len())
        .map(|v| {
            let ns = m.median_ns(v);
            vec![
                m.names[v].clone(),
                format!("{:.2}", n / ns * 1e3),
                format!("{:.0}", ns / n),
                format!("{:.2}×", m.ratio(v, 0)),
            ]
        })
        .collect::<Vec<_>>();
    table(
        &format!(
            "2. Stream protocols ({} events: {deltas} text deltas; SSE {} bytes, UI {} bytes)",
            events.len(),
            sse.len(),
            ui_bytes
        ),
        &["variant", "M events/s", "ns/event", "time vs to_string"],
        &rows,
    );
}

fn decode(sse: &[u8]) -> Vec<StreamEvent> {
    let mut decoder = Decoder::new(Framing::Sse);
    let mut out = Vec::new();
    for piece in sse.chunks(READ_BYTES) {
        decoder.feed(piece, &mut out).expect("decodes");
    }
    decoder.finish(&mut out).expect("ends cleanly");
    out
}

fn ui_encode(events: &[StreamEvent]) -> usize {
    let mut encoder = UiMessageEncoder::new(UiStreamOptions::default());
    let mut n = 0;
    for e in events {
        if let Some(chunk) = encoder.encode(e) {
            n += ui_frame(&chunk).len();
        }
    }
    n + UI_DONE.len()
}
