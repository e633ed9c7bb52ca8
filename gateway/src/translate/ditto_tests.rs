use super::*;

fn accept(v: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
    h
}

#[test]
fn framing_comes_from_the_query_then_accept() {
    let none = HeaderMap::new();
    assert_eq!(framing(None, &none).unwrap(), Framing::Sse);
    assert_eq!(
        framing(None, &accept("text/event-stream")).unwrap(),
        Framing::Sse
    );
    assert_eq!(
        framing(
            None,
            &accept("application/json, application/x-ndjson; q=0.9")
        )
        .unwrap(),
        Framing::Ndjson
    );
    assert_eq!(
        framing(Some("a=1&framing=ndjson"), &none).unwrap(),
        Framing::Ndjson
    );
    assert_eq!(
        framing(Some("framing=sse"), &accept("application/x-ndjson")).unwrap(),
        Framing::Sse
    );
    let e = framing(Some("framing=xml"), &none).unwrap_err();
    assert_eq!(e.status, axum::http::StatusCode::BAD_REQUEST);
    assert!(e.message.contains("xml"), "{}", e.message);
}
