use super::*;
use crate::error::{Error, ErrorKind};
use crate::types::{FinishReason, Usage};
use futures_util::StreamExt;
use serde_json::json;

fn finish() -> StreamEvent {
    StreamEvent::Finish {
        finish_reason: FinishReason::Stop,
        raw_finish_reason: Some("stop".into()),
        total_usage: Usage::new(3, 4),
    }
}

#[test]
fn encode_event_adds_version() {
    let v = encode_event(&StreamEvent::text_delta("t0", "Hi"));
    assert_eq!(
        v,
        json!({"v": 1, "type": "text-delta", "id": "t0", "text": "Hi"})
    );
}

#[test]
fn frames_put_v_first_and_are_one_line() {
    let ev = StreamEvent::text_delta("t0", "a\nb");
    let sse = encode_frame(&ev, Framing::Sse);
    assert_eq!(
        &sse[..],
        b"data: {\"v\":1,\"type\":\"text-delta\",\"id\":\"t0\",\"text\":\"a\\nb\"}\n\n"
    );
    let nd = encode_frame(&ev, Framing::Ndjson);
    assert_eq!(nd.iter().filter(|&&b| b == b'\n').count(), 1);
    assert!(nd.starts_with(b"{\"v\":1,"));
}

#[test]
fn terminators() {
    assert_eq!(terminator(Framing::Sse).unwrap(), "data: [DONE]\n\n");
    assert!(terminator(Framing::Ndjson).is_none());
}

async fn collect(framing: Framing, items: Vec<crate::Result<StreamEvent>>) -> String {
    let chunks: Vec<_> = encode_stream(futures_util::stream::iter(items), framing)
        .collect()
        .await;
    chunks.iter().map(|b| String::from_utf8_lossy(b)).collect()
}

#[tokio::test]
async fn stream_ends_with_done_for_sse_only() {
    let sse = collect(Framing::Sse, vec![Ok(StreamEvent::Start), Ok(finish())]).await;
    assert!(sse.starts_with("data: {\"v\":1,\"type\":\"start\"}\n\n"));
    assert!(sse.ends_with("\n\ndata: [DONE]\n\n"));
    let nd = collect(Framing::Ndjson, vec![Ok(StreamEvent::Start), Ok(finish())]).await;
    assert_eq!(nd.lines().count(), 2);
    assert!(!nd.contains("[DONE]"));
}

#[tokio::test]
async fn error_becomes_error_event_then_terminator_and_stops() {
    let items = vec![
        Ok(StreamEvent::Start),
        Err(Error::new(ErrorKind::RateLimited, "slow down").with_status(429)),
        Ok(finish()),
    ];
    let sse = collect(Framing::Sse, items).await;
    let frames: Vec<&str> = sse.split("\n\n").filter(|s| !s.is_empty()).collect();
    assert_eq!(frames.len(), 3, "{sse}");
    let err: serde_json::Value =
        serde_json::from_str(frames[1].strip_prefix("data: ").unwrap()).unwrap();
    assert_eq!(
        err,
        json!({"v": 1, "type": "error", "error": {"kind": "rate_limited", "message": "slow down", "status": 429}})
    );
    assert_eq!(frames[2], "data: [DONE]");
}

#[test]
fn framing_names_and_content_types() {
    assert_eq!("SSE".parse::<Framing>().unwrap(), Framing::Sse);
    assert_eq!("ndjson".parse::<Framing>().unwrap(), Framing::Ndjson);
    let err = "xml".parse::<Framing>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(
        err.message().contains("unknown Ditto stream framing"),
        "{err}"
    );
    assert_eq!(
        Framing::from_content_type("text/event-stream; charset=utf-8").unwrap(),
        Framing::Sse
    );
    assert_eq!(
        Framing::from_content_type("application/x-ndjson").unwrap(),
        Framing::Ndjson
    );
    let err = Framing::from_content_type("application/json").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Stream);
    assert!(err.message().contains("application/json"), "{err}");
    assert_eq!(Framing::Sse.content_type(), "text/event-stream");
}
