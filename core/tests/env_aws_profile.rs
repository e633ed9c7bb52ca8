//! Bedrock reads static keys from the shared credentials file for `AWS_PROFILE`. Own binary:
//! it sets process environment variables.

mod common;

use common::*;
use ditto_llm::{Ditto, TextRequest};

#[tokio::test]
async fn bedrock_uses_the_shared_credentials_profile() {
    let server = mock().await;
    let dir = std::env::temp_dir().join(format!("ditto-aws-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("credentials");
    std::fs::write(
        &file,
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n\n[dev]\naws_access_key_id = AKIDFROMFILE\naws_secret_access_key = s\n",
    )
    .unwrap();
    for k in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_BEARER_TOKEN_BEDROCK",
    ] {
        std::env::remove_var(k);
    }
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &file);
    std::env::set_var("AWS_PROFILE", "dev");
    std::env::set_var("BEDROCK_BASE_URL", server.base_url());
    let ditto = Ditto::from_env().unwrap();
    let r = ditto
        .generate_text(TextRequest::new("bedrock:amazon.nova-pro-v1:0").prompt("hi"))
        .await
        .unwrap();
    assert_eq!(r.text, "echo: hi");
    let auth = &server.requests()[0].headers["authorization"];
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDFROMFILE/"),
        "{auth}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
