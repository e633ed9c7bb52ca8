//! [`MockServer`]: binding, serving and the Rust-side control API.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::MockConfig;
use crate::record::RecordedRequest;
use crate::scenario::Step;
use crate::state::Shared;
use crate::stats::Stats;
use crate::{admin, handler};

/// How long [`MockServer::shutdown`] waits for open connections to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A running mock upstream. Dropping it stops the accept loop.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Starts a server on `127.0.0.1` with a free port.
    pub async fn start(config: MockConfig) -> io::Result<MockServer> {
        Self::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
    }

    /// Starts a server on `addr`, which must be a loopback address.
    pub async fn start_on(addr: SocketAddr, config: MockConfig) -> io::Result<MockServer> {
        if !addr.ip().is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to bind {addr}: the mock only binds loopback addresses"),
            ));
        }
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config));
        let app = router(Arc::clone(&shared));
        let listener = listener.tap_io(|stream| {
            // Best effort: a failure only costs latency.
            let _ = stream.set_nodelay(true);
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let signal = async move {
                let _ = stopped.await;
            };
            // `serve` only returns after the signal; accept errors are retried inside.
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(signal)
                .await;
        });
        Ok(MockServer {
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`, e.g. `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://<addr>/v1`, the OpenAI base URL.
    pub fn openai_base_url(&self) -> String {
        format!("{}/v1", self.base_url())
    }

    /// Recorded requests, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.recorder.snapshot(None)
    }

    /// Forgets all recorded requests.
    pub fn clear_requests(&self) {
        self.shared.recorder.clear();
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.shared.counters.snapshot()
    }

    /// Queues `steps` for scenario `key`. The whole call is ignored when it
    /// would break a limit (empty or over-long key, more than
    /// [`crate::scenario::MAX_STEPS_PER_KEY`] steps for the key, or more than
    /// [`crate::scenario::MAX_KEYS`] keys); the admin route reports those as `400`.
    pub fn push_scenario(&self, key: &str, steps: Vec<Step>) {
        let _ = self.shared.scenarios.push(key, steps);
    }

    /// Stops accepting, lets open connections finish for up to two seconds,
    /// then aborts the server task.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Admin routes first, every other path goes to the provider handler.
fn router(shared: Arc<Shared>) -> Router {
    admin::routes()
        .fallback(handler::provider)
        .with_state(shared)
}
