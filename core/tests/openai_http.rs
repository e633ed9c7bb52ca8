//! The OpenAI provider over real sockets against `ditto-mock-upstream`: text, streams, tools,
//! embeddings, and the headers and bodies the upstream receives.

mod common;

use common::*;
use ditto_llm::{EmbedRequest, FinishReason, StreamEvent, TextRequest, Tool};
use futures_util::StreamExt;
use serde_json::json;

#[tokio::test]
async fn generate_text_round_trip_and_outbound_request() {
    let server = mock().await;
    let ditto = client_with(&server, &["openai"], &[("x-team", "blue")], |b| b);
    let r = ditto
        .generate_text(
            TextRequest::new("openai:gpt-4o-mini")
                .system("be nice")
                .prompt("hello there")
                .temperature(0.2),
        )
        .await
        .unwrap();
    assert_eq!(r.text, "echo: hello there");
    assert_eq!(r.finish_reason, FinishReason::Stop);
    assert_eq!(r.usage.input_tokens, Some(4));
    assert_eq!(r.usage.output_tokens, Some(3));
    assert_eq!(r.usage.total_tokens, Some(7));
    assert_eq!(r.response.model_id.as_deref(), Some("gpt-4o-mini"));

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(req.path, "/v1/chat/completions");
    assert_eq!(req.headers["authorization"], "Bearer sk-test-secret");
    assert_eq!(req.headers["x-team"], "blue");
    assert!(req.headers["user-agent"].starts_with("ditto-llm/"));
    assert_eq!(
        req.body["messages"][0],
        json!({"role": "system", "content": "be nice"})
    );
    assert_eq!(req.body["temperature"], 0.2);
    assert!(req.body.get("stream").is_none());
}

#[tokio::test]
async fn stream_text_events_and_include_usage() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let s = ditto
        .stream_text(TextRequest::new("openai:gpt-4o-mini").prompt("one two three"))
        .await
        .unwrap();
    let events: Vec<StreamEvent> = s.map(|e| e.unwrap()).collect().await;
    let types: Vec<&str> = events.iter().map(StreamEvent::type_name).collect();
    assert_eq!(&types[..3], &["start", "start-step", "text-start"]);
    assert_eq!(
        &types[types.len() - 3..],
        &["text-end", "finish-step", "finish"]
    );
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "echo: one two three");
    let StreamEvent::Finish {
        total_usage,
        finish_reason,
        ..
    } = events.last().unwrap()
    else {
        panic!()
    };
    assert_eq!(*finish_reason, FinishReason::Stop);
    assert_eq!(total_usage.output_tokens, Some(4));
    let body = &server.requests()[0].body;
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
}

#[tokio::test]
async fn collected_stream_equals_generate() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let req = TextRequest::new("openai:gpt-4o-mini").prompt("same answer both ways");
    let direct = ditto.generate_text(req.clone()).await.unwrap();
    let collected = ditto
        .stream_text(req)
        .await
        .unwrap()
        .collect_result()
        .await
        .unwrap();
    assert_eq!(collected.text, direct.text);
    assert_eq!(collected.usage, direct.usage);
    assert_eq!(collected.finish_reason, direct.finish_reason);
}

#[tokio::test]
async fn tool_calls_streamed_and_not() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let tools = vec![Tool::function(
        "get_weather",
        Some("weather".into()),
        json!({"type": "object", "properties": {"city": {"type": "string"}}}),
    )];
    let req = TextRequest::new("openai:gpt-4o")
        .prompt("please call:get_weather {\"city\":\"Paris, France\"}")
        .tools(tools);
    let r = ditto.generate_text(req.clone()).await.unwrap();
    assert_eq!(r.finish_reason, FinishReason::ToolCalls);
    assert_eq!(r.tool_calls.len(), 1);
    assert_eq!(r.tool_calls[0].input, json!({"city": "Paris, France"}));

    let events: Vec<StreamEvent> = ditto
        .stream_text(req)
        .await
        .unwrap()
        .map(|e| e.unwrap())
        .collect()
        .await;
    let deltas = events
        .iter()
        .filter(|e| e.type_name() == "tool-input-delta")
        .count();
    assert!(deltas > 1, "arguments arrive in pieces");
    let call = events
        .iter()
        .find_map(|e| match e {
            StreamEvent::ToolCall(c) => Some(c),
            _ => None,
        })
        .unwrap();
    assert_eq!(call.input, json!({"city": "Paris, France"}));
    let body = &server.requests()[0].body;
    assert_eq!(body["tools"][0]["function"]["name"], "get_weather");
}

#[tokio::test]
async fn embeddings_single_and_many() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let one = ditto
        .embed("openai:text-embedding-3-small", "hello")
        .await
        .unwrap();
    assert_eq!(one.embedding.len(), 8);
    let mut req = EmbedRequest::new(
        "openai:text-embedding-3-small",
        vec!["a".into(), "b".into(), "hello".into()],
    );
    req.dimensions = Some(16);
    let many = ditto.embed_many(req).await.unwrap();
    assert_eq!(many.embeddings.len(), 3);
    assert_eq!(many.embeddings[0].len(), 16);
    assert!(many.usage.input_tokens.is_some());
    assert_eq!(many.usage.output_tokens, None);
    let body = &server.requests()[1].body;
    assert_eq!(body["dimensions"], 16);
    assert_eq!(body["encoding_format"], "float");
}

#[tokio::test]
async fn provider_options_pass_through_and_query_params() {
    let server = mock().await;
    let ditto = ditto_llm::Ditto::builder()
        .provider(
            "groq",
            ditto_llm::ProviderConfig::new()
                .base_url(server.openai_base_url())
                .api_key("gsk")
                .query_param("api-version", "2024 10"),
        )
        .build()
        .unwrap();
    let mut req = TextRequest::new("groq:llama").prompt("hi");
    req.settings
        .provider_options
        .insert("groq", "parallel_tool_calls", json!(false));
    req.settings
        .provider_options
        .insert("openai", "user", json!("u-1"));
    ditto.generate_text(req).await.unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.query.as_deref(), Some("api-version=2024%2010"));
    assert_eq!(r.body["parallel_tool_calls"], false);
    assert_eq!(r.body["user"], "u-1");
}

#[tokio::test]
async fn env_fallback_resolves_unknown_providers_from_base_url_variables() {
    let server = mock().await;
    // Unique names keep parallel tests apart.
    std::env::set_var("DITTOTESTCOMPAT_BASE_URL", server.openai_base_url());
    std::env::set_var("DITTOTESTCOMPAT_API_KEY", "k-env");
    let ditto = ditto_llm::Ditto::from_env().unwrap();
    let r = ditto
        .generate_text(TextRequest::new("dittotestcompat:some-model").prompt("x"))
        .await
        .unwrap();
    assert_eq!(r.text, "echo: x");
    assert_eq!(
        server.requests()[0].headers["authorization"],
        "Bearer k-env"
    );
    let err = ditto
        .generate_text(TextRequest::new("nosuchprovider:m").prompt("x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ditto_llm::ErrorKind::Config);
    assert!(err.message().contains("NOSUCHPROVIDER_BASE_URL"));
}

/// The bindings spawn these futures on a multi-threaded runtime: they must be `Send`.
#[test]
fn client_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let ditto = ditto_llm::Ditto::builder().build().unwrap();
    assert_send(&ditto.generate_text(TextRequest::new("mock:x").prompt("p")));
    assert_send(&ditto.stream_text(TextRequest::new("mock:x").prompt("p")));
    assert_send(&ditto.embed("mock:x", "p"));
    assert_send(&ditto.embed_many(EmbedRequest::new("mock:x", vec!["p".into()])));
}
