"""Middleware through client aliases: the cache (second identical call served with identical
events and no upstream request, stream and non-stream, in-memory and a Python store object,
sync and async), extract-reasoning, telemetry spans to `on_span`, bad specs."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List, Optional

import pytest

import ditto_llm
from conftest import Mock

CACHE = {"model": "openai:gpt-4o-mini", "middleware": [{"type": "cache", "max_entries": 100, "max_bytes": 1_000_000}]}


def events_json(events: List[ditto_llm.StreamEvent]) -> List[Any]:
    out = []
    for e in events:
        d = e.to_dict()
        if isinstance(d.get("response"), dict):
            d["response"].pop("headers", None)
        out.append(d)
    return out


def requests(mock: Mock) -> int:
    return mock.stats()["requests_total"]


def test_alias_cache_non_stream_and_stream(fresh_mock: Mock) -> None:
    client = fresh_mock.client(aliases={"cached": CACHE})
    assert client.aliases == ["cached"]
    a = client.generate_text(model="cached", prompt="hello cache")
    b = client.generate_text(model="cached", prompt="hello cache")
    assert a.text == b.text == "echo: hello cache" and a.usage == b.usage
    assert requests(fresh_mock) == 1
    first = events_json(list(client.stream_text(model="cached", prompt="stream me please")))
    second = events_json(list(client.stream_text(model="cached", prompt="stream me please")))
    assert first == second and len(first) > 5
    assert requests(fresh_mock) == 2
    client.generate_text(model="cached", prompt="another prompt")
    assert requests(fresh_mock) == 3


class DictStore:
    def __init__(self) -> None:
        self.data: Dict[str, bytes] = {}
        self.gets = 0

    def get(self, key: str) -> Optional[bytes]:
        self.gets += 1
        return self.data.get(key)

    def put(self, key: str, value: bytes) -> None:
        self.data[key] = value


def test_python_cache_store(fresh_mock: Mock) -> None:
    store = DictStore()
    client = fresh_mock.client(aliases={"cached": CACHE}, cache_store=store)
    a = list(client.stream_text(model="cached", prompt="store me"))
    assert len(store.data) == 1 and all(isinstance(v, bytes) for v in store.data.values())
    b = list(client.stream_text(model="cached", prompt="store me"))
    assert events_json(a) == events_json(b) and store.gets == 2
    assert requests(fresh_mock) == 1


class AsyncStore:
    def __init__(self) -> None:
        self.data: Dict[str, bytes] = {}
        self.loops: List[Any] = []

    async def get(self, key: str) -> Optional[bytes]:
        self.loops.append(asyncio.get_running_loop())
        await asyncio.sleep(0)
        return self.data.get(key)

    async def put(self, key: str, value: bytes) -> None:
        self.data[key] = value


async def test_async_cache_store_on_the_callers_loop(fresh_mock: Mock) -> None:
    store = AsyncStore()
    client = fresh_mock.aclient(aliases={"cached": CACHE}, cache_store=store)
    a = await client.generate_text(model="cached", prompt="async cache")
    b = await client.generate_text(model="cached", prompt="async cache")
    assert a.text == b.text and requests(fresh_mock) == 1
    s1 = events_json([e async for e in client.stream_text(model="cached", prompt="async stream")])
    s2 = events_json([e async for e in client.stream_text(model="cached", prompt="async stream")])
    assert s1 == s2 and requests(fresh_mock) == 2
    assert store.loops and all(loop is asyncio.get_running_loop() for loop in store.loops)


def test_failing_store_falls_back_to_the_model(fresh_mock: Mock) -> None:
    class Broken:
        def get(self, key: str) -> Optional[bytes]:
            raise RuntimeError("store down")

        def put(self, key: str, value: bytes) -> None:
            raise RuntimeError("store down")

    client = fresh_mock.client(aliases={"cached": CACHE}, cache_store=Broken())
    assert client.generate_text(model="cached", prompt="x").text == "echo: x"
    assert client.generate_text(model="cached", prompt="x").text == "echo: x"
    assert requests(fresh_mock) == 2


def test_extract_reasoning_alias(mock: Mock) -> None:
    client = mock.client(aliases={"thinker": {"model": "openai:gpt-4o-mini", "middleware": [{"type": "extract-reasoning"}]}})
    r = client.generate_text(model="thinker", prompt="<think>let me see</think>answer")
    assert r.reasoning_text == "let me see" and r.text == "echo: answer"
    types = [e.type for e in client.stream_text(model="thinker", prompt="<think>hmm</think>ok")]
    assert "reasoning-delta" in types and "text-delta" in types


def test_telemetry_spans_to_on_span(mock: Mock) -> None:
    spans: List[Any] = []
    alias = {"model": "openai:gpt-4o-mini", "middleware": [{"type": "telemetry", "function_id": "test"}]}
    client = mock.client(aliases={"traced": alias}, on_span=spans.append)
    client.generate_text(model="traced", prompt="trace me")
    for _ in range(100):
        if spans:
            break
        time.sleep(0.01)
    assert spans and spans[0]["name"].startswith("gen_ai.")
    attrs = spans[0]["attributes"]
    assert attrs["gen_ai.request.model"] == "gpt-4o-mini" and attrs["gen_ai.usage.output_tokens"] == 3


def test_bad_middleware_config(mock: Mock) -> None:
    with pytest.raises(ditto_llm.ConfigError, match="aliases.x"):
        mock.client(aliases={"x": {"model": "openai:gpt-4o-mini", "middleware": [{"type": "nope"}]}})
    with pytest.raises(ditto_llm.ConfigError, match="aliases"):
        mock.client(aliases=["x"])
    with pytest.raises(ditto_llm.ConfigError, match="cache_store"):
        mock.client(aliases={"cached": CACHE}, cache_store=object())
    with pytest.raises(ditto_llm.ConfigError, match="on_span"):
        mock.client(on_span=42)


def test_raising_span_hook_does_not_fail_the_call(mock: Mock) -> None:
    def hook(span: Any) -> None:
        raise RuntimeError("sink down")

    alias = {"model": "openai:gpt-4o-mini", "middleware": [{"type": "telemetry"}]}
    client = mock.client(aliases={"traced": alias}, on_span=hook)
    assert client.generate_text(model="traced", prompt="still fine").text == "echo: still fine"
