//! Start-up: open the store, load and sync keys, build the router, listen (large backlog),
//! serve through the front (`front.rs`), run the reaper, shut down gracefully.

use crate::config::time::{now_unix, parse_expiry};
use crate::config::GatewayConfig;
use crate::control::Control;
use crate::middleware::{admin_auth, observe};
use crate::routes::{admin, litellm, openai, ops};
use crate::secret::{hash_token, hint};
use crate::state::AppState;
use crate::store::{KeyRecord, StoreSpec};
use axum::routing::{get, post};
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Listen backlog (tokio's default of 128 gives 1 s SYN-retry tails under bursts).
const BACKLOG: u32 = 4096;

/// How to start.
#[derive(Debug, Clone)]
pub struct StartOptions {
    /// Address to bind (port 0 picks one).
    pub listen: SocketAddr,
    /// Store.
    pub store: StoreSpec,
    /// Admin token (read-write).
    pub admin_token: String,
}

/// A running gateway.
#[derive(Debug)]
pub struct Gateway {
    /// The bound address.
    pub addr: SocketAddr,
    /// Shared state (tests and the binary read it).
    pub state: Arc<AppState>,
    /// Stale reservations of a previous process returned at start-up.
    pub reaped_at_start: usize,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: JoinHandle<std::io::Result<()>>,
    reaper: JoinHandle<()>,
}

impl Gateway {
    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop accepting, finish open requests, stop.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.reaper.abort();
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.server).await;
        self.server.abort();
        let control = self.state.control.clone();
        let _ = tokio::task::spawn_blocking(move || control.flush()).await;
    }

    /// Wait until the server stops (SIGINT / SIGTERM in the binary).
    pub async fn wait(mut self) -> std::io::Result<()> {
        let r = (&mut self.server).await;
        self.reaper.abort();
        r.unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }
}

/// The router over a state, observed (request ids, metrics, access log): for embedding the
/// gateway in another axum application. The binary serves the same endpoints through its own
/// front (see `front.rs`), which observes every request itself.
pub fn app(st: Arc<AppState>) -> Router {
    routes(st.clone()).layer(axum::middleware::from_fn_with_state(st, observe))
}

/// A path the router serves itself; the front must send it here (checked in debug builds,
/// so a new endpoint outside `front::for_router`'s prefixes fails every test at start-up).
fn own(path: &'static str) -> &'static str {
    debug_assert!(
        crate::front::for_router(path),
        "{path} is not routed to the router by the front"
    );
    path
}

/// Every endpoint, unobserved.
fn routes(st: Arc<AppState>) -> Router {
    let admin_routes = Router::new()
        .route(own("/admin/keys"), post(admin::create).get(admin::list))
        .route(
            own("/admin/keys/{id}"),
            get(admin::get).patch(admin::update).delete(admin::delete),
        )
        .route(own("/admin/keys/{id}/regenerate"), post(admin::regenerate))
        .route(
            own("/admin/keys/{id}/reset-budget"),
            post(admin::reset_budget),
        )
        .route(own("/admin/usage"), get(admin::usage))
        .route(own("/key/generate"), post(litellm::generate))
        .route(own("/key/info"), get(litellm::key_info))
        .route(own("/key/list"), get(litellm::list))
        .route(own("/key/update"), post(litellm::update))
        .route(own("/key/delete"), post(litellm::delete))
        .route(own("/key/regenerate"), post(litellm::regenerate))
        .route(own("/key/{key}/regenerate"), post(litellm::regenerate_path))
        .route_layer(axum::middleware::from_fn_with_state(st.clone(), admin_auth));
    Router::new()
        .route(own("/health"), get(ops::health))
        .route(own("/ready"), get(ops::ready))
        .route(own("/metrics"), get(ops::metrics))
        .merge(admin_routes)
        // Everything else (`/v1/*` and the same paths without `/v1`) is the OpenAI surface. As the
        // fallback rather than a `/v1/{*rest}` route, axum does not collect a path parameter the
        // handler never reads.
        .fallback(openai::handle)
        .with_state(st)
}

/// The record for a key declared in the config file.
fn config_key(k: &crate::config::VirtualKeyConfig) -> Result<KeyRecord, String> {
    let expires_at = match &k.expires_at {
        Some(v) => parse_expiry(v).map_err(|e| format!("virtual_keys.{}.expires_at: {e}", k.id))?,
        None => None,
    };
    Ok(KeyRecord {
        id: k.id.clone(),
        token_hash: hash_token(&k.token),
        token_hint: hint(&k.token),
        alias: None,
        enabled: k.enabled.unwrap_or(true),
        expires_at,
        rpm: k.limits.rpm,
        tpm: k.limits.tpm,
        budget_tokens: k.budget.total_tokens,
        allowed_models: k.allowed_models.clone(),
        tenant: k.tenant.clone(),
        project: k.project.clone(),
        user: k.user.clone(),
        metadata: serde_json::Value::Null,
        source: "config".into(),
        created_at: now_unix(),
        spent_tokens: 0,
        requests: 0,
    })
}

async fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Open the store, sync the file's keys, build the state.
pub fn build_state(
    config: &GatewayConfig,
    opts: &StartOptions,
) -> Result<(Arc<AppState>, usize), String> {
    let store = opts.store.open().map_err(|e| e.to_string())?;
    let ttl = Duration::from_secs(config.budgets.reservation_ttl_secs.unwrap_or(900));
    let (control, reaped) = Control::open(store.clone(), ttl).map_err(|e| e.to_string())?;
    let mut in_file = std::collections::HashSet::new();
    for k in &config.virtual_keys {
        let mut record = config_key(k)?;
        if let Some(existing) = control.keys.get(&k.id) {
            record.created_at = existing.record.created_at;
            record.spent_tokens = existing.lock().spent;
        }
        store.upsert_key(&record).map_err(|e| e.to_string())?;
        control.keys.put(record);
        in_file.insert(k.id.clone());
    }
    // Keys that came from the file and left it are gone.
    for e in control.keys.list() {
        if e.record.source == "config" && !in_file.contains(&e.record.id) {
            store.delete_key(&e.record.id).map_err(|e| e.to_string())?;
            control.keys.remove(&e.record.id);
        }
    }
    let st = AppState::build(config, control, &opts.admin_token)?;
    Ok((Arc::new(st), reaped))
}

/// Start serving.
pub async fn start(config: &GatewayConfig, opts: StartOptions) -> Result<Gateway, String> {
    let (state, reaped) = build_state(config, &opts)?;
    serve_state(state, reaped, opts.listen).await
}

/// Serve an already built state.
pub async fn serve_state(
    state: Arc<AppState>,
    reaped: usize,
    listen: SocketAddr,
) -> Result<Gateway, String> {
    if reaped > 0 {
        tracing::warn!(
            reaped,
            "returned budget reservations left by a previous process"
        );
    }
    let listener = bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let router = routes(state.clone());
    let server = tokio::spawn(crate::front::serve(
        listener,
        state.clone(),
        router,
        async move {
            let _ = rx.await;
        },
    ));
    let reaper_state = state.clone();
    let reaper = tokio::spawn(async move {
        let mut tick = tokio::time::interval(reaper_state.reap_period());
        loop {
            tick.tick().await;
            let n = reaper_state.control.reap();
            if n > 0 {
                tracing::warn!(reaped = n, "returned stale budget reservations");
            }
        }
    });
    Ok(Gateway {
        addr,
        state,
        reaped_at_start: reaped,
        shutdown: Some(tx),
        server,
        reaper,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "is not routed to the router by the front")]
    fn an_own_route_outside_the_fronts_prefixes_is_caught() {
        let _ = super::own("/v1/internal");
    }
}
