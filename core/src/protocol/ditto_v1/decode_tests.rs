use super::*;
use crate::error::ErrorKind;
use crate::protocol::ditto_v1::{encode_frame, encode_stream, terminator};
use crate::types::{FinishReason, ToolCall, Usage};
use proptest::prelude::*;

fn sample() -> Vec<StreamEvent> {
    vec![
        StreamEvent::Start,
        StreamEvent::StartStep { warnings: vec![] },
        StreamEvent::TextStart {
            id: "t0".into(),
            provider_metadata: None,
        },
        StreamEvent::text_delta("t0", "héllo ✓\n"),
        StreamEvent::TextEnd {
            id: "t0".into(),
            provider_metadata: None,
        },
        StreamEvent::ToolCall(ToolCall::from_raw_arguments("c1", "get", "{\"a\":1}")),
        StreamEvent::FinishStep {
            finish_reason: FinishReason::ToolCalls,
            raw_finish_reason: Some("tool_calls".into()),
            usage: Usage::new(1, 2),
            response: Default::default(),
            provider_metadata: None,
        },
        StreamEvent::Finish {
            finish_reason: FinishReason::ToolCalls,
            raw_finish_reason: Some("tool_calls".into()),
            total_usage: Usage::new(1, 2),
        },
    ]
}

fn wire(events: &[StreamEvent], framing: Framing) -> Vec<u8> {
    let mut out = Vec::new();
    for ev in events {
        out.extend_from_slice(&encode_frame(ev, framing));
    }
    if let Some(t) = terminator(framing) {
        out.extend_from_slice(&t);
    }
    out
}

fn decode_chunks(framing: Framing, chunks: &[&[u8]]) -> Result<Vec<StreamEvent>> {
    let mut d = Decoder::new(framing);
    let mut out = Vec::new();
    for c in chunks {
        d.feed(c, &mut out)?;
    }
    d.finish(&mut out)?;
    Ok(out)
}

#[test]
fn round_trip_both_framings() {
    for framing in [Framing::Sse, Framing::Ndjson] {
        let bytes = wire(&sample(), framing);
        assert_eq!(decode_chunks(framing, &[&bytes]).unwrap(), sample());
    }
}

#[test]
fn rejects_other_versions_and_missing_v() {
    let err = decode_event(r#"{"v":2,"type":"start"}"#).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert!(err.message().contains("version 2"), "{err}");
    let err = decode_event(r#"{"type":"start"}"#).unwrap_err();
    assert!(err.message().contains("no \"v\""), "{err}");
    let err = decode_event(r#"{"v":"1","type":"start"}"#).unwrap_err();
    assert!(err.message().contains("unsupported"), "{err}");
}

#[test]
fn rejects_unknown_events_and_bad_json() {
    let err = decode_event(r#"{"v":1,"type":"telepathy"}"#).unwrap_err();
    assert!(err.message().contains("\"telepathy\""), "{err}");
    let err = decode_event(r#"{"v":1,"type":"text-delta","id":"x"}"#).unwrap_err();
    assert!(err.message().contains("text-delta"), "{err}");
    assert!(decode_event("[1]")
        .unwrap_err()
        .message()
        .contains("not a JSON object"));
    assert!(decode_event("{")
        .unwrap_err()
        .message()
        .contains("not valid JSON"));
}

#[test]
fn sse_needs_done_and_nothing_after_it() {
    let err =
        decode_chunks(Framing::Sse, &[b"data: {\"v\":1,\"type\":\"start\"}\n\n"]).unwrap_err();
    assert!(err.message().contains("truncated"), "{err}");
    let err = decode_chunks(
        Framing::Sse,
        &[b"data: [DONE]\n\ndata: {\"v\":1,\"type\":\"start\"}\n\n"],
    )
    .unwrap_err();
    assert!(err.message().contains("after"), "{err}");
}

#[test]
fn sse_tolerates_comments_crlf_and_event_names() {
    let input = b": keep-alive\r\nevent: ditto\r\ndata: {\"v\":1,\"type\":\"start\"}\r\n\r\ndata: [DONE]\r\n\r\n";
    assert_eq!(
        decode_chunks(Framing::Sse, &[input]).unwrap(),
        vec![StreamEvent::Start]
    );
}

#[test]
fn ndjson_tolerates_crlf_blank_lines_and_missing_final_newline() {
    let input = b"\n{\"v\":1,\"type\":\"start\"}\r\n\n{\"v\":1,\"type\":\"abort\"}";
    assert_eq!(
        decode_chunks(Framing::Ndjson, &[input]).unwrap(),
        vec![StreamEvent::Start, StreamEvent::Abort]
    );
}

#[test]
fn oversize_lines_fail_and_decoder_stays_failed() {
    let limits = Limits {
        max_line_bytes: 64,
        max_event_bytes: 1024,
    };
    for framing in [Framing::Sse, Framing::Ndjson] {
        let mut d = Decoder::with_limits(framing, limits);
        let mut out = Vec::new();
        let long = format!("data: {}", "x".repeat(100));
        let err = d.feed(long.as_bytes(), &mut out).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Stream);
        assert!(err.message().contains("64 bytes"), "{framing}: {err}");
        assert!(d.feed(b"\n", &mut out).is_err());
        assert!(d.finish(&mut out).is_err());
    }
    // A long NDJSON line split over many chunks is caught before it is buffered whole.
    let mut d = Decoder::with_limits(Framing::Ndjson, limits);
    let mut out = Vec::new();
    let mut failed = false;
    for _ in 0..10 {
        if d.feed(&[b'a'; 10], &mut out).is_err() {
            failed = true;
            break;
        }
    }
    assert!(failed);
}

#[test]
fn invalid_utf8_in_ndjson_is_an_error() {
    let err = decode_chunks(Framing::Ndjson, &[b"{\"v\":1,\"type\":\"st\xffart\"}\n"]).unwrap_err();
    assert!(err.message().contains("UTF-8"), "{err}");
}

#[tokio::test]
async fn decode_stream_turns_error_event_into_err_and_stops() {
    let items = vec![
        Ok(StreamEvent::Start),
        Err(crate::Error::new(ErrorKind::Timeout, "too slow")),
    ];
    for framing in [Framing::Sse, Framing::Ndjson] {
        let bytes = encode_stream(futures_util::stream::iter(items_clone(&items)), framing)
            .map(Ok::<_, crate::Error>);
        let got: Vec<_> = decode_stream(bytes, framing, Limits::default())
            .collect()
            .await;
        assert_eq!(got.len(), 2, "{framing}");
        assert_eq!(got[0].as_ref().unwrap(), &StreamEvent::Start);
        let err = got[1].as_ref().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout);
        assert_eq!(err.message(), "too slow");
    }
}

fn items_clone(items: &[crate::Result<StreamEvent>]) -> Vec<crate::Result<StreamEvent>> {
    items
        .iter()
        .map(|r| match r {
            Ok(e) => Ok(e.clone()),
            Err(e) => Err(crate::Error::from(e.to_info())),
        })
        .collect()
}

#[tokio::test]
async fn decode_stream_reports_truncation_after_delivering_events() {
    let bytes = futures_util::stream::iter(vec![Ok::<_, crate::Error>(bytes::Bytes::from_static(
        b"data: {\"v\":1,\"type\":\"start\"}\n\n",
    ))]);
    let got: Vec<_> = decode_stream(bytes, Framing::Sse, Limits::default())
        .collect()
        .await;
    assert_eq!(got.len(), 2);
    assert!(got[0].is_ok());
    assert!(got[1].as_ref().unwrap_err().message().contains("truncated"));
}

#[test]
fn error_event_decodes_as_event() {
    let ev = decode_event(
        r#"{"v":1,"type":"error","error":{"kind":"provider","message":"boom","status":500}}"#,
    )
    .unwrap();
    match ev {
        StreamEvent::Error { error } => {
            assert_eq!(error.kind, ErrorKind::Provider);
            assert_eq!(error.status, Some(500));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        encode_frame(&StreamEvent::Abort, Framing::Ndjson),
        "{\"v\":1,\"type\":\"abort\"}\n"
    );
}

proptest! {
    #[test]
    fn any_split_decodes_the_same(cuts in proptest::collection::vec(0usize..2000, 0..12), sse in any::<bool>()) {
        let framing = if sse { Framing::Sse } else { Framing::Ndjson };
        let bytes = wire(&sample(), framing);
        let mut points: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
        points.sort_unstable();
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut last = 0;
        for p in points {
            chunks.push(&bytes[last..p]);
            last = p;
        }
        chunks.push(&bytes[last..]);
        prop_assert_eq!(decode_chunks(framing, &chunks).unwrap(), sample());
    }
}
