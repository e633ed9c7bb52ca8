//! Figure 1: the incremental `PartialJsonParser` (and `stream_object` over a scripted model)
//! against one `serde_json::from_str` of the whole document.

use crate::rounds::{bx, table, Rounds};
use crate::scripted::Scripted;
use ditto_llm::object::{
    stream_object, ObjectOutput, ObjectRequest, ObjectStreamEvent, PartialJsonParser,
};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::hint::black_box;
use std::sync::Arc;
use tokio::runtime::Runtime;

/// A document of at least `min_bytes`: nested objects and arrays, numbers, literals, and
/// strings with quotes, backslashes, newlines, `\u` escapes and non-ASCII text.
pub fn document(min_bytes: usize) -> String {
    let mut items = Vec::new();
    let mut size = 0;
    let mut i = 0u64;
    while size < min_bytes {
        let item = json!({
            "id": i,
            "name": format!("item \"{i}\" at C:\\data\\{i}"),
            "tags": ["alpha", format!("tag-{}", i % 13), "naïve café ✓"],
            "price": i as f64 * 1.25 + 0.5,
            "active": i % 2 == 0,
            "note": if i % 5 == 0 { Value::Null } else { json!(format!("line one\nline two\ttab \u{1} {i}")) },
            "nested": {"depth": {"values": [i, i + 1, i + 2], "ok": true, "ratio": -0.001 * i as f64}},
        });
        size += item.to_string().len() + 1;
        items.push(item);
        i += 1;
    }
    json!({"version": 1, "title": "bench \"document\"", "items": items}).to_string()
}

/// Split `text` into pieces of at most `size` bytes, on char boundaries.
pub fn chunks(text: &str, size: usize) -> Vec<&str> {
    let mut out = Vec::with_capacity(text.len() / size + 1);
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + size).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        out.push(&text[start..end]);
        start = end;
    }
    out
}

/// Feed every chunk, take every partial value, finish; returns how many partials came out.
fn parse_incrementally(pieces: &[&str]) -> usize {
    let mut parser = PartialJsonParser::new();
    let mut partials = 0;
    for piece in pieces {
        if let Some(v) = parser.feed(piece).expect("valid JSON") {
            partials += 1;
            black_box(v);
        }
    }
    black_box(parser.finish().expect("complete JSON"));
    partials
}

/// `stream_object` (no-schema output) over the scripted model; returns the partial-object count.
async fn through_stream_object(model: &Scripted, request: &ObjectRequest) -> usize {
    let mut stream = stream_object(model, request, None).await.expect("starts");
    let mut partials = 0;
    while let Some(event) = stream.next().await {
        match event.expect("no error") {
            ObjectStreamEvent::PartialObject { .. } => partials += 1,
            e => {
                black_box(e);
            }
        }
    }
    partials
}

/// Measure and print figure 1.
pub fn run(rounds: &Rounds, rt: &Runtime, doc_bytes: usize) {
    let text = document(doc_bytes);
    let expected: Value = serde_json::from_str(&text).expect("valid document");
    let c16 = chunks(&text, 16);
    let c256 = chunks(&text, 256);
    let model = Scripted {
        chunks: Arc::new(c256.iter().map(|s| s.to_string()).collect()),
    };
    let request = ObjectRequest::new("scripted:bench")
        .prompt("Return the document.")
        .output(ObjectOutput::NoSchema);

    // Correctness once, outside the timing: every path yields the same value.
    let mut check = PartialJsonParser::new();
    for piece in &c16 {
        check.feed(piece).expect("valid JSON");
    }
    assert_eq!(check.finish().expect("complete"), expected);
    let streamed = rt
        .block_on(stream_object(&model, &request, None))
        .expect("starts");
    assert_eq!(rt.block_on(streamed.object()).expect("object"), expected);
    let partials = [
        parse_incrementally(&c256),
        parse_incrementally(&c16),
        rt.block_on(through_stream_object(&model, &request)),
    ];

    let m = rounds.measure(vec![
        (
            "serde_json::from_str (whole text)",
            bx(|| {
                black_box(serde_json::from_str::<Value>(&text).expect("valid"));
            }),
        ),
        (
            "PartialJsonParser, 256-byte chunks",
            bx(|| {
                black_box(parse_incrementally(&c256));
            }),
        ),
        (
            "PartialJsonParser, 16-byte chunks",
            bx(|| {
                black_box(parse_incrementally(&c16));
            }),
        ),
        (
            "stream_object, scripted model, 256-byte deltas",
            bx(|| {
                black_box(rt.block_on(through_stream_object(&model, &request)));
            }),
        ),
    ]);
    let bytes = text.len() as f64;
    let rows = (0..m.names.len())
        .map(|v| {
            let ns = m.median_ns(v);
            vec![
                m.names[v].clone(),
                format!("{:.2}", ns / bytes),
                format!("{:.0}", bytes / ns * 1e3),
                if v == 0 {
                    "—".to_owned()
                } else {
                    partials[v - 1].to_string()
                },
                format!("{:.2}×", m.ratio(v, 0)),
            ]
        })
        .collect::<Vec<_>>();
    table(
        &format!(
            "1. Partial JSON ({} bytes, {} items)",
            text.len(),
            expected["items"].as_array().map_or(0, Vec::len)
        ),
        &[
            "variant",
            "ns/byte",
            "MB/s",
            "partial values",
            "time vs serde_json",
        ],
        &rows,
    );
}
