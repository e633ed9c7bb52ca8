//! Tests of the SSE decoder: explicit spec cases and the stream adapter. Property tests live in
//! `sse_prop_tests.rs`.

#![allow(clippy::result_large_err)] // the crate-wide error type

use super::*;
use crate::error::ErrorKind;

use futures_util::stream::{self, StreamExt};

// ---------------------------------------------------------------------------------------------
// Helpers

fn ev(data: &str) -> SseEvent {
    SseEvent {
        data: data.to_owned(),
        ..SseEvent::default()
    }
}

fn typed(event: &str, data: &str) -> SseEvent {
    SseEvent {
        event: Some(event.to_owned()),
        ..ev(data)
    }
}

fn with_id(mut event: SseEvent, id: &str) -> SseEvent {
    event.id = Some(id.to_owned());
    event
}

/// Decode `input` in one chunk with default limits; panics on error.
fn decode(input: &[u8]) -> (Vec<SseEvent>, bool) {
    decode_chunks(&[input], SseLimits::default()).expect("decoding failed")
}

/// Decode `chunks` in order, then finish.
fn decode_chunks(chunks: &[&[u8]], limits: SseLimits) -> Result<(Vec<SseEvent>, bool)> {
    let mut decoder = SseDecoder::new(limits);
    let mut out = Vec::new();
    for chunk in chunks {
        decoder.feed(chunk, &mut out)?;
    }
    let incomplete = decoder.finish(&mut out)?;
    Ok((out, incomplete))
}

fn events(input: &[u8]) -> Vec<SseEvent> {
    let (events, incomplete) = decode(input);
    assert!(!incomplete, "unexpected incomplete event");
    events
}

pub(super) fn small(max_line_bytes: usize, max_event_bytes: usize) -> SseLimits {
    SseLimits {
        max_line_bytes,
        max_event_bytes,
    }
}

// ---------------------------------------------------------------------------------------------
// Line endings

#[test]
fn lf_line_endings() {
    assert_eq!(events(b"data: a\n\ndata: b\n\n"), vec![ev("a"), ev("b")]);
}

#[test]
fn crlf_line_endings() {
    assert_eq!(
        events(b"data: a\r\n\r\ndata: b\r\n\r\n"),
        vec![ev("a"), ev("b")]
    );
}

#[test]
fn cr_line_endings() {
    assert_eq!(events(b"data: a\r\rdata: b\r\r"), vec![ev("a"), ev("b")]);
}

#[test]
fn mixed_line_endings() {
    assert_eq!(
        events(b"data: a\r\ndata: b\rdata: c\n\r\n"),
        vec![ev("a\nb\nc")]
    );
}

#[test]
fn cr_and_lf_split_across_chunks_are_one_line_ending() {
    let (out, incomplete) = decode_chunks(
        &[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"],
        SseLimits::default(),
    )
    .unwrap();
    assert_eq!(out, vec![ev("a\nb")]);
    assert!(!incomplete);
}

#[test]
fn cr_at_chunk_end_then_empty_chunk_then_lf() {
    let (out, _) = decode_chunks(
        &[b"data: a\r", b"", b"\n", b"\r", b"", b"\n"],
        SseLimits::default(),
    )
    .unwrap();
    assert_eq!(out, vec![ev("a")]);
}

#[test]
fn cr_at_chunk_end_then_other_byte_ends_the_line() {
    // "data: a" CR, then "data: b": two data lines, and the blank line dispatches.
    let (out, _) = decode_chunks(&[b"data: a\r", b"data: b\n\n"], SseLimits::default()).unwrap();
    assert_eq!(out, vec![ev("a\nb")]);
}

#[test]
fn two_crs_are_two_line_endings() {
    let (out, _) = decode_chunks(&[b"data: a\r", b"\r"], SseLimits::default()).unwrap();
    assert_eq!(out, vec![ev("a")]);
}

// ---------------------------------------------------------------------------------------------
// Fields

#[test]
fn multi_line_data_is_joined_with_lf() {
    assert_eq!(
        events(b"data: first\ndata: second\ndata:third\n\n"),
        vec![ev("first\nsecond\nthird")]
    );
}

#[test]
fn event_id_and_retry_fields() {
    let out = events(b"event: delta\nid: 42\nretry: 1500\ndata: x\n\n");
    assert_eq!(
        out,
        vec![SseEvent {
            event: Some("delta".into()),
            data: "x".into(),
            id: Some("42".into()),
            retry: Some(1500),
        }]
    );
}

#[test]
fn event_type_resets_after_dispatch() {
    assert_eq!(
        events(b"event: a\ndata: 1\n\ndata: 2\n\n"),
        vec![typed("a", "1"), ev("2")]
    );
}

#[test]
fn empty_event_field_means_message() {
    assert_eq!(events(b"event\ndata: 1\n\n"), vec![ev("1")]);
    assert_eq!(events(b"event: a\nevent:\ndata: 1\n\n"), vec![ev("1")]);
}

#[test]
fn last_event_id_persists_across_events() {
    let out = events(b"id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\nid\ndata: d\n\n");
    assert_eq!(
        out,
        vec![
            with_id(ev("a"), "1"),
            with_id(ev("b"), "1"),
            with_id(ev("c"), "2"),
            // An empty id resets the last event ID.
            ev("d"),
        ]
    );
}

#[test]
fn id_set_in_a_block_without_data_still_persists() {
    assert_eq!(events(b"id: 7\n\ndata: a\n\n"), vec![with_id(ev("a"), "7")]);
}

#[test]
fn id_containing_nul_is_ignored() {
    let out = events(b"id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n");
    assert_eq!(out, vec![with_id(ev("a"), "1"), with_id(ev("b"), "1")]);
}

#[test]
fn retry_must_be_ascii_digits() {
    let out = events(
        b"retry: 100\ndata: a\n\nretry: 1x\ndata: b\n\nretry: -5\nretry: 2.5\nretry\nretry: \
          \ndata: c\n\nretry:  7\ndata: d\n\nretry: 99999999999999999999999\ndata: e\n\n\
          retry:250\ndata: f\n\n",
    );
    let retries: Vec<_> = out.iter().map(|e| e.retry).collect();
    assert_eq!(
        retries,
        vec![
            Some(100),
            Some(100),
            Some(100),
            // " 7" after stripping one space: not only digits.
            Some(100),
            // Overflows u64: ignored.
            Some(100),
            Some(250),
        ]
    );
}

#[test]
fn retry_without_events_is_visible_on_the_decoder() {
    let mut decoder = SseDecoder::default();
    let mut out = Vec::new();
    decoder.feed(b"retry: 3000\nid: abc\n\n", &mut out).unwrap();
    assert!(out.is_empty());
    assert_eq!(decoder.retry(), Some(3000));
    assert_eq!(decoder.last_event_id(), "abc");
}

#[test]
fn comments_are_ignored() {
    assert_eq!(
        events(b": keep-alive\n:\ndata: a\n: in the middle\ndata: b\n\n:only a comment\n\n"),
        vec![ev("a\nb")]
    );
}

#[test]
fn unknown_fields_are_ignored() {
    assert_eq!(
        events(b"foo: bar\nData: X\ndata: a\nDATA: Y\n\n"),
        vec![ev("a")]
    );
}

#[test]
fn field_without_colon_has_empty_value() {
    // "data" alone appends an empty line.
    assert_eq!(events(b"data\ndata\n\n"), vec![ev("\n")]);
    assert_eq!(events(b"data: a\ndata\n\n"), vec![ev("a\n")]);
}

#[test]
fn value_without_space_after_colon() {
    assert_eq!(events(b"data:a\n\n"), vec![ev("a")]);
}

#[test]
fn only_one_space_is_stripped() {
    assert_eq!(events(b"data:  a \n\n"), vec![ev(" a ")]);
    assert_eq!(events(b"data:\ta\n\n"), vec![ev("\ta")]);
}

#[test]
fn value_may_contain_colons() {
    assert_eq!(events(b"data: a: b:c\n\n"), vec![ev("a: b:c")]);
}

// ---------------------------------------------------------------------------------------------
// BOM

#[test]
fn leading_bom_is_skipped() {
    assert_eq!(events(b"\xEF\xBB\xBFdata: a\n\n"), vec![ev("a")]);
}

#[test]
fn leading_bom_split_across_chunks_is_skipped() {
    let (out, _) = decode_chunks(
        &[b"\xEF", b"\xBB", b"\xBF", b"data: a\n\n"],
        SseLimits::default(),
    )
    .unwrap();
    assert_eq!(out, vec![ev("a")]);
}

#[test]
fn only_one_bom_is_skipped() {
    // A second BOM is part of the first line, so the field name is "\u{FEFF}data".
    assert_eq!(events(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\n"), vec![]);
}

#[test]
fn bom_later_in_the_stream_is_kept() {
    assert_eq!(
        events(b"data: a\n\n\xEF\xBB\xBFdata: b\n\ndata: \xEF\xBB\xBFc\n\n"),
        vec![ev("a"), ev("\u{FEFF}c")]
    );
}

#[test]
fn partial_bom_is_content() {
    // EF BB then "data...": the two bytes are an invalid sequence at the start of the first line.
    assert_eq!(events(b"\xEF\xBBdata: a\n\ndata: b\n\n"), vec![ev("b")]);
    let (out, incomplete) = decode(b"\xEF\xBB");
    assert!(out.is_empty());
    assert!(!incomplete);
}

// ---------------------------------------------------------------------------------------------
// Dispatch

#[test]
fn empty_data_field_dispatches_an_event_with_empty_data() {
    // The data buffer is "\n", non-empty, so the event is dispatched with its LF stripped.
    assert_eq!(events(b"data:\n\n"), vec![ev("")]);
    assert_eq!(events(b"data\n\n"), vec![ev("")]);
}

#[test]
fn blank_line_without_data_dispatches_nothing() {
    assert_eq!(events(b"\n\n\nevent: x\n\nid: 1\n\n"), vec![]);
    // ... and resets the event type.
    assert_eq!(events(b"event: x\n\ndata: a\n\n"), vec![ev("a")]);
}

#[test]
fn only_one_trailing_lf_is_stripped() {
    assert_eq!(events(b"data: a\ndata:\ndata:\n\n"), vec![ev("a\n\n")]);
}

#[test]
fn openai_style_stream() {
    let input = b"data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n\
                  data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\" there\"}}]}\n\n\
                  data: [DONE]\n\n";
    assert_eq!(
        events(input),
        vec![
            ev(r#"{"id":"c1","choices":[{"delta":{"content":"Hi"}}]}"#),
            ev(r#"{"id":"c1","choices":[{"delta":{"content":" there"}}]}"#),
            ev("[DONE]"),
        ]
    );
}

#[test]
fn anthropic_style_stream() {
    let input = b"event: message_start\r\ndata: {\"type\":\"message_start\"}\r\n\r\n\
                  event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n";
    assert_eq!(
        events(input),
        vec![
            typed("message_start", r#"{"type":"message_start"}"#),
            typed("ping", r#"{"type": "ping"}"#),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// UTF-8

#[test]
fn invalid_utf8_is_decoded_lossily() {
    assert_eq!(
        events(b"data: a\xFFb\xC3\n\nevent: \xE2\x82\ndata: \xF0\x9F\x98\x80\n\n"),
        vec![ev("a\u{FFFD}b\u{FFFD}"), typed("\u{FFFD}", "\u{1F600}")]
    );
}

#[test]
fn multibyte_character_split_across_chunks() {
    let text = "data: h\u{e9}llo \u{1F600}\n\n".as_bytes();
    for cut in 0..=text.len() {
        let (out, _) = decode_chunks(&[&text[..cut], &text[cut..]], SseLimits::default()).unwrap();
        assert_eq!(out, vec![ev("h\u{e9}llo \u{1F600}")], "cut at {cut}");
    }
}

// ---------------------------------------------------------------------------------------------
// Limits and errors

#[test]
fn line_at_the_limit_is_accepted() {
    let (out, _) = decode_chunks(&[b"data:abcd\n\n"], small(9, 100)).unwrap();
    assert_eq!(out, vec![ev("abcd")]);
    let (out, _) = decode_chunks(&[b"data:", b"ab", b"cd\r", b"\n\n"], small(9, 100)).unwrap();
    assert_eq!(out, vec![ev("abcd")]);
}

#[test]
fn line_over_the_limit_fails() {
    let err = decode_chunks(&[b"data:abcde\n\n"], small(9, 100)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert!(err.message().contains("line"), "{}", err.message());
    let err = decode_chunks(&[b"data:", b"abcde"], small(9, 100)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Stream);
}

#[test]
fn endless_line_fails_without_buffering_past_the_limit() {
    let limits = small(1000, 4000);
    let mut decoder = SseDecoder::new(limits);
    let mut out = Vec::new();
    let chunk = [b'x'; 64];
    let mut fed = 0;
    let err = loop {
        match decoder.feed(&chunk, &mut out) {
            Ok(()) => {
                fed += chunk.len();
                assert!(decoder.buffered_bytes().0 <= 1000);
                assert!(fed < 10_000, "never failed");
            }
            Err(err) => break err,
        }
    };
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert!(fed <= 1000 && fed + chunk.len() > 1000);
    assert_eq!(decoder.buffered_bytes(), (0, 0, 0, 0));
}

#[test]
fn endless_data_lines_fail_at_the_event_limit() {
    let limits = small(100, 1000);
    let mut decoder = SseDecoder::new(limits);
    let mut out = Vec::new();
    let mut lines = 0;
    let err = loop {
        match decoder.feed(b"data: 123456789\n", &mut out) {
            Ok(()) => {
                lines += 1;
                assert!(decoder.buffered_bytes().1 <= 1000);
                assert!(lines < 1000, "never failed");
            }
            Err(err) => break err,
        }
    };
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert!(err.message().contains("event"), "{}", err.message());
    // 100 lines are 100 * 9 + 99 separators = 999 bytes; the 101st breaks the limit.
    assert_eq!(lines, 100);
    assert!(out.is_empty());
}

#[test]
fn event_limit_counts_the_dispatched_data() {
    // "ab\ncd" is 5 bytes.
    let (out, _) = decode_chunks(&[b"data: ab\ndata: cd\n\n"], small(100, 5)).unwrap();
    assert_eq!(out, vec![ev("ab\ncd")]);
    assert!(decode_chunks(&[b"data: ab\ndata: cde\n\n"], small(100, 5)).is_err());
    // The limit is per event: many small events are fine.
    let many = b"data: abcde\n\n".repeat(50);
    let (out, _) = decode_chunks(&[&many], small(100, 5)).unwrap();
    assert_eq!(out.len(), 50);
}

#[test]
fn events_before_a_breach_are_delivered_and_the_error_is_sticky() {
    let mut decoder = SseDecoder::new(small(10, 100));
    let mut out = Vec::new();
    let err = decoder
        .feed(b"data: a\n\ndata: this line is too long\n\n", &mut out)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert_eq!(out, vec![ev("a")]);
    out.clear();
    let again = decoder.feed(b"data: b\n\n", &mut out).unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Stream);
    assert_eq!(again.message(), err.message());
    assert!(out.is_empty());
    assert_eq!(
        decoder.finish(&mut out).unwrap_err().kind(),
        ErrorKind::Stream
    );
    assert_eq!(
        decoder.feed(b"", &mut out).unwrap_err().kind(),
        ErrorKind::Stream
    );
}

#[test]
fn zero_limits_accept_only_blank_lines() {
    let (out, _) = decode_chunks(&[b"\n\r\n\r"], small(0, 0)).unwrap();
    assert!(out.is_empty());
    assert!(decode_chunks(&[b"d"], small(0, 0)).is_err());
    assert!(decode_chunks(&[b"data\n"], small(4, 0)).is_ok());
    assert!(decode_chunks(&[b"data:x\n"], small(6, 0)).is_err());
}

// ---------------------------------------------------------------------------------------------
// finish()

#[test]
fn finish_after_clean_end() {
    let (out, incomplete) = decode(b"data: a\n\n");
    assert_eq!(out, vec![ev("a")]);
    assert!(!incomplete);
    // Trailing comments, ids and blank lines are not an incomplete event.
    assert!(!decode(b"data: a\n\n: bye\nid: 9\nevent: x\n").1);
}

#[test]
fn finish_with_pending_event_reports_it_and_does_not_dispatch() {
    let (out, incomplete) = decode(b"data: a\n\ndata: b\n");
    assert_eq!(out, vec![ev("a")]);
    assert!(incomplete);
}

#[test]
fn finish_flushes_an_unterminated_final_line() {
    // The final line is a data line: the event is incomplete.
    let (out, incomplete) = decode(b"data: a\n\ndata: {\"trunc");
    assert_eq!(out, vec![ev("a")]);
    assert!(incomplete);
    // The final line is an id: it takes effect but there is no pending event.
    let mut decoder = SseDecoder::default();
    let mut out = Vec::new();
    decoder.feed(b"data: a\n\nid: 5", &mut out).unwrap();
    assert_eq!(decoder.last_event_id(), "");
    assert!(!decoder.finish(&mut out).unwrap());
    assert_eq!(decoder.last_event_id(), "5");
}

#[test]
fn finish_after_trailing_cr() {
    let (out, incomplete) = decode(b"data: a\r\r");
    assert_eq!(out, vec![ev("a")]);
    assert!(!incomplete);
}

#[test]
fn decoder_is_reusable_after_finish_keeping_id_and_retry() {
    let mut decoder = SseDecoder::default();
    let mut out = Vec::new();
    decoder
        .feed(b"id: 3\nretry: 10\ndata: a\n\ndata: lost", &mut out)
        .unwrap();
    assert!(decoder.finish(&mut out).unwrap());
    // A new connection: its BOM is skipped again and the half event is gone.
    decoder.feed(b"\xEF\xBB\xBFdata: b\n\n", &mut out).unwrap();
    assert!(!decoder.finish(&mut out).unwrap());
    let expected = SseEvent {
        id: Some("3".into()),
        retry: Some(10),
        ..ev("a")
    };
    let expected_b = SseEvent {
        data: "b".into(),
        ..expected.clone()
    };
    assert_eq!(out, vec![expected, expected_b]);
}

#[test]
fn default_limits() {
    let limits = SseLimits::default();
    assert_eq!(limits.max_line_bytes, 1 << 20);
    assert_eq!(limits.max_event_bytes, 4 << 20);
}

// ---------------------------------------------------------------------------------------------
// The stream adapter

fn chunks(parts: &[&'static [u8]]) -> Vec<Result<Bytes>> {
    parts.iter().map(|p| Ok(Bytes::from_static(p))).collect()
}

#[tokio::test]
async fn stream_yields_events_and_ends() {
    let input = stream::iter(chunks(&[b"data: a\n", b"\ndata: [DO", b"NE]\r", b"\n\r\n"]));
    let mut events = sse_events(input, SseLimits::default());
    assert_eq!(events.next().await.unwrap().unwrap(), ev("a"));
    assert_eq!(events.next().await.unwrap().unwrap(), ev("[DONE]"));
    assert!(events.next().await.is_none());
    assert!(events.is_terminated());
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn stream_passes_upstream_errors_through_then_ends() {
    let items = vec![
        Ok(Bytes::from_static(b"data: a\n\ndata: b\n\n")),
        Err(Error::new(ErrorKind::Connection, "connection reset")),
        Ok(Bytes::from_static(b"data: never\n\n")),
    ];
    let got: Vec<_> = sse_events(stream::iter(items), SseLimits::default())
        .collect()
        .await;
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].as_ref().unwrap(), &ev("a"));
    assert_eq!(got[1].as_ref().unwrap(), &ev("b"));
    let err = got[2].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert_eq!(err.message(), "connection reset");
}

#[tokio::test]
async fn stream_reports_truncated_input() {
    let got: Vec<_> = sse_events(
        stream::iter(chunks(&[b"data: a\n\n", b"data: {\"partial"])),
        SseLimits::default(),
    )
    .collect()
    .await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].as_ref().unwrap(), &ev("a"));
    let err = got[1].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert_eq!(err.message(), "stream ended in the middle of an event");
}

#[tokio::test]
async fn stream_without_pending_data_at_the_end_is_clean() {
    let got: Vec<_> = sse_events(
        stream::iter(chunks(&[b"data: a\n\n", b": trailing comment"])),
        SseLimits::default(),
    )
    .collect()
    .await;
    assert_eq!(got.len(), 1);
    assert!(got[0].is_ok());
}

#[tokio::test]
async fn stream_ends_with_an_error_on_a_limit_breach_and_stops_polling() {
    let polled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = polled.clone();
    let input = stream::iter(
        [
            &b"data: ok\n\n"[..],
            &b"data: 0123456789012345678901234567890123456789\n\n"[..],
            &b"data: after\n\n"[..],
        ]
        .into_iter()
        .map(move |chunk| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(Bytes::from_static(chunk))
        }),
    );
    let mut events = sse_events(input, small(16, 64));
    assert_eq!(events.next().await.unwrap().unwrap(), ev("ok"));
    let err = events.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert!(events.next().await.is_none());
    assert!(events.next().await.is_none());
    assert_eq!(polled.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn stream_accepts_a_non_unpin_input() {
    let input = stream::unfold(0u8, |n| async move {
        tokio::task::yield_now().await;
        (n < 3).then(|| (Ok(Bytes::from(format!("data: {n}\n\n"))), n + 1))
    });
    let events = std::pin::pin!(sse_events(input, SseLimits::default()));
    let got: Vec<_> = events.map(|e| e.unwrap().data).collect().await;
    assert_eq!(got, vec!["0", "1", "2"]);
}

// ---------------------------------------------------------------------------------------------
