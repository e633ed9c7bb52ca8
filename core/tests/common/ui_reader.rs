//! The shared UI reader tool `tests/ui-reader/read.mjs` (the real `ai` package's
//! `readUIMessageStream`) from Rust tests, and the check of an assembled `UIMessage` against a
//! recorded stream.

use super::recordings::Recording;
use super::repo_root;
use ditto_llm::{Source, StreamEvent};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

/// Whether node and `tests/ui-reader`'s `package` (`ai` or `ai6`) are installed; when not, the
/// caller skips (prints why), unless `DITTO_REQUIRE_UI_READER=1` (then this panics).
pub fn reader_ready(package: &str) -> bool {
    let dir = repo_root().join("tests/ui-reader");
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let ready = node_ok
        && dir
            .join("node_modules")
            .join(package)
            .join("package.json")
            .is_file();
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

/// Run read.mjs with `args` on `body`: (exit code, the assembled message, stderr).
pub fn read(body: &[u8], args: &[&str]) -> (i32, Value, String) {
    let mut child = Command::new("node")
        .arg(repo_root().join("tests/ui-reader/read.mjs"))
        .args(args)
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

/// The parts of `msg` whose type matches `pred`.
pub fn parts<'a>(msg: &'a Value, pred: impl Fn(&str) -> bool + 'a) -> Vec<&'a Value> {
    msg["parts"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|p| pred(p["type"].as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default()
}

/// The `text` of `parts`, joined.
pub fn joined(parts: &[&Value]) -> String {
    parts.iter().map(|p| p["text"].as_str().unwrap()).collect()
}

/// Assert that the assembled `msg` holds exactly the recording's text, reasoning, steps,
/// sources, files and tool calls with their results.
pub fn check(r: &Recording, msg: &Value) {
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
