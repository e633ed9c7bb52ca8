//! `AsyncDitto`: the asyncio client. Methods return awaitables resolved from the shared tokio
//! runtime; cancelling one aborts the Rust work and closes its upstream connection.

use crate::agent::agent_call;
use crate::aio;
use crate::areader::Opener;
use crate::astream::PyAsyncTextStream;
use crate::client::{build_client, ClientArgs};
use crate::host::HostLoop;
use crate::objects::{convert_typed, object_call};
use crate::ostream::PyAsyncObjectStream;
use crate::request::{
    embed_request, image_request, rerank_request, speech_request, text_request,
    transcription_request, CallExtras, SpeechSettings,
};
use crate::results::{
    PyEmbedResult, PyGenerateTextResult, PyImageResult, PyRerankResult, PySpeechResult,
    PyTranscriptionResult,
};
use crate::runtime::{check_same_process, guard};
use ditto_llm::object::{ObjectRepair, ObjectStreamEvent};
use ditto_llm::StreamEvent;
use futures_util::StreamExt;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Arc;

/// The asyncio client.
#[pyclass(frozen, module = "ditto_llm._native", name = "AsyncDitto")]
#[derive(Debug)]
pub struct PyAsyncDitto {
    inner: ditto_llm::Ditto,
    pid: u32,
    /// Where the cache store's and span sink's coroutines run: the latest call's loop.
    hooks_loop: Arc<HostLoop>,
}

impl PyAsyncDitto {
    /// Every call starts here: refuse a forked child, and run the client's host hooks (cache
    /// stores, span sinks) on the caller's event loop.
    fn enter(&self, py: Python<'_>) -> PyResult<()> {
        check_same_process(self.pid)?;
        self.hooks_loop.follow(py);
        Ok(())
    }
}

#[pymethods]
impl PyAsyncDitto {
    #[new]
    #[pyo3(signature = (providers=None, *, from_env=true, timeout=None, connect_timeout=None, max_retries=None, aliases=None, cache_store=None, on_span=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        providers: Option<&Bound<'_, PyAny>>,
        from_env: bool,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_retries: Option<u32>,
        aliases: Option<&Bound<'_, PyAny>>,
        cache_store: Option<&Bound<'_, PyAny>>,
        on_span: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        guard(|| {
            let args = ClientArgs {
                providers,
                aliases,
                cache_store,
                on_span,
                from_env,
                timeout,
                connect_timeout,
                max_retries,
            };
            let hooks_loop = HostLoop::caller(py);
            let inner = build_client(args, &hooks_loop)?;
            Ok(PyAsyncDitto {
                inner,
                pid: std::process::id(),
                hooks_loop,
            })
        })
    }

    /// The alias names this client knows (from `aliases=`).
    #[getter]
    fn aliases(&self) -> Vec<String> {
        self.inner
            .aliases()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// The provider names this client knows.
    #[getter]
    fn providers(&self) -> Vec<String> {
        self.inner
            .providers()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Generate text (non-streaming); await the result.
    #[pyo3(signature = (**kwargs))]
    fn generate_text<'py>(
        &self,
        py: Python<'py>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            self.enter(py)?;
            let request = text_request("generate_text", kwargs)?;
            let client = self.inner.clone();
            let Some(call) = agent_call(kwargs, &HostLoop::caller(py))? else {
                let work = async move { client.generate_text(request).await };
                let (fut, _) = aio::spawn(py, work, |py, r| {
                    Ok(Py::new(py, PyGenerateTextResult::plain(r))?.into_any())
                })?;
                return Ok(fut);
            };
            let work = async move { client.run_agent(request, &call.tools, &call.options).await };
            let (fut, _) = aio::spawn(py, work, |py, r| {
                Ok(Py::new(py, PyGenerateTextResult::agent(r))?.into_any())
            })?;
            Ok(fut)
        })
    }

    /// Stream text: `async for ev in client.stream_text(...)`. The request is sent on the first
    /// iteration; errors before the first byte raise there.
    #[pyo3(signature = (**kwargs))]
    fn stream_text(
        &self,
        py: Python<'_>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyAsyncTextStream> {
        guard(|| {
            self.enter(py)?;
            let request = text_request("stream_text", kwargs)?;
            let client = self.inner.clone();
            let host_loop = HostLoop::caller(py);
            let Some(call) = agent_call(kwargs, &host_loop)? else {
                let open: Opener<StreamEvent> = Box::new(move || {
                    Box::pin(async move {
                        let s = client.stream_text(request).await?;
                        Ok(s.boxed())
                    })
                });
                return Ok(PyAsyncTextStream::new(open, None));
            };
            let open: Opener<StreamEvent> = Box::new(move || {
                Box::pin(async move {
                    let s = client.stream_agent(request, &call.tools, &call.options)?;
                    Ok(s.boxed())
                })
            });
            Ok(PyAsyncTextStream::new(open, Some(host_loop)))
        })
    }

    /// Generate a structured object matching `schema`; await the result.
    #[pyo3(signature = (**kwargs))]
    fn generate_object<'py>(
        &self,
        py: Python<'py>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            self.enter(py)?;
            let call = object_call("generate_object", kwargs, &HostLoop::caller(py))?;
            let client = self.inner.clone();
            let work = async move {
                let output = call.request.output;
                let repair = call.repair.as_deref().map(|r| r as &dyn ObjectRepair);
                let r = client.generate_object(call.request.clone(), repair).await?;
                Ok((r, call.model, output))
            };
            let (fut, _) = aio::spawn(py, work, convert_typed)?;
            Ok(fut)
        })
    }

    /// Stream a structured object: `async for ev in client.stream_object(...)`. The request is
    /// sent on the first iteration.
    #[pyo3(signature = (**kwargs))]
    fn stream_object(
        &self,
        py: Python<'_>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyAsyncObjectStream> {
        guard(|| {
            self.enter(py)?;
            let host_loop = HostLoop::caller(py);
            let call = object_call("stream_object", kwargs, &host_loop)?;
            let client = self.inner.clone();
            let output = call.request.output;
            let (request, repair) = (call.request, call.repair);
            let open: Opener<ObjectStreamEvent> = Box::new(move || {
                Box::pin(async move {
                    let repair = repair.map(|r| r as Arc<dyn ObjectRepair>);
                    Ok(client.stream_object(request, repair).await?.boxed())
                })
            });
            Ok(PyAsyncObjectStream::new(
                open, host_loop, call.model, output,
            ))
        })
    }

    /// Embed texts (batched, in input order); await the result.
    #[pyo3(signature = (*, model, input, dimensions=None, provider_options=None, headers=None, max_retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn embed<'py>(
        &self,
        py: Python<'py>,
        model: String,
        input: &Bound<'py, PyAny>,
        dimensions: Option<u32>,
        provider_options: Option<&Bound<'py, PyAny>>,
        headers: Option<&Bound<'py, PyAny>>,
        max_retries: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            self.enter(py)?;
            let request = embed_request(
                model,
                input,
                dimensions,
                &CallExtras {
                    provider_options,
                    headers,
                    max_retries,
                },
            )?;
            let client = self.inner.clone();
            let work = async move { client.embed_many(request).await };
            let (fut, _) = aio::spawn(py, work, |py, r| {
                Ok(Py::new(py, PyEmbedResult(r))?.into_any())
            })?;
            Ok(fut)
        })
    }

    /// Rank `documents` by relevance to `query`; await the result.
    #[pyo3(signature = (*, model, query, documents, top_n=None, provider_options=None, headers=None, max_retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn rerank<'py>(
        &self,
        py: Python<'py>,
        model: String,
        query: String,
        documents: &Bound<'py, PyAny>,
        top_n: Option<u32>,
        provider_options: Option<&Bound<'py, PyAny>>,
        headers: Option<&Bound<'py, PyAny>>,
        max_retries: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            self.enter(py)?;
            let request = rerank_request(
                model,
                query,
                documents,
                top_n,
                &CallExtras {
                    provider_options,
                    headers,
                    max_retries,
                },
            )?;
            let client = self.inner.clone();
            let work = async move { client.rerank(request).await };
            let (fut, _) = aio::spawn(py, work, |py, r| {
                Ok(Py::new(py, PyRerankResult(r))?.into_any())
            })?;
            Ok(fut)
        })
    }

    /// Generate images from a prompt; await the result.
    #[pyo3(signature = (*, model, prompt, n=None, size=None, provider_options=None, headers=None, max_retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn generate_image<'py>(
        &self,
        py: Python<'py>,
        model: String,
        prompt: String,
        n: Option<u32>,
        size: Option<String>,
        provider_options: Option<&Bound<'py, PyAny>>,
        headers: Option<&Bound<'py, PyAny>>,
        max_retries: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            self.enter(py)?;
            let extras = CallExtras {
                provider_options,
                headers,
                max_retries,
            };
            let request = image_request(model, prompt, n, size, &extras)?;
            let client = self.inner.clone();
            let work = async move { client.generate_image(request).await };
            let (fut, _) = aio::spawn(py, work, |py, r| {
                Ok(Py::new(py, PyImageResult(r))?.into_any())
            })?;
            Ok(fut)
        })
    }

    /// Transcribe audio (bytes, base64, or `{"url"/"base64": ...}`); await the result.
    #[pyo3(signature = (*, model, audio, media_type, language=None, prompt=None, provider_options=None, headers=None, max_retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn transcribe<'py>(
        &self,
        py: Python<'py>,
        model: String,
        audio: &Bound<'py, PyAny>,
        media_type: String,
        language: Option<String>,
        prompt: Option<String>,
        provider_options: Option<&Bound<'py, PyAny>>,
        headers: Option<&Bound<'py, PyAny>>,
        max_retries: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            self.enter(py)?;
            let extras = CallExtras {
                provider_options,
                headers,
                max_retries,
            };
            let request =
                transcription_request(model, audio, media_type, language, prompt, &extras)?;
            let client = self.inner.clone();
            let work = async move { client.transcribe(request).await };
            let (fut, _) = aio::spawn(py, work, |py, r| {
                Ok(Py::new(py, PyTranscriptionResult(r))?.into_any())
            })?;
            Ok(fut)
        })
    }

    /// Generate speech from text; await the result.
    #[pyo3(signature = (*, model, text, voice=None, output_format=None, speed=None, instructions=None, provider_options=None, headers=None, max_retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn generate_speech<'py>(
        &self,
        py: Python<'py>,
        model: String,
        text: String,
        voice: Option<String>,
        output_format: Option<String>,
        speed: Option<f64>,
        instructions: Option<String>,
        provider_options: Option<&Bound<'py, PyAny>>,
        headers: Option<&Bound<'py, PyAny>>,
        max_retries: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            self.enter(py)?;
            let extras = CallExtras {
                provider_options,
                headers,
                max_retries,
            };
            let request = speech_request(
                model,
                text,
                SpeechSettings {
                    voice,
                    output_format,
                    speed,
                    instructions,
                },
                &extras,
            )?;
            let client = self.inner.clone();
            let work = async move { client.generate_speech(request).await };
            let (fut, _) = aio::spawn(py, work, |py, r| {
                Ok(Py::new(py, PySpeechResult(r))?.into_any())
            })?;
            Ok(fut)
        })
    }

    fn __repr__(&self) -> String {
        format!("AsyncDitto(providers={:?})", self.inner.providers())
    }
}
