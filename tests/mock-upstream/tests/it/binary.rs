//! The `ditto-mock-upstream` binary: startup line, health, refusing hosts.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_ditto-mock-upstream");

#[tokio::test]
async fn prints_listening_line_and_serves() {
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--max-recorded", "10"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn binary");
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    })
    .await
    .unwrap()
    .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .expect("listening line")
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let health = crate::common::client()
        .get(format!("{url}/health"))
        .send()
        .await
        .map(|r| r.status().as_u16());
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(health.unwrap(), 200);
}

#[test]
fn refuses_non_loopback_host() {
    let output = Command::new(BIN)
        .args(["--host", "0.0.0.0"])
        .output()
        .expect("run binary");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback"));
}
