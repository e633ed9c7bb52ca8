"""Shared test helpers: a real ditto-mock-upstream process, clients pointed at it, and the JSON
snapshot comparison every language uses."""

from __future__ import annotations

import json
import math
import os
import pathlib
import subprocess
import time
import urllib.request
import uuid
from typing import Any, Dict, Iterator, List, Optional, Sequence

import pytest

import ditto_llm

ROOT = pathlib.Path(__file__).resolve().parents[3]


# How each model prefix is configured against the mock (adapter type and the path appended to
# the mock's origin); prefixes not listed are OpenAI-compatible under /v1. Shared with Rust.
ADAPTERS: Dict[str, Dict[str, str]] = json.loads((ROOT / "tests/fixtures/ai-sdk-cases.json").read_text()).get(
    "providers", {"openai": {"type": "openai", "base_path": "/v1"}}
)


def target_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def shared_fixtures() -> Optional[pathlib.Path]:
    """`../shared/fixtures/ai-sdk` (or `$DITTO_SHARED_FIXTURES`), when present."""
    d = pathlib.Path(os.environ.get("DITTO_SHARED_FIXTURES", ROOT.parent / "shared/fixtures/ai-sdk"))
    return d if d.is_dir() else None


class Mock:
    """A running ditto-mock-upstream and its admin API."""

    def __init__(self, url: str, proc: "subprocess.Popen[str]") -> None:
        self.url = url
        self.base_url = url + "/v1"
        self.proc = proc

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("content-type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def push(self, steps: Sequence[Dict[str, Any]], key: Optional[str] = None) -> str:
        """Queue scenario steps under a fresh (or given) key; returns the key."""
        key = key or f"py-{uuid.uuid4().hex[:12]}"
        self._call("POST", f"/__mock/scenarios/{key}", {"steps": list(steps)})
        return key

    def requests(self, scenario: str) -> List[Dict[str, Any]]:
        out: List[Dict[str, Any]] = self._call("GET", f"/__mock/requests?scenario={scenario}")
        return out

    def stats(self) -> Dict[str, int]:
        out: Dict[str, int] = self._call("GET", "/__mock/stats")
        return out

    def wait_stat(self, name: str, at_least: int, timeout: float = 5.0) -> int:
        """Poll a stats counter until it reaches `at_least` (bounded by `timeout`)."""
        deadline = time.monotonic() + timeout
        value = self.stats()[name]
        while value < at_least and time.monotonic() < deadline:
            time.sleep(0.02)
            value = self.stats()[name]
        return value

    def providers(
        self, names: Sequence[str] = ("openai",), scenario: Optional[str] = None
    ) -> Dict[str, Dict[str, Any]]:
        out: Dict[str, Dict[str, Any]] = {}
        for name in names:
            adapter = dict(ADAPTERS.get(name, {"type": "openai-compatible", "base_path": "/v1"}))
            if "derived_from" in adapter:
                adapter = dict(ADAPTERS[adapter["derived_from"]])
            cfg: Dict[str, Any] = {"base_url": self.url + adapter.pop("base_path", "/v1")}
            if "access_key_id" not in adapter:  # AWS-signed adapters bring their own credentials
                cfg["api_key"] = "sk-test-secret"
            cfg.update(adapter)  # `type`, and any other settings the manifest gives
            if scenario:
                cfg["headers"] = {"x-mock-scenario": scenario}
            out[name] = cfg
        return out

    def client(self, names: Sequence[str] = ("openai",), scenario: Optional[str] = None, **kw: Any) -> ditto_llm.Ditto:
        return ditto_llm.Ditto(self.providers(names, scenario), from_env=False, **kw)

    def aclient(
        self, names: Sequence[str] = ("openai",), scenario: Optional[str] = None, **kw: Any
    ) -> ditto_llm.AsyncDitto:
        return ditto_llm.AsyncDitto(self.providers(names, scenario), from_env=False, **kw)


def start_mock() -> Mock:
    binary = os.environ.get("DITTO_MOCK_BIN") or str(target_dir() / "debug" / "ditto-mock-upstream")
    if not os.path.exists(binary):
        raise RuntimeError(f"{binary} not found: run `cargo build -p ditto-mock-upstream` first")
    args = [binary, "--port", "0", "--fixtures", str(ROOT / "tests/fixtures")]
    shared = shared_fixtures()
    if shared:
        args += ["--fixtures", str(shared)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        raise RuntimeError(f"mock upstream did not start: {line!r}")
    return Mock(line[len("listening on ") :], proc)


def stop_mock(mock: Mock) -> None:
    mock.proc.terminate()
    try:
        mock.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        mock.proc.kill()


@pytest.fixture(scope="session")
def mock() -> Iterator[Mock]:
    m = start_mock()
    yield m
    stop_mock(m)


@pytest.fixture()
def fresh_mock() -> Iterator[Mock]:
    """A mock of its own, for tests that read global stats."""
    m = start_mock()
    yield m
    stop_mock(m)


def normalize(v: Any) -> Any:
    """Drop what legitimately varies between runs and languages (response headers)."""
    if isinstance(v, dict) and isinstance(v.get("response"), dict):
        v["response"].pop("headers", None)
    if isinstance(v, list):
        for e in v:
            normalize(e)
    return v


def json_close(a: Any, b: Any) -> bool:
    """JSON equality where numbers match within a relative 1e-6 (as the Rust suite compares)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or math.isclose(a, b, rel_tol=1e-6)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_close(a[k], b[k]) for k in a)
    return bool(a == b)


def error_json(e: ditto_llm.DittoError) -> Dict[str, Any]:
    return {"kind": e.kind, "status": e.status, "code": e.code}
