use super::*;
use crate::types::{Message, TextRequest, Tool};
use crate::{FinishReason, StreamEvent};
use futures_util::StreamExt;
use serde_json::json;

fn opts(req: TextRequest) -> CallOptions {
    req.to_call_options().unwrap()
}

#[tokio::test]
async fn echoes_the_last_user_message() {
    let m = MockProvider::new().model("echo");
    let r = m
        .generate(&opts(TextRequest::new("mock:echo").prompt("hello world")))
        .await
        .unwrap();
    assert_eq!(r.content[0].as_text(), Some("echo: hello world"));
    assert_eq!(r.finish_reason, FinishReason::Stop);
    assert_eq!(r.usage.input_tokens, Some(2));
    assert_eq!(r.usage.output_tokens, Some(3));
}

#[tokio::test]
async fn max_output_tokens_cuts_with_length() {
    let m = MockProvider::new().model("echo");
    let r = m
        .generate(&opts(
            TextRequest::new("m").prompt("a b c d").max_output_tokens(2),
        ))
        .await
        .unwrap();
    assert_eq!(r.content[0].as_text(), Some("echo: a"));
    assert_eq!(r.finish_reason, FinishReason::Length);
}

#[tokio::test]
async fn calls_a_tool_on_request_and_answers_tool_results() {
    let m = MockProvider::new().model("echo");
    let tools = vec![Tool::function("weather", None, json!({"type": "object"}))];
    let req = TextRequest::new("m")
        .prompt("please call:weather {\"city\":\"Paris\"}")
        .tools(tools.clone());
    let r = m.generate(&opts(req)).await.unwrap();
    let crate::types::ContentPart::ToolCall(call) = &r.content[0] else {
        panic!("{r:?}")
    };
    assert_eq!(call.tool_name, "weather");
    assert_eq!(call.input, json!({"city": "Paris"}));
    assert_eq!(r.finish_reason, FinishReason::ToolCalls);

    let result_msg: Message = serde_json::from_value(json!({"role": "tool", "content": [
        {"type": "tool-result", "tool_call_id": "call_0", "tool_name": "weather", "output": {"type": "text", "value": "sunny"}}
    ]}))
    .unwrap();
    let r = m
        .generate(&opts(
            TextRequest::new("m")
                .messages(vec![Message::user("x"), result_msg])
                .tools(tools),
        ))
        .await
        .unwrap();
    assert_eq!(
        r.content[0].as_text(),
        Some("tool results: weather returned sunny")
    );
}

#[tokio::test]
async fn scripts_and_per_call_overrides() {
    let p = MockProvider::new().with_script(
        "scripted",
        MockScript {
            text: Some("fixed answer".into()),
            ..Default::default()
        },
    );
    let r = p
        .model("scripted")
        .generate(&opts(TextRequest::new("m").prompt("x")))
        .await
        .unwrap();
    assert_eq!(r.content[0].as_text(), Some("fixed answer"));

    let mut req = TextRequest::new("m").prompt("x");
    req.settings.provider_options.insert(
        "mock",
        "error",
        json!({"kind": "rate_limited", "message": "slow down", "retry_after_ms": 1500}),
    );
    let e = p.model("scripted").generate(&opts(req)).await.unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::RateLimited);
    assert_eq!(
        e.retry_after(),
        Some(std::time::Duration::from_millis(1500))
    );

    let mut req = TextRequest::new("m").prompt("x");
    req.settings
        .provider_options
        .insert("mock", "bogus", json!(1));
    let e = p.model("scripted").generate(&opts(req)).await.unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::InvalidRequest);
}

#[tokio::test]
async fn streams_word_by_word_and_reassembles() {
    let m = MockProvider::new().model("echo");
    let mut req = TextRequest::new("m").prompt("one two three");
    req.settings
        .provider_options
        .insert("mock", "reasoning", json!("think first"));
    let s = m.stream(&opts(req)).await.unwrap();
    let events: Vec<StreamEvent> = s.events.map(|e| e.unwrap()).collect().await;
    let types: Vec<&str> = events.iter().map(StreamEvent::type_name).collect();
    assert_eq!(types.first(), Some(&"reasoning-start"));
    assert_eq!(types.last(), Some(&"finish-step"));
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "echo: one two three");
    assert_eq!(types.iter().filter(|t| **t == "text-delta").count(), 4);
}

#[tokio::test]
async fn embeddings_are_deterministic_unit_vectors() {
    let m = MockProvider::new().model("embed");
    let call = crate::EmbeddingCall {
        values: vec!["a".into(), "b".into(), "a".into()],
        dimensions: Some(16),
        ..Default::default()
    };
    let r = EmbeddingModel::embed(&m, &call).await.unwrap();
    assert_eq!(r.embeddings.len(), 3);
    assert_eq!(r.embeddings[0], r.embeddings[2]);
    assert_ne!(r.embeddings[0], r.embeddings[1]);
    let norm: f32 = r.embeddings[1].iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-4);
    assert_eq!(r.embeddings[0].len(), 16);
}

#[test]
fn split_words_keeps_whitespace() {
    let parts = crate::stream::split_words("a  b\nc ", 1);
    assert_eq!(parts.concat(), "a  b\nc ");
    assert_eq!(parts, vec!["a  ", "b\n", "c "]);
    assert_eq!(crate::stream::split_words("a b c", 2), vec!["a b ", "c"]);
}
