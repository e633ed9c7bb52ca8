use super::*;
use crate::middleware::test_models::finish_step;
use crate::object::test_text::pieces_at;
use serde_json::json;

#[test]
fn events_serialize_with_kebab_case_tags() {
    let cases = [
        (
            ObjectStreamEvent::PartialObject {
                object: json!({"a": 1}),
            },
            json!({"type": "partial-object", "object": {"a": 1}}),
        ),
        (
            ObjectStreamEvent::Element {
                index: 2,
                element: json!("x"),
            },
            json!({"type": "element", "index": 2, "element": "x"}),
        ),
        (
            ObjectStreamEvent::TextDelta { text: "{".into() },
            json!({"type": "text-delta", "text": "{"}),
        ),
    ];
    for (event, expected) in cases {
        assert_eq!(serde_json::to_value(&event).unwrap(), expected);
        let back: ObjectStreamEvent = serde_json::from_value(expected).unwrap();
        assert_eq!(back, event);
    }
    let finish = ObjectStreamEvent::Finish {
        object: json!([]),
        finish_reason: FinishReason::Stop,
        raw_finish_reason: Some("stop".into()),
        usage: Usage::new(1, 2),
        warnings: vec![],
        response: ResponseMetadata::default(),
        provider_metadata: None,
    };
    let v = serde_json::to_value(&finish).unwrap();
    assert_eq!(v["type"], "finish");
    assert_eq!(v["finish_reason"], "stop");
    assert_eq!(v["usage"]["total_tokens"], 3);
    assert_eq!(
        serde_json::from_value::<ObjectStreamEvent>(v).unwrap(),
        finish
    );
}

#[test]
fn json_starts_after_whitespace_or_a_fence_line() {
    assert_eq!(json_start(""), None);
    assert_eq!(json_start("  \n"), None);
    assert_eq!(json_start("  {"), Some(2));
    assert_eq!(json_start("`"), None);
    assert_eq!(json_start("``"), None);
    assert_eq!(json_start("```json"), None);
    assert_eq!(json_start("```json\n{"), Some(8));
    assert_eq!(json_start("\n```\n["), Some(5));
    assert_eq!(
        json_start("`x"),
        Some(0),
        "not a fence: the parser will reject it"
    );
}

/// A model that streams fixed text pieces.
#[derive(Debug)]
struct Pieces(Vec<String>);

#[async_trait::async_trait]
impl LanguageModel for Pieces {
    fn provider(&self) -> &str {
        "test"
    }
    fn model_id(&self) -> &str {
        "pieces"
    }
    async fn generate(&self, _: &crate::types::CallOptions) -> Result<crate::types::ModelResponse> {
        Err(Error::internal("streaming only"))
    }
    async fn stream(&self, _: &crate::types::CallOptions) -> Result<crate::model::ModelStream> {
        let mut events: Vec<Result<StreamEvent>> = self
            .0
            .iter()
            .map(|p| Ok(StreamEvent::text_delta("t", p.clone())))
            .collect();
        events.push(Ok(finish_step()));
        Ok(crate::model::ModelStream {
            warnings: vec![],
            events: Box::pin(futures_util::stream::iter(events)),
        })
    }
}

fn cut(text: &str, cuts: &[usize]) -> Vec<String> {
    pieces_at(text, cuts.iter().map(|c| c % (text.len() + 1)))
}

fn run(model: Pieces, req: ObjectRequest) -> (Vec<ObjectStreamEvent>, Option<Error>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut s = stream_object(&model, &req, None).await.unwrap();
        let mut events = vec![];
        while let Some(ev) = s.next().await {
            match ev {
                Ok(ev) => events.push(ev),
                Err(e) => return (events, Some(e)),
            }
        }
        (events, None)
    })
}

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// However the text is cut, array output yields every element once, in order, partial arrays
    /// only ever grow, and the final array is the whole one.
    #[test]
    fn array_elements_arrive_once_in_order_for_any_chunking(
        n in 0usize..6,
        fenced in any::<bool>(),
        cuts in prop::collection::vec(0usize..400, 0..10),
    ) {
        let items: Vec<Value> = (0..n).map(|i| json!({"id": i, "tag": format!("t{i}é")})).collect();
        let body = json!({"elements": items}).to_string();
        let text = if fenced { format!("```json\n{body}\n```") } else { body };
        let req = ObjectRequest::new("test:pieces")
            .prompt("p")
            .schema(json!({"type": "object", "required": ["id"]}))
            .output(super::super::ObjectOutput::Array);
        let (events, err) = run(Pieces(cut(&text, &cuts)), req);
        prop_assert!(err.is_none(), "{:?}", err);
        let mut seen = vec![];
        let mut last_len = 0;
        for e in &events {
            match e {
                ObjectStreamEvent::Element { index, element } => {
                    prop_assert_eq!(*index, seen.len());
                    seen.push(element.clone());
                }
                ObjectStreamEvent::PartialObject { object } => {
                    let len = object.as_array().unwrap().len();
                    prop_assert!(len >= last_len);
                    last_len = len;
                }
                _ => {}
            }
        }
        prop_assert_eq!(&seen, &items);
        let Some(ObjectStreamEvent::Finish { object, .. }) = events.last() else {
            return Err(TestCaseError::fail("no finish"));
        };
        prop_assert_eq!(object, &Value::Array(items));
        let text_back: String = events.iter().filter_map(|e| match e {
            ObjectStreamEvent::TextDelta { text } => Some(text.as_str()),
            _ => None,
        }).collect();
        prop_assert_eq!(text_back, text);
    }
}
