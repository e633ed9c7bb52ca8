//! The recorded streams: the event snapshots the conformance suite produces by replaying
//! `tests/fixtures/` and the AI SDK recordings (`tests/fixtures/ai-sdk-snapshots/*.json`,
//! `tests/fixtures/<provider>/<case>/expected.json`).

use super::repo_root;
use ditto_llm::{ErrorKind, StreamEvent};
use serde_json::Value;
use std::path::PathBuf;

/// One recorded stream: its events and, when it failed, the error kind it ended with.
pub struct Recording {
    /// The snapshot file.
    pub name: String,
    /// The events, in order.
    pub events: Vec<StreamEvent>,
    /// The kind of the error that ended the stream, if it failed.
    pub error: Option<ErrorKind>,
}

/// Every recorded stream, sorted by file name.
pub fn recordings() -> Vec<Recording> {
    let root = repo_root().join("tests/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("ai-sdk-snapshots"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for dir in std::fs::read_dir(&root).unwrap() {
        if let Ok(cases) = std::fs::read_dir(dir.unwrap().path()) {
            files.extend(
                cases
                    .map(|c| c.unwrap().path().join("expected.json"))
                    .filter(|p| p.is_file()),
            );
        }
    }
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let Some(events) = json.get("events") else {
            continue;
        };
        let events: Vec<StreamEvent> = serde_json::from_value(events.clone())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let error = json
            .get("error")
            .map(|e| serde_json::from_value(e["kind"].clone()).unwrap());
        out.push(Recording {
            name: file.display().to_string(),
            events,
            error,
        });
    }
    assert!(out.len() >= 30, "only {} recorded streams found", out.len());
    out
}
