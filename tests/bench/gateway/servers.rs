//! The bench's own servers, each meant to run as its own process so its CPU can be read from
//! `/proc`: a zero-delay mock upstream and the floor proxy (the physical-limit reference: parse
//! the JSON body, rewrite `model`, forward, relay the response). Both use hyper directly, set
//! `TCP_NODELAY` and listen with a large backlog.

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

type Body = BoxBody<Bytes, hyper::Error>;

/// Bind with a backlog of 4096 and print `listening on http://ADDR`.
pub async fn listen(port: u16) -> tokio::net::TcpListener {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_reuseaddr(true).expect("reuseaddr");
    socket
        .bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .expect("bind");
    let l = socket.listen(4096).expect("listen");
    println!("listening on http://{}", l.local_addr().expect("addr"));
    l
}

/// Accept forever, one hyper HTTP/1 connection per socket.
pub async fn serve<F, Fut>(listener: tokio::net::TcpListener, handler: F)
where
    F: Fn(Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Response<Body>, Infallible>> + Send + 'static,
{
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let h = handler.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(h);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

fn full(b: impl Into<Bytes>) -> Body {
    Full::new(b.into()).map_err(|never| match never {}).boxed()
}

const COMPLETION: &str = r#"{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"hello from the bench mock"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}}"#;

fn header_u64(req: &Request<Incoming>, name: &str, default: u64) -> u64 {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The zero-delay mock: a fixed completion, or `x-chunks` SSE chunks `x-chunk-delay-ms` apart.
pub async fn mock(req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let chunks = header_u64(&req, "x-chunks", 8).min(100_000);
    let delay = header_u64(&req, "x-chunk-delay-ms", 0).min(60_000);
    let body = req
        .into_body()
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let streaming = body.windows(13).any(|w| w == b"\"stream\":true");
    if !streaming {
        return Ok(Response::builder()
            .header("content-type", "application/json")
            .body(full(COMPLETION))
            .expect("response"));
    }
    let include_usage = body.windows(15).any(|w| w == b"\"include_usage\"");
    let frames = futures_util::stream::unfold(0u64, move |i| async move {
        if i > chunks + 1 {
            return None;
        }
        if i > 0 && delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        let data = if i < chunks {
            format!("data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"w{i} \"}},\"finish_reason\":null}}]}}\n\n")
        } else if i == chunks && include_usage {
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":8,\"total_tokens\":13}}\n\n".to_owned()
        } else if i == chunks {
            String::new()
        } else {
            "data: [DONE]\n\n".to_owned()
        };
        Some((Ok::<_, hyper::Error>(Frame::data(Bytes::from(data))), i + 1))
    });
    Ok(Response::builder()
        .header("content-type", "text/event-stream")
        .body(BodyExt::boxed(StreamBody::new(frames)))
        .expect("response"))
}

/// The floor proxy's state: the upstream base and a pooled client.
#[derive(Clone)]
pub struct Floor {
    upstream: String,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Floor {
    /// A floor proxy in front of `upstream` (`http://127.0.0.1:PORT`).
    pub fn new(upstream: String) -> Self {
        let mut conn = HttpConnector::new();
        conn.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(1024)
            .build(conn);
        Floor { upstream, client }
    }

    /// Parse, rewrite `model`, forward, relay.
    pub async fn handle(self, req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
        let (parts, body) = req.into_parts();
        let bytes = body
            .collect()
            .await
            .map(|c| c.to_bytes())
            .unwrap_or_default();
        let mut json: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        if let Some(o) = json.as_object_mut() {
            o.insert("model".into(), "gpt-4o-mini".into());
        }
        let out = Bytes::from(serde_json::to_vec(&json).unwrap_or_default());
        let mut up = Request::builder().method(parts.method).uri(format!(
            "{}{}",
            self.upstream,
            parts.uri.path()
        ));
        for (k, v) in &parts.headers {
            if k != "host" && k != "content-length" && k != "authorization" {
                up = up.header(k, v);
            }
        }
        let up = up.body(Full::new(out)).expect("request");
        match self.client.request(up).await {
            Ok(resp) => {
                let (p, b) = resp.into_parts();
                Ok(Response::from_parts(p, b.boxed()))
            }
            Err(_) => Ok(Response::builder()
                .status(502)
                .body(full(""))
                .expect("response")),
        }
    }
}
