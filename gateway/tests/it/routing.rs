//! Router: exact rules before globs, weighted choice between backends.

use crate::common::*;
use ditto_mock_upstream::{MockConfig, MockServer};

#[tokio::test]
async fn exact_beats_glob_and_weights_split_traffic() {
    let second = MockServer::start(MockConfig::default()).await.unwrap();
    let yaml = format!(
        r#"
backends:
  - {{ name: a, base_url: "{{MOCK}}", weight: 3 }}
  - {{ name: b, base_url: "{}" }}
virtual_keys:
  - {{ id: k, token: "${{TEAM_A_KEY}}" }}
router:
  rules:
    - {{ model: "gpt-4o-exact", backends: [{{ backend: b }}] }}
    - {{ model: "gpt-*", backends: [{{ backend: a }}, {{ backend: b, weight: 1 }}] }}
"#,
        second.openai_base_url()
    );
    let env = setup(&yaml).await;
    for _ in 0..5 {
        let r = env
            .post("/v1/chat/completions", KEY, &chat("gpt-4o-exact", "x"))
            .await;
        assert_eq!(r.status(), 200);
    }
    assert_eq!(
        second.requests().len(),
        5,
        "the exact rule wins over the glob"
    );
    assert!(env.mock.requests().is_empty());
    second.clear_requests();
    for _ in 0..200 {
        let r = env
            .post("/v1/chat/completions", KEY, &chat("gpt-4o-mini", "x"))
            .await;
        assert_eq!(r.status(), 200);
    }
    let (a, b) = (env.mock.requests().len(), second.requests().len());
    assert_eq!(a + b, 200);
    // Weights 3:1 → about 150:50; bounds far outside random variation.
    assert!((110..=190).contains(&a), "a got {a}, b got {b}");
    // No rule and no default backend: 404 in OpenAI's shape.
    let r = env
        .post("/v1/chat/completions", KEY, &chat("claude-x", "x"))
        .await;
    assert_eq!(r.status(), 404);
}
