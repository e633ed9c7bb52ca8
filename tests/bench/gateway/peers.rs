//! `--peers`: LiteLLM Proxy (PyPI, pinned, in a throwaway venv under target/bench-peers) and
//! Portkey's gateway (npm, pinned) in front of the same mock. Each is installed on first use
//! through the ordinary clients (pip, npm) and started as its own process.

use crate::load::Target;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Pinned versions (an unpinned litellm install backtracks for minutes).
pub const LITELLM: &str = "litellm[proxy]==1.74.9";
/// Pinned Portkey gateway.
pub const PORTKEY: &str = "@portkey-ai/gateway@1.15.2";

/// A peer process, killed on drop.
pub struct Peer(pub Child);

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn peers_dir() -> PathBuf {
    // target/<profile>/deps/<bench exe> → target/bench-peers
    let exe = std::env::current_exe().expect("exe");
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    target.join("bench-peers")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

async fn wait_ready(addr: &str, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    false
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
                .chars()
                .take(600)
                .collect::<String>()
        ))
    }
}

/// Portkey's gateway, routed to the mock by its headers.
pub async fn portkey(mock: &str) -> Result<(Peer, Target), String> {
    let dir = peers_dir().join("portkey");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let entry = dir.join("node_modules/@portkey-ai/gateway/build/start-server.js");
    if !entry.exists() {
        eprintln!("peers: npm install {PORTKEY} …");
        run(Command::new("npm").current_dir(&dir).args([
            "install",
            "--no-audit",
            "--no-fund",
            "--silent",
            PORTKEY,
        ]))?;
    }
    let port = free_port();
    let child = Command::new("node")
        .arg(&entry)
        .arg(format!("--port={port}"))
        .arg("--headless")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("node: {e}"))?;
    let addr = format!("127.0.0.1:{port}");
    let peer = Peer(child);
    if !wait_ready(&addr, Duration::from_secs(30)).await {
        return Err("portkey did not start within 30 s".into());
    }
    let target = Target {
        name: "portkey".into(),
        addr,
        pid: Some(peer.0.id()),
        key: Some("sk-bench".into()),
        headers: vec![
            ("x-portkey-provider", "openai".into()),
            ("x-portkey-custom-host", format!("http://{mock}/v1")),
        ],
    };
    Ok((peer, target))
}

/// LiteLLM Proxy, one worker, the mock as an OpenAI-compatible model.
pub async fn litellm(mock: &str) -> Result<(Peer, Target), String> {
    let dir = peers_dir();
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let venv = dir.join("litellm-venv");
    let bin = venv.join("bin/litellm");
    if !bin.exists() {
        eprintln!("peers: pip install {LITELLM} (a few minutes) …");
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        run(Command::new(venv.join("bin/pip")).args([
            "install",
            "-q",
            "--disable-pip-version-check",
            LITELLM,
        ]))?;
    }
    let cfg = dir.join("litellm.yaml");
    std::fs::write(
        &cfg,
        format!(
            "model_list:\n  - model_name: bench-model\n    litellm_params:\n      model: openai/gpt-4o-mini\n      api_base: http://{mock}/v1\n      api_key: sk-bench\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    let port = free_port();
    let child = Command::new(&bin)
        .args([
            "--config",
            cfg.to_str().expect("path"),
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--num_workers",
            "1",
        ])
        .env("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        .env("LITELLM_LOG", "ERROR")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("litellm: {e}"))?;
    let addr = format!("127.0.0.1:{port}");
    let peer = Peer(child);
    if !wait_ready(&addr, Duration::from_secs(120)).await {
        return Err("litellm did not start within 120 s".into());
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let target = Target {
        name: "litellm".into(),
        addr,
        pid: Some(peer.0.id()),
        key: None,
        headers: Vec::new(),
    };
    Ok((peer, target))
}
