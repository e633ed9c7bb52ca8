"""Type aliases used in ditto_llm's signatures (importable for your own annotations)."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, List, Literal, Mapping, Optional, Protocol, Sequence, TypedDict, Union

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
    "TextArgs",
    "ObjectArgs",
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


class _ModelArg(TypedDict):
    model: str


class _CallArgs(_ModelArg, total=False):
    prompt: Optional[str]
    system: Optional[str]
    messages: Optional[Sequence[MessageLike]]
    max_output_tokens: Optional[int]
    temperature: Optional[float]
    top_p: Optional[float]
    top_k: Optional[int]
    stop: Optional[Union[str, Sequence[str]]]
    seed: Optional[int]
    presence_penalty: Optional[float]
    frequency_penalty: Optional[float]
    provider_options: Optional[Mapping[str, Mapping[str, JSON]]]
    headers: Optional[Mapping[str, str]]
    max_retries: Optional[int]


class TextArgs(_CallArgs, total=False):
    """The keyword arguments of `generate_text` / `stream_text` (`model` is required). With a
    `ditto_llm.tool(...)` in `tools` or any of the agent options (`stop_when`, `max_steps`,
    `max_parallel_tools`, `approvals`, `repair_tool_call`) they run the agent loop."""

    tools: Optional[Union[Sequence[ToolLike], Mapping[str, ToolLike]]]
    tool_choice: Optional[ToolChoiceLike]
    response_format: Optional[Union[Mapping[str, Any], type]]
    include_raw_chunks: bool
    stop_when: Optional[Union[StopConditionLike, Sequence[StopConditionLike]]]
    max_steps: Optional[int]
    max_parallel_tools: Optional[int]
    approvals: Optional[Sequence[ApprovalLike]]
    repair_tool_call: Optional[Callable[[Dict[str, Any], str, List[Dict[str, Any]]], Any]]


class ObjectArgs(_CallArgs, total=False):
    """The keyword arguments of `generate_object` / `stream_object` (`model` is required)."""

    schema: Optional[Union[Mapping[str, Any], type]]
    output: ObjectOutput
    enum: Optional[Sequence[str]]
    mode: ObjectMode
    schema_name: Optional[str]
    schema_description: Optional[str]
    repair: Optional[RepairHook]
    max_object_bytes: Optional[int]
