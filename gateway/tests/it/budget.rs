//! Budget exactness under concurrency, exhaustion, and persistence.

use crate::common::*;
use ditto_gateway::store::{SqliteStore, Store};
use ditto_gateway::StoreSpec;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// 100 words of prompt, output capped at 1 token: each request costs exactly 101 tokens.
fn costly() -> Value {
    let words = vec!["a"; 100].join(" ");
    json!({"model": "gpt-4o-mini", "max_tokens": 1, "messages": [{"role": "user", "content": words}]})
}

const PER_REQUEST: u64 = 101;
const BUDGET: u64 = 50 * PER_REQUEST;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_never_overspend() {
    let db = temp_db("concurrent");
    let yaml = format!(
        r#"
backends: [{{ name: up, base_url: "{{MOCK}}" }}]
virtual_keys:
  - {{ id: k, token: "${{TEAM_A_KEY}}", budget: {{ total_tokens: {BUDGET} }} }}
router: {{ default_backends: [{{ backend: up }}] }}
"#
    );
    let env = Arc::new(setup_with_store(&yaml, StoreSpec::Sqlite(db.clone())).await);
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let env = env.clone();
        tasks.push(tokio::spawn(async move {
            // Retry while the rest of the budget is held by requests in flight; bounded.
            for _ in 0..400 {
                let r = env.post("/v1/chat/completions", KEY, &costly()).await;
                match r.status().as_u16() {
                    200 => {
                        let v: Value = r.json().await.unwrap();
                        return Some(v["usage"]["total_tokens"].as_u64().unwrap());
                    }
                    402 => return None,
                    429 => {
                        let v: Value = r.json().await.unwrap();
                        assert_eq!(v["error"]["code"], "budget_reserved");
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    other => panic!("unexpected status {other}"),
                }
            }
            panic!("still 429 after 400 attempts");
        }));
    }
    let mut settled = 0;
    let mut ok = 0;
    for t in tasks {
        if let Some(used) = t.await.unwrap() {
            assert_eq!(used, PER_REQUEST);
            settled += used;
            ok += 1;
        }
    }
    let (spent, reserved) = env.spent("k").await;
    assert!(spent <= BUDGET, "overspent: {spent} > {BUDGET}");
    assert_eq!(spent, settled, "the ledger equals the sum of settled usage");
    assert_eq!(reserved, 0);
    assert!(
        (40..=50).contains(&ok),
        "{ok} requests fit a budget of about 50"
    );
    assert_eq!(
        env.mock.requests().len() as u64,
        ok,
        "rejected requests never reached the upstream"
    );
    // The durable ledger agrees.
    let store = SqliteStore::open(&db).unwrap();
    let k = store
        .load_keys()
        .unwrap()
        .into_iter()
        .find(|k| k.id == "k")
        .unwrap();
    assert_eq!(k.spent_tokens, settled);
    assert_eq!(k.requests, ok);
    assert!(store.reservations().unwrap().is_empty());
    // Exhausted: 402 with an OpenAI error body.
    let r = env.post("/v1/chat/completions", KEY, &costly()).await;
    assert_eq!(r.status(), 402);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "budget_exceeded");
    assert_eq!(v["error"]["type"], "insufficient_quota");
}

#[tokio::test]
async fn uncapped_output_is_capped_to_the_rest_of_the_budget() {
    let env = setup(BUDGET_200).await;
    let r = env
        .post(
            "/v1/chat/completions",
            KEY,
            &chat("gpt-4o-mini", "one two three four five"),
        )
        .await;
    assert_eq!(r.status(), 200);
    let sent = &env.mock.requests()[0].body;
    let cap = sent["max_tokens"]
        .as_u64()
        .expect("the gateway capped the output");
    assert!(cap < 200);
    let (spent, reserved) = env.spent("k").await;
    assert!(spent <= 200 && spent > 0);
    assert_eq!(reserved, 0);
}

#[tokio::test]
async fn budget_survives_restart() {
    let db = temp_db("restart");
    let yaml = r#"
backends: [{ name: up, base_url: "{MOCK}" }]
virtual_keys:
  - { id: k, token: "${TEAM_A_KEY}", budget: { total_tokens: 100000 } }
router: { default_backends: [{ backend: up }] }
"#;
    let env = setup_with_store(yaml, StoreSpec::Sqlite(db.clone())).await;
    let v: Value = env
        .post(
            "/v1/chat/completions",
            KEY,
            &chat("gpt-4o-mini", "remember me"),
        )
        .await
        .json()
        .await
        .unwrap();
    let used = v["usage"]["total_tokens"].as_u64().unwrap();
    env.gw.shutdown().await;
    let env2 = setup_with_store(yaml, StoreSpec::Sqlite(db)).await;
    assert_eq!(env2.spent("k").await, (used, 0));
}

/// Budget commits never checkpoint the WAL themselves (that stalls the request thread): the
/// store's own thread copies the pages into the database file, even for a few commits that are
/// far below SQLite's automatic threshold (1000 pages).
#[test]
fn the_wal_is_checkpointed_off_the_request_path() {
    use ditto_gateway::store::Reservation;
    let db = temp_db("checkpoint");
    let store = SqliteStore::open(&db).unwrap();
    let size = || std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let before = size();
    for i in 0..60 {
        let id = format!("r{i}");
        store
            .add_reservation(&Reservation {
                id: id.clone(),
                key_id: "k".into(),
                tokens: 10,
                created_at: 0,
            })
            .unwrap();
        if i % 2 == 0 {
            store.release(&id).unwrap();
        }
    }
    // 30 reservations left, in the WAL until a checkpoint copies them over.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while size() <= before && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(size() > before, "database file still {} bytes", size());
    assert_eq!(store.reservations().unwrap().len(), 30);
    drop(store);
    assert_eq!(
        SqliteStore::open(&db)
            .unwrap()
            .reservations()
            .unwrap()
            .len(),
        30
    );
}
