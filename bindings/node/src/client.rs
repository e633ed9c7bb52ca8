//! `NativeDitto`: the client. Each method only converts options, starts the work on the shared
//! runtime and returns a handle; nothing here waits, so the JS thread is never blocked.

use crate::agent::agent_call;
use crate::call::NativeCall;
use crate::case::{camel_json, to_camel};
use crate::errors::guarded;
use crate::host::{HostBridge, HostFn, WeakHostFn};
use crate::middleware::{HostCacheStore, HostSpanSink};
use crate::object::{object_request, HostObjectRepair};
use crate::options::{
    client_config, embed_request, image_request, rerank_request, speech_request, text_request,
    transcription_request,
};
use crate::stream::NativeTextStream;
use ditto_llm::object::ObjectRepair;
use ditto_llm::{Ditto, DittoConfig, Error};
use napi_derive::napi;
use std::sync::Arc;

/// The native client behind the JS `Ditto` class.
#[napi]
#[derive(Debug)]
pub struct NativeDitto {
    inner: Ditto,
}

#[napi]
impl NativeDitto {
    /// `options_json`: the client options object as JSON text (camelCase or snake_case).
    /// `hooks` names the host functions `host` serves: `"cache-store"`, `"span-sink"`.
    #[napi(
        constructor,
        ts_args_type = "optionsJson?: string | undefined | null, host?: ((requestJson: string) => Promise<string>) | undefined | null, hooks?: Array<string> | undefined | null"
    )]
    pub fn new(
        options_json: Option<String>,
        host: Option<WeakHostFn>,
        hooks: Option<Vec<String>>,
    ) -> napi::Result<Self> {
        guarded(|| {
            let config = match options_json {
                Some(json) => client_config(&json)?,
                None => DittoConfig::default(),
            };
            let mut builder = Ditto::builder().config(config);
            if let Some(host) = host.map(HostBridge::weak) {
                for hook in hooks.unwrap_or_default() {
                    builder = match hook.as_str() {
                        "cache-store" => {
                            builder.cache_store(Arc::new(HostCacheStore::new(host.clone())))
                        }
                        "span-sink" => builder.span_sink(Arc::new(HostSpanSink::new(host.clone()))),
                        other => {
                            return Err(Error::config(format!("unknown client hook `{other}`")))
                        }
                    };
                }
            }
            Ok(NativeDitto {
                inner: builder.build()?,
            })
        })
    }

    /// The provider names this client knows.
    #[napi]
    pub fn providers(&self) -> Vec<String> {
        self.inner
            .providers()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// The alias names this client knows (usable as `model`).
    #[napi]
    pub fn aliases(&self) -> Vec<String> {
        self.inner
            .aliases()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Start a non-streaming text generation.
    #[napi]
    pub fn generate_text(&self, options_json: String) -> napi::Result<NativeCall> {
        guarded(|| {
            let request = text_request(&options_json)?;
            let ditto = self.inner.clone();
            Ok(NativeCall::spawn(async move {
                let result = ditto.generate_text(request).await?;
                camel_json(&result)
            }))
        })
    }

    /// Start a text stream.
    #[napi]
    pub fn stream_text(&self, options_json: String) -> napi::Result<NativeTextStream> {
        guarded(|| {
            let request = text_request(&options_json)?;
            Ok(NativeTextStream::start(self.inner.clone(), request))
        })
    }

    /// Start the agent loop (non-streaming): tools with JS `execute`, stop conditions,
    /// approvals. `host` is the call's dispatcher (see `host.rs`).
    #[napi(
        ts_args_type = "requestJson: string, agentJson: string, host: (requestJson: string) => Promise<string>"
    )]
    pub fn run_agent(
        &self,
        request_json: String,
        agent_json: String,
        host: HostFn,
    ) -> napi::Result<NativeCall> {
        guarded(|| {
            let call = agent_call(&request_json, &agent_json, &HostBridge::new(host))?;
            let ditto = self.inner.clone();
            Ok(NativeCall::spawn(async move {
                let result = ditto
                    .run_agent(call.request, &call.tools, &call.options)
                    .await?;
                camel_json(&result)
            }))
        })
    }

    /// Start the agent loop as a stream of events (`tool-result`, `tool-error`,
    /// `tool-approval-request` besides the model's events).
    #[napi(
        ts_args_type = "requestJson: string, agentJson: string, host: (requestJson: string) => Promise<string>"
    )]
    pub fn stream_agent(
        &self,
        request_json: String,
        agent_json: String,
        host: HostFn,
    ) -> napi::Result<NativeTextStream> {
        guarded(|| {
            let call = agent_call(&request_json, &agent_json, &HostBridge::new(host))?;
            let ditto = self.inner.clone();
            Ok(NativeTextStream::spawn(async move {
                ditto.stream_agent(call.request, &call.tools, &call.options)
            }))
        })
    }

    /// Start generating one object (`object`, `array`, `enum` or `no-schema` output). `host`
    /// is given when a `repair` hook was.
    #[napi(
        ts_args_type = "optionsJson: string, host?: ((requestJson: string) => Promise<string>) | undefined | null"
    )]
    pub fn generate_object(
        &self,
        options_json: String,
        host: Option<HostFn>,
    ) -> napi::Result<NativeCall> {
        guarded(|| {
            let request = object_request(&options_json)?;
            let repair = host.map(|h| HostObjectRepair::new(HostBridge::new(h)));
            let ditto = self.inner.clone();
            Ok(NativeCall::spawn(async move {
                let repair = repair.as_ref().map(|r| r as &dyn ObjectRepair);
                let result = ditto.generate_object(request, repair).await?;
                camel_json(&result)
            }))
        })
    }

    /// Start streaming one object: `partial-object`, `element`, `text-delta`, `finish` events.
    #[napi(
        ts_args_type = "optionsJson: string, host?: ((requestJson: string) => Promise<string>) | undefined | null"
    )]
    pub fn stream_object(
        &self,
        options_json: String,
        host: Option<HostFn>,
    ) -> napi::Result<NativeTextStream> {
        guarded(|| {
            let request = object_request(&options_json)?;
            let repair = host.map(|h| {
                Arc::new(HostObjectRepair::new(HostBridge::new(h))) as Arc<dyn ObjectRepair>
            });
            let ditto = self.inner.clone();
            Ok(NativeTextStream::spawn(async move {
                ditto.stream_object(request, repair).await
            }))
        })
    }

    /// Start ranking documents against a query (most relevant first).
    #[napi]
    pub fn rerank(&self, options_json: String) -> napi::Result<NativeCall> {
        guarded(|| {
            let request = rerank_request(&options_json)?;
            let ditto = self.inner.clone();
            Ok(NativeCall::spawn(async move {
                let result = ditto.rerank(request).await?;
                camel_json(&result)
            }))
        })
    }

    /// Start generating images (`images[].base64`, `mediaType`, `revisedPrompt`).
    #[napi]
    pub fn generate_image(&self, options_json: String) -> napi::Result<NativeCall> {
        guarded(|| {
            let request = image_request(&options_json)?;
            let ditto = self.inner.clone();
            Ok(NativeCall::spawn(async move {
                let result = ditto.generate_image(request).await?;
                camel_json(&result)
            }))
        })
    }

    /// Start transcribing audio (given as base64, a `data:` URL, `{url}` or `{base64}`).
    #[napi]
    pub fn transcribe(&self, options_json: String) -> napi::Result<NativeCall> {
        guarded(|| {
            let request = transcription_request(&options_json)?;
            let ditto = self.inner.clone();
            Ok(NativeCall::spawn(async move {
                let result = ditto.transcribe(request).await?;
                camel_json(&result)
            }))
        })
    }

    /// Start generating speech; the result carries the audio as `audioBase64`.
    #[napi]
    pub fn generate_speech(&self, options_json: String) -> napi::Result<NativeCall> {
        guarded(|| {
            let request = speech_request(&options_json)?;
            let ditto = self.inner.clone();
            Ok(NativeCall::spawn(async move {
                let result = ditto.generate_speech(request).await?;
                camel_json(&result)
            }))
        })
    }

    /// Start embedding one text (`input: string` → `embedding` too) or many.
    #[napi]
    pub fn embed(&self, options_json: String) -> napi::Result<NativeCall> {
        guarded(|| {
            let (request, single) = embed_request(&options_json)?;
            let ditto = self.inner.clone();
            Ok(NativeCall::spawn(async move {
                let result = ditto.embed_many(request).await?;
                let mut v = serde_json::to_value(&result)
                    .map_err(|e| Error::internal(format!("cannot serialize a result: {e}")))?;
                if single {
                    v["embedding"] = v["embeddings"][0].clone();
                }
                Ok(to_camel(v).to_string())
            }))
        })
    }
}
