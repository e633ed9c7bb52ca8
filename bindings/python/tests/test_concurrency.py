"""Concurrency: 100 async streams at once over real sockets, sync calls from many threads, and
the GIL released while a sync call waits."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import ditto_llm
from conftest import Mock

MODEL = "openai:gpt-4o-mini"


async def test_100_concurrent_async_streams(fresh_mock: Mock) -> None:
    client = fresh_mock.aclient()

    async def one(i: int) -> str:
        text = ""
        finish = None
        async for ev in client.stream_text(model=MODEL, prompt=f"stream {i} " + "x " * 50, headers={"x-mock-chunk-delay-ms": "2"}):
            if ev.type == "text-delta":
                text += ev.text or ""
            elif ev.type == "finish":
                finish = ev.finish_reason
        assert finish == "stop"
        return text

    texts = await asyncio.gather(*(one(i) for i in range(100)))
    for i, text in enumerate(texts):
        assert text == f"echo: stream {i} " + "x " * 50
    stats = await asyncio.to_thread(fresh_mock.stats)
    assert stats["streams_started"] == 100 and stats["streams_completed"] == 100
    assert stats["streams_disconnected"] == 0


def test_sync_calls_from_many_threads(mock: Mock) -> None:
    client = mock.client()

    def call(i: int) -> str:
        return "".join(
            ev.text or "" for ev in client.stream_text(model=MODEL, prompt=f"thread {i}") if ev.type == "text-delta"
        )

    with ThreadPoolExecutor(max_workers=16) as pool:
        texts = list(pool.map(call, range(64)))
    assert texts == [f"echo: thread {i}" for i in range(64)]


def test_gil_is_released_while_waiting(mock: Mock) -> None:
    key = mock.push([{"latency_ms": 600}])
    client = mock.client(scenario=key)
    done = threading.Event()
    ticks = 0

    def slow_call() -> None:
        try:
            client.generate_text(model=MODEL, prompt="slow")
        finally:
            done.set()

    t = threading.Thread(target=slow_call)
    t.start()
    time.sleep(0.05)
    # Pure-Python work on this thread makes progress only if the waiting call released the GIL.
    while not done.is_set():
        ticks += 1
        time.sleep(0)
    t.join()
    assert ticks > 1000


def _child_new_client(base_url: str, q: "multiprocessing.Queue[str]") -> None:
    client = ditto_llm.Ditto({"openai": {"base_url": base_url, "api_key": "k"}}, from_env=False)
    q.put(client.generate_text(model=MODEL, prompt="from the child").text)


def _child_old_client(client: ditto_llm.Ditto, q: "multiprocessing.Queue[str]") -> None:
    try:
        client.generate_text(model=MODEL, prompt="x")
        q.put("no error")
    except ditto_llm.ConfigError as e:
        q.put(str(e))


def test_fork_gets_its_own_runtime(mock: Mock) -> None:
    parent = mock.client()
    assert parent.generate_text(model=MODEL, prompt="parent first").text == "echo: parent first"
    ctx = multiprocessing.get_context("fork")
    for target, args, check in (
        (_child_new_client, (mock.base_url,), lambda out: out == "echo: from the child"),
        (_child_old_client, (parent,), lambda out: "created before os.fork()" in out),
    ):
        q: "multiprocessing.Queue[str]" = ctx.Queue()
        p = ctx.Process(target=target, args=(*args, q))
        p.start()
        out = q.get(timeout=30)
        p.join(timeout=30)
        assert check(out), out
    assert parent.generate_text(model=MODEL, prompt="parent after").text == "echo: parent after"
