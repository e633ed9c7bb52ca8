//! The access log: one line per request. The request path copies the line's fields into a
//! shared buffer (no allocation, no formatting); a dedicated thread formats the lines and writes
//! them through stderr (tracing's JSON formatter cost more than the whole floor proxy's request
//! handling, and formatting on the request path delayed the response). The request path
//! makes no system call for it while the writer is busy: the writer writes what is waiting, then
//! sleeps [`LINGER`] before it looks again, and only a line that finds it asleep on an empty
//! buffer wakes it. A line after a quiet spell is written at once; under load the lines of each
//! [`LINGER`] go out in one `write`, so a line reaches stderr at most about that long after its
//! request (what `kill -9` can lose; a graceful shutdown writes everything, see [`flush`]).
//! Bounded: when [`MAX_PENDING`] bytes are waiting, lines are dropped and counted. Only the
//! binary turns it on; the library (tests) logs nothing here.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Duration;

/// Bytes of records waiting for the writer at most; lines beyond are dropped (and counted).
const MAX_PENDING: usize = 4 * 1024 * 1024;
/// The writer's pause after each write (lines collect meanwhile). Each wake-up of the writer
/// takes a core for a moment; at 5 ms it delayed about 1 request in 40 at concurrency 1 enough
/// to show in the p99 latency, at 50 ms the rare wake-ups stay out of it.
const LINGER: Duration = Duration::from_millis(50);

#[derive(Default)]
struct Pending {
    buf: Vec<u8>,
    /// The writer sleeps on the condition variable (the next line must wake it).
    waiting: bool,
}

struct AccessLog {
    pending: Mutex<Pending>,
    /// Held from taking a batch to writing it, so batches reach stderr in order.
    writing: Mutex<()>,
    wake: Condvar,
    json: bool,
}

static LOG: OnceLock<AccessLog> = OnceLock::new();
static DROPPED: AtomicU64 = AtomicU64::new(0);

fn lock(log: &AccessLog) -> std::sync::MutexGuard<'_, Pending> {
    log.pending.lock().unwrap_or_else(|p| p.into_inner())
}

fn writer(log: &'static AccessLog) {
    let mut records: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut text = String::with_capacity(128 * 1024);
    loop {
        {
            let mut p = lock(log);
            while p.buf.is_empty() {
                p.waiting = true;
                p = log.wake.wait(p).unwrap_or_else(|e| e.into_inner());
            }
            p.waiting = false;
        }
        write_pending(log, &mut records, &mut text);
        if records.capacity() > 1024 * 1024 {
            records = Vec::with_capacity(64 * 1024);
        }
        if text.capacity() > 2 * 1024 * 1024 {
            text = String::with_capacity(128 * 1024);
        }
        // At most one write per LINGER: lines arriving meanwhile append without waking anyone.
        std::thread::sleep(LINGER);
    }
}

/// Take what is waiting and write it (batches stay in order: see `AccessLog::writing`).
fn write_pending(log: &AccessLog, records: &mut Vec<u8>, text: &mut String) {
    let _order = log.writing.lock().unwrap_or_else(|p| p.into_inner());
    std::mem::swap(&mut lock(log).buf, records);
    format_records(records, log.json, text);
    // Lock stderr only while writing: other threads (tracing) share it.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
    records.clear();
    text.clear();
}

/// Write the lines still waiting now (graceful shutdown: the writer may be lingering).
pub fn flush() {
    if let Some(log) = LOG.get() {
        write_pending(log, &mut Vec::new(), &mut String::new());
    }
}

/// Start the writer thread (`json` or text lines). Later calls do nothing.
pub fn enable(json: bool) {
    let mut started = false;
    let log = LOG.get_or_init(|| {
        started = true;
        AccessLog {
            pending: Mutex::new(Pending {
                buf: Vec::with_capacity(64 * 1024),
                waiting: false,
            }),
            writing: Mutex::new(()),
            wake: Condvar::new(),
            json,
        }
    });
    if started {
        let _ = std::thread::Builder::new()
            .name("ditto-access-log".into())
            .spawn(move || writer(log));
    }
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

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` of `at` (since the Unix epoch, milliseconds) into `out`; the
/// formatted second is cached per thread.
fn push_timestamp(out: &mut String, at_ms: u64) {
    use std::cell::RefCell;
    thread_local! {
        static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let secs = at_ms / 1000;
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
    let ms = at_ms % 1000;
    out.push('.');
    out.push(char::from(b'0' + (ms / 100) as u8));
    out.push(char::from(b'0' + (ms / 10 % 10) as u8));
    out.push(char::from(b'0' + (ms % 10) as u8));
    out.push('Z');
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
fn timestamp() -> String {
    let mut s = String::new();
    push_timestamp(&mut s, now_ms());
    s
}

/// One finished request. The request path only copies the fields into the shared buffer
/// (a small binary record); the writer thread formats the line.
pub fn request(id: &str, method: &str, route: &str, status: u16, backend: &str, latency_ms: u64) {
    let Some(log) = LOG.get() else {
        return;
    };
    let at = now_ms();
    let wake = {
        let mut p = lock(log);
        if p.buf.len() + RECORD_HEAD + id.len() + method.len() + route.len() + backend.len()
            > MAX_PENDING
        {
            drop(p);
            DROPPED.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let b = &mut p.buf;
        b.extend_from_slice(&at.to_le_bytes());
        b.extend_from_slice(&latency_ms.to_le_bytes());
        b.extend_from_slice(&status.to_le_bytes());
        for field in [id, method, route, backend] {
            b.extend_from_slice(&(field.len() as u32).to_le_bytes());
        }
        for field in [id, method, route, backend] {
            b.extend_from_slice(field.as_bytes());
        }
        std::mem::replace(&mut p.waiting, false)
    };
    if wake {
        log.wake.notify_one();
    }
}

/// Fixed part of a record: time, latency, status, four field lengths.
const RECORD_HEAD: usize = 8 + 8 + 2 + 4 * 4;

/// Format the records of `records` as lines into `out`.
fn format_records(records: &[u8], json: bool, out: &mut String) {
    let u64_at = |i: usize| u64::from_le_bytes(records[i..i + 8].try_into().unwrap_or([0; 8]));
    let u32_at =
        |i: usize| u32::from_le_bytes(records[i..i + 4].try_into().unwrap_or([0; 4])) as usize;
    let mut i = 0;
    while i + RECORD_HEAD <= records.len() {
        let at = u64_at(i);
        let latency = u64_at(i + 8);
        let status = u16::from_le_bytes([records[i + 16], records[i + 17]]);
        let lens = [
            u32_at(i + 18),
            u32_at(i + 22),
            u32_at(i + 26),
            u32_at(i + 30),
        ];
        let mut j = i + RECORD_HEAD;
        let mut fields = [""; 4];
        for (f, len) in fields.iter_mut().zip(lens) {
            // Written from `&str`s by `request`: valid UTF-8 at these bounds.
            *f = records
                .get(j..j + len)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or("");
            j += len;
        }
        format_line(
            out, json, at, fields[0], fields[1], fields[2], status, fields[3], latency,
        );
        i = j;
    }
}

#[allow(clippy::too_many_arguments)]
fn format_line(
    line: &mut String,
    json: bool,
    at_ms: u64,
    id: &str,
    method: &str,
    route: &str,
    status: u16,
    backend: &str,
    latency_ms: u64,
) {
    if json {
        line.push_str("{\"timestamp\":\"");
        push_timestamp(line, at_ms);
        line.push_str("\",\"level\":\"INFO\",\"message\":\"request\",\"request_id\":\"");
        escape_into(line, id);
        line.push_str("\",\"method\":\"");
        line.push_str(method);
        line.push_str("\",\"route\":\"");
        line.push_str(route);
        line.push_str("\",\"status\":");
        push_u64(line, u64::from(status));
        line.push_str(",\"backend\":\"");
        escape_into(line, backend);
        line.push_str("\",\"latency_ms\":");
        push_u64(line, latency_ms);
        line.push_str("}\n");
    } else {
        push_timestamp(line, at_ms);
        let _ = writeln!(
            line,
            "  INFO request request_id={id} method={method} route={route} status={status} backend={backend} latency_ms={latency_ms}"
        );
    }
}

/// Decimal digits of `n` (without `core::fmt`).
fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in &digits[i..] {
        out.push(char::from(*d));
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
        let mut n = String::new();
        for v in [0, 7, 10, 404, u64::MAX] {
            n.clear();
            push_u64(&mut n, v);
            assert_eq!(n, v.to_string());
        }
        // Records as the request path writes them, formatted as the writer does.
        let mut records = Vec::new();
        for (id, status, backend) in [("req_\"1", 200u16, "up"), ("req_2", 404, "")] {
            records.extend_from_slice(&1_700_000_000_123u64.to_le_bytes());
            records.extend_from_slice(&3u64.to_le_bytes());
            records.extend_from_slice(&status.to_le_bytes());
            let fields = [id, "POST", "/v1/chat/completions", backend];
            for f in fields {
                records.extend_from_slice(&(f.len() as u32).to_le_bytes());
            }
            for f in fields {
                records.extend_from_slice(f.as_bytes());
            }
        }
        let mut text = String::new();
        format_records(&records, true, &mut text);
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert_eq!(lines[0]["request_id"], "req_\"1");
        assert_eq!(lines[0]["status"], 200);
        assert_eq!(lines[0]["latency_ms"], 3);
        assert_eq!(lines[0]["backend"], "up");
        assert_eq!(lines[0]["route"], "/v1/chat/completions");
        assert_eq!(lines[0]["timestamp"], "2023-11-14T22:13:20.123Z");
        assert_eq!(lines[1]["request_id"], "req_2");
        assert_eq!(lines[1]["status"], 404);
        text.clear();
        format_records(&records, false, &mut text);
        assert!(
            text.starts_with(
                "2023-11-14T22:13:20.123Z  INFO request request_id=req_\"1 method=POST"
            ),
            "{text}"
        );
    }
}
