//! Property test: streaming the same text in arbitrary chunks gives the same reasoning and
//! text runs as splitting it whole, and every block is well formed.

use super::*;
use proptest::prelude::*;

const TOKENS: [&str; 9] = [
    "a", "é ", " ", "\n", "<think>", "</think>", "<", "</th", "ink>",
];

/// `(kind, text)` runs of a stream's events, with the block structure checked.
fn runs(events: &[StreamEvent]) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut open: Option<(bool, String)> = None;
    let push = |reasoning: bool, text: &str, out: &mut Vec<(bool, String)>| match out.last_mut() {
        Some((r, t)) if *r == reasoning => t.push_str(text),
        _ => out.push((reasoning, text.to_owned())),
    };
    for e in events {
        match e {
            StreamEvent::TextStart { id, .. } | StreamEvent::ReasoningStart { id, .. } => {
                assert!(open.is_none(), "one block at a time");
                let reasoning = matches!(e, StreamEvent::ReasoningStart { .. });
                open = Some((reasoning, id.clone()));
            }
            StreamEvent::TextDelta { id, text, .. } => {
                assert_eq!(open, Some((false, id.clone())));
                assert!(!text.is_empty());
                push(false, text, &mut out);
            }
            StreamEvent::ReasoningDelta { id, text, .. } => {
                assert_eq!(open, Some((true, id.clone())));
                assert!(!text.is_empty());
                push(true, text, &mut out);
            }
            StreamEvent::TextEnd { id, .. } | StreamEvent::ReasoningEnd { id, .. } => {
                let reasoning = matches!(e, StreamEvent::ReasoningEnd { .. });
                assert_eq!(open.take(), Some((reasoning, id.clone())));
            }
            _ => {}
        }
    }
    assert!(open.is_none(), "every block is closed");
    out
}

proptest! {
    #[test]
    fn chunking_does_not_change_the_split(
        tokens in proptest::collection::vec(0..TOKENS.len(), 0..40),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
        start_with_reasoning in any::<bool>(),
    ) {
        let text: String = tokens.iter().map(|&i| TOKENS[i]).collect();
        let mw = ExtractReasoning::default().start_with_reasoning(start_with_reasoning);

        let whole = mw.split_response(ModelResponse {
            content: vec![ContentPart::text(text.clone())],
            ..Default::default()
        });
        let expected: Vec<(bool, String)> = whole
            .content
            .iter()
            .map(|p| match p {
                ContentPart::Reasoning(r) => (true, r.text.clone()),
                ContentPart::Text(t) => (false, t.text.clone()),
                _ => unreachable!(),
            })
            .collect();

        let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        let mut points: Vec<usize> = cuts.iter().map(|c| boundaries[c.index(boundaries.len())]).collect();
        points.push(text.len());
        points.sort_unstable();
        let mut state = StreamState { config: mw, blocks: HashMap::new() };
        let mut events = Vec::new();
        let mut feed = |ev: StreamEvent, events: &mut Vec<StreamEvent>| {
            events.extend(state.process(ev).into_iter().map(|r| r.unwrap()));
        };
        feed(StreamEvent::TextStart { id: "t".into(), provider_metadata: None }, &mut events);
        let mut at = 0;
        for p in points {
            if p > at {
                feed(StreamEvent::text_delta("t", &text[at..p]), &mut events);
                at = p;
            }
        }
        feed(StreamEvent::TextEnd { id: "t".into(), provider_metadata: None }, &mut events);
        prop_assert_eq!(runs(&events), expected);
    }
}
