use super::*;
use crate::middleware::wrap;
use crate::providers::mock::{MockProvider, MockScript};
use crate::types::{StreamEvent, TextRequest};
use futures_util::StreamExt;

fn model() -> Arc<dyn LanguageModel> {
    let script = MockScript {
        text: Some("one two three".into()),
        reasoning: Some("hmm".into()),
        ..Default::default()
    };
    Arc::new(MockProvider::new().with_script("s", script).model("s"))
}

#[tokio::test]
async fn stream_is_built_from_one_generate_call() {
    let m = wrap(model(), vec![Arc::new(SimulateStreaming::new())]);
    let req = TextRequest::new("mock:s").prompt("hi");
    let s = m.stream(&req.to_call_options().unwrap()).await.unwrap();
    let events: Vec<StreamEvent> = s.events.map(|e| e.unwrap()).collect().await;
    let types: Vec<&str> = events.iter().map(StreamEvent::type_name).collect();
    assert_eq!(
        types,
        [
            "reasoning-start",
            "reasoning-delta",
            "reasoning-end",
            "text-start",
            "text-delta",
            "text-end",
            "finish-step"
        ]
    );
    assert!(events.contains(&StreamEvent::text_delta("txt-1", "one two three")));
}

#[tokio::test]
async fn words_per_chunk_splits_deltas() {
    let layer = SimulateStreaming {
        words_per_chunk: Some(1),
    };
    let m = wrap(model(), vec![Arc::new(layer)]);
    let req = TextRequest::new("mock:s").prompt("hi");
    let s = m.stream(&req.to_call_options().unwrap()).await.unwrap();
    let n = s
        .events
        .filter(|e| futures_util::future::ready(e.as_ref().unwrap().type_name() == "text-delta"))
        .count()
        .await;
    assert_eq!(n, 3);
}
