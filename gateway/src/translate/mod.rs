//! Translation for `provider:` backends through the core: OpenAI in, native provider out,
//! OpenAI back. `POST /chat/completions` (stream or not, tools), `POST /embeddings`,
//! `GET /models`.

mod chat_in;
mod chat_out;
mod ditto;
mod owned;
mod stream;
mod ui;

pub use chat_out::ChunkEncoder;
pub use ditto::ditto_stream;
pub use ui::ui_chat;

use crate::backend::BackendKind;
use crate::config::time::now_unix;
use crate::error::ApiError;
use crate::routes::openai::Prepared;
use crate::state::AppState;
use axum::body::Body;
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use ditto_llm::{Ditto, EmbedRequest, TextRequest, TextStream};
use serde_json::{json, Value};
use std::sync::Arc;

/// Route a prepared request to the translated endpoint.
pub async fn dispatch(st: Arc<AppState>, p: Prepared) -> Result<Response, ApiError> {
    let BackendKind::Provider { ditto } = &p.backend.kind else {
        return Err(ApiError::internal(
            "translation called for a passthrough backend",
        ));
    };
    let ditto = ditto.clone();
    match (&p.method, p.path.as_str()) {
        (&Method::POST, "/chat/completions") => chat(st, ditto, p).await,
        (&Method::POST, "/embeddings") => embeddings(st, ditto, p).await,
        (&Method::GET, "/models") => {
            let allowed = p.ticket_key_models();
            p.ticket.release();
            Ok(axum::Json(model_list(&st, &allowed)).into_response())
        }
        (m, path) => {
            let msg = format!(
                "{m} /v1{path} is not available on backend `{}` (a translated provider backend serves /v1/chat/completions, /v1/embeddings and /v1/models)",
                p.backend.name
            );
            p.ticket.release();
            Err(ApiError::not_found(msg))
        }
    }
}

impl Prepared {
    fn ticket_key_models(&self) -> Vec<String> {
        self.ticket.key().record.allowed_models.clone()
    }

    fn spec(&self) -> Result<(String, String), ApiError> {
        let model = self
            .model
            .clone()
            .ok_or_else(|| ApiError::invalid_request("`model` is required"))?;
        let upstream = self.backend.map_model(&model).to_owned();
        Ok((model, format!("{}:{upstream}", self.backend.name)))
    }
}

/// Every model the gateway can name, filtered by the key's allowed models.
fn model_list(st: &AppState, allowed: &[String]) -> Value {
    let mut names: Vec<String> = st.router.exact_models();
    for b in &st.backends {
        names.extend(b.models.iter().cloned());
        names.extend(b.model_map.keys().cloned());
    }
    names.sort();
    names.dedup();
    names.retain(|n| allowed.is_empty() || allowed.iter().any(|p| crate::config::glob_match(p, n)));
    let data: Vec<Value> = names
        .iter()
        .map(|n| json!({"id": n, "object": "model", "created": 0, "owned_by": "ditto-gateway"}))
        .collect();
    json!({"object": "list", "data": data})
}

fn chat_id() -> String {
    format!("chatcmpl-{}", crate::secret::unique_id())
}

async fn chat(st: Arc<AppState>, ditto: Ditto, p: Prepared) -> Result<Response, ApiError> {
    let (model, spec) = match p.spec() {
        Ok(x) => x,
        Err(e) => {
            p.ticket.release();
            return Err(e);
        }
    };
    let body = p.json.clone().unwrap_or(Value::Null);
    let req = match chat_in::text_request(&body, spec) {
        Ok(r) => r,
        Err(e) => {
            p.ticket.release();
            return Err(e);
        }
    };
    let streaming = body.get("stream").and_then(Value::as_bool) == Some(true);
    let include_usage = body
        .get("stream_options")
        .and_then(|o| o.get("include_usage"))
        .and_then(Value::as_bool)
        == Some(true);
    let timeouts = p.backend.timeouts;
    if streaming {
        let ts = match open_stream(&st, ditto, req, &p).await {
            Ok(ts) => ts,
            Err(e) => {
                p.ticket.release();
                return Err(e);
            }
        };
        let enc = stream::OpenAiSse {
            enc: ChunkEncoder::new(chat_id(), model, now_unix()),
            include_usage,
        };
        return Ok(sse_response(stream::sse_body(&st, p, ts, enc)));
    }
    let started = std::time::Instant::now();
    let result = tokio::time::timeout(timeouts.total, owned::generate_text(ditto, req)).await;
    st.metrics
        .record_upstream(&p.backend.name, started.elapsed().as_secs_f64());
    let Prepared {
        ticket, backend, ..
    } = p;
    match result {
        Err(_) => {
            ticket.release();
            Err(ApiError::gateway_timeout(format!(
                "backend `{}` timed out",
                backend.name
            )))
        }
        Ok(Err(e)) => {
            ticket.release();
            Err(ApiError::from_core(&e))
        }
        Ok(Ok(r)) => {
            let u = r.usage;
            let (i, o) = (u.input_tokens.unwrap_or(0), u.output_tokens.unwrap_or(0));
            st.metrics.record_tokens(&backend.name, i, o);
            ticket.settle(u.total_tokens.unwrap_or(i + o));
            Ok(
                axum::Json(chat_out::completion(&r, &chat_id(), &model, now_unix()))
                    .into_response(),
            )
        }
    }
}

/// Open a core stream within the backend's first-byte timeout, recording upstream latency.
async fn open_stream(
    st: &AppState,
    ditto: Ditto,
    req: TextRequest,
    p: &Prepared,
) -> Result<TextStream, ApiError> {
    let started = std::time::Instant::now();
    let opened = tokio::time::timeout(
        p.backend.timeouts.first_byte,
        owned::stream_text(ditto, req),
    )
    .await;
    st.metrics
        .record_upstream(&p.backend.name, started.elapsed().as_secs_f64());
    match opened {
        Err(_) => Err(ApiError::gateway_timeout(format!(
            "backend `{}` timed out",
            p.backend.name
        ))),
        Ok(Err(e)) => Err(ApiError::from_core(&e)),
        Ok(Ok(ts)) => Ok(ts),
    }
}

/// Build a streaming route's core request with `build` and open its stream on the routed
/// backend's core client. A failure before the stream starts returns the reservation uncharged.
async fn open_prepared<T>(
    st: &AppState,
    p: Prepared,
    build: impl FnOnce(&Prepared) -> Result<(TextRequest, T), ApiError>,
) -> Result<(Prepared, TextStream, T), ApiError> {
    let opened = match build(&p) {
        Ok((req, extra)) => open_stream(st, p.backend.core().clone(), req, &p)
            .await
            .map(|ts| (ts, extra)),
        Err(e) => Err(e),
    };
    match opened {
        Ok((ts, extra)) => Ok((p, ts, extra)),
        Err(e) => {
            p.ticket.release();
            Err(e)
        }
    }
}

/// A `text/event-stream` response over `body`.
fn sse_response(body: Body) -> Response {
    let mut resp = Response::new(body);
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}

fn embed_inputs(v: Option<&Value>) -> Result<Vec<String>, ApiError> {
    match v {
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, x)| {
                x.as_str().map(str::to_owned).ok_or_else(|| {
                    ApiError::invalid_request(format!(
                        "input[{i}]: translated backends take strings (token arrays are not supported)"
                    ))
                })
            })
            .collect(),
        _ => Err(ApiError::invalid_request("input: a string or an array of strings is required")),
    }
}

async fn embeddings(st: Arc<AppState>, ditto: Ditto, p: Prepared) -> Result<Response, ApiError> {
    let prepared = (|| {
        let (model, spec) = p.spec()?;
        let body = p.json.as_ref();
        let input = embed_inputs(body.and_then(|b| b.get("input")))?;
        let mut req = EmbedRequest::new(spec, input);
        req.dimensions = body
            .and_then(|b| b.get("dimensions"))
            .and_then(Value::as_u64)
            .map(|d| u32::try_from(d).unwrap_or(u32::MAX));
        let b64 = body
            .and_then(|b| b.get("encoding_format"))
            .and_then(Value::as_str)
            == Some("base64");
        Ok::<_, ApiError>((model, req, b64))
    })();
    let (model, req, b64) = match prepared {
        Ok(x) => x,
        Err(e) => {
            p.ticket.release();
            return Err(e);
        }
    };
    let started = std::time::Instant::now();
    let result =
        tokio::time::timeout(p.backend.timeouts.total, owned::embed_many(ditto, req)).await;
    st.metrics
        .record_upstream(&p.backend.name, started.elapsed().as_secs_f64());
    let Prepared {
        ticket, backend, ..
    } = p;
    let r = match result {
        Err(_) => {
            ticket.release();
            return Err(ApiError::gateway_timeout(format!(
                "backend `{}` timed out",
                backend.name
            )));
        }
        Ok(Err(e)) => {
            ticket.release();
            return Err(ApiError::from_core(&e));
        }
        Ok(Ok(r)) => r,
    };
    let input = r.usage.input_tokens.unwrap_or(0);
    st.metrics.record_tokens(&backend.name, input, 0);
    ticket.settle(r.usage.total_tokens.unwrap_or(input));
    let data: Vec<Value> = r
        .embeddings
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let embedding = if b64 {
                let bytes: Vec<u8> = e.iter().flat_map(|f| f.to_le_bytes()).collect();
                Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
            } else {
                json!(e)
            };
            json!({"object": "embedding", "index": i, "embedding": embedding})
        })
        .collect();
    Ok(axum::Json(json!({
        "object": "list", "data": data, "model": model,
        "usage": {"prompt_tokens": input, "total_tokens": r.usage.total_tokens.unwrap_or(input)},
    }))
    .into_response())
}
