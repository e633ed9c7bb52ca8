# Interface of the Rust extension `ditto_llm._native`. Checked against the built module in CI
# with `python -m mypy.stubtest ditto_llm` (bindings/python/scripts/test.sh).

import builtins
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Literal, Optional, Union, final

from typing_extensions import Unpack

from ditto_llm.types import (
    JSON,
    AliasConfig,
    AudioLike,
    CacheStore,
    EventType,
    FinishReason,
    MessageLike,
    ObjectArgs,
    ProviderSettings,
    SpanHook,
    TextArgs,
)


__all__ = [
    "Ditto",
    "AsyncDitto",
    "TextStream",
    "AsyncTextStream",
    "StreamEvent",
    "GenerateTextResult",
    "StepResult",
    "GenerateObjectResult",
    "ObjectStreamEvent",
    "ObjectStream",
    "AsyncObjectStream",
    "Usage",
    "ToolCall",
    "CallWarning",
    "ResponseMetadata",
    "EmbedResult",
    "RerankResult",
    "RankedDocument",
    "ImageResult",
    "GeneratedImage",
    "TranscriptionResult",
    "TranscriptSegment",
    "SpeechResult",
    "DittoV1Encoder",
    "DittoV1Decoder",
    "UiMessageEncoder",
    "TextDeltaStream",
    "AsyncTextDeltaStream",
    "_ui_chat_request",
    "_resolve_future",
    "_panic_for_tests",
    "__version__",
]

__version__: str

def _resolve_future(fut: Any, ok: bool, value: Any) -> None:
    """Internal: completes an asyncio future from the runtime (on the loop's thread)."""

def _ui_chat_request(body: Union[bytes, str, Mapping[str, Any]]) -> dict[str, Any]:
    """Internal: a `useChat` body with its messages converted (see ditto_llm.protocol)."""

def _panic_for_tests(in_async: bool) -> Any:
    """Internal test hook: panics inside the binding; raises ditto_llm.InternalError."""


@final
class Usage:
    """Token usage; each field is None when the provider did not report it."""

    @property
    def input_tokens(self) -> Optional[int]: ...
    @property
    def output_tokens(self) -> Optional[int]: ...
    @property
    def total_tokens(self) -> Optional[int]: ...
    @property
    def cache_read_tokens(self) -> Optional[int]: ...
    @property
    def cache_write_tokens(self) -> Optional[int]: ...
    @property
    def reasoning_tokens(self) -> Optional[int]: ...
    def to_dict(self) -> dict[str, Optional[int]]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class ToolCall:
    """A tool call the model made."""

    @property
    def tool_call_id(self) -> str: ...
    @property
    def tool_name(self) -> str: ...
    @property
    def input(self) -> JSON:
        """The parsed arguments (the raw text when `invalid_input`)."""
    @property
    def invalid_input(self) -> bool: ...
    @property
    def provider_executed(self) -> bool: ...
    @property
    def provider_metadata(self) -> Optional[dict[str, JSON]]: ...
    def to_dict(self) -> dict[str, JSON]: ...

@final
class CallWarning:
    """Something the provider could not honour."""

    @property
    def type(self) -> Literal["unsupported-setting", "unsupported-tool", "compatibility", "other"]: ...
    @property
    def setting(self) -> Optional[str]: ...
    @property
    def tool_name(self) -> Optional[str]: ...
    @property
    def feature(self) -> Optional[str]: ...
    @property
    def details(self) -> Optional[str]: ...
    @property
    def message(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, JSON]: ...

@final
class ResponseMetadata:
    """Facts about the provider response."""

    @property
    def id(self) -> Optional[str]: ...
    @property
    def model_id(self) -> Optional[str]: ...
    @property
    def timestamp(self) -> Optional[int]: ...
    @property
    def headers(self) -> dict[str, str]: ...
    def to_dict(self) -> dict[str, JSON]: ...

@final
class GenerateTextResult:
    """The result of `generate_text`."""

    @property
    def text(self) -> str: ...
    @property
    def reasoning_text(self) -> Optional[str]: ...
    @property
    def content(self) -> list[dict[str, JSON]]: ...
    @property
    def tool_calls(self) -> list[ToolCall]: ...
    @property
    def sources(self) -> list[dict[str, JSON]]: ...
    @property
    def finish_reason(self) -> FinishReason: ...
    @property
    def raw_finish_reason(self) -> Optional[str]: ...
    @property
    def usage(self) -> Usage: ...
    @property
    def warnings(self) -> list[CallWarning]: ...
    @property
    def response(self) -> ResponseMetadata: ...
    @property
    def provider_metadata(self) -> Optional[dict[str, JSON]]: ...
    @property
    def steps(self) -> list[StepResult]:
        """The steps of an agent run (one model call each); a plain call has one step."""
    @property
    def total_usage(self) -> Usage:
        """Usage summed over every step."""
    @property
    def response_messages(self) -> list[dict[str, JSON]]:
        """The assistant and tool messages an agent run produced (empty for a plain call)."""
    @property
    def pending_approvals(self) -> list[dict[str, JSON]]:
        """Tool calls waiting for approval: `{"approval_id", "tool_call"}`."""
    def to_dict(self) -> dict[str, JSON]: ...

@final
class StepResult:
    """One step of an agent run: one model call and the tools executed after it."""

    @property
    def step(self) -> int:
        """The step number, counting from 0."""
    @property
    def text(self) -> str: ...
    @property
    def content(self) -> list[dict[str, JSON]]:
        """The model's output parts, then one `tool-result` part per executed call."""
    @property
    def tool_calls(self) -> list[ToolCall]: ...
    @property
    def tool_results(self) -> list[dict[str, JSON]]:
        """Results of the calls that ran (or failed), in call order."""
    @property
    def finish_reason(self) -> FinishReason: ...
    @property
    def usage(self) -> Usage: ...
    @property
    def warnings(self) -> list[CallWarning]: ...
    @property
    def response(self) -> ResponseMetadata: ...
    def to_dict(self) -> dict[str, JSON]: ...

@final
class GenerateObjectResult:
    """The result of `generate_object`."""

    @property
    def object(self) -> Any:
        """The object: a validated pydantic instance (a list of them for `array` output) when
        `schema` was a pydantic model class, else dicts / lists / str as parsed."""
    @property
    def raw(self) -> JSON:
        """The validated object as plain JSON values."""
    @property
    def text(self) -> str:
        """The model's raw text."""
    @property
    def finish_reason(self) -> FinishReason: ...
    @property
    def raw_finish_reason(self) -> Optional[str]: ...
    @property
    def usage(self) -> Usage: ...
    @property
    def warnings(self) -> list[CallWarning]: ...
    @property
    def response(self) -> ResponseMetadata: ...
    @property
    def provider_metadata(self) -> Optional[dict[str, JSON]]: ...
    def to_dict(self) -> dict[str, JSON]: ...

@final
class ObjectStreamEvent:
    """One event of an object stream: `partial-object`, `element`, `text-delta` or `finish`."""

    @property
    def type(self) -> Literal["partial-object", "element", "text-delta", "finish"]: ...
    @property
    def object(self) -> Optional[JSON]:
        """The partial object (`partial-object`) or the validated one (`finish`)."""
    @property
    def index(self) -> Optional[int]: ...
    @property
    def element(self) -> Optional[JSON]: ...
    @property
    def text(self) -> Optional[str]: ...
    @property
    def finish_reason(self) -> Optional[FinishReason]: ...
    @property
    def usage(self) -> Optional[Usage]: ...
    @property
    def warnings(self) -> Optional[list[CallWarning]]: ...
    @property
    def response(self) -> Optional[ResponseMetadata]: ...
    def to_dict(self) -> dict[str, JSON]: ...
    def __eq__(self, value: builtins.object, /) -> bool: ...
    def __ne__(self, value: builtins.object, /) -> bool: ...

@final
class ObjectStream:
    """A synchronous stream of object events."""

    def __iter__(self) -> ObjectStream: ...
    def __next__(self) -> ObjectStreamEvent: ...
    @property
    def partial_object_stream(self) -> Iterator[JSON]:
        """The partial objects, each one as it changed (consumes the stream)."""
    @property
    def element_stream(self) -> Iterator[Any]:
        """`array` output: each complete element (pydantic instances with a model)."""
    @property
    def text_stream(self) -> Iterator[str]:
        """The raw text as the model wrote it."""
    def collect(self) -> GenerateObjectResult: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def __enter__(self) -> ObjectStream: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> bool: ...

@final
class AsyncObjectStream:
    """An asyncio stream of object events. The request is sent on the first iteration."""

    def __aiter__(self) -> AsyncObjectStream: ...
    def __anext__(self) -> Awaitable[ObjectStreamEvent]: ...
    @property
    def partial_object_stream(self) -> AsyncIterator[JSON]: ...
    @property
    def element_stream(self) -> AsyncIterator[Any]: ...
    @property
    def text_stream(self) -> AsyncIterator[str]: ...
    def collect(self) -> Awaitable[GenerateObjectResult]: ...
    def aclose(self) -> Awaitable[None]: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def __aenter__(self) -> Awaitable[AsyncObjectStream]: ...
    def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> Awaitable[bool]: ...

@final
class EmbedResult:
    """The result of `embed`: one vector per input, in input order."""

    @property
    def embeddings(self) -> list[list[float]]: ...
    @property
    def usage(self) -> Usage: ...
    @property
    def warnings(self) -> list[CallWarning]: ...
    def to_dict(self) -> dict[str, JSON]: ...
    def __len__(self) -> int: ...

@final
class RankedDocument:
    """One ranked document."""

    @property
    def index(self) -> int:
        """Its position in the request's `documents`."""
    @property
    def relevance_score(self) -> float: ...
    @property
    def document(self) -> str: ...
    def to_dict(self) -> dict[str, JSON]: ...

@final
class RerankResult:
    """The result of `rerank`: documents, most relevant first."""

    @property
    def results(self) -> list[RankedDocument]: ...
    @property
    def usage(self) -> Usage: ...
    @property
    def warnings(self) -> list[CallWarning]: ...
    @property
    def provider_metadata(self) -> Optional[dict[str, JSON]]: ...
    def to_dict(self) -> dict[str, JSON]: ...
    def __len__(self) -> int: ...

@final
class StreamEvent:
    """One stream event. Attributes an event type does not carry are None."""

    @property
    def type(self) -> EventType: ...
    @property
    def id(self) -> Optional[str]: ...
    @property
    def text(self) -> Optional[str]:
        """The new text of a `text-delta` or `reasoning-delta`."""
    @property
    def delta(self) -> Optional[str]:
        """The JSON fragment of a `tool-input-delta`."""
    @property
    def tool_call_id(self) -> Optional[str]: ...
    @property
    def tool_name(self) -> Optional[str]: ...
    @property
    def input(self) -> Optional[JSON]: ...
    @property
    def approval_id(self) -> Optional[str]:
        """The `approval_id` of a `tool-approval-request`."""
    @property
    def invalid_input(self) -> Optional[bool]: ...
    @property
    def output(self) -> Optional[JSON]: ...
    @property
    def error(self) -> Optional[JSON]: ...
    @property
    def provider_executed(self) -> Optional[bool]: ...
    @property
    def warnings(self) -> Optional[list[CallWarning]]: ...
    @property
    def finish_reason(self) -> Optional[FinishReason]: ...
    @property
    def raw_finish_reason(self) -> Optional[str]: ...
    @property
    def usage(self) -> Optional[Usage]:
        """Usage of the step (`finish-step`) or of the whole stream (`finish`)."""
    @property
    def total_usage(self) -> Optional[Usage]: ...
    @property
    def response(self) -> Optional[ResponseMetadata]: ...
    @property
    def provider_metadata(self) -> Optional[dict[str, JSON]]: ...
    @property
    def source(self) -> Optional[dict[str, JSON]]: ...
    @property
    def media_type(self) -> Optional[str]: ...
    @property
    def base64(self) -> Optional[str]: ...
    @property
    def raw_value(self) -> Optional[JSON]: ...
    def to_dict(self) -> dict[str, JSON]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class TextStream:
    """A synchronous stream of events. Closing it (or breaking out of the loop) closes the
    upstream connection."""

    def __iter__(self) -> TextStream: ...
    def __next__(self) -> StreamEvent: ...
    def collect(self) -> GenerateTextResult:
        """Consume the rest of the stream into a result (events already read are not included)."""
    def tee(self, capacity: int = 16) -> tuple[TextDeltaStream, TextStream]:
        """Split into the text deltas and the full events of this stream (bounded buffers;
        consume both at once). This stream is closed afterwards."""
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def __enter__(self) -> TextStream: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> bool: ...

@final
class AsyncTextStream:
    """An asyncio stream of events. The request is sent on the first iteration."""

    def __aiter__(self) -> AsyncTextStream: ...
    def __anext__(self) -> Awaitable[StreamEvent]: ...
    def collect(self) -> Awaitable[GenerateTextResult]:
        """Consume the rest of the stream into a result (events already read are not included)."""
    def tee(self, capacity: int = 16) -> tuple[AsyncTextDeltaStream, AsyncTextStream]:
        """Split into the text deltas and the full events (the request is sent now)."""
    def aclose(self) -> Awaitable[None]: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def __aenter__(self) -> Awaitable[AsyncTextStream]: ...
    def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> Awaitable[bool]: ...

@final
class TextDeltaStream:
    """The text side of `TextStream.tee()`: each `text-delta`'s text."""

    def __iter__(self) -> TextDeltaStream: ...
    def __next__(self) -> str: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...

@final
class AsyncTextDeltaStream:
    """The text side of `AsyncTextStream.tee()`."""

    def __aiter__(self) -> AsyncTextDeltaStream: ...
    def __anext__(self) -> Awaitable[str]: ...
    def aclose(self) -> Awaitable[None]: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...

@final
class DittoV1Encoder:
    """Encodes events as Ditto stream protocol v1 frames."""

    def __new__(cls, framing: Literal["sse", "ndjson"] = "sse") -> DittoV1Encoder: ...
    def encode(self, event: Union[StreamEvent, Mapping[str, Any]]) -> bytes: ...
    def error(self, error: Mapping[str, Any]) -> bytes:
        """An `error` event for a failure (`DittoError.to_dict()` shape)."""
    def terminator(self) -> bytes:
        """`data: [DONE]` for SSE, empty for NDJSON."""
    @property
    def content_type(self) -> str: ...

@final
class DittoV1Decoder:
    """A bounded incremental decoder of Ditto stream protocol v1 bytes."""

    def __new__(cls, framing: Literal["sse", "ndjson"] = "sse") -> DittoV1Decoder: ...
    def feed(self, chunk: bytes) -> list[StreamEvent]: ...
    def finish(self) -> list[StreamEvent]: ...
    @property
    def done(self) -> bool: ...

@final
class UiMessageEncoder:
    """Encodes events as AI SDK UI message stream chunks (SSE frames)."""

    def __new__(cls, options: Optional[Mapping[str, Any]] = None) -> UiMessageEncoder: ...
    def encode(self, event: Union[StreamEvent, Mapping[str, Any]]) -> bytes:
        """One event as a frame (empty when the event has no UI chunk)."""
    def error(self, error: Mapping[str, Any]) -> bytes: ...
    def done(self) -> bytes: ...

@final
class GeneratedImage:
    """One generated image."""

    @property
    def base64(self) -> str:
        """The image bytes, base64."""
    @property
    def data(self) -> bytes:
        """The image bytes."""
    @property
    def media_type(self) -> str: ...
    @property
    def revised_prompt(self) -> Optional[str]:
        """The prompt the provider actually used, when it rewrote it."""
    def to_dict(self) -> dict[str, JSON]: ...

@final
class ImageResult:
    """The result of `generate_image`."""

    @property
    def images(self) -> list[GeneratedImage]: ...
    @property
    def usage(self) -> Usage: ...
    @property
    def warnings(self) -> list[CallWarning]: ...
    @property
    def provider_metadata(self) -> Optional[dict[str, JSON]]: ...
    def to_dict(self) -> dict[str, JSON]: ...
    def __len__(self) -> int: ...

@final
class TranscriptSegment:
    """A timed piece of a transcript."""

    @property
    def text(self) -> str: ...
    @property
    def start(self) -> float:
        """Start, seconds."""
    @property
    def end(self) -> float:
        """End, seconds."""
    def to_dict(self) -> dict[str, JSON]: ...

@final
class TranscriptionResult:
    """The result of `transcribe`."""

    @property
    def text(self) -> str: ...
    @property
    def segments(self) -> list[TranscriptSegment]: ...
    @property
    def language(self) -> Optional[str]:
        """Detected language."""
    @property
    def duration_seconds(self) -> Optional[float]:
        """Audio length in seconds."""
    @property
    def warnings(self) -> list[CallWarning]: ...
    @property
    def provider_metadata(self) -> Optional[dict[str, JSON]]: ...
    def to_dict(self) -> dict[str, JSON]: ...

@final
class SpeechResult:
    """The result of `generate_speech`; `audio` is the bytes, `to_dict()` has them as
    `audio_base64` (the JSON shape)."""

    @property
    def audio(self) -> bytes:
        """The audio bytes."""
    @property
    def audio_base64(self) -> str:
        """The audio, base64."""
    @property
    def media_type(self) -> str:
        """`audio/mpeg`, ..."""
    @property
    def warnings(self) -> list[CallWarning]: ...
    def to_dict(self) -> dict[str, JSON]: ...

@final
class Ditto:
    """The synchronous client. Calls release the GIL while waiting; Ctrl-C interrupts them."""

    def __new__(
        cls,
        providers: Optional[Mapping[str, ProviderSettings]] = None,
        *,
        from_env: bool = True,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        aliases: Optional[Mapping[str, AliasConfig]] = None,
        cache_store: Optional[CacheStore] = None,
        on_span: Optional[SpanHook] = None,
    ) -> Ditto: ...
    @property
    def providers(self) -> list[str]: ...
    @property
    def aliases(self) -> list[str]:
        """The alias names this client knows (from `aliases=`)."""
    def generate_text(self, **kwargs: Unpack[TextArgs]) -> GenerateTextResult:
        """Keyword arguments: `ditto_llm.types.TextArgs`."""
    def stream_text(self, **kwargs: Unpack[TextArgs]) -> TextStream:
        """Keyword arguments: `ditto_llm.types.TextArgs`."""
    def generate_object(self, **kwargs: Unpack[ObjectArgs]) -> GenerateObjectResult:
        """Keyword arguments: `ditto_llm.types.ObjectArgs`."""
    def stream_object(self, **kwargs: Unpack[ObjectArgs]) -> ObjectStream:
        """Keyword arguments: `ditto_llm.types.ObjectArgs`."""
    def embed(
        self,
        *,
        model: str,
        input: Union[str, Sequence[str]],
        dimensions: Optional[int] = None,
        provider_options: Optional[Mapping[str, Mapping[str, JSON]]] = None,
        headers: Optional[Mapping[str, str]] = None,
        max_retries: Optional[int] = None,
    ) -> EmbedResult: ...
    def rerank(
        self,
        *,
        model: str,
        query: str,
        documents: Sequence[str],
        top_n: Optional[int] = None,
        provider_options: Optional[Mapping[str, Mapping[str, JSON]]] = None,
        headers: Optional[Mapping[str, str]] = None,
        max_retries: Optional[int] = None,
    ) -> RerankResult: ...
    def generate_image(
        self,
        *,
        model: str,
        prompt: str,
        n: Optional[int] = None,
        size: Optional[str] = None,
        provider_options: Optional[Mapping[str, Mapping[str, JSON]]] = None,
        headers: Optional[Mapping[str, str]] = None,
        max_retries: Optional[int] = None,
    ) -> ImageResult: ...
    def transcribe(
        self,
        *,
        model: str,
        audio: AudioLike,
        media_type: str,
        language: Optional[str] = None,
        prompt: Optional[str] = None,
        provider_options: Optional[Mapping[str, Mapping[str, JSON]]] = None,
        headers: Optional[Mapping[str, str]] = None,
        max_retries: Optional[int] = None,
    ) -> TranscriptionResult: ...
    def generate_speech(
        self,
        *,
        model: str,
        text: str,
        voice: Optional[str] = None,
        output_format: Optional[str] = None,
        speed: Optional[float] = None,
        instructions: Optional[str] = None,
        provider_options: Optional[Mapping[str, Mapping[str, JSON]]] = None,
        headers: Optional[Mapping[str, str]] = None,
        max_retries: Optional[int] = None,
    ) -> SpeechResult: ...

@final
class AsyncDitto:
    """The asyncio client. Cancelling an awaitable aborts the request."""

    def __new__(
        cls,
        providers: Optional[Mapping[str, ProviderSettings]] = None,
        *,
        from_env: bool = True,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        aliases: Optional[Mapping[str, AliasConfig]] = None,
        cache_store: Optional[CacheStore] = None,
        on_span: Optional[SpanHook] = None,
    ) -> AsyncDitto: ...
    @property
    def providers(self) -> list[str]: ...
    @property
    def aliases(self) -> list[str]:
        """The alias names this client knows (from `aliases=`)."""
    def generate_text(self, **kwargs: Unpack[TextArgs]) -> Awaitable[GenerateTextResult]:
        """Keyword arguments: `ditto_llm.types.TextArgs`."""
    def stream_text(self, **kwargs: Unpack[TextArgs]) -> AsyncTextStream:
        """Keyword arguments: `ditto_llm.types.TextArgs`."""
    def generate_object(self, **kwargs: Unpack[ObjectArgs]) -> Awaitable[GenerateObjectResult]:
        """Keyword arguments: `ditto_llm.types.ObjectArgs`."""
    def stream_object(self, **kwargs: Unpack[ObjectArgs]) -> AsyncObjectStream:
        """Keyword arguments: `ditto_llm.types.ObjectArgs`."""
    def embed(
        self,
        *,
        model: str,
        input: Union[str, Sequence[str]],
        dimensions: Optional[int] = None,
        provider_options: Optional[Mapping[str, Mapping[str, JSON]]] = None,
        headers: Optional[Mapping[str, str]] = None,
        max_retries: Optional[int] = None,
    ) -> Awaitable[EmbedResult]: ...
    def rerank(
        self,
        *,
        model: str,
        query: str,
        documents: Sequence[str],
        top_n: Optional[int] = None,
        provider_options: Optional[Mapping[str, Mapping[str, JSON]]] = None,
        headers: Optional[Mapping[str, str]] = None,
        max_retries: Optional[int] = None,
    ) -> Awaitable[RerankResult]: ...
    def generate_image(
        self,
        *,
        model: str,
        prompt: str,
        n: Optional[int] = None,
        size: Optional[str] = None,
        provider_options: Optional[Mapping[str, Mapping[str, JSON]]] = None,
        headers: Optional[Mapping[str, str]] = None,
        max_retries: Optional[int] = None,
    ) -> Awaitable[ImageResult]: ...
    def transcribe(
        self,
        *,
        model: str,
        audio: AudioLike,
        media_type: str,
        language: Optional[str] = None,
        prompt: Optional[str] = None,
        provider_options: Optional[Mapping[str, Mapping[str, JSON]]] = None,
        headers: Optional[Mapping[str, str]] = None,
        max_retries: Optional[int] = None,
    ) -> Awaitable[TranscriptionResult]: ...
    def generate_speech(
        self,
        *,
        model: str,
        text: str,
        voice: Optional[str] = None,
        output_format: Optional[str] = None,
        speed: Optional[float] = None,
        instructions: Optional[str] = None,
        provider_options: Optional[Mapping[str, Mapping[str, JSON]]] = None,
        headers: Optional[Mapping[str, str]] = None,
        max_retries: Optional[int] = None,
    ) -> Awaitable[SpeechResult]: ...
