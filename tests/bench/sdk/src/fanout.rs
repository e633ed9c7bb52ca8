//! Figure 5: `TextStream::tee` with both sides consumed against consuming the stream once.

use crate::rounds::{bx, table, Rounds};
use crate::scripted::{model_events, word_deltas};
use ditto_llm::{ModelStream, TextStream};
use futures_util::StreamExt;
use std::hint::black_box;
use tokio::runtime::Runtime;

/// Items each side of the tee may buffer.
const TEE_CAPACITY: usize = 64;

/// Measure and print figure 5 for a stream of `deltas` text deltas.
pub fn run(rounds: &Rounds, rt: &Runtime, deltas: usize) {
    let events = model_events(word_deltas(deltas));
    let source = || {
        TextStream::new(ModelStream {
            warnings: Vec::new(),
            events: Box::pin(futures_util::stream::iter(
                events.clone().into_iter().map(Ok),
            )),
        })
    };
    let once = || rt.block_on(source().map(|e| e.expect("event")).count());
    let tee = || {
        rt.block_on(async {
            let (text, all) = source().tee(TEE_CAPACITY);
            let (t, e) = futures_util::join!(
                text.map(|t| t.expect("text")).count(),
                all.map(|e| e.expect("event")).count()
            );
            (t, e)
        })
    };
    let total = once();
    assert_eq!(tee(), (deltas, total));
    let cloned = || black_box(events.clone()).len();

    let m = rounds.measure(vec![
        (
            "consume the TextStream once (all events)",
            bx(|| {
                black_box(once());
            }),
        ),
        (
            "tee(64): text side + event side, both consumed",
            bx(|| {
                black_box(tee());
            }),
        ),
        (
            "(cloning the scripted events alone, in both)",
            bx(|| {
                black_box(cloned());
            }),
        ),
    ]);
    let rows = (0..m.names.len())
        .map(|v| {
            vec![
                m.names[v].clone(),
                format!("{:.1}", m.median_ns(v) / 1e3),
                format!("{:.0}", m.median_ns(v) / total as f64),
                format!("{:.2}×", m.ratio(v, 0)),
            ]
        })
        .collect::<Vec<_>>();
    table(
        &format!("5. Fan-out ({total} events, {deltas} text deltas, in memory)"),
        &["variant", "µs per stream", "ns/event", "time vs once"],
        &rows,
    );
}
