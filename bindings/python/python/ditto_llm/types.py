"""Type aliases used in ditto_llm's signatures (importable for your own annotations)."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, List, Literal, Mapping, Optional, Protocol, Union

from ._errors import DittoError
from ._tools import Tool

__all__ = [
    "JSON",
    "AudioLike",
    "ProviderSettings",
    "MessageLike",
    "ToolLike",
    "ToolChoiceLike",
    "FinishReason",
    "EventType",
    "StopConditionLike",
    "ApprovalLike",
    "ObjectOutput",
    "ObjectMode",
    "RepairHook",
    "AliasConfig",
    "CacheStore",
    "SpanHook",
]

JSON = Any
"""Any JSON value: dict, list, str, int, float, bool or None."""

AudioLike = Union[bytes, bytearray, memoryview, str, Mapping[str, str]]
"""Audio for `transcribe`: the bytes, a base64 str (or a `data:` URL), or `{"url": ...}` /
`{"base64": ...}`."""

ProviderSettings = Mapping[str, Any]
"""`{"api_key", "base_url", "headers", "query", "organization", "project", "type"}`; `type` is
`"openai"`, `"openai-compatible"`, `"mock"` or a native adapter (inferred from the name when
absent)."""

MessageLike = Mapping[str, Any]
"""A message in our shape, the AI SDK's (camelCase) or OpenAI Chat Completions'."""

ToolLike = Union[Mapping[str, Any], type, Tool]
"""A tool dict (ours, OpenAI's `{"type": "function", "function": {...}}`, or the AI SDK's), or a
pydantic model class (name = class name, description = docstring, schema from the model). Any
schema inside a tool dict may itself be a pydantic model class. A `ditto_llm.tool(...)` with an
`execute` function makes `generate_text` / `stream_text` run the agent loop."""

StopConditionLike = Union[Mapping[str, Any], Callable[[List[Any]], Union[bool, Awaitable[bool]]]]
"""`ditto_llm.step_count_is(n)`, `ditto_llm.has_tool_call(name)` (their dicts), or a callable
given the `StepResult`s so far that returns True to stop (may be `async def`)."""

ApprovalLike = Mapping[str, Any]
"""`{"approval_id": ..., "approved": True | False, "reason": "..."}`."""

ToolChoiceLike = Union[Literal["auto", "none", "required"], Mapping[str, Any], type]
"""`"auto"`, `"none"`, `"required"`, `{"type": "tool", "tool_name": ...}`, OpenAI's
`{"type": "function", "function": {"name": ...}}`, or a pydantic model class given in `tools`
(forces that tool)."""

FinishReason = Literal["stop", "length", "content-filter", "tool-calls", "error", "other"]

EventType = Literal[
    "start",
    "start-step",
    "text-start",
    "text-delta",
    "text-end",
    "reasoning-start",
    "reasoning-delta",
    "reasoning-end",
    "tool-input-start",
    "tool-input-delta",
    "tool-input-end",
    "tool-call",
    "tool-result",
    "tool-error",
    "tool-approval-request",
    "source",
    "file",
    "finish-step",
    "finish",
    "error",
    "abort",
    "raw",
]

ObjectOutput = Literal["object", "array", "enum", "no-schema"]
"""The shape of `generate_object`'s result: one object, an array of elements, one of `enum`,
or any JSON (unchecked)."""

ObjectMode = Literal["auto", "json", "tool"]
"""How the model is asked for JSON: the provider's native structured output (`auto`), JSON mode
with the schema in the system prompt (`json`), or a forced tool call (`tool`)."""

RepairHook = Callable[[str, DittoError], Union[Optional[str], Awaitable[Optional[str]]]]
"""`repair(text, error)`: fixed text for output that failed to parse or validate, or None."""

AliasConfig = Mapping[str, Any]
"""`{"model": "openai:gpt-4o-mini", "middleware": [{"type": "cache"}, {"type": "extract-reasoning"}, ...]}`:
the middleware specs of docs/middleware.md (`default-settings`, `extract-reasoning`,
`simulate-streaming`, `fallback`, `retry`, `telemetry`, `cache`), outermost first."""


class CacheStore(Protocol):
    """A cache store for the `cache` middleware: `get` returns the stored bytes or None, `put`
    stores them. Either may be `async def`."""

    def get(self, key: str) -> Union[Optional[bytes], Awaitable[Optional[bytes]]]: ...

    def put(self, key: str, value: bytes) -> Union[None, Awaitable[None]]: ...


SpanHook = Callable[[Any], Any]
"""`on_span(span)`: each finished `telemetry` span as a dict (`name`, `attributes`, `start`,
`end`, `status`, ...)."""
