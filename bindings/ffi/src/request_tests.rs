use super::*;

#[test]
fn openai_shaped_messages_and_tools_are_accepted() {
    let r = text_request(
        r#"{"model": "mock:echo",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]},
                         {"role": "assistant", "content": null,
                          "tool_calls": [{"id": "c1", "type": "function",
                                          "function": {"name": "f", "arguments": "{}"}}]},
                         {"role": "tool", "tool_call_id": "c1", "content": "ok"}],
            "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
            "tool_choice": "required", "temperature": 0.5}"#,
    )
    .unwrap();
    assert_eq!(r.messages.len(), 3);
    assert_eq!(r.tools.len(), 1);
    assert_eq!(r.tools[0].name(), "f");
    assert!(r.tool_choice.is_some());
    assert_eq!(r.settings.temperature, Some(0.5));
}

#[test]
fn bad_requests_name_the_problem() {
    let msg = |json: &str| text_request(json).unwrap_err().outcome().1.unwrap();
    assert!(msg("[1]").contains("must be a JSON object, got an array"));
    assert!(msg("{").contains("not valid JSON"));
    assert!(msg(r#"{"model": "m", "bogus": 1}"#).contains("bogus"));
    assert!(msg(r#"{"model": "m", "messages": [{"role": "wizard"}]}"#).contains("messages"));
    assert_eq!(
        text_request("null").unwrap_err().outcome().0,
        crate::DITTO_INVALID_ARGUMENT
    );
}

#[test]
fn config_errors_are_config_kind() {
    let (code, json) = config(r#"{"providers": {"openai": {"api_kee": "x"}}}"#)
        .unwrap_err()
        .outcome();
    assert_eq!(code, crate::DITTO_ERROR);
    let v: Value = serde_json::from_str(&json.unwrap()).unwrap();
    assert_eq!(v["kind"], "config");
    assert!(v["message"].as_str().unwrap().contains("api_kee"));
}

#[test]
fn embed_request_parses() {
    let r =
        embed_request(r#"{"model": "openai:e", "input": ["a", "b"], "dimensions": 4}"#).unwrap();
    assert_eq!(r.input, vec!["a", "b"]);
    assert_eq!(r.dimensions, Some(4));
}

#[test]
fn media_requests_parse_into_the_core_types() {
    let r: ditto_llm::RerankRequest = typed_request(
        r#"{"model": "cohere:rerank-v3.5", "query": "q", "documents": ["a", "b"], "top_n": 1}"#,
        "rerank request",
    )
    .unwrap();
    assert_eq!(r.documents, vec!["a", "b"]);
    assert_eq!(r.top_n, Some(1));
    let t: ditto_llm::TranscriptionRequest = typed_request(
        r#"{"model": "openai:whisper-1", "audio": {"base64": "UklGRg=="}, "media_type": "audio/wav"}"#,
        "transcription request",
    )
    .unwrap();
    assert_eq!(t.audio.to_base64().as_deref(), Some("UklGRg=="));
    let msg = |json: &str| {
        typed_request::<ditto_llm::SpeechRequest>(json, "speech request")
            .unwrap_err()
            .outcome()
            .1
            .unwrap()
    };
    assert!(msg(r#"{"model": "openai:tts-1", "txet": "hi"}"#).contains("speech request"));
    assert!(msg(r#"{"model": "openai:tts-1", "txet": "hi"}"#).contains("txet"));
    assert!(msg("[]").contains("must be a JSON object"));
}
