//! Amazon Bedrock: Converse and ConverseStream (binary `application/vnd.amazon.eventstream`),
//! and embeddings through InvokeModel (Titan, Cohere). Requests are signed with SigV4
//! (`sigv4`, hand-written over the `sha2` crate) or carry a Bedrock API key as a bearer token.
//! The event-stream framing is decoded by `eventstream` (bounded, fuzzed).

pub mod credentials;
pub mod embedding;
pub mod eventstream;
pub mod request;
pub mod response;
pub mod sigv4;

use crate::error::{Error, Result};
use crate::http::{HttpClient, HttpRequest};
use crate::model::{EmbeddingCall, EmbeddingModel, EventStream, LanguageModel, ModelStream};
use crate::providers::ProviderSettings;
use crate::types::{CallOptions, EmbeddingResponse, ModelResponse, ResponseFormat, StreamEvent};
use bytes::Bytes;
use eventstream::{EventStreamDecoder, Frame};
use futures_core::Stream;
use response::ConverseStreamDecoder;
use serde_json::Value;
use sigv4::AwsCredentials;
use std::collections::{BTreeMap, VecDeque};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The default endpoint of a region.
pub fn default_base_url(region: &str) -> String {
    format!("https://bedrock-runtime.{region}.amazonaws.com")
}

/// How requests are authorised.
#[derive(Debug, Clone)]
pub enum BedrockAuth {
    /// SigV4 with these credentials.
    SigV4(AwsCredentials),
    /// A Bedrock API key (`Authorization: Bearer ...`), from the provider's `api_key`.
    Bearer,
}

/// The Bedrock provider.
#[derive(Debug, Clone)]
pub struct BedrockProvider {
    settings: Arc<ProviderSettings>,
    http: HttpClient,
    auth: BedrockAuth,
    region: String,
}

impl BedrockProvider {
    /// A provider in `region` over `settings`.
    pub fn new(
        settings: ProviderSettings,
        http: HttpClient,
        auth: BedrockAuth,
        region: String,
    ) -> Self {
        BedrockProvider {
            settings: Arc::new(settings),
            http,
            auth,
            region,
        }
    }

    /// A Converse model (and, for embedding model ids, an embedding model).
    pub fn model(&self, model_id: &str) -> BedrockModel {
        BedrockModel {
            provider: self.clone(),
            model_id: model_id.to_owned(),
        }
    }

    fn request(
        &self,
        model_id: &str,
        action: &str,
        body: &Value,
        headers: &BTreeMap<String, String>,
        max_retries: Option<u32>,
    ) -> Result<HttpRequest> {
        let path = format!("/model/{}/{action}", sigv4::uri_encode(model_id, false));
        let url = self.settings.url(&path);
        let mut req = HttpRequest::post_json(url.clone(), body);
        req.headers.extend(
            self.settings
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        req.headers
            .extend(headers.iter().map(|(k, v)| (k.clone(), v.clone())));
        match &self.auth {
            BedrockAuth::Bearer => {
                let key = self.settings.api_key.as_ref().ok_or_else(|| {
                    Error::config(
                        "Bedrock needs AWS credentials or an API key (AWS_BEARER_TOKEN_BEDROCK)",
                    )
                })?;
                req = req.header("authorization", format!("Bearer {}", key.expose()));
            }
            BedrockAuth::SigV4(creds) => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                let body_bytes = req.body.clone().unwrap_or_default();
                let signed = sigv4::sign_request(
                    creds,
                    &self.region,
                    "bedrock",
                    "POST",
                    &url,
                    &[("content-type".into(), "application/json".into())],
                    &body_bytes,
                    now,
                );
                req.headers.extend(signed);
            }
        }
        req.max_retries = max_retries;
        Ok(req)
    }
}

/// Map a failed Bedrock response: `x-amzn-errortype` names the exception, the body holds
/// `{"message": ...}`.
pub fn map_error(status: u16, headers: &reqwest::header::HeaderMap, body: &[u8]) -> Error {
    let kind = headers
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(':').next().unwrap_or(v).to_owned())
        .unwrap_or_default();
    let text = String::from_utf8_lossy(body);
    let message = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| {
            v.get("message")
                .or_else(|| v.get("Message"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| format!("HTTP {status}"));
    response::exception_error(&kind, &message, Some(status)).with_body(text.into_owned())
}

/// A Bedrock model.
#[derive(Debug, Clone)]
pub struct BedrockModel {
    provider: BedrockProvider,
    model_id: String,
}

fn wants_json_tool(options: &CallOptions) -> bool {
    matches!(
        options.settings.response_format,
        Some(ResponseFormat::JsonSchema { .. })
    )
}

#[async_trait::async_trait]
impl LanguageModel for BedrockModel {
    fn provider(&self) -> &str {
        &self.provider.settings.name
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn generate(&self, options: &CallOptions) -> Result<ModelResponse> {
        let p = &self.provider;
        let (body, warnings) = request::build_converse_request(&self.model_id, options)?;
        let req = p.request(
            &self.model_id,
            "converse",
            &body,
            &options.headers,
            options.max_retries,
        )?;
        let resp = p.http.send(&req, &map_error).await?;
        let headers = super::safe_headers(&resp.headers);
        let id = headers.get("x-amzn-requestid").cloned();
        let bytes = resp.bytes().await?;
        let mut out = response::parse_converse_response(&bytes, wants_json_tool(options))?;
        out.warnings = warnings;
        out.response.id = id;
        out.response.model_id = Some(self.model_id.clone());
        out.response.headers = headers;
        Ok(out)
    }

    async fn stream(&self, options: &CallOptions) -> Result<ModelStream> {
        let p = &self.provider;
        let (body, warnings) = request::build_converse_request(&self.model_id, options)?;
        let req = p.request(
            &self.model_id,
            "converse-stream",
            &body,
            &options.headers,
            options.max_retries,
        )?;
        let resp = p.http.send(&req, &map_error).await?;
        let headers = super::safe_headers(&resp.headers);
        let response = crate::types::ResponseMetadata {
            id: headers.get("x-amzn-requestid").cloned(),
            model_id: Some(self.model_id.clone()),
            timestamp: None,
            headers,
        };
        let decoder =
            ConverseStreamDecoder::new(options.include_raw_chunks, wants_json_tool(options))
                .with_response(response);
        Ok(ModelStream {
            warnings,
            events: decode_event_stream(
                resp.byte_stream(),
                eventstream::DEFAULT_MAX_FRAME_BYTES,
                decoder,
            ),
        })
    }
}

#[async_trait::async_trait]
impl EmbeddingModel for BedrockModel {
    fn provider(&self) -> &str {
        &self.provider.settings.name
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn max_embeddings_per_call(&self) -> usize {
        if embedding::is_cohere(&self.model_id) {
            96
        } else {
            1
        }
    }

    async fn embed(&self, call: &EmbeddingCall) -> Result<EmbeddingResponse> {
        let p = &self.provider;
        let body = embedding::build_request(&self.model_id, call);
        let req = p.request(
            &self.model_id,
            "invoke",
            &body,
            &call.headers,
            call.max_retries,
        )?;
        let resp = p.http.send(&req, &map_error).await?;
        let bytes = resp.bytes().await?;
        embedding::parse_response(&self.model_id, call.values.len(), &bytes)
    }
}

/// Translate one frame: events go to the decoder, exceptions become errors.
fn on_frame(
    frame: &Frame,
    decoder: &mut ConverseStreamDecoder,
    out: &mut Vec<StreamEvent>,
) -> Result<()> {
    let payload: Value = if frame.payload.is_empty() {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(&frame.payload).map_err(|e| {
            Error::stream(format!("the provider sent an event that is not JSON: {e}"))
                .with_provider("bedrock")
                .with_body(String::from_utf8_lossy(&frame.payload).into_owned())
        })?
    };
    match frame.header(":message-type").unwrap_or("event") {
        "event" => decoder.on_event(frame.header(":event-type").unwrap_or(""), &payload, out),
        "exception" => {
            let kind = frame.header(":exception-type").unwrap_or("");
            let msg = payload
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or(kind);
            Err(response::exception_error(kind, msg, None).with_body(payload.to_string()))
        }
        _ => {
            let code = frame.header(":error-code").unwrap_or("");
            let msg = frame
                .header(":error-message")
                .unwrap_or("the provider reported an error");
            Err(response::exception_error(code, msg, None))
        }
    }
}

/// Bytes → event-stream frames → Converse events, bounded by `max_frame` per frame.
pub fn decode_event_stream<S>(
    bytes: S,
    max_frame: usize,
    decoder: ConverseStreamDecoder,
) -> EventStream
where
    S: Stream<Item = Result<Bytes>> + Send + 'static,
{
    Box::pin(Decoded {
        bytes: Box::pin(bytes),
        frames: EventStreamDecoder::new(max_frame),
        decoder,
        pending: VecDeque::new(),
        error: None,
        done: false,
    })
}

struct Decoded {
    bytes: Pin<Box<dyn Stream<Item = Result<Bytes>> + Send>>,
    frames: EventStreamDecoder,
    decoder: ConverseStreamDecoder,
    pending: VecDeque<StreamEvent>,
    error: Option<Error>,
    done: bool,
}

impl Decoded {
    fn step(&mut self, chunk: Option<Result<Bytes>>) -> Result<()> {
        let mut out = Vec::new();
        let result = match chunk {
            Some(Ok(b)) => {
                let mut frames = Vec::new();
                let fed = self.frames.feed(&b, &mut frames);
                let mut r = Ok(());
                for f in &frames {
                    if self.decoder.is_finished() {
                        break;
                    }
                    if let Err(e) = on_frame(f, &mut self.decoder, &mut out) {
                        r = Err(e);
                        break;
                    }
                }
                r.and(fed)
            }
            Some(Err(e)) => Err(e),
            None => {
                self.done = true;
                self.decoder.on_end(self.frames.finish(), &mut out)
            }
        };
        self.pending.extend(out);
        if self.decoder.is_finished() {
            self.done = true;
        }
        result
    }
}

impl Stream for Decoded {
    type Item = Result<StreamEvent>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = Pin::into_inner(self);
        loop {
            if let Some(ev) = this.pending.pop_front() {
                return Poll::Ready(Some(Ok(ev)));
            }
            if let Some(e) = this.error.take() {
                return Poll::Ready(Some(Err(e)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            let chunk = std::task::ready!(this.bytes.as_mut().poll_next(cx));
            if let Err(e) = this.step(chunk) {
                this.done = true;
                this.error = Some(e);
            }
        }
    }
}

#[cfg(test)]
#[path = "bedrock_tests.rs"]
mod tests;
