//! Middleware over real sockets against `ditto-mock-upstream`: aliases from JSON config,
//! cache, fallback, retry, reasoning extraction and telemetry.

mod common;

use common::*;
use ditto_llm::middleware::{MemoryCacheStore, SpanRecord, SpanSink, SpanStatus};
use ditto_llm::{Ditto, DittoConfig, ErrorKind, GenerateTextResult, StreamEvent, TextRequest};
use futures_util::StreamExt;
use serde_json::json;

fn config(server: &ditto_mock_upstream::MockServer, aliases: serde_json::Value) -> DittoConfig {
    serde_json::from_value(json!({
        "from_env": false,
        "max_retries": 0,
        "providers": {"openai": {
            "type": "openai",
            "base_url": server.openai_base_url(),
            "api_key": "sk-test",
        }},
        "aliases": aliases,
    }))
    .unwrap()
}

/// A client with `aliases` over the mock's OpenAI provider.
fn aliased(server: &ditto_mock_upstream::MockServer, aliases: serde_json::Value) -> Ditto {
    Ditto::from_config(config(server, aliases)).unwrap()
}

/// `generate_text` of `prompt` on `model`.
async fn text(ditto: &Ditto, model: &str, prompt: &str) -> GenerateTextResult {
    ditto
        .generate_text(TextRequest::new(model).prompt(prompt))
        .await
        .unwrap()
}

#[tokio::test]
async fn alias_from_json_config_applies_its_middleware() {
    let server = mock().await;
    let ditto = aliased(
        &server,
        json!({
            "fast": {"model": "openai:gpt-4o-mini", "middleware": [
                {"type": "default-settings", "settings": {"temperature": 0.25, "max_output_tokens": 64}},
            ]},
            "faster": {"model": "fast"},
        }),
    );
    assert_eq!(ditto.aliases(), ["fast", "faster"]);
    let r = text(&ditto, "faster", "hello").await;
    assert_eq!(r.text, "echo: hello");
    let body = &server.requests()[0].body;
    assert_eq!(body["model"], "gpt-4o-mini");
    assert_eq!(body["temperature"], 0.25);
    let m = ditto.language_model("fast").unwrap();
    assert_eq!((m.provider(), m.model_id()), ("openai", "gpt-4o-mini"));
}

#[tokio::test]
async fn an_alias_can_shadow_a_model_name() {
    let server = mock().await;
    let ditto = aliased(
        &server,
        json!({"openai:gpt-4o-mini": {"model": "openai:gpt-4o-mini", "middleware": [
            {"type": "default-settings", "settings": {"seed": 7}},
        ]}}),
    );
    text(&ditto, "openai:gpt-4o-mini", "hi").await;
    text(&ditto, "openai:gpt-4o", "hi").await;
    let reqs = server.requests();
    assert_eq!(reqs[0].body["seed"], 7);
    assert!(reqs[1].body.get("seed").is_none());
}

#[tokio::test]
async fn alias_errors_name_the_alias() {
    let server = mock().await;
    let cycle = config(&server, json!({"a": {"model": "b"}, "b": {"model": "a"}}));
    let e = Ditto::from_config(cycle).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.message().contains("a -> b -> a"), "{e}");

    let unknown = config(&server, json!({"x": {"model": "nope:m"}}));
    let e = Ditto::from_config(unknown).unwrap_err();
    assert!(e.message().starts_with("aliases.x:"), "{e}");

    let bad = config(
        &server,
        json!({"x": {"model": "openai:m", "middleware": [{"type": "extract-reasoning", "tag_name": ""}]}}),
    );
    let e = Ditto::from_config(bad).unwrap_err();
    assert!(
        e.message().contains("middleware[0] (extract-reasoning)"),
        "{e}"
    );

    let typo: Result<DittoConfig, _> =
        serde_json::from_value(json!({"aliases": {"x": {"model": "openai:m", "layers": []}}}));
    assert!(typo.is_err());
}

fn chunk(content: Option<&str>, finish: Option<&str>) -> String {
    json!({
        "id": "chatcmpl-think", "object": "chat.completion.chunk", "created": 1700000000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": content.map_or(json!({}), |c| json!({"content": c})),
                     "finish_reason": finish}],
    })
    .to_string()
}

#[tokio::test]
async fn fallback_from_a_failing_provider_generate_and_stream() {
    let server = mock().await;
    let mut cfg = config(
        &server,
        json!({"safe": {"model": "bad:gpt-4o-mini", "middleware": [
            {"type": "fallback", "models": ["openai:gpt-4o-mini"]},
        ]}}),
    );
    let mut bad = cfg.providers["openai"].clone();
    bad.kind = Some(ditto_llm::ProviderKind::OpenaiCompatible);
    bad.headers.insert("x-mock-status".into(), "503".into());
    cfg.providers.insert("bad".into(), bad);
    let ditto = Ditto::from_config(cfg).unwrap();

    let r = text(&ditto, "safe", "hi").await;
    assert_eq!(r.text, "echo: hi");
    let text = ditto
        .stream_text(TextRequest::new("safe").prompt("hi"))
        .await
        .unwrap()
        .collect_result()
        .await
        .unwrap()
        .text;
    assert_eq!(text, "echo: hi");
    let reqs = server.requests();
    let failed: Vec<bool> = reqs
        .iter()
        .map(|r| r.headers.contains_key("x-mock-status"))
        .collect();
    assert_eq!(failed, [true, false, true, false]);
}

#[tokio::test]
async fn retry_policy_retries_a_429_after_its_retry_after() {
    let server = mock().await;
    server.push_scenario(
        "limited",
        vec![ditto_mock_upstream::Step {
            status: Some(429),
            retry_after_ms: Some(300),
            ..Default::default()
        }],
    );
    let mut cfg = config(
        &server,
        json!({"patient": {"model": "openai:gpt-4o-mini", "middleware": [
            {"type": "retry", "max_retries": 2, "initial_delay_ms": 1, "max_delay_ms": 5},
        ]}}),
    );
    cfg.providers
        .get_mut("openai")
        .unwrap()
        .headers
        .insert("x-mock-scenario".into(), "limited".into());
    let ditto = Ditto::from_config(cfg).unwrap();
    let t0 = std::time::Instant::now();
    let r = text(&ditto, "patient", "hi").await;
    assert_eq!(r.text, "echo: hi");
    assert!(t0.elapsed() >= std::time::Duration::from_millis(300));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn extract_reasoning_on_a_stream_with_a_split_tag() {
    let server = mock().await;
    let sse = vec![
        chunk(Some("<th"), None),
        chunk(Some("ink>plan"), None),
        chunk(Some(" it</thi"), None),
        chunk(Some("nk>\n\nDone"), None),
        chunk(Some("."), None),
        chunk(None, Some("stop")),
    ];
    server.push_scenario(
        "think",
        vec![ditto_mock_upstream::Step {
            sse: Some(sse),
            ..Default::default()
        }],
    );
    let mut cfg = config(
        &server,
        json!({"r1": {"model": "openai:gpt-4o-mini", "middleware": [{"type": "extract-reasoning"}]}}),
    );
    cfg.providers
        .get_mut("openai")
        .unwrap()
        .headers
        .insert("x-mock-scenario".into(), "think".into());
    let ditto = Ditto::from_config(cfg).unwrap();
    let events: Vec<StreamEvent> = ditto
        .stream_text(TextRequest::new("r1").prompt("hi"))
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    let compact: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ReasoningDelta { text, .. } => Some(format!("r:{text}")),
            StreamEvent::TextDelta { text, .. } => Some(format!("t:{text}")),
            StreamEvent::ReasoningStart { .. } | StreamEvent::TextStart { .. } => {
                Some(e.type_name().to_owned())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        compact,
        [
            "reasoning-start",
            "r:plan",
            "r: it",
            "text-start",
            "t:Done",
            "t:."
        ]
    );
}

async fn events(ditto: &Ditto, model: &str, prompt: &str) -> Vec<StreamEvent> {
    ditto
        .stream_text(TextRequest::new(model).prompt(prompt))
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await
}

#[tokio::test]
async fn cache_serves_identical_calls_without_upstream_requests() {
    let server = mock().await;
    let ditto = aliased(
        &server,
        json!({"cached": {"model": "openai:gpt-4o-mini", "middleware": [
            {"type": "cache", "max_entries": 100},
        ]}}),
    );
    let first = text(&ditto, "cached", "one two").await;
    let second = text(&ditto, "cached", "one two").await;
    assert_eq!(first, second);
    assert_eq!(server.requests().len(), 1);

    let streamed = events(&ditto, "cached", "one two three four").await;
    assert_eq!(server.requests().len(), 2);
    let replayed = events(&ditto, "cached", "one two three four").await;
    assert_eq!(server.requests().len(), 2, "the replay made no request");
    assert_eq!(streamed, replayed, "same events, same chunk boundaries");
    let deltas = replayed
        .iter()
        .filter(|e| e.type_name() == "text-delta")
        .count();
    assert!(deltas >= 5, "the mock streams word by word: {deltas}");
    // A different request is a miss.
    events(&ditto, "cached", "something else").await;
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn cache_evicts_least_recently_used_by_entries() {
    let server = mock().await;
    let ditto = aliased(
        &server,
        json!({"c": {"model": "openai:gpt-4o-mini", "middleware": [
            {"type": "cache", "max_entries": 2},
        ]}}),
    );
    let call = |p: &'static str| {
        let ditto = ditto.clone();
        async move { text(&ditto, "c", p).await }
    };
    call("p1").await;
    call("p2").await;
    call("p1").await; // hit; p2 is now the least recently used
    call("p3").await; // evicts p2
    assert_eq!(server.requests().len(), 3);
    call("p1").await; // still held
    assert_eq!(server.requests().len(), 3);
    call("p2").await; // evicted
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn cache_evicts_by_bytes_and_expires_by_ttl() {
    let server = mock().await;
    // Measure one entry with a shared store, then allow one and a half of them.
    let probe = std::sync::Arc::new(MemoryCacheStore::new(10, 1 << 20));
    let cfg = config(
        &server,
        json!({"c": {"model": "openai:gpt-4o-mini", "middleware": [{"type": "cache"}]}}),
    );
    let ditto = ditto_llm::Ditto::builder()
        .config(cfg)
        .cache_store(probe.clone())
        .build()
        .unwrap();
    text(&ditto, "c", "p0").await;
    let one = probe.bytes();
    assert!(one > 100 && probe.len() == 1);

    let ditto = aliased(
        &server,
        json!({"c": {"model": "openai:gpt-4o-mini", "middleware": [
            {"type": "cache", "max_bytes": one * 3 / 2},
        ]}}),
    );
    let call = |p: &'static str| {
        let ditto = ditto.clone();
        async move { text(&ditto, "c", p).await }
    };
    server.clear_requests();
    call("p1").await;
    call("p1").await;
    assert_eq!(server.requests().len(), 1);
    call("p2").await; // only one fits: p1 goes
    call("p1").await;
    assert_eq!(server.requests().len(), 3);

    let ditto = aliased(
        &server,
        json!({"t": {"model": "openai:gpt-4o-mini", "middleware": [
            {"type": "cache", "ttl_ms": 150},
        ]}}),
    );
    server.clear_requests();
    for _ in 0..2 {
        text(&ditto, "t", "hi").await;
    }
    assert_eq!(server.requests().len(), 1);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    text(&ditto, "t", "hi").await;
    assert_eq!(server.requests().len(), 2, "expired after the ttl");
}

#[derive(Debug, Default)]
struct Spans(std::sync::Mutex<Vec<SpanRecord>>);

#[async_trait::async_trait]
impl SpanSink for Spans {
    async fn record(&self, span: SpanRecord) {
        self.0.lock().unwrap().push(span);
    }
}

#[tokio::test]
async fn telemetry_spans_reach_the_client_sink_with_genai_attributes() {
    let server = mock().await;
    let sink = std::sync::Arc::new(Spans::default());
    let cfg = config(
        &server,
        json!({"traced": {"model": "openai:gpt-4o-mini", "middleware": [
            {"type": "telemetry", "function_id": "demo"},
        ]}}),
    );
    let ditto = Ditto::builder()
        .config(cfg)
        .span_sink(sink.clone())
        .build()
        .unwrap();
    let mut req = TextRequest::new("traced")
        .prompt("hello there")
        .temperature(0.3);
    req.settings.top_p = Some(0.9);
    req.settings.max_output_tokens = Some(50);
    ditto.generate_text(req.clone()).await.unwrap();
    events(&ditto, "traced", "hello stream").await;

    let spans = std::mem::take(&mut *sink.0.lock().unwrap());
    assert_eq!(spans.len(), 2);
    let a = &spans[0].attributes;
    assert_eq!(spans[0].name, "gen_ai.chat");
    assert_eq!(spans[0].status, SpanStatus::Ok);
    assert_eq!(a["gen_ai.operation.name"], "chat");
    assert_eq!(a["gen_ai.provider.name"], "openai");
    assert_eq!(a["gen_ai.request.model"], "gpt-4o-mini");
    assert_eq!(a["gen_ai.request.temperature"], 0.3);
    assert_eq!(a["gen_ai.request.top_p"], 0.9);
    assert_eq!(a["gen_ai.request.max_tokens"], 50);
    assert_eq!(a["gen_ai.response.model"], "gpt-4o-mini");
    assert!(a["gen_ai.response.id"]
        .as_str()
        .unwrap()
        .starts_with("chatcmpl-mock-"));
    assert_eq!(a["gen_ai.response.finish_reasons"], json!(["stop"]));
    assert_eq!(a["gen_ai.usage.input_tokens"], 2);
    assert_eq!(a["gen_ai.usage.output_tokens"], 3);
    assert_eq!(a["ditto.function_id"], "demo");

    let s = &spans[1].attributes;
    assert_eq!(s["ditto.stream"], true);
    assert!(s["ditto.time_to_first_chunk_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(s["gen_ai.usage.output_tokens"], 3);
    assert_eq!(s["gen_ai.response.finish_reasons"], json!(["stop"]));
}

#[tokio::test]
async fn simulate_streaming_makes_one_non_streaming_request() {
    let server = mock().await;
    let ditto = aliased(
        &server,
        json!({"sim": {"model": "openai:gpt-4o-mini", "middleware": [
            {"type": "simulate-streaming"},
        ]}}),
    );
    let got = events(&ditto, "sim", "a b c").await;
    let types: Vec<&str> = got.iter().map(StreamEvent::type_name).collect();
    assert_eq!(
        types,
        [
            "start",
            "start-step",
            "text-start",
            "text-delta",
            "text-end",
            "finish-step",
            "finish"
        ]
    );
    assert!(got.contains(&StreamEvent::text_delta("txt-0", "echo: a b c")));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert!(reqs[0].body.get("stream").is_none());
}

#[tokio::test]
async fn layers_compose_in_order_telemetry_sees_cache_hits() {
    let server = mock().await;
    let sink = std::sync::Arc::new(Spans::default());
    let cfg = config(
        &server,
        json!({"stack": {"model": "openai:gpt-4o-mini", "middleware": [
            {"type": "telemetry"},
            {"type": "cache"},
            {"type": "retry", "initial_delay_ms": 1, "max_delay_ms": 2},
        ]}}),
    );
    let ditto = Ditto::builder()
        .config(cfg)
        .span_sink(sink.clone())
        .build()
        .unwrap();
    let a = events(&ditto, "stack", "same").await;
    let b = events(&ditto, "stack", "same").await;
    assert_eq!(a, b);
    assert_eq!(server.requests().len(), 1);
    let spans = std::mem::take(&mut *sink.0.lock().unwrap());
    assert_eq!(spans.len(), 2, "one span per request, hits included");
    assert_eq!(
        spans[0].attributes["gen_ai.usage.output_tokens"],
        spans[1].attributes["gen_ai.usage.output_tokens"]
    );
}

#[tokio::test]
async fn cache_does_not_store_a_stream_that_was_reset() {
    let server = mock().await;
    let ditto = aliased(
        &server,
        json!({"cached": {"model": "openai:gpt-4o-mini", "middleware": [
            {"type": "cache", "max_entries": 100},
        ]}}),
    );
    server.push_scenario(
        "cut",
        vec![ditto_mock_upstream::Step {
            reset_after_chunks: Some(3),
            ..Default::default()
        }],
    );
    let req = || {
        TextRequest::new("cached")
            .prompt("one two three four five six")
            .header("x-mock-scenario", "cut")
    };
    let first: Vec<_> = ditto.stream_text(req()).await.unwrap().collect().await;
    let err = first
        .last()
        .unwrap()
        .as_ref()
        .expect_err("the reset reaches the caller");
    assert!(
        err.kind() == ErrorKind::Connection,
        "{:?}: {err}",
        err.kind()
    );
    assert_eq!(server.requests().len(), 1);

    // Not stored: the second call goes upstream (and now gets the whole stream) ...
    let second: Vec<_> = ditto
        .stream_text(req())
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(
        server.requests().len(),
        2,
        "the broken stream was not cached"
    );
    assert_eq!(second.last().unwrap().type_name(), "finish");
    // ... and the complete one is: a third call is served from the cache.
    let third: Vec<_> = ditto
        .stream_text(req())
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(server.requests().len(), 2);
    assert_eq!(second, third);
}
