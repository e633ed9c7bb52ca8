"""Cancellation: breaking out of a loop, close(), task cancellation, timeouts and Ctrl-C drop
the Rust stream, which closes the upstream connection (the mock counts it in
`streams_disconnected`)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from conftest import Mock

WORDS = " ".join(["w"] * 200)
MODEL = "openai:gpt-4o-mini"


def assert_disconnected(mock: Mock, n: int = 1) -> None:
    assert mock.wait_stat("streams_disconnected", n) == n, mock.stats()
    assert mock.stats()["streams_completed"] == 0


def test_break_out_of_sync_loop_closes_upstream(fresh_mock: Mock) -> None:
    key = fresh_mock.push([{"chunk_delay_ms": 50}])
    seen = 0
    for _ in fresh_mock.client(scenario=key).stream_text(model=MODEL, prompt=WORDS):
        seen += 1
        if seen == 4:
            break
    assert_disconnected(fresh_mock)


def test_close_closes_upstream(fresh_mock: Mock) -> None:
    key = fresh_mock.push([{"chunk_delay_ms": 50}])
    s = fresh_mock.client(scenario=key).stream_text(model=MODEL, prompt=WORDS)
    assert next(s).type == "start"
    s.close()
    s.close()
    assert s.closed and list(s) == []
    assert_disconnected(fresh_mock)


async def test_task_cancel_closes_upstream(fresh_mock: Mock) -> None:
    key = fresh_mock.push([{"chunk_delay_ms": 50}])
    client = fresh_mock.aclient(scenario=key)
    got_some = asyncio.Event()

    async def consume() -> None:
        n = 0
        async for _ in client.stream_text(model=MODEL, prompt=WORDS):
            n += 1
            if n == 5:
                got_some.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(got_some.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.to_thread(assert_disconnected, fresh_mock)


async def test_break_out_of_async_loop_closes_upstream(fresh_mock: Mock) -> None:
    key = fresh_mock.push([{"chunk_delay_ms": 50}])
    n = 0
    async for _ in fresh_mock.aclient(scenario=key).stream_text(model=MODEL, prompt=WORDS):
        n += 1
        if n == 4:
            break
    await asyncio.to_thread(assert_disconnected, fresh_mock)


async def test_wait_for_timeout_cancels_pending_anext(fresh_mock: Mock) -> None:
    key = fresh_mock.push([{"first_byte_delay_ms": 5000}])
    s = fresh_mock.aclient(scenario=key).stream_text(model=MODEL, prompt="slow")
    it = s.__aiter__()
    assert (await it.__anext__()).type == "start"
    with pytest.raises(asyncio.TimeoutError):
        while True:
            await asyncio.wait_for(it.__anext__(), 0.3)
    assert s.closed
    with pytest.raises(StopAsyncIteration):
        await it.__anext__()
    await asyncio.to_thread(assert_disconnected, fresh_mock)


async def test_aclose_closes_upstream(fresh_mock: Mock) -> None:
    key = fresh_mock.push([{"chunk_delay_ms": 50}])
    s = fresh_mock.aclient(scenario=key).stream_text(model=MODEL, prompt=WORDS)
    async for ev in s:
        if ev.type == "text-delta":
            break
    await s.aclose()
    assert s.closed
    await asyncio.to_thread(assert_disconnected, fresh_mock)


async def test_concurrent_anext_is_rejected(fresh_mock: Mock) -> None:
    key = fresh_mock.push([{"latency_ms": 300}])  # the response headers take 300 ms
    s = fresh_mock.aclient(scenario=key).stream_text(model=MODEL, prompt="a b")
    first = asyncio.ensure_future(s.__anext__())
    with pytest.raises(RuntimeError, match="pending"):
        await s.__anext__()
    assert (await first).type == "start"
    await s.aclose()


CTRL_C = textwrap.dedent(
    """
    import json, os, signal, sys, threading, time
    import ditto_llm

    url, key, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    client = ditto_llm.Ditto({"openai": {"base_url": url, "api_key": "k", "headers": {"x-mock-scenario": key}}},
                             from_env=False, max_retries=0)
    sent = {}
    def interrupt():
        sent["at"] = time.monotonic()
        os.kill(os.getpid(), signal.SIGINT)
    threading.Timer(0.5, interrupt).start()
    events = 0
    try:
        if mode == "stream":
            for ev in client.stream_text(model="openai:gpt-4o-mini", prompt=" ".join(["w"] * 200)):
                events += 1
        else:
            client.generate_text(model="openai:gpt-4o-mini", prompt="slow")
        print(json.dumps({"outcome": "completed"}))
    except KeyboardInterrupt:
        print(json.dumps({"outcome": "interrupted", "events": events,
                          "latency": time.monotonic() - sent["at"]}))
    """
)


@pytest.mark.parametrize("mode", ["stream", "generate"])
def test_ctrl_c_stops_a_sync_call_promptly(fresh_mock: Mock, mode: str) -> None:
    step = {"chunk_delay_ms": 200} if mode == "stream" else {"latency_ms": 20000}
    key = fresh_mock.push([step])
    proc = subprocess.run(
        [sys.executable, "-c", CTRL_C, fresh_mock.base_url, key, mode],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["outcome"] == "interrupted", out
    # "Promptly": well under the 20 s the upstream would have taken (the binding polls every 50 ms).
    assert out["latency"] < 2.0, out
    if mode == "stream":
        assert 0 < out["events"] < 200
        assert_disconnected(fresh_mock)


async def test_aclose_from_another_task_ends_a_pending_read(fresh_mock: Mock) -> None:
    key = fresh_mock.push([{"first_byte_delay_ms": 20000}])
    s = fresh_mock.aclient(scenario=key).stream_text(model=MODEL, prompt="never")
    seen: list[str] = []

    async def reader() -> None:
        async for ev in s:
            seen.append(ev.type)

    task = asyncio.create_task(reader())
    while not seen:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)  # the reader is now waiting for the first body byte
    await s.aclose()
    await asyncio.wait_for(task, 5)  # ends with StopAsyncIteration, not a hang
    assert s.closed and seen[0] == "start"
    await asyncio.to_thread(assert_disconnected, fresh_mock)


def test_close_from_another_thread_ends_a_blocked_read(fresh_mock: Mock) -> None:
    key = fresh_mock.push([{"first_byte_delay_ms": 20000}])
    s = fresh_mock.client(scenario=key).stream_text(model=MODEL, prompt="never")
    seen: list[str] = []
    reader = threading.Thread(target=lambda: seen.extend(ev.type for ev in s))
    reader.start()
    time.sleep(0.3)
    s.close()
    reader.join(5)
    assert not reader.is_alive() and s.closed
    assert "text-delta" not in seen
    assert_disconnected(fresh_mock)
