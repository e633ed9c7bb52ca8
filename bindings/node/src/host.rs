//! The one bridge from Rust to JavaScript host functions.
//!
//! A call that needs host code (tool `execute`, a custom stop condition, a repair hook, a
//! cache store) receives one JavaScript *dispatcher* `(requestJson) => Promise<string>`.
//! Rust calls it through a napi `ThreadsafeFunction` — never blocking the JS thread, and never
//! blocking a Rust thread on JS — with `{"fn": "<kind>", "args": {...}}`, and awaits the Promise.
//! The dispatcher (`lib/host.js`) looks the function up, awaits it, and always resolves with
//! `{"ok": <value>}` or `{"error": "<message>"}`: a JS throw or rejection never crosses the
//! bridge as an exception, so it cannot crash the process. Replies are capped at
//! [`MAX_REPLY_BYTES`].

use napi::bindgen_prelude::Promise;
use napi::threadsafe_function::ThreadsafeFunction;
use napi::Status;
use serde::Deserialize;
use serde_json::{json, Value};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Largest reply a host function may send (JSON text bytes).
pub const MAX_REPLY_BYTES: usize = 64 << 20;

/// The dispatcher of one call: kept alive (it holds the Node event loop open) while the call runs.
pub type HostFn = ThreadsafeFunction<String, Promise<String>, String, Status, false>;
/// The dispatcher of a client (cache store, span sink): weak, so a client alone does not keep
/// Node running (a call in flight does).
pub type WeakHostFn = ThreadsafeFunction<String, Promise<String>, String, Status, false, true>;

type Reply = Pin<Box<dyn Future<Output = Result<String, String>> + Send>>;

trait Dispatch: Send + Sync {
    fn send(&self, request: String) -> Reply;
}

macro_rules! dispatch_impl {
    ($t:ty) => {
        impl Dispatch for Arc<$t> {
            fn send(&self, request: String) -> Reply {
                let tsfn = Arc::clone(self);
                Box::pin(async move {
                    let promise = tsfn
                        .call_async_catch(request)
                        .await
                        .map_err(|e| format!("the host function could not be called: {e}"))?;
                    promise
                        .await
                        .map_err(|e| format!("the host function failed: {e}"))
                })
            }
        }
    };
}
dispatch_impl!(HostFn);
dispatch_impl!(WeakHostFn);

/// A handle on a dispatcher; cheap to clone, shared by every hook of a call.
#[derive(Clone)]
pub struct HostBridge {
    inner: Arc<dyn Dispatch>,
}

impl std::fmt::Debug for HostBridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostBridge")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    #[serde(default)]
    ok: Option<Value>,
    #[serde(default)]
    error: Option<String>,
}

impl HostBridge {
    /// The bridge of one call.
    pub fn new(tsfn: HostFn) -> Self {
        HostBridge {
            inner: Arc::new(Arc::new(tsfn)),
        }
    }

    /// The bridge of a client.
    pub fn weak(tsfn: WeakHostFn) -> Self {
        HostBridge {
            inner: Arc::new(Arc::new(tsfn)),
        }
    }

    /// A bridge over a plain Rust function (unit tests).
    #[cfg(test)]
    pub fn from_fn(f: impl Fn(String) -> Result<String, String> + Send + Sync + 'static) -> Self {
        struct FnDispatch<F>(F);
        impl<F: Fn(String) -> Result<String, String> + Send + Sync> Dispatch for FnDispatch<F> {
            fn send(&self, request: String) -> Reply {
                let out = (self.0)(request);
                Box::pin(async move { out })
            }
        }
        HostBridge {
            inner: Arc::new(FnDispatch(f)),
        }
    }

    /// Call host function `kind` with `args`: its JSON value, or its error message.
    pub async fn call(&self, kind: &str, args: Value) -> Result<Value, String> {
        let request = json!({ "fn": kind, "args": args }).to_string();
        let reply = self.inner.send(request).await?;
        parse_reply(&reply)
    }
}

/// A dispatcher's reply → the value or the error message.
pub fn parse_reply(reply: &str) -> Result<Value, String> {
    if reply.len() > MAX_REPLY_BYTES {
        return Err(format!(
            "a host function returned {} bytes of JSON; the limit is {MAX_REPLY_BYTES}",
            reply.len()
        ));
    }
    match serde_json::from_str::<Answer>(reply) {
        Ok(Answer { error: Some(e), .. }) => Err(e),
        Ok(Answer { ok, error: None }) => Ok(ok.unwrap_or(Value::Null)),
        Err(e) => Err(format!("a host function sent a malformed reply: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_values_or_errors() {
        assert_eq!(parse_reply(r#"{"ok":{"a":1}}"#), Ok(json!({"a": 1})));
        assert_eq!(parse_reply(r#"{"ok":null}"#), Ok(Value::Null));
        assert_eq!(parse_reply(r#"{}"#), Ok(Value::Null));
        assert_eq!(parse_reply(r#"{"error":"boom"}"#), Err("boom".into()));
        assert!(parse_reply("nope").unwrap_err().contains("malformed"));
        assert!(parse_reply(r#"{"ok":1,"extra":2}"#).is_err());
    }
}
