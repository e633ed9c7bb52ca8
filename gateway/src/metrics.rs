//! Prometheus metrics, rendered in the text exposition format (no external registry).
//! Label sets are bounded: routes, statuses, backend names and rejection reasons are all
//! finite (unknown paths are counted under one `other` route).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;

/// Latency buckets in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0,
];

#[derive(Debug, Default, Clone)]
struct Hist {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Hist {
    fn observe(&mut self, v: f64) {
        for (i, b) in BUCKETS.iter().enumerate() {
            if v <= *b {
                self.counts[i] += 1;
            }
        }
        self.sum += v;
        self.count += 1;
    }
}

/// Request counts: (route, status) → backend → count.
type RequestCounts = BTreeMap<(&'static str, u16), BTreeMap<String, u64>>;

/// All gateway metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<RequestCounts>,
    latency: Mutex<BTreeMap<&'static str, Hist>>,
    upstream: Mutex<BTreeMap<String, Hist>>,
    tokens: Mutex<BTreeMap<String, [u64; 2]>>,
    rejections: Mutex<BTreeMap<String, u64>>,
    in_flight: AtomicI64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// One finished request.
    pub fn record_request(&self, route: &'static str, status: u16, backend: &str, seconds: f64) {
        {
            let mut m = lock(&self.requests);
            let by_backend = m.entry((route, status)).or_default();
            match by_backend.get_mut(backend) {
                Some(n) => *n += 1,
                None => {
                    by_backend.insert(backend.to_owned(), 1);
                }
            }
        }
        lock(&self.latency)
            .entry(route)
            .or_default()
            .observe(seconds);
    }

    /// Time from sending upstream to its response headers.
    pub fn record_upstream(&self, backend: &str, seconds: f64) {
        let mut m = lock(&self.upstream);
        match m.get_mut(backend) {
            Some(h) => h.observe(seconds),
            None => m.entry(backend.to_owned()).or_default().observe(seconds),
        }
    }

    /// Tokens settled.
    pub fn record_tokens(&self, backend: &str, input: u64, output: u64) {
        let mut t = lock(&self.tokens);
        let slot = match t.get_mut(backend) {
            Some(s) => s,
            None => t.entry(backend.to_owned()).or_default(),
        };
        slot[0] += input;
        slot[1] += output;
    }

    /// A request refused by the gateway itself.
    pub fn record_rejection(&self, reason: &str) {
        *lock(&self.rejections).entry(reason.to_owned()).or_default() += 1;
    }

    /// Requests in flight: +1 / -1.
    pub fn in_flight_add(&self, delta: i64) {
        self.in_flight.fetch_add(delta, Ordering::Relaxed);
    }

    fn hist<K: AsRef<str>>(
        out: &mut String,
        name: &str,
        help: &str,
        label: &str,
        data: &BTreeMap<K, Hist>,
    ) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (l, h) in data {
            let l = escape(l.as_ref());
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "{name}_bucket{{{label}=\"{l}\",le=\"{b}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "{name}_bucket{{{label}=\"{l}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(out, "{name}_sum{{{label}=\"{l}\"}} {}", h.sum);
            let _ = writeln!(out, "{name}_count{{{label}=\"{l}\"}} {}", h.count);
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self, keys: usize, reservations: usize) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str("# HELP ditto_requests_total Requests answered, by route, status and backend.\n# TYPE ditto_requests_total counter\n");
        for ((route, status), by_backend) in lock(&self.requests).iter() {
            for (backend, n) in by_backend {
                let _ = writeln!(
                    out,
                    "ditto_requests_total{{route=\"{}\",status=\"{status}\",backend=\"{}\"}} {n}",
                    escape(route),
                    escape(backend)
                );
            }
        }
        Self::hist(
            &mut out,
            "ditto_request_duration_seconds",
            "Time from request to response headers, by route.",
            "route",
            &lock(&self.latency),
        );
        Self::hist(
            &mut out,
            "ditto_upstream_duration_seconds",
            "Time from sending upstream to its response headers, by backend.",
            "backend",
            &lock(&self.upstream),
        );
        out.push_str("# HELP ditto_tokens_total Tokens settled, by backend and kind.\n# TYPE ditto_tokens_total counter\n");
        for (backend, [input, output]) in lock(&self.tokens).iter() {
            let b = escape(backend);
            let _ = writeln!(
                out,
                "ditto_tokens_total{{backend=\"{b}\",kind=\"input\"}} {input}"
            );
            let _ = writeln!(
                out,
                "ditto_tokens_total{{backend=\"{b}\",kind=\"output\"}} {output}"
            );
        }
        out.push_str("# HELP ditto_rejections_total Requests refused by the gateway, by reason.\n# TYPE ditto_rejections_total counter\n");
        for (reason, n) in lock(&self.rejections).iter() {
            let _ = writeln!(
                out,
                "ditto_rejections_total{{reason=\"{}\"}} {n}",
                escape(reason)
            );
        }
        let _ = writeln!(
            out,
            "# HELP ditto_in_flight Requests in flight.\n# TYPE ditto_in_flight gauge\nditto_in_flight {}",
            self.in_flight.load(Ordering::Relaxed).max(0)
        );
        let _ = writeln!(
            out,
            "# HELP ditto_access_log_dropped_total Access-log lines dropped because the writer fell behind.\n# TYPE ditto_access_log_dropped_total counter\nditto_access_log_dropped_total {}",
            crate::middleware::access_log::dropped()
        );
        let _ = writeln!(
            out,
            "# HELP ditto_virtual_keys Virtual keys loaded.\n# TYPE ditto_virtual_keys gauge\nditto_virtual_keys {keys}"
        );
        let _ = writeln!(
            out,
            "# HELP ditto_budget_reservations Budget reservations held by requests in flight.\n# TYPE ditto_budget_reservations gauge\nditto_budget_reservations {reservations}"
        );
        out
    }
}
