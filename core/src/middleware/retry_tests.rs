use super::*;
use crate::error::Error;
use crate::middleware::test_models::{collect, Reply, Scripted};
use crate::middleware::wrap;

fn quick(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(400),
        ..RetryPolicy::default()
    }
}

#[tokio::test(start_paused = true)]
async fn generate_retries_with_backoff_and_gives_up() {
    let fails = (0..5)
        .map(|_| Reply::Fail(Error::new(ErrorKind::Provider, "503")))
        .collect();
    let a = Scripted::new("a", fails);
    let m = wrap(a.clone(), vec![Arc::new(quick(3))]);
    let t0 = tokio::time::Instant::now();
    let e = m.generate(&CallOptions::default()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Provider);
    assert_eq!(a.calls(), 4);
    // 100 + 200 + 400 ms, each minus at most 25 % jitter.
    let waited = t0.elapsed();
    assert!(
        waited >= Duration::from_millis(525) && waited <= Duration::from_millis(700),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_and_other_kinds_are_not_retried() {
    let a = Scripted::new(
        "a",
        vec![Reply::Fail(
            Error::new(ErrorKind::RateLimited, "429").with_retry_after(Duration::from_secs(3)),
        )],
    );
    let m = wrap(a.clone(), vec![Arc::new(quick(2))]);
    let t0 = tokio::time::Instant::now();
    m.generate(&CallOptions::default()).await.unwrap();
    assert_eq!(t0.elapsed(), Duration::from_secs(3));
    assert_eq!(a.calls(), 2);

    let a = Scripted::new("a", vec![Reply::Fail(Error::invalid_request("bad"))]);
    let m = wrap(a.clone(), vec![Arc::new(quick(2))]);
    assert!(m.generate(&CallOptions::default()).await.is_err());
    assert_eq!(a.calls(), 1);
}

#[tokio::test(start_paused = true)]
async fn streams_retry_only_before_the_first_event() {
    let a = Scripted::new(
        "a",
        vec![
            Reply::Fail(Error::timeout("open")),
            Reply::Events(vec![Err(Error::new(ErrorKind::Connection, "reset"))]),
        ],
    );
    let m = wrap(a.clone(), vec![Arc::new(quick(2))]);
    let items = collect(m.stream(&CallOptions::default()).await.unwrap()).await;
    assert!(items.iter().all(Result::is_ok));
    assert_eq!(a.calls(), 3);
}
