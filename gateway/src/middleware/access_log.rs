//! The access log: one line per request, formatted on the request path into a short string and
//! written by a dedicated thread through a buffered stderr (tracing's JSON formatter cost more
//! than the whole floor proxy's request handling). Bounded: when the queue is full, lines are
//! dropped and counted. Only the binary turns it on; the library (tests) logs nothing here.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::OnceLock;

/// Lines queued at most.
const QUEUE: usize = 16_384;

struct AccessLog {
    tx: SyncSender<String>,
    json: bool,
}

static LOG: OnceLock<AccessLog> = OnceLock::new();
static DROPPED: AtomicU64 = AtomicU64::new(0);

/// Start the writer thread (`json` or text lines). Later calls do nothing.
pub fn enable(json: bool) {
    LOG.get_or_init(|| {
        let (tx, rx) = sync_channel::<String>(QUEUE);
        let _ = std::thread::Builder::new()
            .name("ditto-access-log".into())
            .spawn(move || {
                let mut batch: Vec<u8> = Vec::with_capacity(64 * 1024);
                while let Ok(line) = rx.recv() {
                    batch.extend_from_slice(line.as_bytes());
                    while batch.len() < 64 * 1024 {
                        match rx.try_recv() {
                            Ok(more) => batch.extend_from_slice(more.as_bytes()),
                            Err(_) => break,
                        }
                    }
                    // Lock stderr only while writing: other threads (tracing) share it.
                    let _ = std::io::stderr().lock().write_all(&batch);
                    batch.clear();
                }
            });
        AccessLog { tx, json }
    });
}

/// Lines dropped because the writer fell behind.
pub fn dropped() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` into `out`; the formatted second is cached per thread.
fn push_timestamp(out: &mut String) {
    use std::cell::RefCell;
    thread_local! {
        static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs();
    SECOND.with(|cell| {
        let mut cached = cell.borrow_mut();
        if cached.0 != secs {
            let text = crate::config::time::format_rfc3339(secs);
            // `...SSZ` → `...SS` (the milliseconds and `Z` are added below).
            cached.1 = text[..text.len() - 1].to_owned();
            cached.0 = secs;
        }
        out.push_str(&cached.1);
    });
    let ms = now.subsec_millis();
    out.push('.');
    out.push(char::from(b'0' + (ms / 100) as u8));
    out.push(char::from(b'0' + (ms / 10 % 10) as u8));
    out.push(char::from(b'0' + (ms % 10) as u8));
    out.push('Z');
}

#[cfg(test)]
fn timestamp() -> String {
    let mut s = String::new();
    push_timestamp(&mut s);
    s
}

/// One finished request.
pub fn request(id: &str, method: &str, route: &str, status: u16, backend: &str, latency_ms: u64) {
    let Some(log) = LOG.get() else {
        return;
    };
    let mut line = String::with_capacity(192);
    if log.json {
        line.push_str("{\"timestamp\":\"");
        push_timestamp(&mut line);
        line.push_str("\",\"level\":\"INFO\",\"message\":\"request\",\"request_id\":\"");
        escape_into(&mut line, id);
        let _ = write!(
            line,
            "\",\"method\":\"{method}\",\"route\":\"{route}\",\"status\":{status},\"backend\":\""
        );
        escape_into(&mut line, backend);
        let _ = writeln!(line, "\",\"latency_ms\":{latency_ms}}}");
    } else {
        push_timestamp(&mut line);
        let _ = writeln!(
            line,
            "  INFO request request_id={id} method={method} route={route} status={status} backend={backend} latency_ms={latency_ms}"
        );
    }
    if log.tx.try_send(line).is_err() {
        DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_stamps() {
        let mut s = String::new();
        escape_into(&mut s, "a\"b\\c\n");
        assert_eq!(s, "a\\\"b\\\\c\\u000a");
        let t = timestamp();
        assert!(
            t.ends_with('Z') && t.len() == "2026-01-01T00:00:00.000Z".len(),
            "{t}"
        );
    }
}
