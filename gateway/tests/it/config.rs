//! Config loading errors and `check-config`.

use crate::common::*;
use ditto_gateway::config::parse_str;
use std::process::Command;

fn err(yaml: &str) -> String {
    parse_str(yaml, false, &env_map()).unwrap_err().0
}

#[test]
fn errors_name_the_field_path() {
    let e = err("backends:\n  - name: a\n    bas_url: http://x\n");
    assert!(e.contains("backends[0]") && e.contains("bas_url"), "{e}");
    let e = err("virtual_keys:\n  - id: a\n    token: \"${NOPE_NOT_SET}\"\n");
    assert!(
        e.contains("virtual_keys[0].token") && e.contains("NOPE_NOT_SET"),
        "{e}"
    );
    let e = err("backends:\n  - { name: a, base_url: ftp://x }\n");
    assert!(e.contains("backends[0].base_url"), "{e}");
    let e = err("backends: [{ name: a, base_url: \"http://x/v1\" }]\nrouter: { default_backends: [{ backend: b }] }\n");
    assert!(e.contains("router.default_backends[0].backend"), "{e}");
    let e = err("virtual_keys:\n  - { id: a, token: abcdefgh12, limits: { rpm: \"many\" } }\n");
    assert!(e.contains("virtual_keys[0].limits.rpm"), "{e}");
    let e = err("cache: {}\n");
    assert!(e.contains("cache"), "{e}");
    let e = err("backends:\n  - { name: a, provider: nosuch }\n");
    assert!(
        e.contains("backends[0].provider") && e.contains("nosuch"),
        "{e}"
    );
}

#[test]
fn json_and_env_defaults() {
    let c = parse_str(
        r#"{"backends": [{"name": "a", "base_url": "${BASE:-http://127.0.0.1:1/v1}"}], "router": {"default_backends": [{"backend": "a"}]}}"#,
        true,
        &env_map(),
    )
    .unwrap();
    assert_eq!(
        c.backends[0].base_url.as_deref(),
        Some("http://127.0.0.1:1/v1")
    );
}

#[test]
fn check_config_exit_codes() {
    let dir = std::env::temp_dir().join(format!("ditto-gw-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.yaml");
    std::fs::write(&good, MINIMAL.replace("{MOCK}", "http://127.0.0.1:9000/v1")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ditto-gateway"))
        .args(["check-config", good.to_str().unwrap()])
        .env("UPSTREAM_KEY", "u")
        .env("TEAM_A_KEY", "team-a-key-123")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok (1 backends, 1 virtual keys"));
    let out = Command::new(env!("CARGO_BIN_EXE_ditto-gateway"))
        .args(["check-config", good.to_str().unwrap()])
        .env_remove("UPSTREAM_KEY")
        .env("TEAM_A_KEY", "team-a-key-123")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("UPSTREAM_KEY") && stderr.contains("backends[0].headers.authorization"),
        "{stderr}"
    );
}

#[test]
fn shipped_example_configs_are_valid() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/examples");
    let env: std::collections::BTreeMap<String, String> = [
        "DITTO_ADMIN_TOKEN",
        "OPENAI_API_KEY",
        "AZURE_KEY",
        "GROQ_API_KEY",
        "TEAM_A_KEY",
        "UPSTREAM_KEY",
    ]
    .iter()
    .map(|k| (k.to_string(), format!("{}-value-123", k.to_lowercase())))
    .collect();
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        ditto_gateway::config::load_file(&path, &env)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        n += 1;
    }
    assert!(n >= 3);
}
