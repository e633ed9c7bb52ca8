"""Type aliases used in ditto_llm's signatures (importable for your own annotations)."""

from __future__ import annotations

from typing import Any, Literal, Mapping, Union

__all__ = [
    "JSON",
    "AudioLike",
    "ProviderSettings",
    "MessageLike",
    "ToolLike",
    "ToolChoiceLike",
    "FinishReason",
    "EventType",
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

ToolLike = Union[Mapping[str, Any], type]
"""A tool dict (ours, OpenAI's `{"type": "function", "function": {...}}`, or the AI SDK's), or a
pydantic model class (name = class name, description = docstring, schema from the model). Any
schema inside a tool dict may itself be a pydantic model class."""

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
