//! `ditto_llm_axum` over real sockets: an axum app bound on 127.0.0.1:0, a `ditto_llm` client
//! pointed at `ditto_mock_upstream::MockServer`, reqwest as the HTTP client. The UI stream is
//! read by the real AI SDK reader (`tests/ui-reader/read.mjs`); the Ditto v1 stream is decoded
//! with the core decoder.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use ditto_llm::agent::{
    stream_agent, AgentOptions, AgentTool, StopCondition, ToolContext, ToolExecutor, ToolSet,
};
use ditto_llm::middleware::{self, ExtractReasoning};
use ditto_llm::protocol::ditto_v1::{Decoder, Framing};
use ditto_llm::protocol::ui_message::{ui_messages_to_messages, UiStreamOptions};
use ditto_llm::{Ditto, ProviderConfig, ProviderKind, StreamEvent, TextRequest, Tool, ToolCall};
use ditto_llm_axum::{
    ditto_v1_response, error_response, ui_message_response, UiChat, UiChatRejection,
};
use ditto_mock_upstream::{MockConfig, MockServer};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const MODEL: &str = "openai:gpt-4o-mini";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[derive(Clone)]
struct App {
    ditto: Ditto,
    /// The events the last Ditto v1 handler streamed, as the model produced them.
    seen: Arc<Mutex<Vec<StreamEvent>>>,
}

#[derive(Debug)]
struct Weather;

#[async_trait::async_trait]
impl ToolExecutor for Weather {
    async fn execute(&self, call: &ToolCall, _: &ToolContext) -> Result<Value, String> {
        Ok(json!({"city": call.input["city"], "sky": "clear"}))
    }
}

/// `POST /chat`: a useChat body, answered by an agent over an `extract-reasoning` model.
async fn chat(State(app): State<App>, UiChat(body): UiChat) -> Response {
    let messages = match ui_messages_to_messages(&body.messages) {
        Ok(m) => m,
        Err(e) => return UiChatRejection::invalid(e.message()).into_response(),
    };
    let base = match app.ditto.language_model(MODEL) {
        Ok(m) => m,
        Err(e) => return error_response(&e),
    };
    let model = middleware::wrap(base, vec![Arc::new(ExtractReasoning::new("think"))]);
    let tools = ToolSet::new().with(AgentTool::new(
        Tool::function(
            "get_weather",
            Some("Current weather".into()),
            json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
        ),
        Arc::new(Weather),
    ));
    let opts = AgentOptions::default().stop_when(vec![StopCondition::StepCount(3)]);
    let req = TextRequest::new(MODEL).messages(messages);
    match stream_agent(model, &req, &tools, &opts) {
        Ok(stream) => ui_message_response(
            stream,
            UiStreamOptions {
                message_id: Some("msg-1".into()),
                ..Default::default()
            },
        ),
        Err(e) => error_response(&e),
    }
}

#[derive(serde::Deserialize)]
struct FramingQuery {
    framing: Framing,
}

/// `POST /v1?framing=sse|ndjson`: a `TextRequest` body streamed in the Ditto protocol v1.
async fn v1(
    State(app): State<App>,
    Query(q): Query<FramingQuery>,
    body: axum::Json<TextRequest>,
) -> Response {
    app.seen.lock().unwrap().clear();
    match app.ditto.stream_text(body.0).await {
        Ok(stream) => {
            let seen = app.seen.clone();
            let stream = stream.inspect(move |item| {
                if let Ok(ev) = item {
                    seen.lock().unwrap().push(ev.clone());
                }
            });
            ditto_v1_response(stream, q.framing)
        }
        Err(e) => error_response(&e),
    }
}

struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// `GET /endless`: a stream that never ends (a delta every 20 ms), flagging when it is dropped.
async fn endless(State(flag): State<Arc<AtomicBool>>) -> Response {
    let guard = DropFlag(flag);
    let stream = futures_util::stream::unfold((0u64, guard), |(n, guard)| async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let ev = StreamEvent::text_delta("t0", format!("{n} "));
        Some((Ok(ev), (n + 1, guard)))
    });
    ui_message_response(stream, UiStreamOptions::default())
}

struct Env {
    _mock: MockServer,
    base: String,
    app: App,
    dropped: Arc<AtomicBool>,
    http: reqwest::Client,
}

async fn setup() -> Env {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let ditto = Ditto::builder()
        .provider(
            "openai",
            ProviderConfig::new()
                .kind(ProviderKind::Openai)
                .base_url(mock.openai_base_url())
                .api_key("sk-test-secret"),
        )
        .build()
        .unwrap();
    let app = App {
        ditto,
        seen: Arc::default(),
    };
    let dropped = Arc::new(AtomicBool::new(false));
    let router = Router::new()
        .route("/chat", post(chat))
        .route("/v1", post(v1))
        .with_state(app.clone())
        .merge(
            Router::new()
                .route("/endless", axum::routing::get(endless))
                .with_state(dropped.clone()),
        )
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    Env {
        _mock: mock,
        base,
        app,
        dropped,
        http,
    }
}

/// True when the reader can run; otherwise prints why (and fails under
/// `DITTO_REQUIRE_UI_READER=1`), as core/tests/ui_reader.rs does.
fn reader_ready() -> bool {
    let dir = repo_root().join("tests/ui-reader");
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let ready = node_ok && dir.join("node_modules/ai/package.json").is_file();
    if !ready {
        let msg = "tests/ui-reader is not installed (needs node; run tests/ui-reader/ensure.sh)";
        assert!(
            std::env::var("DITTO_REQUIRE_UI_READER").as_deref() != Ok("1"),
            "{msg}"
        );
        eprintln!("skipping: {msg}");
    }
    ready
}

/// Run read.mjs on `body`: (exit code, the assembled message, stderr).
fn read(body: &[u8]) -> (i32, Value, String) {
    let mut child = Command::new("node")
        .arg(repo_root().join("tests/ui-reader/read.mjs"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(body).unwrap();
    let out = child.wait_with_output().unwrap();
    let message = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        message,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn use_chat_body(text: &str) -> Value {
    json!({"id": "chat-1", "trigger": "submit-message", "messages": [
        {"id": "u1", "role": "user", "parts": [{"type": "text", "text": text}]}
    ]})
}

#[tokio::test]
async fn the_ai_sdk_reader_assembles_text_reasoning_and_tool_parts() {
    let env = setup().await;
    let prompt = "weather? plan: call:get_weather {\"city\":\"Paris\"} | <think>It said clear.</think>It is sunny in Paris.";
    let r = env
        .http
        .post(format!("{}/chat", env.base))
        .json(&use_chat_body(prompt))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert_eq!(h["content-type"], "text/event-stream");
    assert_eq!(h["cache-control"], "no-cache");
    assert_eq!(h["x-vercel-ai-ui-message-stream"], "v1");
    assert_eq!(h["x-accel-buffering"], "no");
    let body = r.bytes().await.unwrap();
    assert!(body.ends_with(b"data: [DONE]\n\n"));
    if !reader_ready() {
        return;
    }
    let (code, msg, stderr) = read(&body);
    assert_eq!(code, 0, "{stderr}\n{}", String::from_utf8_lossy(&body));
    assert_eq!(msg["id"], "msg-1");
    assert_eq!(msg["role"], "assistant");
    let parts = msg["parts"].as_array().unwrap();
    let of = |t: &str| parts.iter().filter(|p| p["type"] == t).collect::<Vec<_>>();
    let tools = of("tool-get_weather");
    assert_eq!(tools.len(), 1, "{msg}");
    assert_eq!(tools[0]["state"], "output-available");
    assert_eq!(tools[0]["input"], json!({"city": "Paris"}));
    assert_eq!(tools[0]["output"], json!({"city": "Paris", "sky": "clear"}));
    let reasoning: String = of("reasoning")
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(reasoning, "It said clear.");
    let text: String = of("text")
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, "It is sunny in Paris.");
    assert_eq!(of("step-start").len(), 2, "{msg}");
}

async fn decode_v1(r: reqwest::Response, framing: Framing) -> Vec<StreamEvent> {
    let mut decoder = Decoder::new(framing);
    let mut out = Vec::new();
    let mut body = r.bytes_stream();
    while let Some(chunk) = body.next().await {
        decoder.feed(&chunk.unwrap(), &mut out).unwrap();
    }
    decoder.finish(&mut out).unwrap();
    out
}

#[tokio::test]
async fn ditto_v1_responses_decode_to_the_streamed_events() {
    let env = setup().await;
    for (framing, content_type) in [
        (Framing::Sse, "text/event-stream"),
        (Framing::Ndjson, "application/x-ndjson"),
    ] {
        let req = json!({"model": MODEL, "prompt": "hello there v1"});
        let r = env
            .http
            .post(format!("{}/v1?framing={framing}", env.base))
            .json(&req)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], content_type);
        assert_eq!(r.headers()["x-accel-buffering"], "no");
        let decoded = decode_v1(r, framing).await;
        let seen = env.app.seen.lock().unwrap().clone();
        assert!(seen.len() > 3, "{seen:?}");
        assert_eq!(decoded, seen, "{framing}");
        assert!(matches!(decoded.last(), Some(StreamEvent::Finish { .. })));
    }
    // A failure before the stream is the core's error JSON with the kind's status.
    let r = env
        .http
        .post(format!("{}/v1?framing=sse", env.base))
        .json(&json!({"model": "nope:model", "prompt": "x"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error() || r.status().is_server_error());
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["kind"].is_string(), "{v}");
    assert!(v["error"]["message"].is_string(), "{v}");
}

#[tokio::test]
async fn bad_bodies_are_rejected_with_clear_errors() {
    let env = setup().await;
    let post = |body: Vec<u8>| {
        env.http
            .post(format!("{}/chat", env.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let r = post(b"{not json".to_vec()).await.unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["kind"], "invalid_request");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not valid JSON"),
        "{v}"
    );

    let r = post(br#"{"messages": 3}"#.to_vec()).await.unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["error"]["message"].as_str().unwrap().contains("useChat"),
        "{v}"
    );

    let r = post(br#"{"messages": [{"id": "x", "role": "robot", "parts": []}]}"#.to_vec())
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // Over the app's DefaultBodyLimit (64 KiB here).
    let big = serde_json::to_vec(&use_chat_body(&"x".repeat(100 * 1024))).unwrap();
    let r = post(big).await.unwrap();
    assert_eq!(r.status(), 413);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["kind"], "invalid_request");
}

#[tokio::test]
async fn a_client_disconnect_drops_the_model_stream() {
    let env = setup().await;
    let mut r = env
        .http
        .get(format!("{}/endless", env.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Frames arrive while the stream is still running: the body is not buffered.
    let first = r.chunk().await.unwrap().unwrap();
    assert!(first.starts_with(b"data: "), "{first:?}");
    assert!(!env.dropped.load(Ordering::SeqCst));
    drop(r);
    let start = std::time::Instant::now();
    while !env.dropped.load(Ordering::SeqCst) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the model stream outlived the client"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
