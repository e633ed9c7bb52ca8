use super::*;
use crate::error::Error;
use crate::middleware::test_models::{collect, finish_step, Reply, Scripted};
use crate::middleware::wrap;
use crate::types::{ContentPart, StreamEvent};

fn err(kind: ErrorKind) -> Error {
    Error::new(kind, "boom")
}

fn text(r: &ModelResponse) -> &str {
    r.content.iter().find_map(ContentPart::as_text).unwrap()
}

#[tokio::test]
async fn generate_moves_on_for_configured_kinds_only() {
    let a = Scripted::new("a", vec![Reply::Fail(err(ErrorKind::Provider))]);
    let b = Scripted::new("b", vec![Reply::Fail(err(ErrorKind::RateLimited))]);
    let c = Scripted::new("c", vec![]);
    let m = wrap(
        a.clone(),
        vec![Arc::new(Fallback::new(vec![b.clone(), c.clone()]))],
    );
    let r = m.generate(&CallOptions::default()).await.unwrap();
    assert_eq!(text(&r), "ok from c");
    assert_eq!((a.calls(), b.calls(), c.calls()), (1, 1, 1));

    let a = Scripted::new("a", vec![Reply::Fail(err(ErrorKind::InvalidRequest))]);
    let b = Scripted::new("b", vec![]);
    let m = wrap(a, vec![Arc::new(Fallback::new(vec![b.clone()]))]);
    let e = m.generate(&CallOptions::default()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(b.calls(), 0);
}

#[tokio::test]
async fn all_failing_returns_the_last_error_and_on_is_configurable() {
    let a = Scripted::new("a", vec![Reply::Fail(err(ErrorKind::Timeout))]);
    let b = Scripted::new("b", vec![Reply::Fail(err(ErrorKind::Connection))]);
    let m = wrap(a, vec![Arc::new(Fallback::new(vec![b]))]);
    let e = m.generate(&CallOptions::default()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection);

    let a = Scripted::new("a", vec![Reply::Fail(err(ErrorKind::NotFound))]);
    let b = Scripted::new("b", vec![]);
    let fb = Fallback::new(vec![b]).on(vec![ErrorKind::NotFound]);
    let r = wrap(a, vec![Arc::new(fb)])
        .generate(&CallOptions::default())
        .await
        .unwrap();
    assert_eq!(text(&r), "ok from b");
}

#[tokio::test]
async fn streams_fall_back_only_before_the_first_event() {
    // The first model fails on its first item: fall back.
    let a = Scripted::new(
        "a",
        vec![Reply::Events(vec![Err(err(ErrorKind::Provider))])],
    );
    let b = Scripted::new("b", vec![]);
    let m = wrap(a, vec![Arc::new(Fallback::new(vec![b.clone()]))]);
    let items = collect(m.stream(&CallOptions::default()).await.unwrap()).await;
    assert!(items
        .iter()
        .any(|e| matches!(e, Ok(StreamEvent::TextDelta { text, .. }) if text == "b")));

    // A failure after an event was delivered is the stream's error, no fallback.
    let started = vec![
        Ok(StreamEvent::TextStart {
            id: "t".into(),
            provider_metadata: None,
        }),
        Err(err(ErrorKind::Provider)),
    ];
    let a = Scripted::new("a", vec![Reply::Events(started)]);
    let b = Scripted::new("b", vec![]);
    let m = wrap(a, vec![Arc::new(Fallback::new(vec![b.clone()]))]);
    let items = collect(m.stream(&CallOptions::default()).await.unwrap()).await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].as_ref().unwrap_err().kind(), ErrorKind::Provider);
    assert_eq!(b.calls(), 0);

    // A failure to open falls back too.
    let a = Scripted::new("a", vec![Reply::Fail(err(ErrorKind::RateLimited))]);
    let b = Scripted::new("b", vec![Reply::Events(vec![Ok(finish_step())])]);
    let m = wrap(a, vec![Arc::new(Fallback::new(vec![b]))]);
    let items = collect(m.stream(&CallOptions::default()).await.unwrap()).await;
    assert_eq!(items.len(), 1);
}
