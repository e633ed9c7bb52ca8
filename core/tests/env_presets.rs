//! `Ditto::from_env()` — what the examples use — finds every provider through its usual
//! variables and its `<PROVIDER>_BASE_URL`, against the mock upstream. One test in its own
//! binary, because it sets process environment variables.

mod common;

use common::*;
use ditto_llm::{Ditto, TextRequest};

#[tokio::test]
async fn from_env_reaches_every_prefix_through_its_base_url() {
    let server = mock().await;
    let origin = server.base_url();
    let v1 = server.openai_base_url();
    let vars: Vec<(&str, String)> = vec![
        ("OPENAI_API_KEY", "sk-env".into()),
        ("OPENAI_BASE_URL", v1.clone()),
        ("ANTHROPIC_API_KEY", "sk-ant-env".into()),
        ("ANTHROPIC_BASE_URL", origin.clone()),
        ("GEMINI_API_KEY", "g-env".into()),
        ("GOOGLE_BASE_URL", origin.clone()),
        ("GOOGLE_VERTEX_ACCESS_TOKEN", "ya29.env".into()),
        ("GOOGLE_VERTEX_PROJECT", "proj-env".into()),
        ("GOOGLE_VERTEX_BASE_URL", origin.clone()),
        ("COHERE_API_KEY", "co-env".into()),
        ("COHERE_BASE_URL", origin.clone()),
        ("AWS_ACCESS_KEY_ID", "AKIDENV".into()),
        ("AWS_SECRET_ACCESS_KEY", "secret-env".into()),
        ("AWS_REGION", "eu-west-1".into()),
        ("BEDROCK_BASE_URL", origin.clone()),
        ("AZURE_API_KEY", "az-env".into()),
        ("AZURE_BASE_URL", format!("{origin}/openai")),
        ("MISTRAL_API_KEY", "m-env".into()),
        ("MISTRAL_BASE_URL", v1.clone()),
        ("DEEPSEEK_API_KEY", "d-env".into()),
        ("DEEPSEEK_BASE_URL", v1.clone()),
        ("XAI_API_KEY", "x-env".into()),
        ("XAI_BASE_URL", v1.clone()),
        ("GROQ_API_KEY", "gq-env".into()),
        ("GROQ_BASE_URL", v1.clone()),
        ("PERPLEXITY_API_KEY", "p-env".into()),
        ("PERPLEXITY_BASE_URL", v1.clone()),
        ("OPENROUTER_API_KEY", "or-env".into()),
        ("OPENROUTER_BASE_URL", v1.clone()),
        ("TOGETHER_API_KEY", "t-env".into()),
        ("TOGETHER_BASE_URL", v1.clone()),
        ("FIREWORKS_API_KEY", "f-env".into()),
        ("FIREWORKS_BASE_URL", v1.clone()),
        ("OLLAMA_BASE_URL", v1.clone()),
        ("VLLM_BASE_URL", v1.clone()),
        ("LMSTUDIO_BASE_URL", v1.clone()),
    ];
    for (k, v) in &vars {
        // This binary has one test, so nothing else reads the environment meanwhile.
        std::env::set_var(k, v);
    }
    let ditto = Ditto::from_env().unwrap();
    for model in [
        "openai:gpt-4o-mini",
        "openai-responses:gpt-4o-mini",
        "anthropic:claude-sonnet-4-5",
        "google:gemini-2.5-flash",
        "gemini:gemini-2.5-flash",
        "vertex:gemini-2.5-flash",
        "cohere:command-a-03-2025",
        "bedrock:anthropic.claude-3-5-haiku-20241022-v1:0",
        "azure:my-deployment",
        "azure-responses:my-deployment",
        "mistral:mistral-small-latest",
        "deepseek:deepseek-chat",
        "xai:grok-3",
        "groq:llama-3.3-70b-versatile",
        "perplexity:sonar",
        "openrouter:openai/gpt-4o",
        "together:meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "fireworks:accounts/fireworks/models/llama-v3p1-8b-instruct",
        "ollama:llama3.2",
        "vllm:qwen2.5",
        "lmstudio:qwen2.5",
    ] {
        let r = ditto
            .generate_text(TextRequest::new(model).prompt("Hi"))
            .await
            .unwrap_or_else(|e| panic!("{model}: {e}"));
        assert_eq!(r.text, "echo: Hi", "{model}");
    }
    let reqs = server.requests();
    let auth = |i: usize, h: &str| reqs[i].headers.get(h).cloned().unwrap_or_default();
    assert_eq!(auth(2, "x-api-key"), "sk-ant-env");
    assert_eq!(auth(3, "x-goog-api-key"), "g-env");
    assert_eq!(auth(5, "authorization"), "Bearer ya29.env");
    assert!(reqs[5]
        .path
        .contains("/projects/proj-env/locations/us-central1/"));
    assert!(auth(7, "authorization").contains("/eu-west-1/bedrock/aws4_request"));
    assert_eq!(auth(8, "api-key"), "az-env");
    assert_eq!(auth(10, "authorization"), "Bearer m-env");
    assert!(
        !reqs[18].headers.contains_key("authorization"),
        "ollama needs no key"
    );
}
