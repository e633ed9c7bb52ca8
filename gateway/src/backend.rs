//! Backends at run time (a pooled HTTP client or a core client, limits, timeouts) and the
//! router that picks one for a model.

use crate::config::{glob_match, provider_kind, BackendConfig, GatewayConfig, WeightedBackend};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use ditto_llm::{Ditto, ProviderConfig, ProviderKind};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The passthrough HTTP client: hyper's pooled client over rustls (HTTP and HTTPS).
pub type UpstreamClient = hyper_util::client::legacy::Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    http_body_util::Full<bytes::Bytes>,
>;

type Connector = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

/// Pooled keep-alive upstream clients (`TCP_NODELAY`, connect timeout, HTTP/1.1, TLS by
/// rustls), one per request thread: an upstream connection is driven by the event loop of the
/// thread that opened it, so a pool shared between threads would hand requests to connections
/// another thread drives (two extra thread hops per request).
pub struct UpstreamPools {
    connector: Connector,
    per_thread: thread_local::ThreadLocal<UpstreamClient>,
}

impl std::fmt::Debug for UpstreamPools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpstreamPools").finish_non_exhaustive()
    }
}

impl UpstreamPools {
    /// The TLS roots are loaded once, here.
    fn new(connect_timeout: Duration) -> Result<Self, String> {
        let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
        http.set_nodelay(true);
        http.set_connect_timeout(Some(connect_timeout));
        http.enforce_http(false);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| format!("cannot load the system's TLS root certificates: {e}"))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(UpstreamPools {
            connector,
            per_thread: thread_local::ThreadLocal::new(),
        })
    }

    /// The calling thread's client.
    pub fn get(&self) -> &UpstreamClient {
        self.per_thread.get_or(|| {
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .pool_idle_timeout(Duration::from_secs(90))
                .pool_max_idle_per_host(1024)
                .build(self.connector.clone())
        })
    }
}

/// How a backend is reached.
#[derive(Debug)]
pub enum BackendKind {
    /// OpenAI-compatible HTTP, relayed byte for byte.
    Passthrough {
        /// Base URL, parsed once (`http://host/v1`).
        base_url: reqwest::Url,
        /// Its path without a trailing slash (`/v1`).
        base_path: String,
        /// Scheme and authority as the upstream URI carries them, parsed once (None: the base
        /// URL has a fragment, and every URI is built through `base_url`).
        origin: Option<(axum::http::uri::Scheme, axum::http::uri::Authority)>,
        /// Injected query parameters, encoded once (`a=1&b=2`).
        extra_query: Option<String>,
        /// Pooled keep-alive clients, one per request thread.
        client: Box<UpstreamPools>,
        /// A core OpenAI-compatible client against the same base URL with the same injected
        /// headers and query, for endpoints the gateway translates itself (`/v1/ui/chat`).
        ditto: Ditto,
    },
    /// A native provider through the core's adapters; models are `<backend name>:<model>`.
    Provider {
        /// The core client with this one provider registered under the backend's name.
        ditto: Ditto,
    },
}

/// Timeouts of one backend.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Connect.
    pub connect: Duration,
    /// To the response headers.
    pub first_byte: Duration,
    /// The whole exchange.
    pub total: Duration,
}

/// One backend.
#[derive(Debug)]
pub struct Backend {
    /// Its name.
    pub name: String,
    /// How it is reached.
    pub kind: BackendKind,
    /// Headers injected into every upstream request.
    pub headers: HeaderMap,
    /// Query parameters injected into every upstream request.
    pub query: Vec<(String, String)>,
    /// Client model → upstream model.
    pub model_map: BTreeMap<String, String>,
    /// Models advertised by `GET /v1/models` (provider backends).
    pub models: Vec<String>,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Per-backend concurrency limit.
    pub permits: Option<Arc<Semaphore>>,
}

impl Backend {
    /// Build from config (already validated).
    pub fn build(c: &BackendConfig) -> Result<Self, String> {
        let timeouts = Timeouts {
            connect: Duration::from_millis(c.timeouts.connect_ms.unwrap_or(10_000)),
            first_byte: Duration::from_millis(c.timeouts.first_byte_ms.unwrap_or(60_000)),
            total: Duration::from_millis(c.timeouts.total_ms.unwrap_or(600_000)),
        };
        let mut headers = HeaderMap::new();
        for (k, v) in &c.headers {
            let name = HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| format!("backends.{}.headers.{k}: invalid name", c.name))?;
            let mut value = HeaderValue::from_str(v)
                .map_err(|_| format!("backends.{}.headers.{k}: invalid value", c.name))?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        let kind = match (&c.base_url, &c.provider) {
            (Some(url), None) => BackendKind::Passthrough {
                base_url: reqwest::Url::parse(url)
                    .map_err(|e| format!("backends.{}.base_url: {e}", c.name))?,
                base_path: reqwest::Url::parse(url)
                    .map(|u| u.path().trim_end_matches('/').to_owned())
                    .unwrap_or_default(),
                origin: reqwest::Url::parse(url)
                    .ok()
                    .filter(|u| u.fragment().is_none())
                    .and_then(|u| u.as_str().parse::<axum::http::Uri>().ok())
                    .and_then(|u| {
                        let p = u.into_parts();
                        Some((p.scheme?, p.authority?))
                    }),
                extra_query: (!c.query.is_empty()).then(|| {
                    c.query
                        .iter()
                        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                        .collect::<Vec<_>>()
                        .join("&")
                }),
                client: Box::new(
                    UpstreamPools::new(timeouts.connect)
                        .map_err(|e| format!("backends.{}: {e}", c.name))?,
                ),
                ditto: core_client(c, ProviderKind::OpenaiCompatible, timeouts)?,
            },
            (_, Some(provider)) => BackendKind::Provider {
                ditto: core_client(c, provider_kind(provider)?, timeouts)?,
            },
            (None, None) => return Err(format!("backends.{}: no base_url or provider", c.name)),
        };
        Ok(Backend {
            name: c.name.clone(),
            kind,
            headers,
            query: c
                .query
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            model_map: c.model_map.clone(),
            models: c.models.clone(),
            timeouts,
            permits: c.max_in_flight.map(|n| Arc::new(Semaphore::new(n))),
        })
    }

    /// The core client that serves this backend's translated endpoints; models are
    /// `<backend name>:<model>`.
    pub fn core(&self) -> &Ditto {
        match &self.kind {
            BackendKind::Passthrough { ditto, .. } | BackendKind::Provider { ditto } => ditto,
        }
    }

    /// The upstream model name for a client model.
    pub fn map_model<'a>(&'a self, model: &'a str) -> &'a str {
        self.model_map
            .get(model)
            .map(String::as_str)
            .unwrap_or(model)
    }
}

/// A core client with one provider registered under the backend's name: its key, base URL,
/// injected headers and query, the backend's timeouts, no core retries (the gateway routes).
fn core_client(c: &BackendConfig, kind: ProviderKind, timeouts: Timeouts) -> Result<Ditto, String> {
    let mut pc = ProviderConfig::new().kind(kind);
    pc.api_key = c.api_key.clone();
    pc.headers = c.headers.clone();
    pc.query = c.query.clone();
    pc.base_url = c.base_url.clone();
    let http = ditto_llm::http::HttpConfig {
        connect_timeout: timeouts.connect,
        first_byte_timeout: timeouts.first_byte,
        total_timeout: Some(timeouts.total),
        idle_timeout: timeouts.first_byte,
        ..Default::default()
    };
    Ditto::builder()
        .http_config(http)
        .max_retries(0)
        .provider(c.name.clone(), pc)
        .build()
        .map_err(|e| format!("backends.{}: {}", c.name, e.message()))
}

type Choices = Vec<(usize, u32)>;

/// Picks a backend for a model: exact rules, then glob rules in order, then the defaults;
/// among several backends, by weight.
#[derive(Debug, Default)]
pub struct Router {
    exact: HashMap<String, Choices>,
    globs: Vec<(String, Choices)>,
    default: Choices,
}

impl Router {
    /// Build from config; `index` maps backend names to positions.
    pub fn build(c: &GatewayConfig, index: &HashMap<String, usize>) -> Self {
        let weights = |list: &[WeightedBackend]| -> Choices {
            list.iter()
                .filter_map(|wb| {
                    let i = *index.get(&wb.backend)?;
                    let w = wb.weight.or(c.backends[i].weight).unwrap_or(1).max(1);
                    Some((i, w))
                })
                .collect()
        };
        let mut r = Router {
            default: weights(&c.router.default_backends),
            ..Router::default()
        };
        for rule in &c.router.rules {
            let choices = weights(&rule.backends);
            if rule.model.contains('*') {
                r.globs.push((rule.model.clone(), choices));
            } else {
                r.exact.entry(rule.model.clone()).or_insert(choices);
            }
        }
        r
    }

    fn pick(choices: &Choices) -> Option<usize> {
        match choices.len() {
            0 => None,
            1 => Some(choices[0].0),
            _ => {
                let total: u64 = choices.iter().map(|(_, w)| u64::from(*w)).sum();
                let mut n = fastrand::u64(0..total);
                for (i, w) in choices {
                    if n < u64::from(*w) {
                        return Some(*i);
                    }
                    n -= u64::from(*w);
                }
                choices.last().map(|(i, _)| *i)
            }
        }
    }

    /// The backend index for `model` (None: no route).
    pub fn route(&self, model: Option<&str>) -> Option<usize> {
        if let Some(m) = model {
            if let Some(c) = self.exact.get(m) {
                return Self::pick(c);
            }
            if let Some((_, c)) = self.globs.iter().find(|(g, _)| glob_match(g, m)) {
                return Self::pick(c);
            }
        }
        Self::pick(&self.default)
    }

    /// Model names named exactly by rules.
    pub fn exact_models(&self) -> Vec<String> {
        let mut v: Vec<String> = self.exact.keys().cloned().collect();
        v.sort();
        v
    }
}

/// Percent-encode a query component.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
