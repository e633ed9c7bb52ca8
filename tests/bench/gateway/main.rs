//! Gateway benchmark: direct-to-mock vs the floor proxy vs ditto-gateway, taking turns in short
//! rounds so every figure is a ratio measured within one run. See docs/benchmarks.md.
//!
//! `cargo bench -p ditto-gateway --bench gateway -- [--round-ms N] [--rounds N] [--streams N]
//! [--latency-rounds N] [--latency-round-ms N] [--callgrind | --only-callgrind | --only-latency]
//! [--peers]`. Internal modes: `serve-mock`, `serve-floor UPSTREAM`.

mod load;
mod peers;
mod servers;

use bytes::Bytes;
use load::{median, pct, Target};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(cmd: &mut Command) -> (Proc, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read");
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (Proc(child), addr)
}

struct Opts {
    round: Duration,
    rounds: usize,
    latency_round: Duration,
    latency_rounds: usize,
    streams: usize,
    callgrind: bool,
    only_callgrind: bool,
    only_latency: bool,
    peers: bool,
}

fn opts() -> Opts {
    let args: Vec<String> = std::env::args().collect();
    let val = |name: &str, d: u64| -> u64 {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    Opts {
        round: Duration::from_millis(val("--round-ms", 700).clamp(100, 10_000)),
        rounds: val("--rounds", 5).clamp(1, 50) as usize,
        latency_round: Duration::from_millis(val("--latency-round-ms", 200).clamp(50, 10_000)),
        latency_rounds: val("--latency-rounds", 25).clamp(1, 200) as usize,
        streams: val("--streams", 1000).clamp(1, 5000) as usize,
        callgrind: args
            .iter()
            .any(|a| a == "--callgrind" || a == "--only-callgrind"),
        only_callgrind: args.iter().any(|a| a == "--only-callgrind"),
        only_latency: args.iter().any(|a| a == "--only-latency"),
        peers: args.iter().any(|a| a == "--peers"),
    }
}

fn gateway_config(mock: &str) -> String {
    format!(
        "server: {{ listen: \"127.0.0.1:0\", max_in_flight: 100000, log_format: json }}\n\
         backends: [{{ name: up, base_url: \"http://{mock}/v1\" }}]\n\
         virtual_keys:\n  - {{ id: plain, token: sk-bench-plain }}\n  - {{ id: budget, token: sk-bench-budget, budget: {{ total_tokens: 1000000000000 }} }}\n\
         router: {{ default_backends: [{{ backend: up }}] }}\n"
    )
}

fn main() {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("serve-mock") => return serve(None),
        Some("serve-floor") => return serve(args.next()),
        _ => {}
    }
    let o = opts();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(bench(o));
}

fn serve(upstream: Option<String>) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let l = servers::listen(0).await;
        match upstream {
            None => servers::serve(l, servers::mock).await,
            Some(up) => {
                let floor = servers::Floor::new(format!("http://{up}"));
                servers::serve(l, move |req| floor.clone().handle(req)).await
            }
        }
    });
}

fn chat_body(stream: bool) -> Bytes {
    Bytes::from(format!(
        "{{\"model\":\"bench-model\",\"stream\":{stream},\"messages\":[{{\"role\":\"user\",\"content\":\"Say hello to the benchmark, please.\"}}]}}"
    ))
}

async fn bench(o: Opts) {
    let me = std::env::current_exe().expect("exe");
    let (mock, mock_addr) = spawn(Command::new(&me).arg("serve-mock"));
    let (floor, floor_addr) = spawn(Command::new(&me).args(["serve-floor", &mock_addr]));
    let dir = std::env::temp_dir().join(format!("ditto-gw-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let cfg = dir.join("gateway.yaml");
    std::fs::write(&cfg, gateway_config(&mock_addr)).expect("config");
    let db = dir.join("bench.db");
    let (gw, gw_addr) = spawn(Command::new(env!("CARGO_BIN_EXE_ditto-gateway")).args([
        "--config",
        cfg.to_str().expect("path"),
        "--store",
        &format!("sqlite:{}", db.display()),
        "--admin-token",
        "bench-admin-token",
    ]));
    let targets = vec![
        Target {
            name: "direct".into(),
            addr: mock_addr.clone(),
            pid: Some(mock.0.id()),
            key: None,
            headers: Vec::new(),
        },
        Target {
            name: "floor".into(),
            addr: floor_addr.clone(),
            pid: Some(floor.0.id()),
            key: None,
            headers: Vec::new(),
        },
        Target {
            name: "ditto-gateway".into(),
            addr: gw_addr.clone(),
            pid: Some(gw.0.id()),
            key: Some("sk-bench-plain".into()),
            headers: Vec::new(),
        },
        Target {
            name: "ditto-gateway+budget".into(),
            addr: gw_addr.clone(),
            pid: Some(gw.0.id()),
            key: Some("sk-bench-budget".into()),
            headers: Vec::new(),
        },
    ];
    if o.only_callgrind {
        callgrind(&cfg, &db, &mock_addr, &floor_addr).await;
        return;
    }
    let mut targets = targets;
    let mut _peers = Vec::new();
    if o.peers {
        for (name, started) in [
            ("litellm", peers::litellm(&mock_addr).await),
            ("portkey", peers::portkey(&mock_addr).await),
        ] {
            match started {
                Ok((peer, target)) => {
                    _peers.push(peer);
                    targets.push(target);
                }
                Err(e) => println!("(peer {name} not measured: {e})\n"),
            }
        }
    }
    let tick = load::tick_us();
    let body = chat_body(false);
    println!(
        "# ditto-gateway benchmark ({} rounds of {} ms per figure, targets take turns)\n",
        o.rounds,
        o.round.as_millis()
    );
    for t in &targets {
        let r = load::run(t, 8, Duration::from_millis(300), body.clone(), vec![]).await;
        assert!(
            r.ok > 0 && r.errors == 0,
            "{} does not answer: {r:?}",
            t.name
        );
    }

    // 1. Added latency at concurrency 1.
    let mut p50 = vec![Vec::new(); targets.len()];
    let mut p99 = vec![Vec::new(); targets.len()];
    let mut switches = vec![Vec::new(); targets.len()];
    for _ in 0..o.latency_rounds {
        let mut base = (0.0, 0.0);
        for (i, t) in targets.iter().enumerate() {
            let before = t.pid.map(load::ctx_switches).unwrap_or(0);
            let mut r = load::run(t, 1, o.latency_round, body.clone(), vec![]).await;
            let used = t.pid.map(load::ctx_switches).unwrap_or(0) - before;
            switches[i].push(used as f64 / r.ok.max(1) as f64);
            let (a, b) = (
                pct(&mut r.lat_us, 0.5) as f64,
                pct(&mut r.lat_us, 0.99) as f64,
            );
            if i == 0 {
                base = (a, b);
            }
            p50[i].push(a - base.0);
            p99[i].push(b - base.1);
        }
    }
    println!(
        "## Added latency at c=1 (median of per-round deltas vs direct over {} rounds of {} ms, µs)\n",
        o.latency_rounds,
        o.latency_round.as_millis()
    );
    println!("| target | added p50 | added p99 | context switches/request |\n|---|---|---|---|");
    for (i, t) in targets.iter().enumerate() {
        let (a, b) = if i == 0 {
            ("(reference)".to_owned(), "(reference)".to_owned())
        } else {
            (
                format!("{:.0}", median(p50[i].clone())),
                format!("{:.0}", median(p99[i].clone())),
            )
        };
        println!(
            "| {} | {a} | {b} | {:.2} |",
            t.name,
            median(switches[i].clone())
        );
    }

    if o.only_latency {
        return;
    }

    // 2. CPU per request at concurrency 32.
    let mut cpu = vec![Vec::new(); targets.len()];
    for _ in 0..o.rounds {
        for (i, t) in targets.iter().enumerate() {
            let pid = t.pid.expect("pid");
            let before = load::cpu_us(pid, tick);
            let r = load::run(t, 32, o.round, body.clone(), vec![]).await;
            let used = load::cpu_us(pid, tick).saturating_sub(before);
            cpu[i].push(used as f64 / r.ok.max(1) as f64);
        }
    }
    println!("\n## CPU per request at c=32 (µs, from /proc, median of rounds)\n");
    println!("| target | CPU µs/request | vs floor |\n|---|---|---|");
    let floor_cpu = median(cpu[1].clone());
    for (i, t) in targets.iter().enumerate() {
        let m = median(cpu[i].clone());
        let label = if i == 0 {
            "mock upstream itself".to_string()
        } else {
            format!("{:.2}×", m / floor_cpu)
        };
        println!("| {} | {:.1} | {} |", t.name, m, label);
    }

    // 3. Max RPS sweep.
    println!(
        "\n## Throughput sweep (requests/s, best of {} rounds)\n",
        o.rounds.min(3)
    );
    let levels = [8usize, 32, 128, 512];
    print!("| target |");
    for c in levels {
        print!(" c={c} |");
    }
    println!("\n|---|---|---|---|---|");
    let mut rps = vec![vec![0f64; levels.len()]; targets.len()];
    for (j, c) in levels.iter().enumerate() {
        for _ in 0..o.rounds.min(3) {
            for (i, t) in targets.iter().enumerate() {
                let r = load::run(t, *c, o.round, body.clone(), vec![]).await;
                rps[i][j] = rps[i][j].max(r.rps());
            }
        }
    }
    for (i, t) in targets.iter().enumerate() {
        print!("| {} |", t.name);
        for v in &rps[i] {
            print!(" {v:.0} |");
        }
        println!();
    }

    // 4. Streams: time to first chunk and inter-chunk gap.
    let sbody = chat_body(true);
    let sh = vec![
        ("x-chunks", "20".to_string()),
        ("x-chunk-delay-ms", "5".to_string()),
    ];
    let mut stream_ok = vec![0u64; targets.len()];
    let mut stream_err = vec![0u64; targets.len()];
    let mut ttfb = vec![Vec::new(); targets.len()];
    let mut gap = vec![Vec::new(); targets.len()];
    for _ in 0..o.rounds {
        for (i, t) in targets.iter().enumerate() {
            let mut r = load::run(t, 4, o.round, sbody.clone(), sh.clone()).await;
            stream_ok[i] += r.ok;
            stream_err[i] += r.errors;
            ttfb[i].push(pct(&mut r.ttfb_us, 0.5) as f64);
            gap[i].push(pct(&mut r.gap_us, 0.5) as f64);
        }
    }
    println!("\n## Streams (20 chunks 5 ms apart, c=4; median of rounds, µs)\n");
    println!(
        "| target | first chunk p50 | added | inter-chunk gap p50 | added |\n|---|---|---|---|---|"
    );
    let (t0, g0) = (median(ttfb[0].clone()), median(gap[0].clone()));
    for (i, t) in targets.iter().enumerate() {
        let (a, b) = (median(ttfb[i].clone()), median(gap[i].clone()));
        if stream_ok[i] == 0 {
            println!(
                "| {} | failed ({} errors, no stream completed) | | | |",
                t.name, stream_err[i]
            );
            continue;
        }
        println!(
            "| {} | {a:.0} | {:.0} | {b:.0} | {:.0} |",
            t.name,
            a - t0,
            b - g0
        );
    }

    // 5. Memory: idle RSS and RSS per open stream.
    println!("\n## Memory with {} concurrent open streams\n", o.streams);
    println!("| target | idle RSS (MiB) | RSS with streams (MiB) | per stream (KiB) |\n|---|---|---|---|");
    for t in targets.iter().skip(1).take(2) {
        let pid = t.pid.expect("pid");
        let idle = load::rss_kib(pid);
        let (tx, mut rx) = tokio::sync::mpsc::channel(o.streams);
        let hold = Duration::from_secs(4);
        let headers = vec![
            ("x-chunks", "1000".to_string()),
            ("x-chunk-delay-ms", "1000".to_string()),
        ];
        let tt = t.clone();
        let n = o.streams;
        let sb = sbody.clone();
        let holder =
            tokio::spawn(async move { load::hold_streams(&tt, n, sb, headers, tx, hold).await });
        let mut opened = 0;
        let wait_until = std::time::Instant::now() + Duration::from_secs(3);
        while opened < o.streams && std::time::Instant::now() < wait_until {
            if let Ok(Some(())) = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await
            {
                opened += 1;
            }
        }
        let busy = load::rss_kib(pid);
        let _ = holder.await;
        println!(
            "| {} | {:.1} | {:.1} | {:.1} (opened {opened}) |",
            t.name,
            idle as f64 / 1024.0,
            busy as f64 / 1024.0,
            busy.saturating_sub(idle) as f64 / opened.max(1) as f64
        );
    }

    if o.callgrind {
        callgrind(&cfg, &db, &mock_addr, &floor_addr).await;
    }
    drop((gw, floor, mock));
}

/// Instructions per request of one server under callgrind: two runs with different request
/// counts, so start-up and shutdown cancel out.
async fn instructions(program: &[String], key: Option<&str>) -> f64 {
    let body = chat_body(false);
    let mut totals = Vec::new();
    for n in [200usize, 600] {
        let out = std::env::temp_dir().join(format!(
            "ditto-gw-callgrind-{}-{}-{n}.out",
            std::process::id(),
            if key.is_some() { "gw" } else { "floor" }
        ));
        let mut cmd = Command::new("valgrind");
        cmd.arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .args(program.iter().map(|a| a.replace("{n}", &n.to_string())));
        let (mut proc, addr) = spawn(&mut cmd);
        let mut send = load::connect(&addr).await.expect("connect");
        for _ in 0..n {
            send.ready().await.expect("connection ready");
            let mut req = hyper::Request::post("/v1/chat/completions")
                .header("host", &addr)
                .header("content-type", "application/json");
            if let Some(k) = key {
                req = req.header("authorization", format!("Bearer {k}"));
            }
            let req = req
                .body(http_body_util::Full::new(body.clone()))
                .expect("request");
            let resp = send.send_request(req).await.expect("send");
            let _ = http_body_util::BodyExt::collect(resp.into_body()).await;
        }
        drop(send);
        // SIGTERM so callgrind writes its totals.
        let _ = Command::new("kill")
            .args(["-TERM", &proc.0.id().to_string()])
            .status();
        let _ = proc.0.wait();
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        let total: u64 = text
            .lines()
            .find_map(|l| {
                l.strip_prefix("totals: ")
                    .or_else(|| l.strip_prefix("summary: "))
            })
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if std::env::var_os("DITTO_BENCH_KEEP_CALLGRIND").is_none() {
            let _ = std::fs::remove_file(&out);
        }
        totals.push(total);
    }
    totals[1].saturating_sub(totals[0]) as f64 / 400.0
}

/// Instructions per request under callgrind, gateway and floor.
async fn callgrind(cfg: &std::path::Path, db: &std::path::Path, mock: &str, _floor: &str) {
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("\n(callgrind: valgrind not installed)");
        return;
    }
    let gw = instructions(
        &[
            env!("CARGO_BIN_EXE_ditto-gateway").to_string(),
            "--config".into(),
            cfg.display().to_string(),
            "--store".into(),
            format!("sqlite:{}", db.with_extension("cg{n}.db").display()),
            "--admin-token".into(),
            "bench-admin-token".into(),
        ],
        Some("sk-bench-plain"),
    )
    .await;
    let me = std::env::current_exe().expect("exe");
    let floor = instructions(
        &[
            me.display().to_string(),
            "serve-floor".into(),
            mock.to_string(),
        ],
        None,
    )
    .await;
    println!("\n## Instructions per request (callgrind, non-streaming, c=1, keep-alive)\n");
    println!("| target | instructions/request | vs floor |\n|---|---|---|");
    println!("| floor | {floor:.0} | 1.00× |");
    println!("| ditto-gateway | {gw:.0} | {:.2}× |", gw / floor.max(1.0));
}
