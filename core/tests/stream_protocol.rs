//! Ditto stream protocol v1 over every recorded stream: the event snapshots that the
//! conformance suite produces by replaying `tests/fixtures/` and the AI SDK recordings
//! (`tests/fixtures/ai-sdk-snapshots/*.json`, `tests/fixtures/<provider>/<case>/expected.json`)
//! are encoded and decoded again, in both framings and split at arbitrary byte boundaries.

mod common;

use bytes::Bytes;
use common::recordings::{recordings, Recording};
use ditto_llm::protocol::ditto_v1::{decode_stream, encode_stream, Decoder, Framing, Limits};
use ditto_llm::{Error, StreamEvent};
use futures_util::StreamExt;
use proptest::prelude::*;

fn items(r: &Recording) -> Vec<ditto_llm::Result<StreamEvent>> {
    let mut items: Vec<_> = r.events.iter().cloned().map(Ok).collect();
    if let Some(kind) = r.error {
        items.push(Err(Error::new(kind, "recorded failure").with_status(429)));
    }
    items
}

async fn encode(r: &Recording, framing: Framing) -> Vec<u8> {
    let chunks: Vec<Bytes> = encode_stream(futures_util::stream::iter(items(r)), framing)
        .collect()
        .await;
    chunks.concat()
}

fn check_decoded(r: &Recording, got: Vec<ditto_llm::Result<StreamEvent>>) {
    let expected_len = r.events.len() + usize::from(r.error.is_some());
    assert_eq!(got.len(), expected_len, "{}", r.name);
    for (ev, got) in r.events.iter().zip(&got) {
        assert_eq!(got.as_ref().unwrap(), ev, "{}", r.name);
    }
    if let Some(kind) = r.error {
        let err = got.last().unwrap().as_ref().unwrap_err();
        assert_eq!(err.kind(), kind, "{}", r.name);
        assert_eq!(err.message(), "recorded failure");
        assert_eq!(err.status(), Some(429));
    }
}

#[tokio::test]
async fn every_recorded_stream_round_trips_in_both_framings() {
    for r in recordings() {
        for framing in [Framing::Sse, Framing::Ndjson] {
            let wire = encode(&r, framing).await;
            if framing == Framing::Sse {
                assert!(wire.ends_with(b"data: [DONE]\n\n"), "{}", r.name);
            }
            // Byte by byte: the worst split.
            let bytes = futures_util::stream::iter(
                wire.iter()
                    .map(|b| Ok::<_, Error>(Bytes::copy_from_slice(&[*b])))
                    .collect::<Vec<_>>(),
            );
            let got: Vec<_> = decode_stream(bytes, framing, Limits::default())
                .collect()
                .await;
            check_decoded(&r, got);
        }
    }
}

/// Decode `wire` fed in pieces cut at `cuts`; the events in order (an `error` event included).
fn decode_split(wire: &[u8], framing: Framing, cuts: &[usize]) -> Vec<StreamEvent> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (wire.len() + 1)).collect();
    points.sort_unstable();
    let mut decoder = Decoder::new(framing);
    let mut out = Vec::new();
    let mut last = 0;
    for p in points.into_iter().chain([wire.len()]) {
        decoder.feed(&wire[last..p], &mut out).unwrap();
        last = p;
    }
    decoder.finish(&mut out).unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn recorded_streams_survive_any_split(
        pick in any::<prop::sample::Index>(),
        cuts in prop::collection::vec(any::<usize>(), 0..24),
        sse in any::<bool>(),
    ) {
        let all = recordings();
        let r = &all[pick.index(all.len())];
        let framing = if sse { Framing::Sse } else { Framing::Ndjson };
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let wire = rt.block_on(encode(r, framing));
        let got = decode_split(&wire, framing, &cuts);
        let n = r.events.len();
        prop_assert_eq!(&got[..n], &r.events[..]);
        match r.error {
            Some(kind) => {
                prop_assert_eq!(got.len(), n + 1);
                let is_error = matches!(&got[n], StreamEvent::Error { error } if error.kind == kind);
                prop_assert!(is_error);
            }
            None => prop_assert_eq!(got.len(), n),
        }
    }
}
