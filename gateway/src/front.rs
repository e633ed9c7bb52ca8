//! The listener's front. One acceptor hands connections (`TCP_NODELAY`) round-robin to
//! `server.workers` request threads, each a single-threaded event loop that serves its
//! connections with hyper (HTTP/1) from accept to close: a request never hops between threads,
//! which saves two context switches per request over a work-stealing pool and keeps its data
//! in one core's caches. Each request, observed (request id, metrics, access log), goes either
//! straight to the OpenAI surface or to the axum router of the gateway's own endpoints
//! (`/health`, `/ready`, `/metrics`, `/admin/*`, `/key/*`); the hot path skips the router's
//! path matching, its layer stack and two boxed futures. Graceful shutdown: stop accepting,
//! let every connection finish its request in flight, stop the threads.

use crate::middleware::observed;
use crate::routes::openai;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};

/// Paths the router serves; every other path is the OpenAI surface (the router's own
/// fallback would send it there too).
pub(crate) fn for_router(path: &str) -> bool {
    matches!(path, "/health" | "/ready" | "/metrics")
        || path.starts_with("/admin/")
        || path.starts_with("/key/")
}

/// One request: observed, then served by the handler or the router.
async fn dispatch(st: Arc<AppState>, router: Router, req: hyper::Request<Incoming>) -> Response {
    let req: Request = req.map(Body::new);
    let to_router = for_router(req.uri().path());
    let state = st.clone();
    observed(&st, req, move |req| async move {
        if to_router {
            let mut router = router;
            match tower_service::Service::call(&mut router, req).await {
                Ok(resp) => resp,
                Err(never) => match never {},
            }
        } else {
            openai::handle(axum::extract::State(state), req).await
        }
    })
    .await
}

/// Serve one accepted connection until it closes or `closing` says to stop (then the request
/// in flight finishes first).
async fn connection(
    st: Arc<AppState>,
    router: Router,
    stream: tokio::net::TcpStream,
    mut closing: watch::Receiver<bool>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(st.header_read_timeout);
    let service = hyper::service::service_fn(move |req| {
        let st = st.clone();
        let router = router.clone();
        async move { Ok::<_, Infallible>(dispatch(st, router, req).await) }
    });
    let conn = http.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = closing.wait_for(|c| *c) => {}
    }
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}

/// Connections handed to one request thread and not yet picked up, at most (the acceptor
/// waits when a thread falls this far behind).
const LANE_QUEUE: usize = 1024;

/// One request thread: a single-threaded event loop serving the connections handed to it.
/// A connection stays on its thread for life, so a request's reads, handler, upstream call and
/// writes run on one core without hops between threads.
async fn worker(
    mut lane: mpsc::Receiver<std::net::TcpStream>,
    st: Arc<AppState>,
    router: Router,
    closing: watch::Receiver<bool>,
) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            next = lane.recv() => match next {
                Some(stream) => match tokio::net::TcpStream::from_std(stream) {
                    Ok(stream) => {
                        conns.spawn(connection(
                            st.clone(),
                            router.clone(),
                            stream,
                            closing.clone(),
                        ));
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot register a connection"),
                },
                None => break,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    // Graceful shutdown: every connection was told to finish its request in flight; wait for
    // them. Otherwise (the server was dropped) they end with this thread's event loop.
    if *closing.borrow() {
        while conns.join_next().await.is_some() {}
    }
}

/// The running request threads.
struct Workers {
    /// Where each thread takes its connections from.
    lanes: Vec<mpsc::Sender<std::net::TcpStream>>,
    /// Each resolves when its thread has ended.
    ended: Vec<oneshot::Receiver<()>>,
}

/// Start `n` request threads.
fn start_workers(
    n: usize,
    st: &Arc<AppState>,
    router: &Router,
    closing: &watch::Receiver<bool>,
) -> std::io::Result<Workers> {
    let mut lanes = Vec::with_capacity(n);
    let mut ended = Vec::with_capacity(n);
    for i in 0..n {
        let (tx, rx) = mpsc::channel(LANE_QUEUE);
        let (end_tx, end_rx) = oneshot::channel::<()>();
        let (st, router, closing) = (st.clone(), router.clone(), closing.clone());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name(format!("ditto-worker-{i}"))
            .spawn(move || {
                rt.block_on(worker(rx, st, router, closing));
                drop(rt);
                drop(end_tx);
            })?;
        lanes.push(tx);
        ended.push(end_rx);
    }
    Ok(Workers { lanes, ended })
}

/// Accept until `shutdown` resolves, handing connections round-robin to `state.workers`
/// request threads; then let the open connections finish and stop the threads.
pub async fn serve(
    listener: TcpListener,
    st: Arc<AppState>,
    router: Router,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let (closing_tx, closing_rx) = watch::channel(false);
    let Workers { lanes, ended } = start_workers(st.workers.max(1), &st, &router, &closing_rx)?;
    drop(closing_rx);
    tokio::pin!(shutdown);
    let mut next = 0usize;
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = &mut shutdown => break,
        };
        match accepted {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                let Ok(stream) = stream.into_std() else {
                    continue;
                };
                next = (next + 1) % lanes.len();
                if lanes[next].send(stream).await.is_err() {
                    tracing::error!(worker = next, "a request thread has stopped");
                }
            }
            // Out of file descriptors and the like: wait instead of spinning.
            Err(e) if !is_connection_error(&e) => {
                tracing::error!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(_) => {}
        }
    }
    drop(listener);
    let _ = closing_tx.send(true);
    drop(lanes);
    for end in ended {
        let _ = end.await;
    }
    Ok(())
}

/// Errors of one connection (the peer gave up before the accept): nothing to wait for.
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

#[cfg(test)]
mod tests {
    use super::for_router;

    #[test]
    fn own_endpoints_go_to_the_router() {
        for p in ["/health", "/ready", "/metrics", "/admin/keys", "/key/info"] {
            assert!(for_router(p), "{p}");
        }
        for p in [
            "/v1/chat/completions",
            "/chat/completions",
            "/health/",
            "/v1/models",
            "/",
        ] {
            assert!(!for_router(p), "{p}");
        }
    }
}
