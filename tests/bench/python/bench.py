"""ditto_llm vs the official `openai` package against the same mock upstream.

Workloads (each client in its own subprocess, so peak RSS is per client):
  stream  — one 2,000-chunk chat completion stream (echo of a 1,999-word prompt), consumed
            event by event; repeated, median reported;
  astream — the same stream through the async clients (`async for`);
  batch   — 200 small non-streaming calls, sequential;
  abatch  — the same 200 calls through the async clients, 20 at a time.

Usage: python bench.py MOCK_BASE_URL [--repeat 5]
Prints a table and one JSON line with every number. Start the mock with
`ditto-mock-upstream --port 0` (release build recommended; see run.sh).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List

CHUNKS = 2000
CALLS = 200
CONCURRENCY = 20
PROMPT = " ".join(f"w{i}" for i in range(CHUNKS - 1))  # "echo: " + 1,999 words = 2,000 text chunks


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(fn: Callable[[], Any], repeat: int) -> List[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


async def atimed(fn: Callable[[], Any], repeat: int) -> List[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        await fn()
        out.append(time.perf_counter() - t0)
    return out


async def async_workloads(astream: Callable[[], Any], abatch: Callable[[], Any], repeat: int) -> Dict[str, Any]:
    """All async workloads in one event loop (the openai async client is bound to its loop)."""
    await astream()  # warm up
    return {"astream": await atimed(astream, repeat), "abatch": await atimed(abatch, 1)}


def worker_ditto(base_url: str, repeat: int) -> Dict[str, Any]:
    import ditto_llm

    rss_import = peak_rss_mib()
    providers = {"openai": {"base_url": base_url, "api_key": "sk-bench"}}
    client = ditto_llm.Ditto(providers, from_env=False, max_retries=0)
    aclient = ditto_llm.AsyncDitto(providers, from_env=False, max_retries=0)

    def stream() -> None:
        n = 0
        for ev in client.stream_text(model="openai:gpt-4o-mini", prompt=PROMPT):
            if ev.type == "text-delta":
                n += 1
        assert n == CHUNKS, n

    def batch() -> None:
        for i in range(CALLS):
            r = client.generate_text(model="openai:gpt-4o-mini", prompt=f"call {i}")
            assert r.text == f"echo: call {i}"

    async def abatch_run() -> None:
        sem = asyncio.Semaphore(CONCURRENCY)

        async def one(i: int) -> None:
            async with sem:
                r = await aclient.generate_text(model="openai:gpt-4o-mini", prompt=f"call {i}")
                assert r.text == f"echo: call {i}"

        await asyncio.gather(*(one(i) for i in range(CALLS)))

    async def astream_run() -> None:
        n = 0
        async for ev in aclient.stream_text(model="openai:gpt-4o-mini", prompt=PROMPT):
            if ev.type == "text-delta":
                n += 1
        assert n == CHUNKS, n

    stream()  # warm the connection pool
    return {
        "stream": timed(stream, repeat),
        "batch": timed(batch, 1),
        **asyncio.run(async_workloads(astream_run, abatch_run, repeat)),
        "rss_import_mib": rss_import,
        "rss_peak_mib": peak_rss_mib(),
    }


def worker_openai(base_url: str, repeat: int) -> Dict[str, Any]:
    import openai

    rss_import = peak_rss_mib()
    client = openai.OpenAI(base_url=base_url, api_key="sk-bench", max_retries=0)
    aclient = openai.AsyncOpenAI(base_url=base_url, api_key="sk-bench", max_retries=0)
    messages: Any = [{"role": "user", "content": PROMPT}]

    def stream() -> None:
        n = 0
        chunks = client.chat.completions.create(
            model="gpt-4o-mini", messages=messages, stream=True, stream_options={"include_usage": True}
        )
        for chunk in chunks:
            if chunk.choices and chunk.choices[0].delta.content:
                n += 1
        assert n == CHUNKS, n

    def batch() -> None:
        for i in range(CALLS):
            r = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": f"call {i}"}])
            assert r.choices[0].message.content == f"echo: call {i}"

    async def abatch_run() -> None:
        sem = asyncio.Semaphore(CONCURRENCY)

        async def one(i: int) -> None:
            async with sem:
                r = await aclient.chat.completions.create(
                    model="gpt-4o-mini", messages=[{"role": "user", "content": f"call {i}"}]
                )
                assert r.choices[0].message.content == f"echo: call {i}"

        await asyncio.gather(*(one(i) for i in range(CALLS)))

    async def astream_run() -> None:
        n = 0
        chunks = await aclient.chat.completions.create(
            model="gpt-4o-mini", messages=messages, stream=True, stream_options={"include_usage": True}
        )
        async for chunk in chunks:
            if chunk.choices and chunk.choices[0].delta.content:
                n += 1
        assert n == CHUNKS, n

    stream()
    return {
        "stream": timed(stream, repeat),
        "batch": timed(batch, 1),
        **asyncio.run(async_workloads(astream_run, abatch_run, repeat)),
        "rss_import_mib": rss_import,
        "rss_peak_mib": peak_rss_mib(),
    }


def run_worker(name: str, base_url: str, repeat: int) -> Dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, base_url, "--worker", name, "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{name} worker failed:\n{proc.stderr}")
    result: Dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("base_url")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--worker", choices=["ditto", "openai"])
    args = ap.parse_args()
    if args.worker:
        fn = worker_ditto if args.worker == "ditto" else worker_openai
        print(json.dumps(fn(args.base_url, args.repeat)))
        return
    d = run_worker("ditto", args.base_url, args.repeat)
    o = run_worker("openai", args.base_url, args.repeat)
    ds, os_ = statistics.median(d["stream"]), statistics.median(o["stream"])
    das, oas = statistics.median(d["astream"]), statistics.median(o["astream"])
    db, ob = d["batch"][0], o["batch"][0]
    da, oa = d["abatch"][0], o["abatch"][0]
    rows = [
        (f"{CHUNKS}-chunk stream (median of {args.repeat})", ds * 1e3, os_ * 1e3, os_ / ds),
        (f"{CHUNKS}-chunk async stream (median of {args.repeat})", das * 1e3, oas * 1e3, oas / das),
        (f"{CALLS} sequential calls", db * 1e3, ob * 1e3, ob / db),
        (f"{CALLS} async calls, {CONCURRENCY} in flight", da * 1e3, oa * 1e3, oa / da),
    ]
    print(f"{'workload':44} {'ditto ms':>10} {'openai ms':>10} {'openai/ditto':>13}")
    for name, dv, ov, ratio in rows:
        print(f"{name:44} {dv:10.1f} {ov:10.1f} {ratio:12.1f}x")
    print(f"{'peak RSS after import (MiB)':44} {d['rss_import_mib']:10.1f} {o['rss_import_mib']:10.1f}")
    print(f"{'peak RSS after all workloads (MiB)':44} {d['rss_peak_mib']:10.1f} {o['rss_peak_mib']:10.1f}")
    print(
        "per event: ditto %.2f us, openai %.2f us"
        % (ds / CHUNKS * 1e6, os_ / CHUNKS * 1e6)
    )
    print(json.dumps({"ditto": d, "openai": o, "chunks": CHUNKS, "calls": CALLS}))


if __name__ == "__main__":
    main()
