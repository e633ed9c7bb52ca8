use super::*;

#[test]
fn parse_accepts_use_chat_bodies_and_names_problems() {
    let ok = parse(br#"{"id":"c","messages":[{"id":"u","role":"user","parts":[{"type":"text","text":"hi"}]}],"model":"m","x":1}"#)
        .unwrap();
    assert_eq!(ok.model.as_deref(), Some("m"));
    assert_eq!(ok.extra["x"], 1);

    let e = parse(b"{nope").unwrap_err();
    assert_eq!(e.status(), StatusCode::BAD_REQUEST);
    assert!(e.message().contains("not valid JSON"), "{e}");
    let e = parse(br#"{"id":"c"}"#).unwrap_err();
    assert!(e.message().contains("not a useChat request"), "{e}");
    let e = parse(br#"{"messages":[]}"#).unwrap_err();
    assert!(e.message().contains("empty"), "{e}");
}
