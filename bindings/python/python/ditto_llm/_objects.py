"""Internal: the `partial_object_stream` / `element_stream` / `text_stream` helpers of
`ObjectStream` and `AsyncObjectStream` (each consumes the stream it reads)."""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterable, Iterator, Optional


def _typed(model: Optional[Any], value: Any) -> Any:
    return value if model is None else model.model_validate(value)


def partial_objects(stream: Iterable[Any], model: Optional[Any] = None) -> Iterator[Any]:
    for ev in stream:
        if ev.type == "partial-object":
            yield ev.object


def elements(stream: Iterable[Any], model: Optional[Any] = None) -> Iterator[Any]:
    for ev in stream:
        if ev.type == "element":
            yield _typed(model, ev.element)


def texts(stream: Iterable[Any], model: Optional[Any] = None) -> Iterator[str]:
    for ev in stream:
        if ev.type == "text-delta":
            yield ev.text


async def apartial_objects(stream: Any, model: Optional[Any] = None) -> AsyncIterator[Any]:
    async for ev in stream:
        if ev.type == "partial-object":
            yield ev.object


async def aelements(stream: Any, model: Optional[Any] = None) -> AsyncIterator[Any]:
    async for ev in stream:
        if ev.type == "element":
            yield _typed(model, ev.element)


async def atexts(stream: Any, model: Optional[Any] = None) -> AsyncIterator[str]:
    async for ev in stream:
        if ev.type == "text-delta":
            yield ev.text
