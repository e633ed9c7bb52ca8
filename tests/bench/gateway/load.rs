//! Load generation (one keep-alive hyper connection per worker, closed loop) and process
//! statistics from `/proc`.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use std::time::{Duration, Instant};

/// One thing to measure.
#[derive(Debug, Clone)]
pub struct Target {
    /// Name in the report.
    pub name: String,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// The process to read CPU/RSS from (None: not measured).
    pub pid: Option<u32>,
    /// Bearer token to send.
    pub key: Option<String>,
    /// Extra headers of this target (peers route by header).
    pub headers: Vec<(&'static str, String)>,
}

/// Latencies are kept up to this many per round (memory bound).
const MAX_SAMPLES: usize = 2_000_000;

/// Results of a round.
#[derive(Debug, Default)]
pub struct Round {
    /// Completed requests.
    pub ok: u64,
    /// Failed requests.
    pub errors: u64,
    /// Latency samples, µs.
    pub lat_us: Vec<u64>,
    /// Wall time.
    pub elapsed: Duration,
    /// Time to first body chunk, µs (streams).
    pub ttfb_us: Vec<u64>,
    /// Mean gap between chunks per stream, µs (streams).
    pub gap_us: Vec<u64>,
}

impl Round {
    /// Requests per second.
    pub fn rps(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Percentile of a sample (sorts it).
pub fn pct(v: &mut [u64], p: f64) -> u64 {
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    let i = ((v.len() - 1) as f64 * p).round() as usize;
    v[i]
}

/// Median of floats.
pub fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v[v.len() / 2]
}

/// Open one HTTP/1 connection.
pub async fn connect(addr: &str) -> Option<SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    stream.set_nodelay(true).ok()?;
    let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .ok()?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Some(send)
}

fn request(
    t: &Target,
    body: &Bytes,
    headers: &[(&'static str, String)],
) -> hyper::Request<Full<Bytes>> {
    let mut b = hyper::Request::post("/v1/chat/completions")
        .header("host", &t.addr)
        .header("content-type", "application/json");
    if let Some(k) = &t.key {
        b = b.header("authorization", format!("Bearer {k}"));
    }
    for (k, v) in &t.headers {
        b = b.header(*k, v);
    }
    for (k, v) in headers {
        b = b.header(*k, v);
    }
    b.body(Full::new(body.clone())).expect("request")
}

/// `c` workers send `body` in a closed loop for `dur`. Streams record first-chunk and gaps.
pub async fn run(
    t: &Target,
    c: usize,
    dur: Duration,
    body: Bytes,
    headers: Vec<(&'static str, String)>,
) -> Round {
    let deadline = Instant::now() + dur;
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(c);
    for _ in 0..c {
        let t = t.clone();
        let body = body.clone();
        let headers = headers.clone();
        tasks.push(tokio::spawn(async move {
            let mut r = Round::default();
            let Some(mut send) = connect(&t.addr).await else {
                r.errors += 1;
                return r;
            };
            while Instant::now() < deadline {
                if send.ready().await.is_err() {
                    match connect(&t.addr).await {
                        Some(s) => send = s,
                        None => {
                            r.errors += 1;
                            break;
                        }
                    }
                }
                let t0 = Instant::now();
                let Ok(resp) = send.send_request(request(&t, &body, &headers)).await else {
                    r.errors += 1;
                    continue;
                };
                let okay = resp.status() == 200;
                let mut b = resp.into_body();
                let mut first = None;
                let mut last = t0;
                let mut gaps = 0u64;
                let mut n = 0u64;
                let mut failed = false;
                while let Some(frame) = b.frame().await {
                    match frame {
                        Ok(f) if f.is_data() => {
                            let now = Instant::now();
                            if first.is_none() {
                                first = Some(now - t0);
                            } else {
                                gaps += (now - last).as_micros() as u64;
                            }
                            last = now;
                            n += 1;
                        }
                        Ok(_) => {}
                        Err(_) => {
                            failed = true;
                            break;
                        }
                    }
                }
                if !okay || failed {
                    r.errors += 1;
                    continue;
                }
                r.ok += 1;
                if r.lat_us.len() < MAX_SAMPLES {
                    r.lat_us.push(t0.elapsed().as_micros() as u64);
                }
                if let Some(f) = first {
                    r.ttfb_us.push(f.as_micros() as u64);
                }
                if n > 1 {
                    r.gap_us.push(gaps / (n - 1));
                }
            }
            r
        }));
    }
    let mut all = Round::default();
    for task in tasks {
        if let Ok(r) = task.await {
            all.ok += r.ok;
            all.errors += r.errors;
            all.lat_us.extend(r.lat_us);
            all.ttfb_us.extend(r.ttfb_us);
            all.gap_us.extend(r.gap_us);
        }
    }
    all.elapsed = start.elapsed();
    all
}

/// CPU time (user + system) of a process, in µs.
pub fn cpu_us(pid: u32, tick_us: u64) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields after the command: state is index 0; utime is field 14 overall → index 11 here.
    let utime: u64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0);
    let stime: u64 = f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    (utime + stime) * tick_us
}

/// Context switches (voluntary + involuntary) of all threads of a process so far.
pub fn ctx_switches(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("status")).ok())
        .map(|s| {
            s.lines()
                .filter(|l| l.contains("ctxt_switches:"))
                .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                .sum::<u64>()
        })
        .sum()
}

/// Resident set size of a process, in KiB.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Microseconds per clock tick (`getconf CLK_TCK`, 100 when unknown).
pub fn tick_us() -> u64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(|hz| 1_000_000 / hz.max(1))
        .unwrap_or(10_000)
}

/// Open `n` streams at once and hold them until `hold` passes; returns how many opened.
pub async fn hold_streams(
    t: &Target,
    n: usize,
    body: Bytes,
    headers: Vec<(&'static str, String)>,
    opened: tokio::sync::mpsc::Sender<()>,
    hold: Duration,
) -> usize {
    let mut tasks = Vec::with_capacity(n);
    for _ in 0..n {
        let t = t.clone();
        let body = body.clone();
        let headers = headers.clone();
        let opened = opened.clone();
        tasks.push(tokio::spawn(async move {
            let mut send = connect(&t.addr).await?;
            let resp = send.send_request(request(&t, &body, &headers)).await.ok()?;
            let mut b = resp.into_body();
            let _ = b.frame().await?;
            let _ = opened.send(()).await;
            tokio::time::sleep(hold).await;
            drop(b);
            Some(())
        }));
    }
    let mut ok = 0;
    for task in tasks {
        if let Ok(Some(())) = task.await {
            ok += 1;
        }
    }
    ok
}
