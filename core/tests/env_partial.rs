//! Incomplete provider settings in the environment do not break `Ditto::from_env()`: the
//! provider concerned fails with its configuration error when used. Own binary: it sets
//! process environment variables.

use ditto_llm::{Ditto, ErrorKind, TextRequest};

#[tokio::test]
async fn incomplete_env_fails_only_its_provider() {
    for (k, v) in [
        ("GOOGLE_VERTEX_ACCESS_TOKEN", "ya29.partial"),
        ("AZURE_API_KEY", "az-partial"),
        ("AWS_ACCESS_KEY_ID", "AKIDPARTIAL"),
    ] {
        std::env::set_var(k, v);
    }
    for k in [
        "GOOGLE_VERTEX_PROJECT",
        "GOOGLE_CLOUD_PROJECT",
        "AZURE_BASE_URL",
        "AZURE_RESOURCE_NAME",
        "AZURE_OPENAI_ENDPOINT",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_BEARER_TOKEN_BEDROCK",
    ] {
        std::env::remove_var(k);
    }
    let ditto = Ditto::from_env().expect("stray variables must not fail the client");
    let r = ditto
        .generate_text(TextRequest::new("mock:echo").prompt("still works"))
        .await
        .unwrap();
    assert_eq!(r.text, "echo: still works");
    for (model, needle) in [
        ("vertex:gemini-2.5-flash", "project"),
        ("azure:gpt-4o", "AZURE_RESOURCE_NAME"),
        ("bedrock:amazon.nova-pro-v1:0", "secret_access_key"),
    ] {
        let e = ditto
            .generate_text(TextRequest::new(model).prompt("hi"))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{model}: {e}");
        assert!(e.message().contains(needle), "{model}: {e}");
    }
}
