"""Wire protocols for Ditto streams.

- Ditto stream protocol v1 (docs/stream-protocol.md): `encode_ditto_v1(events, framing="sse")`
  yields bytes (`{"v":1,"type":...}` frames; an exception from `events` becomes an `error`
  event; SSE ends with `data: [DONE]`), `decode_ditto_v1(chunks)` yields `StreamEvent`s
  (bounded; rejects `v` other than 1). `aencode_ditto_v1` / `adecode_ditto_v1` take async
  iterables.
- AI SDK UI message stream (docs/ui-stream.md): `ui_message_stream(stream, version="v5")` yields
  SSE bytes a `useChat` front end reads (`aui_message_stream` for async streams); send them with
  `UI_MESSAGE_STREAM_HEADERS`. `ui_chat_request(body)` converts a `useChat` request body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, AsyncIterable, AsyncIterator, Dict, Iterable, Iterator, List, Literal, Mapping, Optional, Union

from ._errors import DittoError
from ._native import DittoV1Decoder, DittoV1Encoder, StreamEvent, UiMessageEncoder, _ui_chat_request

__all__ = [
    "Framing",
    "UiVersion",
    "UI_MESSAGE_STREAM_HEADERS",
    "UiChatRequest",
    "encode_ditto_v1",
    "aencode_ditto_v1",
    "decode_ditto_v1",
    "adecode_ditto_v1",
    "ui_message_stream",
    "aui_message_stream",
    "ui_chat_request",
    "ditto_v1_content_type",
]

Framing = Literal["sse", "ndjson"]
UiVersion = Literal["v5", "v6"]
EventLike = Union[StreamEvent, Mapping[str, Any]]

UI_MESSAGE_STREAM_HEADERS: Dict[str, str] = {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "connection": "keep-alive",
    "x-vercel-ai-ui-message-stream": "v1",
    "x-accel-buffering": "no",
}
"""The response headers of a UI message stream (the AI SDK's)."""


def _error_dict(exc: BaseException) -> Dict[str, Any]:
    if isinstance(exc, DittoError):
        return exc.to_dict()
    return {"kind": "internal", "message": f"{type(exc).__name__}: {exc}"}


def ditto_v1_content_type(framing: Framing = "sse") -> str:
    """`text/event-stream` or `application/x-ndjson`."""
    return DittoV1Encoder(framing).content_type


def encode_ditto_v1(events: Iterable[EventLike], framing: Framing = "sse") -> Iterator[bytes]:
    """Encode events (a `TextStream`, or any iterable of events or their dicts) as Ditto v1."""
    enc = DittoV1Encoder(framing)
    try:
        for ev in events:
            yield enc.encode(ev)
    except Exception as exc:  # the stream failed: an `error` event, then the terminator
        yield enc.error(_error_dict(exc))
    tail = enc.terminator()
    if tail:
        yield tail


async def aencode_ditto_v1(events: AsyncIterable[EventLike], framing: Framing = "sse") -> AsyncIterator[bytes]:
    """`encode_ditto_v1` for an `AsyncTextStream` (or any async iterable of events)."""
    enc = DittoV1Encoder(framing)
    try:
        async for ev in events:
            yield enc.encode(ev)
    except Exception as exc:
        yield enc.error(_error_dict(exc))
    tail = enc.terminator()
    if tail:
        yield tail


def decode_ditto_v1(chunks: Iterable[bytes], framing: Framing = "sse") -> Iterator[StreamEvent]:
    """Decode Ditto v1 bytes (any chunking) into events; raises `StreamError` on bad input."""
    dec = DittoV1Decoder(framing)
    for chunk in chunks:
        yield from dec.feed(chunk)
    yield from dec.finish()


async def adecode_ditto_v1(chunks: AsyncIterable[bytes], framing: Framing = "sse") -> AsyncIterator[StreamEvent]:
    """`decode_ditto_v1` over an async iterable of bytes (e.g. an HTTP response body)."""
    dec = DittoV1Decoder(framing)
    async for chunk in chunks:
        for ev in dec.feed(chunk):
            yield ev
    for ev in dec.finish():
        yield ev


def _ui_options(
    version: UiVersion,
    message_id: Optional[str],
    send_reasoning: bool,
    send_sources: bool,
    send_start: bool,
    send_finish: bool,
    mask_errors: bool,
) -> Dict[str, Any]:
    return {
        "version": version,
        "message_id": message_id,
        "send_reasoning": send_reasoning,
        "send_sources": send_sources,
        "send_start": send_start,
        "send_finish": send_finish,
        "mask_errors": mask_errors,
    }


def ui_message_stream(
    stream: Iterable[EventLike],
    *,
    version: UiVersion = "v5",
    message_id: Optional[str] = None,
    send_reasoning: bool = True,
    send_sources: bool = False,
    send_start: bool = True,
    send_finish: bool = True,
    mask_errors: bool = False,
) -> Iterator[bytes]:
    """The AI SDK UI message stream (SSE bytes, ending `data: [DONE]`) of a `TextStream`
    (agent streams included: tool parts, approvals on v6). V5 sends only 5.x fields."""
    enc = UiMessageEncoder(
        _ui_options(version, message_id, send_reasoning, send_sources, send_start, send_finish, mask_errors)
    )
    try:
        for ev in stream:
            frame = enc.encode(ev)
            if frame:
                yield frame
    except Exception as exc:  # an `error` chunk ends the stream (no `finish`, like the AI SDK)
        yield enc.error(_error_dict(exc))
    yield enc.done()


async def aui_message_stream(
    stream: AsyncIterable[EventLike],
    *,
    version: UiVersion = "v5",
    message_id: Optional[str] = None,
    send_reasoning: bool = True,
    send_sources: bool = False,
    send_start: bool = True,
    send_finish: bool = True,
    mask_errors: bool = False,
) -> AsyncIterator[bytes]:
    """`ui_message_stream` for an `AsyncTextStream`."""
    enc = UiMessageEncoder(
        _ui_options(version, message_id, send_reasoning, send_sources, send_start, send_finish, mask_errors)
    )
    try:
        async for ev in stream:
            frame = enc.encode(ev)
            if frame:
                yield frame
    except Exception as exc:
        yield enc.error(_error_dict(exc))
    yield enc.done()


@dataclass
class UiChatRequest:
    """A `useChat` request body: `messages` are core messages (pass them as `messages=`);
    `ui_messages` the original UI messages; `extra` any other fields the app sent."""

    id: str
    messages: List[Dict[str, Any]]
    ui_messages: List[Dict[str, Any]]
    model: Optional[str] = None
    trigger: Optional[str] = None
    message_id: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict)


def ui_chat_request(body: Union[bytes, str, Mapping[str, Any]]) -> UiChatRequest:
    """Parse a `useChat` body (`{id, messages: UIMessage[], trigger, messageId?, ...}`); text,
    reasoning, file and tool parts become user / assistant / tool messages. Raises
    `BadRequestError` on a malformed body."""
    d = _ui_chat_request(body)
    return UiChatRequest(
        id=d["id"],
        messages=d["messages"],
        ui_messages=d["ui_messages"],
        model=d["model"],
        trigger=d["trigger"],
        message_id=d["message_id"],
        extra=d["extra"],
    )
