use super::*;
use crate::http::RetryPolicy;
use reqwest::header::HeaderValue;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, HeaderValue::from_str(v).unwrap());
    }
    h
}

#[test]
fn retry_after_ms_wins_over_seconds() {
    let h = headers(&[("retry-after-ms", "250"), ("retry-after", "9")]);
    assert_eq!(parse_retry_after(&h), Some(Duration::from_millis(250)));
}

#[test]
fn retry_after_seconds_and_fractions() {
    assert_eq!(
        parse_retry_after(&headers(&[("retry-after", "2")])),
        Some(Duration::from_secs(2))
    );
    assert_eq!(
        parse_retry_after(&headers(&[("retry-after", "0.5")])),
        Some(Duration::from_millis(500))
    );
}

#[test]
fn retry_after_http_date_in_the_past_is_zero() {
    let h = headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]);
    assert_eq!(parse_retry_after(&h), Some(Duration::ZERO));
}

#[test]
fn retry_after_garbage_is_ignored() {
    assert_eq!(
        parse_retry_after(&headers(&[("retry-after", "soon")])),
        None
    );
    assert_eq!(parse_retry_after(&headers(&[("retry-after", "-3")])), None);
    assert_eq!(
        parse_retry_after(&headers(&[("retry-after-ms", "NaN")])),
        None
    );
}

#[test]
fn retryable_statuses() {
    let none = HeaderMap::new();
    for s in [408, 409, 429, 500, 502, 503, 504] {
        assert!(status_is_retryable(s, &none), "{s}");
    }
    for s in [400, 401, 403, 404, 422] {
        assert!(!status_is_retryable(s, &none), "{s}");
    }
    assert!(!status_is_retryable(
        503,
        &headers(&[("x-should-retry", "false")])
    ));
    assert!(status_is_retryable(
        400,
        &headers(&[("x-should-retry", "true")])
    ));
}

#[test]
fn backoff_grows_caps_and_honours_retry_after() {
    let p = RetryPolicy::default();
    let d0 = p.delay(0, None);
    assert!(d0 <= Duration::from_millis(500) && d0 >= Duration::from_millis(375));
    let d10 = p.delay(10, None);
    assert!(d10 <= Duration::from_secs(8) && d10 >= Duration::from_secs(6));
    assert_eq!(
        p.delay(0, Some(Duration::from_secs(3))),
        Duration::from_secs(3)
    );
    // Too long a retry-after falls back to backoff.
    assert!(p.delay(0, Some(Duration::from_secs(3600))) <= Duration::from_millis(500));
    // Huge attempt numbers do not overflow.
    assert!(p.delay(u32::MAX, None) <= Duration::from_secs(8));
}
