//! kill -9 with requests in flight, restart: nothing settled is lost, stale reservations are
//! reaped. Runs the real binary.

use crate::common::*;
use ditto_gateway::store::{SqliteStore, Store};
use ditto_mock_upstream::{MockConfig, MockServer};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(config: &std::path::Path, db: &str, log: &std::path::Path) -> (Proc, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ditto-gateway"))
        .args([
            "--config",
            config.to_str().unwrap(),
            "--store",
            &format!("sqlite:{db}"),
            "--log-format",
            "json",
        ])
        .env("DITTO_ADMIN_TOKEN", ADMIN)
        .env("TEAM_A_KEY", KEY)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("listening line")
        .to_owned();
    (Proc(child), url)
}

#[tokio::test]
async fn kill_9_loses_nothing_and_reaps_reservations() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let db = temp_db("crash");
    let dir = std::path::Path::new(&db).parent().unwrap().to_owned();
    let config = dir.join("gateway.yaml");
    std::fs::write(
        &config,
        format!(
            "server: {{ listen: \"127.0.0.1:0\" }}\nbackends: [{{ name: up, base_url: \"{}\" }}]\nvirtual_keys:\n  - {{ id: k, token: \"${{TEAM_A_KEY}}\", budget: {{ total_tokens: 100000 }} }}\nrouter: {{ default_backends: [{{ backend: up }}] }}\n",
            mock.openai_base_url()
        ),
    )
    .unwrap();
    let (mut proc, url) = spawn(&config, &db, &dir.join("first.log"));
    let http = reqwest::Client::new();
    let mut settled = 0;
    for i in 0..3 {
        let v: Value = http
            .post(format!("{url}/v1/chat/completions"))
            .bearer_auth(KEY)
            .json(&chat("gpt-4o-mini", &format!("done request {i}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        settled += v["usage"]["total_tokens"].as_u64().unwrap();
    }
    // Five streams stay open: their reservations are on disk.
    let mut open = Vec::new();
    for _ in 0..5 {
        let mut body = chat("gpt-4o-mini", "long stream words");
        body["stream"] = json!(true);
        let r = http
            .post(format!("{url}/v1/chat/completions"))
            .bearer_auth(KEY)
            .header("x-mock-chunk-delay-ms", "5000")
            .json(&body)
            .send()
            .await
            .unwrap();
        let mut s = r.bytes_stream();
        s.next().await.unwrap().unwrap();
        open.push(s);
    }
    let store = SqliteStore::open(&db).unwrap();
    assert_eq!(store.reservations().unwrap().len(), 5);
    let k = store
        .load_keys()
        .unwrap()
        .into_iter()
        .find(|k| k.id == "k")
        .unwrap();
    assert_eq!(k.spent_tokens, settled);

    proc.0.kill().unwrap(); // SIGKILL
    proc.0.wait().unwrap();
    drop(open);

    // The access log (JSON, one line per request) reached stderr before the kill.
    let first = std::fs::read_to_string(dir.join("first.log")).unwrap();
    assert!(
        first.contains("\"message\":\"request\"")
            && first.contains("\"route\":\"/v1/chat/completions\""),
        "{first}"
    );
    assert!(!first.contains(KEY) && !first.contains(ADMIN));
    let log = dir.join("second.log");
    let (_proc2, url2) = spawn(&config, &db, &log);
    let v: Value = http
        .get(format!("{url2}/admin/keys/k"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        v["budget"]["spent_tokens"], settled,
        "settled usage survived kill -9"
    );
    assert_eq!(v["budget"]["reserved_tokens"], 0);
    assert_eq!(v["requests"], 3);
    assert!(
        store.reservations().unwrap().is_empty(),
        "stale reservations were reaped"
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("\"reaped\":5"), "{text}");
    // JSON logs never carry a secret.
    assert!(!text.contains(KEY) && !text.contains(ADMIN));
}
