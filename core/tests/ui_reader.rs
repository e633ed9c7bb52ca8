//! The UI message stream encoder against the real AI SDK reader: every recorded stream is
//! encoded with `encode_ui_stream` and read by `tests/ui-reader/read.mjs` (the `ai` package's
//! `parseJsonEventStream` + `uiMessageChunkSchema` + `readUIMessageStream`, plus a check that
//! no chunk carries a field outside the ai 5.x schema); the assembled `UIMessage` must hold
//! exactly the recorded text, reasoning, tool calls and results, sources, files and steps.
//!
//! Needs Node and `tests/ui-reader/ensure.sh` (run by `make test`). Without them the test
//! prints why and passes, unless `DITTO_REQUIRE_UI_READER=1`.

mod common;

use common::recordings::{recordings, Recording};
use common::repo_root;
use ditto_llm::protocol::ui_message::{encode_ui_stream, UiStreamOptions};
use ditto_llm::{Error, Source, StreamEvent};
use futures_util::StreamExt;
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

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

/// Run read.mjs on `body`: (exit code, the assembled message).
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
    let stdout = String::from_utf8_lossy(&out.stdout);
    let message = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        message,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn parts<'a>(msg: &'a Value, pred: impl Fn(&str) -> bool + 'a) -> Vec<&'a Value> {
    msg["parts"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|p| pred(p["type"].as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default()
}

fn joined(parts: &[&Value]) -> String {
    parts.iter().map(|p| p["text"].as_str().unwrap()).collect()
}

fn check(r: &Recording, msg: &Value) {
    let ev = &r.events;
    let count = |f: &dyn Fn(&StreamEvent) -> bool| ev.iter().filter(|e| f(e)).count();
    let text: String = ev
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let reasoning: String = ev
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ReasoningDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(joined(&parts(msg, |t| t == "text")), text, "{}", r.name);
    let reasoning_parts = parts(msg, |t| t == "reasoning");
    assert_eq!(
        reasoning_parts.len(),
        count(&|e| matches!(e, StreamEvent::ReasoningStart { .. })),
        "{}",
        r.name
    );
    assert_eq!(joined(&reasoning_parts), reasoning, "{}", r.name);
    // The reader publishes a snapshot on content chunks, not on `start-step`: a step without
    // content never shows up in what it yields.
    let steps = count(&|e| matches!(e, StreamEvent::StartStep { .. }));
    let has_content = msg["parts"]
        .as_array()
        .is_some_and(|a| a.iter().any(|p| p["type"] != "step-start"));
    let seen_steps = parts(msg, |t| t == "step-start").len();
    if has_content {
        assert_eq!(seen_steps, steps, "{}", r.name);
    } else {
        assert!(seen_steps <= steps, "{}", r.name);
    }
    assert_eq!(
        parts(msg, |t| t == "source-url").len(),
        count(&|e| matches!(e, StreamEvent::Source(Source::Url { .. }))),
        "{}",
        r.name
    );
    assert_eq!(
        parts(msg, |t| t == "file").len(),
        count(&|e| matches!(e, StreamEvent::File { .. })),
        "{}",
        r.name
    );
    let tools = parts(msg, |t| t.starts_with("tool-"));
    let calls: Vec<_> = ev
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolCall(c) => Some(c),
            _ => None,
        })
        .collect();
    assert_eq!(tools.len(), calls.len(), "{}", r.name);
    for call in calls {
        let part = tools
            .iter()
            .find(|p| p["toolCallId"] == call.tool_call_id.as_str())
            .unwrap_or_else(|| panic!("{}: no part for {}", r.name, call.tool_call_id));
        assert_eq!(
            part["type"],
            format!("tool-{}", call.tool_name),
            "{}",
            r.name
        );
        let result = ev.iter().find_map(|e| match e {
            StreamEvent::ToolResult {
                tool_call_id,
                output,
                ..
            } if *tool_call_id == call.tool_call_id => Some(output),
            _ => None,
        });
        match (call.invalid_input, result) {
            (true, _) => assert_eq!(part["state"], "output-error", "{}", r.name),
            (false, Some(output)) => {
                assert_eq!(part["state"], "output-available", "{}", r.name);
                assert_eq!(&part["output"], output, "{}", r.name);
                assert_eq!(part["input"], call.input, "{}", r.name);
            }
            (false, None) => {
                assert_eq!(part["state"], "input-available", "{}", r.name);
                assert_eq!(part["input"], call.input, "{}", r.name);
            }
        }
    }
}

#[tokio::test]
async fn the_ai_sdk_reader_assembles_every_recorded_stream() {
    if !reader_ready() {
        return;
    }
    let opts = UiStreamOptions {
        message_id: Some("msg-1".into()),
        send_sources: true,
        ..Default::default()
    };
    for r in recordings() {
        let mut items: Vec<ditto_llm::Result<StreamEvent>> =
            r.events.iter().cloned().map(Ok).collect();
        if let Some(kind) = r.error {
            items.push(Err(Error::new(kind, "recorded failure")));
        }
        let body: Vec<u8> = encode_ui_stream(futures_util::stream::iter(items), opts.clone())
            .collect::<Vec<_>>()
            .await
            .concat();
        let (code, msg, stderr) = read(&body);
        let want = if r.error.is_some() { 3 } else { 0 };
        assert_eq!(code, want, "{}: {stderr}", r.name);
        assert_eq!(msg["id"], "msg-1", "{}", r.name);
        assert_eq!(msg["role"], "assistant", "{}", r.name);
        check(&r, &msg);
    }
}
