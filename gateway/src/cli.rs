//! The command line: `ditto-gateway [--config FILE] [flags]` and
//! `ditto-gateway check-config FILE`.

use crate::config::{self, env::ProcessEnv, GatewayConfig};
use crate::routes::keys_common_create_default;
use crate::server::{self, StartOptions};
use crate::store::StoreSpec;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Command-line flags. Each overrides the config file's value.
#[derive(Debug, Parser)]
#[command(
    name = "ditto-gateway",
    version,
    about = "OpenAI-compatible LLM gateway"
)]
pub struct Cli {
    /// Config file (YAML or JSON). Without it: the embedded default.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// HOST:PORT to listen on (default 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// `sqlite:PATH` or `memory` (default sqlite:./ditto.db).
    #[arg(long, value_name = "SPEC")]
    pub store: Option<String>,
    /// Admin token for /admin/* and /key/* (also DITTO_ADMIN_TOKEN); generated when unset.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "DITTO_ADMIN_TOKEN",
        hide_env_values = true
    )]
    pub admin_token: Option<String>,
    /// `json` or `text`.
    #[arg(long, value_name = "FORMAT")]
    pub log_format: Option<String>,
    /// Largest request body (bytes); larger gets 413.
    #[arg(long, value_name = "N")]
    pub max_body_bytes: Option<usize>,
    /// Requests in flight before 429.
    #[arg(long, value_name = "N")]
    pub max_in_flight: Option<usize>,
    /// Request threads (default: one per available core).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// A subcommand.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a config file (env expansion included) and exit: 0 when valid, 2 otherwise.
    CheckConfig {
        /// The file.
        file: PathBuf,
    },
}

fn init_logs(format: &str) {
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO);
    let _ = if format == "json" {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.with_ansi(false).try_init()
    };
}

/// Run the command line; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    if let Some(Command::CheckConfig { file }) = &cli.command {
        return match config::load_file(file, &ProcessEnv) {
            Ok(c) => {
                println!(
                    "{}: ok ({} backends, {} virtual keys, {} route rules)",
                    file.display(),
                    c.backends.len(),
                    c.virtual_keys.len(),
                    c.router.rules.len()
                );
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                2
            }
        };
    }
    let embedded = cli.config.is_none();
    let mut cfg: GatewayConfig = match &cli.config {
        Some(path) => match config::load_file(path, &ProcessEnv) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        },
        None => config::default::embedded(&ProcessEnv),
    };
    if let Some(v) = cli.max_body_bytes {
        cfg.server.max_body_bytes = Some(v.max(1));
    }
    if let Some(v) = cli.max_in_flight {
        cfg.server.max_in_flight = Some(v.max(1));
    }
    if let Some(v) = cli.workers {
        cfg.server.workers = Some(v.clamp(1, 1024));
    }
    let log_format = cli
        .log_format
        .clone()
        .or_else(|| cfg.server.log_format.clone())
        .unwrap_or_else(|| "text".into());
    if log_format != "json" && log_format != "text" {
        eprintln!("error: --log-format: expected json or text, got `{log_format}`");
        return 2;
    }
    init_logs(&log_format);
    crate::middleware::access_log::enable(log_format == "json");
    let store_text = cli
        .store
        .clone()
        .or_else(|| cfg.store.clone())
        .unwrap_or_else(|| "sqlite:./ditto.db".into());
    let store = match StoreSpec::parse(&store_text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: --store: {e}");
            return 2;
        }
    };
    let listen = match cli.listen {
        Some(a) => a,
        None => match cfg
            .server
            .listen
            .as_deref()
            .unwrap_or("127.0.0.1:8080")
            .parse()
        {
            Ok(a) => a,
            Err(_) => {
                eprintln!("error: server.listen is not HOST:PORT");
                return 2;
            }
        },
    };
    let (admin_token, generated) = match cli
        .admin_token
        .clone()
        .or_else(|| cfg.server.admin_token.clone())
    {
        Some(t) if t.len() >= 8 => (t, false),
        Some(_) => {
            eprintln!("error: the admin token must be at least 8 characters");
            return 2;
        }
        None => match crate::secret::new_token("sk-admin-") {
            Ok(t) => (t, true),
            Err(e) => {
                eprintln!("error: no randomness for the admin token: {e}");
                return 1;
            }
        },
    };
    let opts = StartOptions {
        listen,
        store,
        admin_token: admin_token.clone(),
    };
    let (state, reaped) = match server::build_state(&cfg, &opts) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let default_key = if embedded {
        match keys_common_create_default(&state) {
            Ok(k) => Some(k),
            Err(e) => {
                eprintln!("error: cannot create the default key: {e}");
                return 1;
            }
        }
    } else {
        None
    };
    let gw = match server::serve_state(state, reaped, listen).await {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    println!("listening on {}", gw.url());
    if generated {
        println!("admin token: {admin_token}");
    }
    if let Some(key) = default_key {
        println!("virtual key: {key}");
        println!(
            "try: curl -s {}/v1/chat/completions -H 'authorization: Bearer {key}' -H 'content-type: application/json' -d '{{\"model\":\"mock\",\"messages\":[{{\"role\":\"user\",\"content\":\"hello\"}}]}}'",
            gw.url()
        );
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let shutdown = async {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("SIGTERM handler");
            tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
        }
        #[cfg(not(unix))]
        {
            let _ = ctrl_c.await;
        }
    };
    shutdown.await;
    tracing::info!("shutting down");
    gw.shutdown().await;
    crate::middleware::access_log::flush();
    0
}
