use super::*;
use crate::middleware::test_models::{collect, text_events, text_response, Reply, Scripted};
use crate::middleware::wrap;

fn reasoning_of(r: &ModelResponse) -> Vec<(&'static str, String)> {
    r.content
        .iter()
        .map(|p| match p {
            ContentPart::Text(t) => ("text", t.text.clone()),
            ContentPart::Reasoning(r) => ("reasoning", r.text.clone()),
            _ => ("other", String::new()),
        })
        .collect()
}

#[test]
fn generate_splits_tags_in_order_and_trims_after_close() {
    let mw = ExtractReasoning::default();
    let r = mw.split_response(text_response(
        "<think>plan A</think>\n\nAnswer. <think>check</think> Done",
    ));
    assert_eq!(
        reasoning_of(&r),
        [
            ("reasoning", "plan A".into()),
            ("text", "Answer. ".into()),
            ("reasoning", "check".into()),
            ("text", "Done".into()),
        ]
    );
}

#[test]
fn text_without_tags_is_unchanged_and_custom_tags_work() {
    let r = ExtractReasoning::default().split_response(text_response("a < b <thin"));
    assert_eq!(reasoning_of(&r), [("text", "a < b <thin".into())]);
    let r = ExtractReasoning::new("reason").split_response(text_response("<reason>x</reason>y"));
    assert_eq!(
        reasoning_of(&r),
        [("reasoning", "x".into()), ("text", "y".into())]
    );
}

#[test]
fn start_with_reasoning_treats_leading_text_as_reasoning() {
    let mw = ExtractReasoning::default().start_with_reasoning(true);
    let r = mw.split_response(text_response("thinking...</think>answer"));
    assert_eq!(
        reasoning_of(&r),
        [
            ("reasoning", "thinking...".into()),
            ("text", "answer".into())
        ]
    );
    let r = mw.split_response(text_response("never closed"));
    assert_eq!(reasoning_of(&r), [("reasoning", "never closed".into())]);
}

#[test]
fn partial_suffix_finds_held_back_prefixes() {
    assert_eq!(partial_suffix("abc<th", "<think>"), 3);
    assert_eq!(partial_suffix("abc<", "<think>"), 1);
    assert_eq!(partial_suffix("abc", "<think>"), 0);
    assert_eq!(partial_suffix("é<", "</é>"), 1);
}

async fn stream_of(mw: ExtractReasoning, deltas: &[&str]) -> Vec<StreamEvent> {
    let events = text_events("t", deltas).into_iter().map(Ok).collect();
    let model = wrap(
        Scripted::new("m", vec![Reply::Events(events)]),
        vec![Arc::new(mw)],
    );
    let s = model.stream(&CallOptions::default()).await.unwrap();
    collect(s).await.into_iter().map(Result::unwrap).collect()
}

fn start(kind: &str, id: &str) -> StreamEvent {
    match kind {
        "reasoning" => StreamEvent::ReasoningStart {
            id: id.into(),
            provider_metadata: None,
        },
        _ => StreamEvent::TextStart {
            id: id.into(),
            provider_metadata: None,
        },
    }
}

fn end(kind: &str, id: &str) -> StreamEvent {
    match kind {
        "reasoning" => StreamEvent::ReasoningEnd {
            id: id.into(),
            provider_metadata: None,
        },
        _ => StreamEvent::TextEnd {
            id: id.into(),
            provider_metadata: None,
        },
    }
}

fn rdelta(id: &str, text: &str) -> StreamEvent {
    StreamEvent::ReasoningDelta {
        id: id.into(),
        text: text.into(),
        provider_metadata: None,
    }
}

#[tokio::test]
async fn stream_handles_tags_split_across_chunks() {
    let events = stream_of(
        ExtractReasoning::default(),
        &[
            "<th",
            "ink>I should",
            " say hi</th",
            "ink>",
            "\n\n",
            "Hello",
            " there",
        ],
    )
    .await;
    let r = "t-reasoning-1";
    assert_eq!(
        events,
        vec![
            start("reasoning", r),
            rdelta(r, "I should"),
            rdelta(r, " say hi"),
            end("reasoning", r),
            start("text", "t"),
            StreamEvent::text_delta("t", "Hello"),
            StreamEvent::text_delta("t", " there"),
            end("text", "t"),
            crate::middleware::test_models::finish_step(),
        ]
    );
}

#[tokio::test]
async fn stream_text_before_and_between_reasoning_gets_new_ids() {
    let events = stream_of(
        ExtractReasoning::default(),
        &["Hi <", "think>a</think>b<think>c</think>"],
    )
    .await;
    let types: Vec<String> = events
        .iter()
        .map(|e| {
            let id = match e {
                StreamEvent::TextStart { id, .. } | StreamEvent::ReasoningStart { id, .. } => {
                    id.as_str()
                }
                _ => "",
            };
            format!("{}{}", e.type_name(), if id.is_empty() { "" } else { ":" }) + id
        })
        .collect();
    assert_eq!(
        types,
        [
            "text-start:t",
            "text-delta",
            "text-end",
            "reasoning-start:t-reasoning-1",
            "reasoning-delta",
            "reasoning-end",
            "text-start:t-2",
            "text-delta",
            "text-end",
            "reasoning-start:t-reasoning-2",
            "reasoning-delta",
            "reasoning-end",
            "finish-step"
        ]
    );
}

#[tokio::test]
async fn stream_flushes_a_held_back_partial_tag_at_block_end() {
    let events = stream_of(ExtractReasoning::default(), &["a <thi"]).await;
    assert_eq!(events[1], StreamEvent::text_delta("t", "a "));
    assert_eq!(events[2], StreamEvent::text_delta("t", "<thi"));
    let events = stream_of(
        ExtractReasoning::default().start_with_reasoning(true),
        &["x", "y</think>z"],
    )
    .await;
    assert_eq!(events[0], start("reasoning", "t-reasoning-1"));
    assert_eq!(events[4], start("text", "t"));
}

#[tokio::test]
async fn generate_through_wrap() {
    let model = wrap(
        Scripted::new(
            "m",
            vec![Reply::Response(text_response("<think>r</think>t"))],
        ),
        vec![Arc::new(ExtractReasoning::default())],
    );
    let r = model.generate(&CallOptions::default()).await.unwrap();
    assert_eq!(
        reasoning_of(&r),
        [("reasoning", "r".into()), ("text", "t".into())]
    );
}
