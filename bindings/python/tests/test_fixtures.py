"""Conformance: the same recordings as core/tests/conformance.rs, replayed through the real mock
upstream, must produce the same normalized JSON as Rust (the shared snapshot files), sync and
async."""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import pytest

import ditto_llm
from conftest import ROOT, Mock, error_json, json_close, normalize, shared_fixtures


@dataclass
class Case:
    name: str
    fixture: str
    request: Dict[str, Any]
    snapshot: pathlib.Path
    stream: bool = False
    status: Optional[int] = None
    headers: Dict[str, str] = field(default_factory=dict)
    embed: Optional[List[str]] = None
    configure: Optional[str] = None


def own_cases() -> List[Case]:
    out = []
    for d in sorted((ROOT / "tests/fixtures/openai").iterdir()):
        spec_file = d / "case.json"
        if not spec_file.exists():
            continue
        spec = json.loads(spec_file.read_text())
        out.append(
            Case(
                name=d.name,
                fixture=f"openai/{d.name}/{spec['fixture']}",
                request=spec["request"],
                snapshot=d / "expected.json",
                stream=spec.get("stream", False),
                status=spec.get("status"),
                headers=spec.get("headers", {}),
            )
        )
    return out


def ai_sdk_cases() -> List[Case]:
    manifest = json.loads((ROOT / "tests/fixtures/ai-sdk-cases.json").read_text())
    return [
        Case(
            name=c["name"],
            fixture=c["file"],
            request={"model": c["model"], "prompt": "replayed", "max_retries": 0},
            snapshot=ROOT / f"tests/fixtures/ai-sdk-snapshots/{c['name']}.json",
            stream=c.get("stream", False),
            status=c.get("status"),
            embed=c.get("embed"),
            configure=c.get("configure"),
        )
        for c in manifest["cases"]
    ]


def push_case(mock: Mock, case: Case) -> str:
    step: Dict[str, Any] = {"fixture": case.fixture, "headers": case.headers}
    if case.status is not None:
        step["status"] = case.status
    return mock.push([step])


def provider_of(case: Case) -> str:
    """The provider to configure: the model prefix, unless the case names another (`azure` for
    `azure-responses:` models, which derive from it)."""
    return case.configure or str(case.request["model"]).split(":")[0]


def run_sync(mock: Mock, case: Case) -> Dict[str, Any]:
    client = mock.client([provider_of(case)], scenario=push_case(mock, case))
    if case.embed is not None:
        try:
            r = client.embed(model=case.request["model"], input=case.embed)
        except ditto_llm.DittoError as e:
            return {"error": error_json(e)}
        return {"embeddings": r.embeddings, "usage": r.usage.to_dict()}
    if not case.stream:
        try:
            return {"result": normalize(client.generate_text(**case.request).to_dict())}
        except ditto_llm.DittoError as e:
            return {"error": error_json(e)}
    events: List[Any] = []
    out: Dict[str, Any] = {}
    try:
        for ev in client.stream_text(**case.request):
            events.append(ev.to_dict())
    except ditto_llm.DittoError as e:
        out["error"] = error_json(e)
    return {"events": normalize(events), **out}


async def run_async(mock: Mock, case: Case) -> Dict[str, Any]:
    client = mock.aclient([provider_of(case)], scenario=push_case(mock, case))
    if case.embed is not None:
        try:
            r = await client.embed(model=case.request["model"], input=case.embed)
        except ditto_llm.DittoError as e:
            return {"error": error_json(e)}
        return {"embeddings": r.embeddings, "usage": r.usage.to_dict()}
    if not case.stream:
        try:
            return {"result": normalize((await client.generate_text(**case.request)).to_dict())}
        except ditto_llm.DittoError as e:
            return {"error": error_json(e)}
    events: List[Any] = []
    out: Dict[str, Any] = {}
    try:
        async for ev in client.stream_text(**case.request):
            events.append(ev.to_dict())
    except ditto_llm.DittoError as e:
        out["error"] = error_json(e)
    return {"events": normalize(events), **out}


def check(case: Case, actual: Dict[str, Any]) -> None:
    if not case.snapshot.exists():
        # Rust writes snapshots (outside CI); Python only compares with them.
        if os.environ.get("CI"):
            pytest.fail(f"missing snapshot {case.snapshot}")
        pytest.skip(f"no snapshot yet: {case.snapshot} (run the Rust conformance test first)")
    expected = json.loads(case.snapshot.read_text())
    assert json_close(actual, expected), (
        f"{case.name}: Python differs from the Rust snapshot {case.snapshot}\n"
        f"actual:   {json.dumps(actual, sort_keys=True)}\nexpected: {json.dumps(expected, sort_keys=True)}"
    )


OWN = own_cases()
AI_SDK = ai_sdk_cases()


def test_case_counts() -> None:
    assert len(OWN) >= 10
    assert len(AI_SDK) >= 20


@pytest.mark.parametrize("case", OWN, ids=[c.name for c in OWN])
def test_own_recordings_sync(mock: Mock, case: Case) -> None:
    check(case, run_sync(mock, case))


@pytest.mark.parametrize("case", OWN, ids=[c.name for c in OWN])
def test_own_recordings_async(mock: Mock, case: Case) -> None:
    check(case, asyncio.run(run_async(mock, case)))


@pytest.mark.parametrize("case", AI_SDK, ids=[c.name for c in AI_SDK])
def test_ai_sdk_recordings_sync(mock: Mock, case: Case) -> None:
    if shared_fixtures() is None:
        pytest.skip("../shared/fixtures/ai-sdk is not present")
    check(case, run_sync(mock, case))


@pytest.mark.parametrize("case", AI_SDK, ids=[c.name for c in AI_SDK])
async def test_ai_sdk_recordings_async(mock: Mock, case: Case) -> None:
    if shared_fixtures() is None:
        pytest.skip("../shared/fixtures/ai-sdk is not present")
    check(case, await run_async(mock, case))


@dataclass
class MediaCase:
    name: str
    fixture: str
    model: str
    kind: str
    snapshot: pathlib.Path


def media_cases() -> List[MediaCase]:
    manifest = json.loads((ROOT / "tests/fixtures/ai-sdk-media-cases.json").read_text())
    return [
        MediaCase(
            name=c["name"],
            fixture=c["file"],
            model=c["model"],
            kind=c["kind"],
            snapshot=ROOT / f"tests/fixtures/ai-sdk-snapshots/{c['name']}.json",
        )
        for c in manifest["cases"]
    ]


MEDIA = media_cases()

# The manifest's transcription input: the 4 bytes "RIFF" as audio/wav.
RIFF = b"RIFF"


def run_media_sync(mock: Mock, case: MediaCase) -> Dict[str, Any]:
    key = mock.push([{"fixture": case.fixture}])
    client = mock.client([case.model.split(":")[0]], scenario=key)
    try:
        if case.kind == "image":
            return {"result": client.generate_image(model=case.model, prompt="replayed", max_retries=0).to_dict()}
        if case.kind == "transcription":
            r = client.transcribe(model=case.model, audio=RIFF, media_type="audio/wav", max_retries=0)
            return {"result": r.to_dict()}
    except ditto_llm.DittoError as e:
        return {"error": error_json(e)}
    raise AssertionError(f"unknown media case kind {case.kind}")


async def run_media_async(mock: Mock, case: MediaCase) -> Dict[str, Any]:
    key = mock.push([{"fixture": case.fixture}])
    client = mock.aclient([case.model.split(":")[0]], scenario=key)
    try:
        if case.kind == "image":
            r = await client.generate_image(model=case.model, prompt="replayed", max_retries=0)
            return {"result": r.to_dict()}
        if case.kind == "transcription":
            # The same 4 bytes, given as base64 this time.
            t = await client.transcribe(model=case.model, audio="UklGRg==", media_type="audio/wav", max_retries=0)
            return {"result": t.to_dict()}
    except ditto_llm.DittoError as e:
        return {"error": error_json(e)}
    raise AssertionError(f"unknown media case kind {case.kind}")


def check_media(case: MediaCase, actual: Dict[str, Any]) -> None:
    check(
        Case(name=case.name, fixture=case.fixture, request={}, snapshot=case.snapshot),
        actual,
    )


def test_media_case_count() -> None:
    assert {c.kind for c in MEDIA} >= {"image", "transcription"}


@pytest.mark.parametrize("case", MEDIA, ids=[c.name for c in MEDIA])
def test_ai_sdk_media_recordings_sync(mock: Mock, case: MediaCase) -> None:
    if shared_fixtures() is None:
        pytest.skip("../shared/fixtures/ai-sdk is not present")
    check_media(case, run_media_sync(mock, case))


@pytest.mark.parametrize("case", MEDIA, ids=[c.name for c in MEDIA])
async def test_ai_sdk_media_recordings_async(mock: Mock, case: MediaCase) -> None:
    if shared_fixtures() is None:
        pytest.skip("../shared/fixtures/ai-sdk is not present")
    check_media(case, await run_media_async(mock, case))
