//! Fixture replay: safe path resolution and turning fixture files into
//! replies (`*.json`, `*.chunks.txt`, `*.sse`, anything else verbatim).

use std::path::{Component, Path, PathBuf};

use axum::http::StatusCode;
use bytes::Bytes;

use crate::openai::error;
use crate::reply::{named_event, Reply, JSON};
use crate::wire::{event_name, Framing};

/// Largest fixture file served.
pub(crate) const MAX_FIXTURE_BYTES: u64 = 64 * 1024 * 1024;

/// How to replay a fixture, with the status and `[DONE]` choice of the step.
#[derive(Debug, Clone)]
pub(crate) struct Replay<'a> {
    pub(crate) dirs: &'a [PathBuf],
    pub(crate) name: &'a str,
    pub(crate) status: StatusCode,
    pub(crate) done: bool,
    /// How `*.chunks.txt` lines are framed (from the requested route's wire format).
    pub(crate) framing: Framing,
}

/// Loads the fixture and builds its reply, or an OpenAI-style error reply
/// (`400` for an unsafe path, `404` when not found, `500` when unreadable).
pub(crate) async fn load(replay: Replay<'_>) -> Reply {
    if !is_safe(replay.name) {
        return error::invalid_request(
            StatusCode::BAD_REQUEST,
            &format!(
                "fixture path {:?} must be relative, without `..`",
                replay.name
            ),
            None,
            Some("invalid_fixture_path"),
        );
    }
    let dirs = replay.dirs.to_vec();
    let name = replay.name.to_owned();
    let read = tokio::task::spawn_blocking(move || read_fixture(&dirs, &name)).await;
    let bytes = match read {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(reply)) => return reply,
        Err(join) => return server_error(&format!("fixture read task failed: {join}")),
    };
    build_framed(
        replay.name,
        bytes,
        replay.status,
        replay.done,
        replay.framing,
    )
}

/// A relative path made only of normal components (no `..`, root or prefix).
pub(crate) fn is_safe(name: &str) -> bool {
    let path = Path::new(name);
    !name.is_empty()
        && path
            .components()
            .all(|component| matches!(component, Component::Normal(_) | Component::CurDir))
}

fn read_fixture(dirs: &[PathBuf], name: &str) -> Result<Vec<u8>, Reply> {
    for dir in dirs {
        let candidate = dir.join(name);
        if !candidate.is_file() {
            continue;
        }
        // Symlinks must not lead outside the fixture folder either.
        let inside = match (candidate.canonicalize(), dir.canonicalize()) {
            (Ok(file), Ok(root)) => file.starts_with(root),
            _ => false,
        };
        if !inside {
            continue;
        }
        let size = std::fs::metadata(&candidate).map(|m| m.len()).unwrap_or(0);
        if size > MAX_FIXTURE_BYTES {
            return Err(server_error(&format!(
                "fixture {name} is larger than {MAX_FIXTURE_BYTES} bytes"
            )));
        }
        return std::fs::read(&candidate)
            .map_err(|err| server_error(&format!("cannot read fixture {name}: {err}")));
    }
    let searched: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    Err(error::invalid_request(
        StatusCode::NOT_FOUND,
        &format!("fixture {name} not found in [{}]", searched.join(", ")),
        None,
        Some("fixture_not_found"),
    ))
}

/// The reply for fixture `name` with contents `bytes`, OpenAI framing.
#[cfg(test)]
pub(crate) fn build(name: &str, bytes: Vec<u8>, status: StatusCode, done: bool) -> Reply {
    build_framed(name, bytes, status, done, Framing::Data)
}

/// The reply for fixture `name` with contents `bytes`; `*.chunks.txt` lines framed as `framing`.
pub(crate) fn build_framed(
    name: &str,
    bytes: Vec<u8>,
    status: StatusCode,
    done: bool,
    framing: Framing,
) -> Reply {
    if name.ends_with(".chunks.txt") && framing == Framing::AwsEventStream {
        let text = String::from_utf8_lossy(&bytes);
        let events: Vec<serde_json::Value> = text
            .split('\n')
            .filter_map(|line| serde_json::from_str(line.trim()).ok())
            .collect();
        crate::bedrock::stream_reply(status, &events)
    } else if name.ends_with(".chunks.txt") && framing == Framing::Named {
        let text = String::from_utf8_lossy(&bytes);
        let frames = text
            .split('\n')
            .map(|line| line.strip_suffix('\r').unwrap_or(line))
            .filter(|line| !line.trim().is_empty())
            .map(|line| named_event(&event_name(line).unwrap_or_else(|| "message".into()), line))
            .collect();
        Reply::events(status, frames)
    } else if name.ends_with(".chunks.txt") {
        let text = String::from_utf8_lossy(&bytes);
        let lines = text
            .split('\n')
            .map(|line| line.strip_suffix('\r').unwrap_or(line))
            .filter(|line| !line.trim().is_empty());
        Reply::sse_data(status, lines, done && framing == Framing::Data)
    } else if name.ends_with(".sse") {
        Reply::events(status, split_events(&bytes))
    } else if name.ends_with(".json") {
        Reply::bytes(status, JSON, bytes)
    } else {
        Reply::bytes(status, "application/octet-stream", bytes)
    }
}

/// Splits a raw SSE capture into frames, each ending after the blank line
/// that closes an event. The frames concatenate back to the input.
pub(crate) fn split_events(bytes: &[u8]) -> Vec<Bytes> {
    let mut frames = Vec::new();
    let mut start = 0;
    let mut line_start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        if byte != b'\n' {
            continue;
        }
        let line = &bytes[line_start..index];
        let blank = line.is_empty() || line == b"\r";
        line_start = index + 1;
        if blank && index + 1 > start {
            frames.push(Bytes::copy_from_slice(&bytes[start..=index]));
            start = index + 1;
        }
    }
    if start < bytes.len() {
        frames.push(Bytes::copy_from_slice(&bytes[start..]));
    }
    frames
}

fn server_error(message: &str) -> Reply {
    Reply::json(
        StatusCode::INTERNAL_SERVER_ERROR,
        &error::body(message, "server_error", None, Some("fixture_error")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::ReplyBody;

    #[test]
    fn unsafe_paths() {
        assert!(is_safe("openai/openai-text.chunks.txt"));
        assert!(is_safe("./a.json"));
        assert!(!is_safe("../secret"));
        assert!(!is_safe("a/../../b"));
        assert!(!is_safe("/etc/passwd"));
        assert!(!is_safe(""));
    }

    #[test]
    fn sse_split_keeps_bytes() {
        let raw = b"data: a\n\ndata: b\r\n\r\nevent: x\ndata: c\n\ntrailing";
        let frames = split_events(raw);
        assert_eq!(frames.len(), 4);
        assert_eq!(&frames[0][..], b"data: a\n\n");
        assert_eq!(&frames[1][..], b"data: b\r\n\r\n");
        assert_eq!(&frames[2][..], b"event: x\ndata: c\n\n");
        assert_eq!(frames.concat(), raw);
    }

    #[test]
    fn chunks_become_data_events() {
        let reply = build(
            "x.chunks.txt",
            b"{\"a\":1}\n\n{\"b\":2}".to_vec(),
            StatusCode::OK,
            true,
        );
        let ReplyBody::Events(frames) = reply.body else {
            panic!("not events")
        };
        assert_eq!(frames.len(), 3);
        assert_eq!(&frames[1][..], b"data: {\"b\":2}\n\n");
        assert_eq!(&frames[2][..], b"data: [DONE]\n\n");
    }
}
