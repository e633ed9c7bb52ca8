//! `Ditto`: the synchronous client. Every call releases the GIL while it waits and can be
//! interrupted with Ctrl-C.

use crate::agent::agent_call;
use crate::errors::to_py_err;
use crate::host::HostLoop;
use crate::middleware::hooks;
use crate::objects::{object_call, PyGenerateObjectResult};
use crate::ostream::PyObjectStream;
use crate::request::{
    client_config, embed_request, image_request, rerank_request, speech_request, text_request,
    transcription_request, CallExtras, SpeechSettings,
};
use crate::results::{
    PyEmbedResult, PyGenerateTextResult, PyImageResult, PyRerankResult, PySpeechResult,
    PyTranscriptionResult,
};
use crate::runtime::{check_same_process, guard, wait};
use crate::stream::PyTextStream;
use ditto_llm::object::ObjectRepair;
use futures_util::StreamExt;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Arc;

/// The constructor arguments shared by `Ditto` and `AsyncDitto`.
#[derive(Debug)]
pub struct ClientArgs<'a, 'py> {
    pub providers: Option<&'a Bound<'py, PyAny>>,
    pub aliases: Option<&'a Bound<'py, PyAny>>,
    pub cache_store: Option<&'a Bound<'py, PyAny>>,
    pub on_span: Option<&'a Bound<'py, PyAny>>,
    pub from_env: bool,
    pub timeout: Option<f64>,
    pub connect_timeout: Option<f64>,
    pub max_retries: Option<u32>,
}

/// Build the core client from the constructor arguments; Python callbacks (cache store, span
/// sink) run their coroutines on `event_loop`.
pub fn build_client(
    args: ClientArgs<'_, '_>,
    event_loop: &Arc<HostLoop>,
) -> PyResult<ditto_llm::Ditto> {
    let config = client_config(
        args.providers,
        args.aliases,
        args.from_env,
        args.timeout,
        args.connect_timeout,
        args.max_retries,
    )?;
    let hooks = hooks(args.cache_store, args.on_span, event_loop)?;
    let mut builder = ditto_llm::Ditto::builder().config(config);
    if let Some(store) = hooks.cache_store {
        builder = builder.cache_store(store);
    }
    if let Some(sink) = hooks.span_sink {
        builder = builder.span_sink(sink);
    }
    // Building the HTTP client may touch the runtime's reactor; do it inside its context.
    let _enter = crate::runtime::runtime().enter();
    builder.build().map_err(|e| to_py_err(&e))
}

/// The synchronous client.
#[pyclass(frozen, module = "ditto_llm._native", name = "Ditto")]
#[derive(Debug)]
pub struct PyDitto {
    inner: ditto_llm::Ditto,
    pid: u32,
}

#[pymethods]
impl PyDitto {
    #[new]
    #[pyo3(signature = (providers=None, *, from_env=true, timeout=None, connect_timeout=None, max_retries=None, aliases=None, cache_store=None, on_span=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
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
            let inner = build_client(args, &HostLoop::private())?;
            Ok(PyDitto {
                inner,
                pid: std::process::id(),
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

    /// Generate text (non-streaming).
    #[pyo3(signature = (**kwargs))]
    fn generate_text(
        &self,
        py: Python<'_>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyGenerateTextResult> {
        guard(|| {
            check_same_process(self.pid)?;
            let request = text_request("generate_text", kwargs)?;
            match agent_call(kwargs, &HostLoop::private())? {
                None => {
                    let result = wait(py, self.inner.generate_text(request))?;
                    Ok(PyGenerateTextResult::plain(result))
                }
                Some(call) => {
                    let run = self.inner.run_agent(request, &call.tools, &call.options);
                    Ok(PyGenerateTextResult::agent(wait(py, run)?))
                }
            }
        })
    }

    /// Stream text. The request is sent now; errors before the first byte raise here.
    #[pyo3(signature = (**kwargs))]
    fn stream_text(
        &self,
        py: Python<'_>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyTextStream> {
        guard(|| {
            check_same_process(self.pid)?;
            let request = text_request("stream_text", kwargs)?;
            let stream = match agent_call(kwargs, &HostLoop::private())? {
                None => wait(py, self.inner.stream_text(request))?.boxed(),
                Some(call) => self
                    .inner
                    .stream_agent(request, &call.tools, &call.options)
                    .map_err(|e| to_py_err(&e))?
                    .boxed(),
            };
            Ok(PyTextStream::new(stream))
        })
    }

    /// Generate a structured object matching `schema` (a JSON Schema dict or pydantic model).
    #[pyo3(signature = (**kwargs))]
    fn generate_object(
        &self,
        py: Python<'_>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyGenerateObjectResult> {
        guard(|| {
            check_same_process(self.pid)?;
            let call = object_call("generate_object", kwargs, &HostLoop::private())?;
            let output = call.request.output;
            let repair = call.repair.clone();
            let work = self.inner.generate_object(
                call.request,
                repair.as_deref().map(|r| r as &dyn ObjectRepair),
            );
            let result = wait(py, work)?;
            PyGenerateObjectResult::new(py, result, call.model.as_ref(), output)
        })
    }

    /// Stream a structured object: partial objects while the model writes, then `finish`.
    /// The request is sent now; errors before the first byte raise here.
    #[pyo3(signature = (**kwargs))]
    fn stream_object(
        &self,
        py: Python<'_>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyObjectStream> {
        guard(|| {
            check_same_process(self.pid)?;
            let call = object_call("stream_object", kwargs, &HostLoop::private())?;
            let output = call.request.output;
            let repair = call.repair.map(|r| r as Arc<dyn ObjectRepair>);
            let stream = wait(py, self.inner.stream_object(call.request, repair))?;
            Ok(PyObjectStream::new(stream.boxed(), call.model, output))
        })
    }

    /// Embed texts (batched, in input order).
    #[pyo3(signature = (*, model, input, dimensions=None, provider_options=None, headers=None, max_retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn embed(
        &self,
        py: Python<'_>,
        model: String,
        input: &Bound<'_, PyAny>,
        dimensions: Option<u32>,
        provider_options: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
        max_retries: Option<u32>,
    ) -> PyResult<PyEmbedResult> {
        guard(|| {
            check_same_process(self.pid)?;
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
            let result = wait(py, work)?;
            Ok(PyEmbedResult(result))
        })
    }

    /// Rank `documents` by relevance to `query`, most relevant first.
    #[pyo3(signature = (*, model, query, documents, top_n=None, provider_options=None, headers=None, max_retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn rerank(
        &self,
        py: Python<'_>,
        model: String,
        query: String,
        documents: &Bound<'_, PyAny>,
        top_n: Option<u32>,
        provider_options: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
        max_retries: Option<u32>,
    ) -> PyResult<PyRerankResult> {
        guard(|| {
            check_same_process(self.pid)?;
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
            let result = wait(py, self.inner.rerank(request))?;
            Ok(PyRerankResult(result))
        })
    }

    /// Generate images from a prompt.
    #[pyo3(signature = (*, model, prompt, n=None, size=None, provider_options=None, headers=None, max_retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn generate_image(
        &self,
        py: Python<'_>,
        model: String,
        prompt: String,
        n: Option<u32>,
        size: Option<String>,
        provider_options: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
        max_retries: Option<u32>,
    ) -> PyResult<PyImageResult> {
        guard(|| {
            check_same_process(self.pid)?;
            let extras = CallExtras {
                provider_options,
                headers,
                max_retries,
            };
            let request = image_request(model, prompt, n, size, &extras)?;
            let result = wait(py, self.inner.generate_image(request))?;
            Ok(PyImageResult(result))
        })
    }

    /// Transcribe audio (bytes, base64, or `{"url"/"base64": ...}`).
    #[pyo3(signature = (*, model, audio, media_type, language=None, prompt=None, provider_options=None, headers=None, max_retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn transcribe(
        &self,
        py: Python<'_>,
        model: String,
        audio: &Bound<'_, PyAny>,
        media_type: String,
        language: Option<String>,
        prompt: Option<String>,
        provider_options: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
        max_retries: Option<u32>,
    ) -> PyResult<PyTranscriptionResult> {
        guard(|| {
            check_same_process(self.pid)?;
            let extras = CallExtras {
                provider_options,
                headers,
                max_retries,
            };
            let request =
                transcription_request(model, audio, media_type, language, prompt, &extras)?;
            let result = wait(py, self.inner.transcribe(request))?;
            Ok(PyTranscriptionResult(result))
        })
    }

    /// Generate speech from text.
    #[pyo3(signature = (*, model, text, voice=None, output_format=None, speed=None, instructions=None, provider_options=None, headers=None, max_retries=None))]
    #[allow(clippy::too_many_arguments)]
    fn generate_speech(
        &self,
        py: Python<'_>,
        model: String,
        text: String,
        voice: Option<String>,
        output_format: Option<String>,
        speed: Option<f64>,
        instructions: Option<String>,
        provider_options: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
        max_retries: Option<u32>,
    ) -> PyResult<PySpeechResult> {
        guard(|| {
            check_same_process(self.pid)?;
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
            let result = wait(py, self.inner.generate_speech(request))?;
            Ok(PySpeechResult(result))
        })
    }

    fn __repr__(&self) -> String {
        format!("Ditto(providers={:?})", self.inner.providers())
    }
}
