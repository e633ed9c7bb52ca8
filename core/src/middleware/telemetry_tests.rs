use super::*;
use crate::middleware::test_models::{collect, text_events, Reply, Scripted};
use crate::middleware::wrap;
use std::sync::Mutex;

#[derive(Debug, Default)]
struct Collect(Mutex<Vec<SpanRecord>>);

#[async_trait::async_trait]
impl SpanSink for Collect {
    async fn record(&self, span: SpanRecord) {
        self.0.lock().unwrap().push(span);
    }
}

impl Collect {
    fn take(&self) -> Vec<SpanRecord> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

fn options() -> CallOptions {
    let mut o = CallOptions {
        prompt: vec![crate::types::Message::user("hi")],
        ..Default::default()
    };
    o.settings.temperature = Some(0.5);
    o.settings.max_output_tokens = Some(20);
    o
}

#[tokio::test]
async fn generate_span_has_genai_attributes_and_usage() {
    let sink = Arc::new(Collect::default());
    let layer = Telemetry {
        function_id: Some("greet".into()),
        record_inputs: true,
        record_outputs: true,
        ..Telemetry::new(sink.clone())
    };
    let m = wrap(Scripted::new("m1", vec![]), vec![Arc::new(layer)]);
    m.generate(&options()).await.unwrap();
    let spans = sink.take();
    assert_eq!(spans.len(), 1);
    let s = &spans[0];
    assert_eq!(s.name, "gen_ai.chat");
    assert_eq!(s.status, SpanStatus::Ok);
    let a = &s.attributes;
    assert_eq!(a["gen_ai.operation.name"], "chat");
    assert_eq!(a["gen_ai.provider.name"], "scripted");
    assert_eq!(a["gen_ai.request.model"], "m1");
    assert_eq!(a["gen_ai.request.temperature"], 0.5);
    assert_eq!(a["gen_ai.request.max_tokens"], 20);
    assert_eq!(a["gen_ai.response.finish_reasons"], json!(["stop"]));
    assert_eq!(a["gen_ai.usage.input_tokens"], 1);
    assert_eq!(a["gen_ai.usage.output_tokens"], 1);
    assert_eq!(a["ditto.function_id"], "greet");
    assert_eq!(a["ditto.stream"], false);
    assert!(a["gen_ai.input.messages"].as_str().unwrap().contains("hi"));
    assert!(a["gen_ai.output.messages"]
        .as_str()
        .unwrap()
        .contains("ok from m1"));
    assert!(!a.contains_key("gen_ai.request.top_p"));
    assert!(s.end >= s.start);
    let j = s.to_json();
    assert_eq!(j["status"], "ok");
    assert!(j["start_unix_nanos"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn failures_and_private_defaults() {
    let sink = Arc::new(Collect::default());
    let m = wrap(
        Scripted::new("m", vec![Reply::Fail(Error::timeout("slow"))]),
        vec![Arc::new(Telemetry::new(sink.clone()))],
    );
    assert!(m.generate(&options()).await.is_err());
    let s = sink.take().remove(0);
    assert_eq!(
        s.status,
        SpanStatus::Error {
            kind: "timeout".into(),
            message: "slow".into()
        }
    );
    assert_eq!(s.attributes["error.type"], "timeout");
    assert!(!s.attributes.contains_key("gen_ai.input.messages"));
    assert_eq!(s.to_json()["error"]["kind"], "timeout");
}

#[tokio::test]
async fn stream_span_is_recorded_at_finish_with_time_to_first_chunk() {
    let sink = Arc::new(Collect::default());
    let layer = Telemetry {
        record_outputs: true,
        ..Telemetry::new(sink.clone())
    };
    let events = text_events("t", &["a", "b"]).into_iter().map(Ok).collect();
    let m = wrap(
        Scripted::new("m", vec![Reply::Events(events)]),
        vec![Arc::new(layer)],
    );
    let items = collect(m.stream(&options()).await.unwrap()).await;
    assert_eq!(items.len(), 5);
    let s = sink.take().remove(0);
    assert_eq!(s.status, SpanStatus::Ok);
    assert_eq!(s.attributes["ditto.stream"], true);
    assert!(
        s.attributes["ditto.time_to_first_chunk_ms"]
            .as_f64()
            .unwrap()
            >= 0.0
    );
    assert_eq!(s.attributes["gen_ai.usage.output_tokens"], 1);
    assert!(s.attributes["gen_ai.output.messages"]
        .as_str()
        .unwrap()
        .contains("\"ab\""));
}

#[tokio::test]
async fn dropped_and_failed_streams_record_an_error_span() {
    use futures_util::StreamExt;
    let sink = Arc::new(Collect::default());
    let m = wrap(
        Scripted::new("m", vec![]),
        vec![Arc::new(Telemetry::new(sink.clone()))],
    );
    let mut s = m.stream(&options()).await.unwrap();
    s.events.next().await.unwrap().unwrap();
    drop(s);
    tokio::task::yield_now().await;
    let span = sink.take().remove(0);
    assert!(matches!(span.status, SpanStatus::Error { ref kind, .. } if kind == "cancelled"));

    let items = vec![
        Ok(StreamEvent::TextStart {
            id: "t".into(),
            provider_metadata: None,
        }),
        Err(Error::stream("cut")),
    ];
    let m = wrap(
        Scripted::new("m", vec![Reply::Events(items)]),
        vec![Arc::new(Telemetry::new(sink.clone()))],
    );
    let got = collect(m.stream(&options()).await.unwrap()).await;
    assert!(got[1].is_err());
    let span = sink.take().remove(0);
    assert!(matches!(span.status, SpanStatus::Error { ref kind, .. } if kind == "stream"));
}

#[tokio::test]
async fn recorded_inputs_are_capped() {
    let sink = Arc::new(Collect::default());
    let layer = Telemetry {
        record_inputs: true,
        ..Telemetry::new(sink.clone())
    };
    let m = wrap(Scripted::new("m", vec![]), vec![Arc::new(layer)]);
    let mut o = options();
    o.prompt = vec![crate::types::Message::user(
        "é".repeat(MAX_RECORDED_INPUT_BYTES),
    )];
    m.generate(&o).await.unwrap();
    let a = sink.take().remove(0).attributes;
    assert_eq!(a["ditto.input.truncated"], true);
    assert!(a["gen_ai.input.messages"].as_str().unwrap().len() <= MAX_RECORDED_INPUT_BYTES);
    assert_eq!(cut("aé", 2), "a");
}
