use super::*;
use ditto_llm::{ErrorKind, ProviderKind, ResponseFormat, ToolChoice};
use serde_json::json;

fn text(v: serde_json::Value) -> Result<TextRequest> {
    text_request(&v.to_string())
}

#[test]
fn camel_case_options_map_onto_the_request() {
    let r = text(json!({
        "model": "openai:gpt-4o-mini",
        "system": "terse",
        "prompt": "Hi",
        "maxOutputTokens": 64,
        "temperature": 0.5,
        "topP": 1,
        "stopSequences": ["END"],
        "seed": 7,
        "toolChoice": "required",
        "tools": {"get_weather": {"description": "w", "inputSchema": {"type": "object"}}},
        "providerOptions": {"openai": {"parallelToolCalls": false}},
        "headers": {"x-trace": "1"},
        "maxRetries": 0,
        "signal": {},
    }))
    .unwrap();
    assert_eq!(r.model, "openai:gpt-4o-mini");
    assert_eq!(r.prompt.as_deref(), Some("Hi"));
    assert_eq!(r.settings.max_output_tokens, Some(64));
    assert_eq!(r.settings.top_p, Some(1.0));
    assert_eq!(r.settings.stop, vec!["END".to_owned()]);
    assert_eq!(r.settings.seed, Some(7));
    assert_eq!(r.tool_choice, Some(ToolChoice::REQUIRED));
    assert_eq!(r.tools.len(), 1);
    assert_eq!(
        r.settings
            .provider_options
            .value("openai", "parallel_tool_calls"),
        Some(&json!(false))
    );
    assert_eq!(r.headers["x-trace"], "1");
    assert_eq!(r.max_retries, Some(0));
}

#[test]
fn snake_case_options_work_too_but_not_both_spellings() {
    let r = text(json!({"model": "m:x", "prompt": "a", "max_output_tokens": 5})).unwrap();
    assert_eq!(r.settings.max_output_tokens, Some(5));
    let e =
        text(json!({"model": "m:x", "prompt": "a", "max_output_tokens": 5, "maxOutputTokens": 6}))
            .unwrap_err();
    assert!(e.message().contains("given twice"), "{}", e.message());
}

#[test]
fn ai_sdk_messages_and_prompt_lists_are_accepted() {
    let msgs = json!([
        {"role": "user", "content": [{"type": "text", "text": "call it"}]},
        {"role": "assistant", "content": [{"type": "tool-call", "toolCallId": "c1", "toolName": "t", "input": {}}]},
        {"role": "tool", "content": [{"type": "tool-result", "toolCallId": "c1", "toolName": "t", "output": {"type": "text", "value": "ok"}}]}
    ]);
    let r = text(json!({"model": "m:x", "messages": msgs})).unwrap();
    assert_eq!(r.messages.len(), 3);
    let r = text(json!({"model": "m:x", "prompt": msgs})).unwrap();
    assert_eq!(r.messages.len(), 3);
    assert!(r.prompt.is_none());
}

#[test]
fn bad_options_are_named_in_the_error() {
    let cases = [
        (json!({"prompt": "a"}), "`model` is required"),
        (
            json!({"model": "m:x", "prompt": "a", "temprature": 1}),
            "unknown text option `temprature`",
        ),
        (
            json!({"model": "m:x", "prompt": "a", "temperature": "hot"}),
            "`temperature` must be a number",
        ),
        (
            json!({"model": "m:x", "prompt": "a", "maxOutputTokens": -1}),
            "`maxOutputTokens` must be a non-negative integer",
        ),
        (
            json!({"model": "m:x", "prompt": "a", "maxOutputTokens": 1.5}),
            "non-negative integer",
        ),
        (
            json!({"model": "m:x", "prompt": 3}),
            "`prompt` must be a string or a list of messages",
        ),
        (
            json!({"model": "m:x", "prompt": "a", "headers": {"x": 1}}),
            "`headers.x` must be a string",
        ),
        (
            json!({"model": "m:x", "prompt": "a", "responseFormat": {"type": "xml"}}),
            "responseFormat",
        ),
        (
            json!({"model": "m:x", "messages": [{"role": "wizard", "content": "x"}]}),
            "messages[0]",
        ),
    ];
    for (input, needle) in cases {
        let e = text(input.clone()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{input}");
        assert!(e.message().contains(needle), "{input}: {}", e.message());
    }
    let e = text_request("[1]").unwrap_err();
    assert!(e.message().contains("must be an object, got an array"));
    let e = text_request("{").unwrap_err();
    assert!(e.message().contains("not valid JSON"));
}

#[test]
fn response_format_accepts_the_ai_sdk_and_our_forms() {
    let schema = json!({"type": "object"});
    for rf in [
        json!({"type": "json", "schema": schema, "name": "p"}),
        json!({"type": "json-schema", "schema": schema, "name": "p"}),
    ] {
        let r = text(json!({"model": "m:x", "prompt": "a", "responseFormat": rf})).unwrap();
        assert!(matches!(
            r.settings.response_format,
            Some(ResponseFormat::JsonSchema { ref name, .. }) if name.as_deref() == Some("p")
        ));
    }
    let r =
        text(json!({"model": "m:x", "prompt": "a", "responseFormat": {"type": "json"}})).unwrap();
    assert_eq!(r.settings.response_format, Some(ResponseFormat::Json));
}

#[test]
fn embed_options() {
    let (r, single) =
        embed_request(r#"{"model":"openai:e","input":["a","b"],"dimensions":4}"#).unwrap();
    assert_eq!((r.input.len(), single, r.dimensions), (2, false, Some(4)));
    let (r, single) = embed_request(r#"{"model":"openai:e","input":"a"}"#).unwrap();
    assert_eq!((r.input, single), (vec!["a".to_owned()], true));
    let e = embed_request(r#"{"model":"openai:e","input":["a",2]}"#).unwrap_err();
    assert!(
        e.message().contains("`input[1]` must be a string"),
        "{}",
        e.message()
    );
    let e = embed_request(r#"{"model":"openai:e"}"#).unwrap_err();
    assert!(e.message().contains("`input` is required"));
}

#[test]
fn client_options() {
    let c = client_config(
        r#"{"providers":{"openai":{"apiKey":"sk","baseURL":"http://127.0.0.1:1/v1","headers":{"x":"y"}},
            "local":{"type":"openai-compatible","base_url":"http://127.0.0.1:2/v1"}},
            "fromEnv":false,"timeout":5000,"maxRetries":1}"#,
    )
    .unwrap();
    assert!(!c.from_env);
    assert_eq!(c.timeout_ms, Some(5000));
    assert_eq!(c.max_retries, Some(1));
    let openai = &c.providers["openai"];
    assert_eq!(openai.api_key.as_deref(), Some("sk"));
    assert_eq!(openai.base_url.as_deref(), Some("http://127.0.0.1:1/v1"));
    assert_eq!(
        c.providers["local"].kind,
        Some(ProviderKind::OpenaiCompatible)
    );

    for (json, needle) in [
        (r#"{"provider":{}}"#, "unknown Ditto option `provider`"),
        (
            r#"{"providers":{"openai":{"apikey":"x"}}}"#,
            "providers.openai.apikey: unknown field `apikey`",
        ),
        (
            r#"{"providers":{"openai":{"type":"magic"}}}"#,
            "providers.openai.type: unknown variant `magic`",
        ),
        (
            r#"{"providers":{"openai":{"apiKey":5}}}"#,
            "providers.openai.api_key: invalid type",
        ),
        (
            r#"{"providers":{"openai":"sk"}}"#,
            "`providers.openai` must be an object",
        ),
        (
            r#"{"maxRetries":"two"}"#,
            "`maxRetries` must be a non-negative integer",
        ),
    ] {
        let e = client_config(json).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{json}");
        assert!(e.message().contains(needle), "{json}: {}", e.message());
    }
}

#[test]
fn rerank_options() {
    let r = rerank_request(
        r#"{"model":"cohere:rerank-v3.5","query":"q","documents":["a","b"],"topN":1}"#,
    )
    .unwrap();
    assert_eq!((r.documents.len(), r.top_n), (2, Some(1)));
    let e = rerank_request(r#"{"model":"cohere:r","query":"q","documents":[{"text":"a"}]}"#)
        .unwrap_err();
    assert!(
        e.message().contains("`documents[0]` must be a string"),
        "{}",
        e.message()
    );
    let e = rerank_request(r#"{"model":"cohere:r","documents":[]}"#).unwrap_err();
    assert!(e.message().contains("`query` is required"));
}

#[test]
fn media_options() {
    let r = image_request(
        r#"{"model":"openai:gpt-image-1","prompt":"p","n":2,"size":"256x256","providerOptions":{"openai":{"quality":"low"}}}"#,
    )
    .unwrap();
    assert_eq!((r.n, r.size.as_deref()), (Some(2), Some("256x256")));
    assert_eq!(r.provider_options.get("openai").unwrap()["quality"], "low");

    let t = transcription_request(
        r#"{"model":"openai:whisper-1","audio":{"base64":"UklGRg=="},"mediaType":"audio/wav","language":"en"}"#,
    )
    .unwrap();
    assert_eq!(t.audio.to_base64().as_deref(), Some("UklGRg=="));
    assert_eq!(
        (t.media_type.as_str(), t.language.as_deref()),
        ("audio/wav", Some("en"))
    );
    let e = transcription_request(r#"{"model":"openai:whisper-1","audio":[1],"mediaType":"a"}"#)
        .unwrap_err();
    assert!(e.message().contains("`audio`"), "{}", e.message());

    let s = speech_request(
        r#"{"model":"openai:tts-1","text":"hi","outputFormat":"wav","speed":1.5,"voice":"v"}"#,
    )
    .unwrap();
    assert_eq!(s.output_format.as_deref(), Some("wav"));
    assert_eq!((s.speed, s.voice.as_deref()), (Some(1.5), Some("v")));
    let e = speech_request(r#"{"model":"openai:tts-1"}"#).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert!(e.message().contains("`text` is required"));
}
