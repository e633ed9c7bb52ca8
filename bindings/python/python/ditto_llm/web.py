"""Starlette / FastAPI helpers (Starlette is imported lazily; ditto_llm does not depend on it).

>>> from ditto_llm.web import read_ui_chat_request, ui_message_response
>>> @app.post("/api/chat")
... async def chat(request: Request):
...     chat = await read_ui_chat_request(request)
...     stream = client.stream_text(model=chat.model or "openai:gpt-4o-mini", messages=chat.messages)
...     return ui_message_response(stream)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, AsyncIterable, Iterable, Mapping, Optional, Union

from .protocol import (
    UI_MESSAGE_STREAM_HEADERS,
    EventLike,
    Framing,
    UiChatRequest,
    UiVersion,
    aencode_ditto_v1,
    aui_message_stream,
    ditto_v1_content_type,
    encode_ditto_v1,
    ui_chat_request,
    ui_message_stream,
)

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import StreamingResponse

__all__ = ["ui_message_response", "ditto_v1_response", "read_ui_chat_request"]

Events = Union[Iterable[EventLike], AsyncIterable[EventLike]]


def _streaming_response() -> Any:
    try:
        from starlette.responses import StreamingResponse
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("ditto_llm.web needs Starlette (pip install starlette, or FastAPI)") from e
    return StreamingResponse


def ui_message_response(
    stream: Events,
    *,
    version: UiVersion = "v5",
    message_id: Optional[str] = None,
    send_reasoning: bool = True,
    send_sources: bool = False,
    mask_errors: bool = False,
    headers: Optional[Mapping[str, str]] = None,
    status_code: int = 200,
) -> "StreamingResponse":
    """A `StreamingResponse` carrying the UI message stream of `stream` (a `TextStream` or an
    `AsyncTextStream`, agent streams included) with the AI SDK's headers."""
    opts: Any = dict(version=version, message_id=message_id, send_reasoning=send_reasoning,
                     send_sources=send_sources, mask_errors=mask_errors)
    body: Any
    if hasattr(stream, "__aiter__"):
        body = aui_message_stream(stream, **opts)  # type: ignore[arg-type]
    else:
        body = ui_message_stream(stream, **opts)
    all_headers = {**UI_MESSAGE_STREAM_HEADERS, **(headers or {})}
    media_type = all_headers.pop("content-type")
    response: "StreamingResponse" = _streaming_response()(
        body, status_code=status_code, headers=all_headers, media_type=media_type
    )
    return response


def ditto_v1_response(
    stream: Events,
    *,
    framing: Framing = "sse",
    headers: Optional[Mapping[str, str]] = None,
    status_code: int = 200,
) -> "StreamingResponse":
    """A `StreamingResponse` carrying `stream` as Ditto stream protocol v1."""
    body: Any
    if hasattr(stream, "__aiter__"):
        body = aencode_ditto_v1(stream, framing)  # type: ignore[arg-type]
    else:
        body = encode_ditto_v1(stream, framing)
    all_headers = {"cache-control": "no-cache", **(headers or {})}
    response: "StreamingResponse" = _streaming_response()(
        body, status_code=status_code, headers=all_headers, media_type=ditto_v1_content_type(framing)
    )
    return response


async def read_ui_chat_request(request: "Request") -> UiChatRequest:
    """The `useChat` request body of a Starlette request, converted (see `ui_chat_request`)."""
    return ui_chat_request(await request.body())
