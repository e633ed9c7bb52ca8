//! The embedded SQLite store (WAL). A key's ledger and its reservations change in one
//! transaction, so a crash at any point loses nothing that was settled.

use super::checkpoint::Checkpointer;
use super::{KeyRecord, Reservation, Store, StoreError, StoreResult};
use rusqlite::{params, Connection};
use std::sync::Mutex;

/// A SQLite file holding keys, ledgers and reservations.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// Checkpoints the WAL off the request threads (automatic checkpoints are off).
    _checkpointer: Checkpointer,
}

fn err(e: rusqlite::Error) -> StoreError {
    StoreError(e.to_string())
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS keys (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    token_hint TEXT NOT NULL,
    alias TEXT,
    enabled INTEGER NOT NULL,
    expires_at INTEGER,
    rpm INTEGER,
    tpm INTEGER,
    budget_tokens INTEGER,
    allowed_models TEXT NOT NULL,
    tenant TEXT,
    project TEXT,
    user TEXT,
    metadata TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    spent_tokens INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS reservations (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    tokens INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
";

impl SqliteStore {
    /// Open (or create) the file and its tables.
    pub fn open(path: &str) -> StoreResult<Self> {
        let conn = Connection::open(path).map_err(|e| StoreError(format!("{path}: {e}")))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        conn.pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            _checkpointer: Checkpointer::start(path)?,
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Run `f` in a transaction whose BEGIN/COMMIT statements are prepared once (a plain
/// `transaction()` parses them on every call, which shows in the per-request cost).
fn in_tx<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> StoreResult<T> {
    conn.prepare_cached("BEGIN")
        .and_then(|mut s| s.execute([]))
        .map_err(err)?;
    match f(conn) {
        Ok(v) => {
            conn.prepare_cached("COMMIT")
                .and_then(|mut s| s.execute([]))
                .map_err(err)?;
            Ok(v)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(err(e))
        }
    }
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn opt_i64(v: Option<u64>) -> Option<i64> {
    v.map(to_i64)
}

fn opt_u64(v: Option<i64>) -> Option<u64> {
    v.map(|x| u64::try_from(x).unwrap_or(0))
}

fn row_to_key(r: &rusqlite::Row<'_>) -> rusqlite::Result<KeyRecord> {
    let models: String = r.get("allowed_models")?;
    let metadata: String = r.get("metadata")?;
    Ok(KeyRecord {
        id: r.get("id")?,
        token_hash: r.get("token_hash")?,
        token_hint: r.get("token_hint")?,
        alias: r.get("alias")?,
        enabled: r.get::<_, i64>("enabled")? != 0,
        expires_at: opt_u64(r.get("expires_at")?),
        rpm: opt_u64(r.get("rpm")?),
        tpm: opt_u64(r.get("tpm")?),
        budget_tokens: opt_u64(r.get("budget_tokens")?),
        allowed_models: serde_json::from_str(&models).unwrap_or_default(),
        tenant: r.get("tenant")?,
        project: r.get("project")?,
        user: r.get("user")?,
        metadata: serde_json::from_str(&metadata).unwrap_or(serde_json::Value::Null),
        source: r.get("source")?,
        created_at: opt_u64(r.get("created_at")?).unwrap_or(0),
        spent_tokens: opt_u64(r.get("spent_tokens")?).unwrap_or(0),
        requests: opt_u64(r.get("requests")?).unwrap_or(0),
    })
}

impl Store for SqliteStore {
    fn ping(&self) -> StoreResult<()> {
        self.conn()
            .query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
            .map(|_| ())
            .map_err(err)
    }

    fn load_keys(&self) -> StoreResult<Vec<KeyRecord>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT * FROM keys ORDER BY id")
            .map_err(err)?;
        let rows = stmt.query_map([], row_to_key).map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }

    fn upsert_key(&self, k: &KeyRecord) -> StoreResult<()> {
        let models = serde_json::to_string(&k.allowed_models).unwrap_or_else(|_| "[]".into());
        let metadata = k.metadata.to_string();
        self.conn()
            .execute(
                "INSERT INTO keys (id, token_hash, token_hint, alias, enabled, expires_at, rpm, tpm,
                    budget_tokens, allowed_models, tenant, project, user, metadata, source, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                 ON CONFLICT(id) DO UPDATE SET token_hash = excluded.token_hash,
                    token_hint = excluded.token_hint, alias = excluded.alias,
                    enabled = excluded.enabled, expires_at = excluded.expires_at,
                    rpm = excluded.rpm, tpm = excluded.tpm, budget_tokens = excluded.budget_tokens,
                    allowed_models = excluded.allowed_models, tenant = excluded.tenant,
                    project = excluded.project, user = excluded.user,
                    metadata = excluded.metadata, source = excluded.source",
                params![
                    k.id,
                    k.token_hash,
                    k.token_hint,
                    k.alias,
                    k.enabled as i64,
                    opt_i64(k.expires_at),
                    opt_i64(k.rpm),
                    opt_i64(k.tpm),
                    opt_i64(k.budget_tokens),
                    models,
                    k.tenant,
                    k.project,
                    k.user,
                    metadata,
                    k.source,
                    to_i64(k.created_at),
                ],
            )
            .map(|_| ())
            .map_err(err)
    }

    fn delete_key(&self, id: &str) -> StoreResult<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(err)?;
        tx.execute("DELETE FROM reservations WHERE key_id = ?1", [id])
            .map_err(err)?;
        let n = tx
            .execute("DELETE FROM keys WHERE id = ?1", [id])
            .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(n > 0)
    }

    fn reset_spent(&self, id: &str) -> StoreResult<()> {
        self.conn()
            .execute("UPDATE keys SET spent_tokens = 0 WHERE id = ?1", [id])
            .map(|_| ())
            .map_err(err)
    }

    fn add_reservation(&self, r: &Reservation) -> StoreResult<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO reservations (id, key_id, tokens, created_at) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    r.id,
                    r.key_id,
                    to_i64(r.tokens),
                    to_i64(r.created_at)
                ])
            })
            .map(|_| ())
            .map_err(err)
    }

    fn settle(&self, reservation_id: Option<&str>, key_id: &str, tokens: u64) -> StoreResult<()> {
        let conn = self.conn();
        let update = |c: &Connection| {
            c.prepare_cached(
                "UPDATE keys SET spent_tokens = spent_tokens + ?1, requests = requests + 1 WHERE id = ?2",
            )?
            .execute(params![to_i64(tokens), key_id])
        };
        match reservation_id {
            // One statement commits atomically on its own.
            None => update(&conn).map(|_| ()).map_err(err),
            Some(id) => in_tx(&conn, |c| {
                c.prepare_cached("DELETE FROM reservations WHERE id = ?1")?
                    .execute([id])?;
                update(c).map(|_| ())
            }),
        }
    }

    fn add_usage(&self, items: &[(String, u64, u64)]) -> StoreResult<()> {
        let conn = self.conn();
        let write = |c: &Connection| {
            let mut stmt = c.prepare_cached(
                "UPDATE keys SET spent_tokens = spent_tokens + ?1, requests = requests + ?2 WHERE id = ?3",
            )?;
            for (id, tokens, requests) in items {
                stmt.execute(params![to_i64(*tokens), to_i64(*requests), id])?;
            }
            Ok(())
        };
        if items.len() == 1 {
            write(&conn).map_err(err)
        } else {
            in_tx(&conn, write)
        }
    }

    fn release(&self, reservation_id: &str) -> StoreResult<()> {
        self.conn()
            .prepare_cached("DELETE FROM reservations WHERE id = ?1")
            .and_then(|mut s| s.execute([reservation_id]))
            .map(|_| ())
            .map_err(err)
    }

    fn reservations(&self) -> StoreResult<Vec<Reservation>> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT id, key_id, tokens, created_at FROM reservations")
            .map_err(err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Reservation {
                    id: r.get(0)?,
                    key_id: r.get(1)?,
                    tokens: opt_u64(r.get(2)?).unwrap_or(0),
                    created_at: opt_u64(r.get(3)?).unwrap_or(0),
                })
            })
            .map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }
}
