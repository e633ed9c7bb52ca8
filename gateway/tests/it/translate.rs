//! `provider:` backends through the core: chat (stream or not, tools), embeddings, models.

use crate::common::*;
use serde_json::{json, Value};

const TRANSLATED: &str = r#"
backends:
  - name: builtin
    provider: mock
    models: [mock]
  - name: oai
    provider: openai-compatible
    base_url: {MOCK}
    api_key: "${UPSTREAM_KEY}"
    model_map: { smart: gpt-4o-mini }
    models: [smart]
virtual_keys:
  - { id: k, token: "${TEAM_A_KEY}", budget: { total_tokens: 100000 } }
router:
  rules:
    - { model: mock, backends: [{ backend: builtin }] }
    - { model: smart, backends: [{ backend: oai }] }
  default_backends: [{ backend: builtin }]
"#;

fn weather_tool() -> Value {
    json!([{"type": "function", "function": {"name": "get_weather", "description": "Weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}])
}

#[tokio::test]
async fn chat_through_a_native_adapter() {
    let env = setup(TRANSLATED).await;
    let r = env
        .post(
            "/v1/chat/completions",
            KEY,
            &chat("smart", "translated hello"),
        )
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["model"], "smart");
    assert_eq!(
        v["choices"][0]["message"]["content"],
        "echo: translated hello"
    );
    assert_eq!(v["choices"][0]["finish_reason"], "stop");
    let rec = &env.mock.requests()[0];
    assert_eq!(rec.body["model"], "gpt-4o-mini");
    assert_eq!(
        rec.headers["authorization"],
        format!("Bearer {UPSTREAM_KEY}")
    );
    let total = v["usage"]["total_tokens"].as_u64().unwrap();
    assert_eq!(env.spent("k").await, (total, 0));
}

#[tokio::test]
async fn tools_non_stream_and_stream() {
    let env = setup(TRANSLATED).await;
    let mut body = chat("smart", "call:get_weather {\"city\":\"Paris\"}");
    body["tools"] = weather_tool();
    let v: Value = env
        .post("/v1/chat/completions", KEY, &body)
        .await
        .json()
        .await
        .unwrap();
    let call = &v["choices"][0]["message"]["tool_calls"][0];
    assert_eq!(call["function"]["name"], "get_weather");
    let args: Value =
        serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(args, json!({"city": "Paris"}));
    assert_eq!(v["choices"][0]["finish_reason"], "tool_calls");

    body["stream"] = json!(true);
    body["stream_options"] = json!({"include_usage": true});
    let text = env
        .post("/v1/chat/completions", KEY, &body)
        .await
        .text()
        .await
        .unwrap();
    let data = sse_data(&text);
    assert_eq!(data.last().unwrap(), "[DONE]");
    let chunks: Vec<Value> = data[..data.len() - 1]
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    let mut name = String::new();
    let mut args = String::new();
    for c in &chunks {
        if let Some(tc) = c["choices"][0]["delta"]["tool_calls"].as_array() {
            name.push_str(tc[0]["function"]["name"].as_str().unwrap_or(""));
            args.push_str(tc[0]["function"]["arguments"].as_str().unwrap_or(""));
        }
    }
    assert_eq!(name, "get_weather");
    assert_eq!(
        serde_json::from_str::<Value>(&args).unwrap(),
        json!({"city": "Paris"})
    );
    assert!(chunks
        .iter()
        .any(|c| c["choices"][0]["finish_reason"] == "tool_calls"));
    assert!(
        chunks.last().unwrap()["usage"]["total_tokens"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[tokio::test]
async fn builtin_mock_streams_text() {
    let env = setup(TRANSLATED).await;
    let mut body = chat("mock", "stream me");
    body["stream"] = json!(true);
    let text = env
        .post("/v1/chat/completions", KEY, &body)
        .await
        .text()
        .await
        .unwrap();
    let data = sse_data(&text);
    let content: String = data[..data.len() - 1]
        .iter()
        .map(|d| serde_json::from_str::<Value>(d).unwrap())
        .filter_map(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(content, "echo: stream me");
    assert!(!text.contains("\"usage\""), "no usage chunk unless asked");
    let (spent, reserved) = env.spent("k").await;
    assert!(spent > 0);
    assert_eq!(reserved, 0);
}

#[tokio::test]
async fn embeddings_float_and_base64() {
    let env = setup(TRANSLATED).await;
    let v: Value = env
        .post(
            "/v1/embeddings",
            KEY,
            &json!({"model": "smart", "input": ["a", "b"], "dimensions": 16}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["data"].as_array().unwrap().len(), 2);
    assert_eq!(v["data"][0]["embedding"].as_array().unwrap().len(), 16);
    let v: Value = env
        .post(
            "/v1/embeddings",
            KEY,
            &json!({"model": "smart", "input": "a", "encoding_format": "base64"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(v["data"][0]["embedding"].is_string());
    let r = env
        .post(
            "/v1/embeddings",
            KEY,
            &json!({"model": "smart", "input": [[1, 2]]}),
        )
        .await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn models_lists_configured_names() {
    let env = setup(TRANSLATED).await;
    let r = env
        .http
        .get(env.url("/v1/models"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let ids: Vec<&str> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["mock", "smart"]);
}

#[tokio::test]
async fn bad_chat_requests_name_the_field() {
    let env = setup(TRANSLATED).await;
    let r = env
        .post(
            "/v1/chat/completions",
            KEY,
            &json!({"model": "mock", "messages": [{"role": "wizard", "content": "x"}]}),
        )
        .await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("messages[0].role"),
        "{v}"
    );
    let r = env.post_raw("/v1/chat/completions", KEY, "{not json").await;
    assert_eq!(r.status(), 400);
    assert_eq!(env.spent("k").await, (0, 0));
}
