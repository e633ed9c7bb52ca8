//! The listener's front: accepts connections (`TCP_NODELAY`), serves HTTP/1 with hyper, and
//! hands each request, observed (request id, metrics, access log), either straight to the
//! OpenAI surface or to the axum router of the gateway's own endpoints (`/health`, `/ready`,
//! `/metrics`, `/admin/*`, `/key/*`). The OpenAI surface is the hot path: going straight there
//! skips the router's path matching, its layer stack and two boxed futures per request.
//! Graceful shutdown: stop accepting, let every connection finish its request in flight, then
//! return.

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
use tokio::sync::watch;

/// Paths the router serves; every other path is the OpenAI surface (the router's own
/// fallback would send it there too).
fn for_router(path: &str) -> bool {
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
    let _ = stream.set_nodelay(true);
    let service = hyper::service::service_fn(move |req| {
        let st = st.clone();
        let router = router.clone();
        async move { Ok::<_, Infallible>(dispatch(st, router, req).await) }
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = closing.wait_for(|c| *c) => {}
    }
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}

/// Accept until `shutdown` resolves, then wait for the open connections to finish.
pub async fn serve(
    listener: TcpListener,
    st: Arc<AppState>,
    router: Router,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let (closing_tx, closing_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = &mut shutdown => break,
        };
        match accepted {
            Ok((stream, _)) => {
                tokio::spawn(connection(
                    st.clone(),
                    router.clone(),
                    stream,
                    closing_rx.clone(),
                ));
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
    drop(closing_rx);
    let _ = closing_tx.send(true);
    // Every connection task holds a receiver: this resolves when the last one has finished.
    closing_tx.closed().await;
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
