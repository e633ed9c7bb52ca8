//! Embeddings and model list.

use serde_json::{json, Value};

use crate::common::{client, json_body, post, server};

fn vector(item: &Value) -> Vec<f64> {
    item["embedding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[tokio::test]
async fn embeddings_are_deterministic_and_normalised() {
    let server = server().await;
    let request =
        json!({"model": "text-embedding-3-small", "input": ["hello world", "bye", "hello world"]});
    let first = json_body(post(&server, "/v1/embeddings", &request, &[]).await).await;
    let second = json_body(post(&server, "/v1/embeddings", &request, &[]).await).await;
    assert_eq!(first, second);
    assert_eq!(first["object"], "list");
    assert_eq!(first["model"], "text-embedding-3-small");
    assert_eq!(
        first["usage"],
        json!({"prompt_tokens": 5, "total_tokens": 5})
    );
    let data = first["data"].as_array().unwrap();
    assert_eq!(data.len(), 3);
    for (index, item) in data.iter().enumerate() {
        assert_eq!(item["object"], "embedding");
        assert_eq!(item["index"], index);
        let v = vector(item);
        assert_eq!(v.len(), 8);
        let norm: f64 = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "norm {norm}");
    }
    assert_eq!(vector(&data[0]), vector(&data[2]));
    assert_ne!(vector(&data[0]), vector(&data[1]));
}

#[tokio::test]
async fn embeddings_dimensions_and_string_input() {
    let server = server().await;
    let request = json!({"model": "m", "input": "hi", "dimensions": 32});
    let body = json_body(post(&server, "/v1/embeddings", &request, &[]).await).await;
    assert_eq!(vector(&body["data"][0]).len(), 32);

    let base64 = json!({"model": "m", "input": "hi", "encoding_format": "base64"});
    let body = json_body(post(&server, "/v1/embeddings", &base64, &[]).await).await;
    // 8 floats * 4 bytes = 32 bytes = 44 base64 chars.
    assert_eq!(body["data"][0]["embedding"].as_str().unwrap().len(), 44);

    let bad = json!({"model": "m", "input": "hi", "dimensions": 0});
    let response = post(&server, "/v1/embeddings", &bad, &[]).await;
    assert_eq!(response.status(), 400);
    assert_eq!(json_body(response).await["error"]["param"], "dimensions");
}

#[tokio::test]
async fn models_list() {
    let server = server().await;
    let response = client()
        .get(format!("{}/models", server.openai_base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = json_body(response).await;
    assert_eq!(body["object"], "list");
    let ids: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            assert_eq!(m["object"], "model");
            assert_eq!(m["owned_by"], "ditto-mock");
            assert!(m["created"].is_u64());
            m["id"].as_str().unwrap()
        })
        .collect();
    for id in ["gpt-4o-mini", "text-embedding-3-small", "mock-lorem"] {
        assert!(ids.contains(&id), "missing {id}");
    }
    // Wrong method on a known path.
    let response = post(&server, "/v1/models", &json!({}), &[]).await;
    assert_eq!(response.status(), 405);
}
