//! Native providers over real sockets against `ditto-mock-upstream`, part 1: Anthropic, Gemini
//! and Vertex, plus cross-provider stream truncation and base-URL handling. Echo, streams, the
//! headers each provider needs, error bodies, and multi-turn round trips asserted on the request
//! the mock recorded. Part 2 is `native_http_more.rs`.

mod common;

use common::native::*;
use common::*;
use ditto_llm::{
    ContentPart, ErrorKind, FinishReason, Message, Role, StreamEvent, TextRequest, ToolResult,
    ToolResultOutput,
};
use futures_util::StreamExt;
use serde_json::json;

#[tokio::test]
async fn anthropic_echo_headers_and_stream() {
    let reqs = echo_round("anthropic:claude-sonnet-4-5").await;
    let r = &reqs[0];
    assert_eq!(r.path, "/v1/messages");
    assert_eq!(r.headers["x-api-key"], "sk-test-secret");
    assert_eq!(r.headers["anthropic-version"], "2023-06-01");
    assert_eq!(r.headers["x-team"], "blue");
    assert!(!r.headers.contains_key("authorization"));
    assert_eq!(
        r.body["system"],
        json!([{"type": "text", "text": "be nice"}])
    );
    assert_eq!(r.body["max_tokens"], 4096);
    assert_eq!(reqs[1].body["stream"], true);
}

#[tokio::test]
async fn anthropic_tool_round_trip() {
    for stream in [false, true] {
        let body = tool_round_trip("anthropic:claude-sonnet-4-5", stream).await;
        let id = body["__tool_call_id"].as_str().unwrap();
        let msgs = body["messages"].as_array().unwrap();
        assert_eq!(msgs.len(), 3);
        assert_eq!(msgs[1]["role"], "assistant");
        assert_eq!(
            msgs[1]["content"][0],
            json!({"type": "tool_use", "id": id, "name": "get_weather", "input": {"city": "Paris"}})
        );
        assert_eq!(msgs[2]["role"], "user");
        assert_eq!(
            msgs[2]["content"][0],
            json!({"type": "tool_result", "tool_use_id": id, "content": "{\"temp_c\":21}"})
        );
    }
}

#[tokio::test]
async fn anthropic_errors_use_its_body() {
    let server = mock().await;
    let ditto = client(&server, &["anthropic"], &[("x-mock-status", "401")]);
    let e = ditto
        .generate_text(TextRequest::new("anthropic:claude").prompt("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(e.code(), Some("authentication_error"));
    let ditto = client_with(
        &server,
        &["anthropic"],
        &[("x-mock-status", "429"), ("x-mock-retry-after", "0")],
        |b| b.max_retries(0),
    );
    let e = ditto
        .generate_text(TextRequest::new("anthropic:claude").prompt("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.code(), Some("rate_limit_error"));
}

#[tokio::test]
async fn anthropic_reasoning_signature_round_trip() {
    // Turn 1 replays a recorded thinking stream; turn 2 must send the block back signed.
    let server = mock().await;
    let ditto = client(
        &server,
        &["anthropic"],
        &[(
            "x-mock-fixture",
            "anthropic/anthropic-clear-thinking.1.chunks.txt",
        )],
    );
    let r = ditto
        .stream_text(TextRequest::new("anthropic:claude").prompt("925 / 5?"))
        .await
        .unwrap()
        .collect_result()
        .await
        .unwrap();
    let ditto = client(&server, &["anthropic"], &[]);
    let mut history = vec![Message::user("925 / 5?")];
    history.push(Message::with_parts(Role::Assistant, r.content.clone()));
    history.push(Message::user("thanks"));
    ditto
        .generate_text(TextRequest::new("anthropic:claude").messages(history))
        .await
        .unwrap();
    let body = &server.requests()[1].body;
    let thinking = &body["messages"][1]["content"][0];
    assert_eq!(thinking["type"], "thinking");
    assert!(thinking["thinking"]
        .as_str()
        .unwrap()
        .starts_with("The previous result"));
    assert!(thinking["signature"]
        .as_str()
        .unwrap()
        .starts_with("EvQBCkYICxgCKkAxhD4"));
    assert_eq!(body["messages"][1]["content"][1]["text"], "925 ÷ 5 = 185");
}

#[tokio::test]
async fn google_echo_headers_and_stream() {
    let reqs = echo_round("google:gemini-2.5-flash").await;
    let r = &reqs[0];
    assert_eq!(r.path, "/v1beta/models/gemini-2.5-flash:generateContent");
    assert_eq!(r.headers["x-goog-api-key"], "sk-test-secret");
    assert!(!r.headers.contains_key("authorization"));
    assert_eq!(
        r.body["systemInstruction"],
        json!({"parts": [{"text": "be nice"}]})
    );
    assert_eq!(
        reqs[1].path,
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
    );
    assert_eq!(reqs[1].query.as_deref(), Some("alt=sse"));
}

#[tokio::test]
async fn vertex_uses_project_location_and_bearer_token() {
    let reqs = echo_round("vertex:gemini-2.5-flash").await;
    let r = &reqs[0];
    assert_eq!(
        r.path,
        "/v1/projects/proj-1/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent"
    );
    assert_eq!(r.headers["authorization"], "Bearer ya29.test-token");
    assert!(!r.headers.contains_key("x-goog-api-key"));
}

#[tokio::test]
async fn google_tool_round_trip() {
    for stream in [false, true] {
        let body = tool_round_trip("google:gemini-2.5-flash", stream).await;
        let contents = body["contents"].as_array().unwrap();
        assert_eq!(contents.len(), 3, "{body}");
        assert_eq!(contents[1]["role"], "model");
        assert_eq!(
            contents[1]["parts"][0],
            json!({"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}})
        );
        assert_eq!(contents[2]["role"], "user");
        assert_eq!(
            contents[2]["parts"][0],
            json!({"functionResponse": {"name": "get_weather",
                "response": {"name": "get_weather", "content": {"temp_c": 21}}}})
        );
        assert_eq!(
            body["tools"][0]["functionDeclarations"][0]["name"],
            "get_weather"
        );
    }
}

#[tokio::test]
async fn google_retry_info_in_the_body_is_the_retry_delay() {
    let server = mock().await;
    // Without retries the error carries the body's retryDelay.
    let ditto = client_with(
        &server,
        &["google"],
        &[
            ("x-mock-fixture", "google/google-429-retry-info.json"),
            ("x-mock-status", "429"),
        ],
        |b| b.max_retries(0),
    );
    let e = ditto
        .generate_text(TextRequest::new("google:gemini-3-pro-preview").prompt("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.code(), Some("RESOURCE_EXHAUSTED"));
    assert_eq!(
        e.retry_after(),
        Some(std::time::Duration::from_millis(34_400))
    );
    // With retries, a short retryDelay is waited for and the call succeeds.
    server.push_scenario(
        "retry-info",
        vec![ditto_mock_upstream::Step {
            status: Some(429),
            body: Some(json!({"error": {"code": 429, "message": "slow down", "status": "RESOURCE_EXHAUSTED",
                "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.05s"}]}})),
            ..Default::default()
        }],
    );
    let ditto = client(&server, &["google"], &[("x-mock-scenario", "retry-info")]);
    let started = std::time::Instant::now();
    let r = ditto
        .generate_text(TextRequest::new("google:gemini-2.5-flash").prompt("again"))
        .await
        .unwrap();
    assert_eq!(r.text, "echo: again");
    assert!(started.elapsed() >= std::time::Duration::from_millis(50));
}

#[tokio::test]
async fn google_thought_signature_round_trip() {
    let server = mock().await;
    let ditto = client(
        &server,
        &["google"],
        &[("x-mock-fixture", "google/google-tool-call.chunks.txt")],
    );
    let r = ditto
        .stream_text(
            TextRequest::new("google:gemini-3-pro-preview")
                .prompt("weather?")
                .tools(vec![weather()]),
        )
        .await
        .unwrap()
        .collect_result()
        .await
        .unwrap();
    assert_eq!(r.finish_reason, FinishReason::ToolCalls);
    let call = r.tool_calls[0].clone();
    let ditto = client(&server, &["google"], &[]);
    let history = vec![
        Message::user("weather?"),
        Message::with_parts(Role::Assistant, r.content.clone()),
        Message::with_parts(
            Role::Tool,
            vec![ContentPart::ToolResult(ToolResult {
                tool_call_id: call.tool_call_id.clone(),
                tool_name: call.tool_name.clone(),
                output: ToolResultOutput::Text("sunny".into()),
                provider_options: Default::default(),
            })],
        ),
    ];
    ditto
        .generate_text(
            TextRequest::new("google:gemini-3-pro-preview")
                .messages(history)
                .tools(vec![weather()]),
        )
        .await
        .unwrap();
    let body = &server.requests()[1].body;
    let part = &body["contents"][1]["parts"][0];
    assert_eq!(part["functionCall"]["name"], "weather");
    assert!(part["thoughtSignature"]
        .as_str()
        .unwrap()
        .starts_with("EqUCCqICAb4"));

    // A text part's signature comes back on the text it was sent with.
    let ditto = client(
        &server,
        &["google"],
        &[("x-mock-fixture", "google/google-reasoning-gemini3.json")],
    );
    let r = ditto
        .generate_text(TextRequest::new("google:gemini-3-pro-preview").prompt("r's?"))
        .await
        .unwrap();
    let ditto = client(&server, &["google"], &[]);
    ditto
        .generate_text(
            TextRequest::new("google:gemini-3-pro-preview").messages(vec![
                Message::user("r's?"),
                Message::with_parts(Role::Assistant, r.content.clone()),
                Message::user("thanks"),
            ]),
        )
        .await
        .unwrap();
    let reqs = server.requests();
    let part = &reqs.last().unwrap().body["contents"][1]["parts"];
    assert_eq!(part.as_array().unwrap().len(), 1, "{part}");
    assert!(part[0]["text"]
        .as_str()
        .unwrap()
        .starts_with("There are **3**"));
    assert!(part[0]["thoughtSignature"]
        .as_str()
        .unwrap()
        .starts_with("EswFCskFAb4"));
}

#[tokio::test]
async fn google_embeddings() {
    let server = mock().await;
    let ditto = client(&server, &["google"], &[]);
    let r = ditto
        .embed_many(ditto_llm::EmbedRequest::new(
            "google:gemini-embedding-001",
            vec!["a".into(), "b".into(), "a".into()],
        ))
        .await
        .unwrap();
    assert_eq!(r.embeddings.len(), 3);
    assert_eq!(r.embeddings[0], r.embeddings[2]);
    assert_ne!(r.embeddings[0], r.embeddings[1]);
    let req = &server.requests()[0];
    assert_eq!(
        req.path,
        "/v1beta/models/gemini-embedding-001:batchEmbedContents"
    );
    assert_eq!(
        req.body["requests"][0]["model"],
        "models/gemini-embedding-001"
    );
}

#[tokio::test]
async fn truncated_native_streams_fail_as_stream_errors() {
    for model in [
        "anthropic:claude-sonnet-4-5",
        "google:gemini-2.5-flash",
        "cohere:command-a-03-2025",
        "openai-responses:gpt-4.1-mini",
        "bedrock:anthropic.claude-3-5-haiku",
    ] {
        let server = mock().await;
        let provider = model.split(':').next().unwrap();
        let ditto = client(
            &server,
            &[provider],
            &[("x-mock-truncate-after-chunks", "2")],
        );
        let s = ditto
            .stream_text(TextRequest::new(model).prompt("one two three four five"))
            .await
            .unwrap();
        let items: Vec<_> = s.collect().await;
        let err = items
            .iter()
            .find_map(|i| i.as_ref().err())
            .unwrap_or_else(|| panic!("{model}: a truncated stream must fail"));
        assert_eq!(err.kind(), ErrorKind::Stream, "{model}: {err}");
        assert!(
            !items
                .iter()
                .any(|i| matches!(i, Ok(StreamEvent::Finish { .. }))),
            "{model}"
        );
    }
}

#[tokio::test]
async fn vertex_embeddings_use_predict() {
    let server = mock().await;
    let ditto = client(&server, &["vertex"], &[]);
    let r = ditto
        .embed_many(ditto_llm::EmbedRequest::new(
            "vertex:gemini-embedding-001",
            vec!["one two".into(), "three".into()],
        ))
        .await
        .unwrap();
    assert_eq!(r.embeddings.len(), 2);
    assert_eq!(r.usage.input_tokens, Some(3));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "one text per :predict call");
    assert_eq!(
        reqs[0].path,
        "/v1/projects/proj-1/locations/us-central1/publishers/google/models/gemini-embedding-001:predict"
    );
    assert_eq!(reqs[0].body["instances"][0]["content"], "one two");
}

#[tokio::test]
async fn base_urls_with_a_version_path_are_tolerated() {
    let server = mock().await;
    let ditto = ditto_llm::Ditto::builder()
        .provider(
            "anthropic",
            ditto_llm::ProviderConfig::new()
                .kind(ditto_llm::ProviderKind::Anthropic)
                .base_url(format!("{}/v1/", server.base_url()))
                .api_key("k"),
        )
        .provider(
            "google",
            ditto_llm::ProviderConfig::new()
                .kind(ditto_llm::ProviderKind::Google)
                .base_url(format!("{}/v1beta", server.base_url()))
                .api_key("k"),
        )
        .build()
        .unwrap();
    for model in ["anthropic:claude", "google:gemini-2.5-flash"] {
        let r = ditto
            .generate_text(TextRequest::new(model).prompt("v"))
            .await
            .unwrap();
        assert_eq!(r.text, "echo: v", "{model}");
    }
    let reqs = server.requests();
    assert_eq!(reqs[0].path, "/v1/messages");
    assert_eq!(
        reqs[1].path,
        "/v1beta/models/gemini-2.5-flash:generateContent"
    );
}
