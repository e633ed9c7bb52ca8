//! Native providers over real sockets against `ditto-mock-upstream`, part 2: OpenAI Responses,
//! Cohere, Azure, the Chat Completions presets, Bedrock, and OpenAI images and audio.
//! Part 1 is `native_http.rs`.

mod common;

use common::native::*;
use common::*;
use ditto_llm::{
    ContentPart, ErrorKind, FinishReason, Message, Role, TextRequest, Tool, ToolResult,
    ToolResultOutput,
};
use serde_json::json;

#[tokio::test]
async fn openai_responses_echo_and_stream() {
    let reqs = echo_round("openai-responses:gpt-4.1-mini").await;
    assert_eq!(reqs[0].path, "/v1/responses");
    assert_eq!(reqs[0].headers["authorization"], "Bearer sk-test-secret");
    assert_eq!(
        reqs[0].body["input"][0],
        json!({"role": "system", "content": "be nice"})
    );
    assert_eq!(reqs[1].body["stream"], true);
}

#[tokio::test]
async fn openai_api_option_selects_responses() {
    let server = mock().await;
    let ditto = client(&server, &["openai"], &[]);
    let mut req = TextRequest::new("openai:gpt-4.1-mini").prompt("via option");
    req.settings
        .provider_options
        .insert("openai", "api", json!("responses"));
    req.settings
        .provider_options
        .insert("openai", "previous_response_id", json!("resp_1"));
    req.settings
        .provider_options
        .insert("openai", "store", json!(false));
    let r = ditto.generate_text(req).await.unwrap();
    assert_eq!(r.text, "echo: via option");
    let body = &server.requests()[0].body;
    assert_eq!(server.requests()[0].path, "/v1/responses");
    assert_eq!(body["previous_response_id"], "resp_1");
    assert_eq!(body["store"], false);
    assert!(body.get("api").is_none());
    assert_eq!(
        r.provider_metadata.unwrap()["openai"]["response_id"],
        "resp_mock_1"
    );
}

#[tokio::test]
async fn openai_responses_tool_round_trip() {
    for stream in [false, true] {
        let body = tool_round_trip("openai-responses:gpt-4.1-mini", stream).await;
        let id = body["__tool_call_id"].as_str().unwrap();
        let input = body["input"].as_array().unwrap();
        assert_eq!(input.len(), 3, "{body}");
        assert_eq!(input[1]["type"], "function_call");
        assert_eq!(input[1]["call_id"], id);
        assert_eq!(input[1]["arguments"], "{\"city\":\"Paris\"}");
        assert!(input[1]["id"].as_str().unwrap().starts_with("fc_mock_"));
        assert_eq!(
            input[2],
            json!({"type": "function_call_output", "call_id": id, "output": "{\"temp_c\":21}"})
        );
    }
}

#[tokio::test]
async fn openai_responses_encrypted_reasoning_round_trip() {
    let server = mock().await;
    let ditto = client(
        &server,
        &["openai-responses"],
        &[(
            "x-mock-fixture",
            "openai/openai-reasoning-encrypted-content.1.chunks.txt",
        )],
    );
    let r = ditto
        .stream_text(
            TextRequest::new("openai-responses:gpt-5.1-codex-max")
                .prompt("12+7, *3, *10")
                .tools(vec![Tool::function(
                    "calculator",
                    None,
                    json!({"type": "object"}),
                )]),
        )
        .await
        .unwrap()
        .collect_result()
        .await
        .unwrap();
    assert_eq!(r.finish_reason, FinishReason::ToolCalls);
    let reasoning = r.reasoning_text.clone().unwrap();
    assert!(reasoning.starts_with("**Calculating"), "{reasoning}");
    let call = r.tool_calls[0].clone();
    let ditto = client(&server, &["openai-responses"], &[]);
    let mut req = TextRequest::new("openai-responses:gpt-5.1-codex-max")
        .messages(vec![
            Message::user("12+7, *3, *10"),
            Message::with_parts(Role::Assistant, r.content.clone()),
            Message::with_parts(
                Role::Tool,
                vec![ContentPart::ToolResult(ToolResult {
                    tool_call_id: call.tool_call_id.clone(),
                    tool_name: call.tool_name.clone(),
                    output: ToolResultOutput::Json(json!(19)),
                    provider_options: Default::default(),
                })],
            ),
        ])
        .tools(vec![Tool::function(
            "calculator",
            None,
            json!({"type": "object"}),
        )]);
    req.settings
        .provider_options
        .insert("openai", "store", json!(false));
    ditto.generate_text(req).await.unwrap();
    let body = &server.requests()[1].body;
    let input = body["input"].as_array().unwrap();
    assert_eq!(input[0]["role"], "user");
    assert_eq!(input[1]["type"], "reasoning");
    assert!(input[1]["encrypted_content"]
        .as_str()
        .unwrap()
        .starts_with("gAAAAABpPDIV"));
    assert_eq!(
        input[1]["id"],
        "rs_01830d662ab3856501693c321405c88190be3ab04d5782d5f9"
    );
    assert!(input[1]["summary"][0]["text"]
        .as_str()
        .unwrap()
        .starts_with("**Calculating"));
    assert_eq!(input[2]["type"], "function_call");
    assert_eq!(input[3]["type"], "function_call_output");
    assert_eq!(body["include"], json!(["reasoning.encrypted_content"]));
}

#[tokio::test]
async fn cohere_echo_and_stream() {
    let reqs = echo_round("cohere:command-a-03-2025").await;
    assert_eq!(reqs[0].path, "/v2/chat");
    assert_eq!(reqs[0].headers["authorization"], "Bearer sk-test-secret");
    assert_eq!(
        reqs[0].body["messages"][0],
        json!({"role": "system", "content": "be nice"})
    );
}

#[tokio::test]
async fn cohere_tool_round_trip() {
    for stream in [false, true] {
        let body = tool_round_trip("cohere:command-a-03-2025", stream).await;
        let id = body["__tool_call_id"].as_str().unwrap();
        let msgs = body["messages"].as_array().unwrap();
        assert_eq!(msgs.len(), 3, "{body}");
        assert_eq!(msgs[1]["role"], "assistant");
        assert_eq!(msgs[1]["tool_calls"][0]["id"], id);
        assert_eq!(
            msgs[1]["tool_calls"][0]["function"],
            json!({"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"})
        );
        // Only the call was kept in the history here, so there is no plan to send back.
        assert!(msgs[1].get("tool_plan").is_none());
        assert_eq!(
            msgs[2],
            json!({"role": "tool", "tool_call_id": id, "content": "{\"temp_c\":21}"})
        );
    }
}

#[tokio::test]
async fn cohere_embeddings_and_rerank() {
    let server = mock().await;
    let ditto = client(&server, &["cohere"], &[]);
    let r = ditto
        .embed_many(ditto_llm::EmbedRequest::new(
            "cohere:embed-v4.0",
            vec!["a".into(), "b".into()],
        ))
        .await
        .unwrap();
    assert_eq!(r.embeddings.len(), 2);
    assert_eq!(r.usage.input_tokens, Some(2));
    let req = &server.requests()[0];
    assert_eq!(req.path, "/v2/embed");
    assert_eq!(req.body["input_type"], "search_document");
    let mut rr = ditto_llm::RerankRequest::new(
        "cohere:rerank-v3.5",
        "red apple",
        vec![
            "green pear".into(),
            "red apple pie".into(),
            "red car".into(),
        ],
    );
    rr.top_n = Some(2);
    let ranked = ditto.rerank(rr).await.unwrap();
    let order: Vec<usize> = ranked.results.iter().map(|d| d.index).collect();
    assert_eq!(order, [1, 2]);
    assert_eq!(ranked.results[0].document, "red apple pie");
    assert_eq!(server.requests()[1].body["top_n"], 2);
    let e = ditto
        .rerank(ditto_llm::RerankRequest::new(
            "mock:x",
            "q",
            vec!["d".into()],
        ))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn azure_deployment_urls_api_version_and_api_key() {
    let reqs = echo_round("azure:my-gpt4o").await;
    let r = &reqs[0];
    assert_eq!(r.path, "/openai/deployments/my-gpt4o/chat/completions");
    assert_eq!(r.query.as_deref(), Some("api-version=2024-10-21"));
    assert_eq!(r.headers["api-key"], "sk-test-secret");
    assert!(!r.headers.contains_key("authorization"));
    let body = tool_round_trip("azure:my-gpt4o", true).await;
    assert_eq!(
        body["messages"][1]["tool_calls"][0]["function"]["name"],
        "get_weather"
    );
    // Responses on Azure: /openai/responses with the same api-version and key.
    let server = mock().await;
    let ditto = client(&server, &["azure"], &[]);
    let r = ditto
        .generate_text(TextRequest::new("azure-responses:my-gpt5").prompt("resp"))
        .await
        .unwrap();
    assert_eq!(r.text, "echo: resp");
    let req = &server.requests()[0];
    assert_eq!(req.path, "/openai/responses");
    assert_eq!(req.query.as_deref(), Some("api-version=2024-10-21"));
    assert_eq!(req.headers["api-key"], "sk-test-secret");
}

#[tokio::test]
async fn azure_v1_base_url_has_no_deployment_path() {
    let server = mock().await;
    let ditto = ditto_llm::Ditto::builder()
        .provider(
            "azure",
            ditto_llm::ProviderConfig::new()
                .kind(ditto_llm::ProviderKind::Azure)
                .base_url(format!("{}/openai/v1", server.base_url()))
                .api_key("k"),
        )
        .build()
        .unwrap();
    let r = ditto
        .generate_text(TextRequest::new("azure:gpt-4o").prompt("v1"))
        .await
        .unwrap();
    assert_eq!(r.text, "echo: v1");
    let req = &server.requests()[0];
    assert_eq!(req.path, "/openai/v1/chat/completions");
    assert_eq!(req.query, None);
    assert_eq!(req.body["model"], "gpt-4o");
}

#[tokio::test]
async fn compatible_presets_apply_their_quirks() {
    let server = mock().await;
    let ditto = client(&server, &["mistral", "perplexity", "deepseek"], &[]);
    let mut req = TextRequest::new("mistral:mistral-small-latest")
        .prompt("call:get_weather {}")
        .tools(vec![weather()]);
    req.settings.seed = Some(7);
    req.tool_choice = Some(ditto_llm::ToolChoice::REQUIRED);
    ditto
        .stream_text(req)
        .await
        .unwrap()
        .collect_result()
        .await
        .unwrap();
    let body = &server.requests()[0].body;
    assert_eq!(body["random_seed"], 7);
    assert!(body.get("seed").is_none());
    assert_eq!(body["tool_choice"], "any");
    assert!(body.get("stream_options").is_none());

    let r = ditto
        .generate_text(
            TextRequest::new("perplexity:sonar")
                .prompt("hi")
                .tools(vec![weather()]),
        )
        .await
        .unwrap();
    assert!(server.requests()[1].body.get("tools").is_none());
    assert!(
        matches!(&r.warnings[0], ditto_llm::Warning::UnsupportedTool { tool_name, .. } if tool_name == "get_weather")
    );

    let mut req = TextRequest::new("deepseek:deepseek-chat").prompt("json please");
    req.settings.response_format = Some(ditto_llm::ResponseFormat::JsonSchema {
        schema: json!({"type": "object"}),
        name: None,
        description: None,
        strict: None,
    });
    let r = ditto.generate_text(req).await.unwrap();
    assert_eq!(
        server.requests()[2].body["response_format"],
        json!({"type": "json_object"})
    );
    assert!(matches!(
        &r.warnings[0],
        ditto_llm::Warning::Compatibility { .. }
    ));
}

#[test]
fn presets_know_default_base_urls_and_env_names() {
    use ditto_llm::providers::presets::{preset, PRESETS};
    for name in [
        "openai",
        "anthropic",
        "google",
        "vertex",
        "cohere",
        "azure",
        "mistral",
        "deepseek",
        "xai",
        "groq",
        "perplexity",
        "openrouter",
        "together",
        "fireworks",
        "ollama",
        "vllm",
        "lmstudio",
    ] {
        assert!(preset(name).is_some(), "{name}");
    }
    assert_eq!(
        preset("groq").unwrap().default_base_url,
        Some("https://api.groq.com/openai/v1")
    );
    assert_eq!(
        preset("anthropic").unwrap().base_url_env,
        ["ANTHROPIC_BASE_URL"]
    );
    assert!(!preset("ollama").unwrap().key_required);
    let mut names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), PRESETS.len(), "duplicate preset names");
}

#[tokio::test]
async fn bedrock_signs_requests_and_decodes_event_streams() {
    let model = "bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0";
    let reqs = echo_round(model).await;
    let r = &reqs[0];
    assert_eq!(
        r.path,
        "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse"
    );
    let auth = &r.headers["authorization"];
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
        "{auth}"
    );
    assert!(auth.contains("/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature="));
    assert!(r.headers.contains_key("x-amz-date"));
    assert_eq!(r.body["system"], json!([{"text": "be nice"}]));
    assert_eq!(
        reqs[1].path,
        "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream"
    );
}

#[tokio::test]
async fn bedrock_tool_round_trip() {
    for stream in [false, true] {
        let body = tool_round_trip("bedrock:anthropic.claude-3-5-haiku", stream).await;
        let id = body["__tool_call_id"].as_str().unwrap();
        let msgs = body["messages"].as_array().unwrap();
        assert_eq!(msgs.len(), 3, "{body}");
        assert_eq!(
            msgs[1]["content"][0],
            json!({"toolUse": {"toolUseId": id, "name": "get_weather", "input": {"city": "Paris"}}})
        );
        assert_eq!(
            msgs[2]["content"][0],
            json!({"toolResult": {"toolUseId": id, "content": [{"json": {"temp_c": 21}}]}})
        );
        assert_eq!(
            body["toolConfig"]["tools"][0]["toolSpec"]["name"],
            "get_weather"
        );
    }
}

#[tokio::test]
async fn bedrock_errors_embeddings_and_bearer_keys() {
    let server = mock().await;
    let ditto = client_with(&server, &["bedrock"], &[("x-mock-status", "429")], |b| {
        b.max_retries(0)
    });
    let e = ditto
        .generate_text(TextRequest::new("bedrock:m").prompt("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.code(), Some("ThrottlingException"));

    let ditto = client(&server, &["bedrock"], &[]);
    let r = ditto
        .embed_many(ditto_llm::EmbedRequest::new(
            "bedrock:amazon.titan-embed-text-v2:0",
            vec!["a".into(), "b".into()],
        ))
        .await
        .unwrap();
    assert_eq!(r.embeddings.len(), 2);
    assert_eq!(r.usage.input_tokens, Some(2));
    let r = ditto
        .embed_many(ditto_llm::EmbedRequest::new(
            "bedrock:cohere.embed-english-v3",
            vec!["a".into(), "b".into()],
        ))
        .await
        .unwrap();
    assert_eq!(r.embeddings.len(), 2);

    server.clear_requests();
    let ditto = ditto_llm::Ditto::builder()
        .provider(
            "bedrock",
            ditto_llm::ProviderConfig::new()
                .kind(ditto_llm::ProviderKind::Bedrock)
                .base_url(server.base_url())
                .api_key("bedrock-api-key"),
        )
        .build()
        .unwrap();
    ditto
        .generate_text(TextRequest::new("bedrock:m").prompt("hi"))
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].headers["authorization"],
        "Bearer bedrock-api-key"
    );
    let err = ditto_llm::Ditto::builder()
        .provider(
            "bedrock",
            ditto_llm::ProviderConfig::new().kind(ditto_llm::ProviderKind::Bedrock),
        )
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn openai_images_transcription_and_speech() {
    let server = mock().await;
    let ditto = client(&server, &["openai", "anthropic"], &[]);
    let r = ditto
        .generate_image(ditto_llm::ImageRequest {
            model: "openai:dall-e-3".into(),
            prompt: "a red fox".into(),
            n: Some(2),
            size: Some("1024x1024".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(r.images.len(), 2);
    assert_eq!(r.images[0].media_type, "image/png");
    assert_eq!(
        r.images[0].revised_prompt.as_deref(),
        Some("mock: a red fox")
    );
    let body = &server.requests()[0].body;
    assert_eq!(server.requests()[0].path, "/v1/images/generations");
    assert_eq!(body["response_format"], "b64_json");
    assert_eq!(body["size"], "1024x1024");

    let t = ditto
        .transcribe(ditto_llm::TranscriptionRequest {
            model: "openai:whisper-1".into(),
            audio: ditto_llm::DataSource::Base64("AAECAwQF".into()),
            media_type: "audio/mpeg".into(),
            language: Some("en".into()),
            prompt: None,
            provider_options: Default::default(),
            headers: Default::default(),
            max_retries: None,
        })
        .await
        .unwrap();
    assert_eq!(t.text, "mock transcript of 6 bytes");
    assert_eq!(t.segments.len(), 1);
    let rec = &server.requests()[1];
    assert!(rec.headers["content-type"].starts_with("multipart/form-data; boundary=ditto-"));
    let raw = rec.body.as_str().unwrap();
    assert!(raw.contains("name=\"language\"\r\n\r\nen\r\n"));
    assert!(raw.contains("filename=\"audio.mp3\""));

    let s = ditto
        .generate_speech(ditto_llm::SpeechRequest {
            model: "openai:gpt-4o-mini-tts".into(),
            text: "hello".into(),
            voice: Some("nova".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(s.media_type, "audio/mpeg");
    assert_eq!(s.audio_base64, "SUQzaGVsbG8=");
    assert_eq!(server.requests()[2].body["voice"], "nova");

    let e = ditto
        .generate_image(ditto_llm::ImageRequest {
            model: "anthropic:claude".into(),
            prompt: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn chat_completions_family_tool_round_trips() {
    // Every OpenAI-compatible preset with tools, plus Vertex: turn 2 carries the call and its
    // result in the provider's own shape.
    for model in [
        "openai:gpt-4o-mini",
        "mistral:mistral-large-latest",
        "deepseek:deepseek-chat",
        "xai:grok-3",
        "groq:llama-3.3-70b-versatile",
        "openrouter:openai/gpt-4o",
        "together:meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "fireworks:accounts/fireworks/models/llama-v3p1-8b-instruct",
        "ollama:llama3.2",
        "vllm:qwen2.5",
        "lmstudio:qwen2.5",
    ] {
        for stream in [false, true] {
            let body = tool_round_trip(model, stream).await;
            let id = body["__tool_call_id"].as_str().unwrap();
            let msgs = body["messages"].as_array().unwrap();
            assert_eq!(msgs.len(), 3, "{model}: {body}");
            assert_eq!(msgs[1]["tool_calls"][0]["id"], id, "{model}");
            assert_eq!(
                msgs[1]["tool_calls"][0]["function"]["arguments"], "{\"city\":\"Paris\"}",
                "{model}"
            );
            assert_eq!(
                msgs[2],
                json!({"role": "tool", "tool_call_id": id, "content": "{\"temp_c\":21}"}),
                "{model}"
            );
        }
    }
    let body = tool_round_trip("vertex:gemini-2.5-flash", true).await;
    assert_eq!(
        body["contents"][2]["parts"][0]["functionResponse"]["name"],
        "get_weather"
    );
}
