"""Errors: every provider failure maps to one exception class with status/code/body/retry_after;
bad input is rejected before any request with a message naming the argument; a Rust panic
becomes InternalError."""

from __future__ import annotations

import socket
from typing import Any, Dict, Type

import pytest

import ditto_llm
from conftest import Mock


@pytest.mark.parametrize(
    "status,cls,kind,code",
    [
        (400, ditto_llm.BadRequestError, "invalid_request", "invalid_request_error"),
        (401, ditto_llm.AuthenticationError, "authentication", "invalid_api_key"),
        (403, ditto_llm.PermissionDeniedError, "permission_denied", "permission_denied"),
        (404, ditto_llm.NotFoundError, "not_found", "model_not_found"),
        (429, ditto_llm.RateLimitError, "rate_limited", "rate_limit_exceeded"),
        (500, ditto_llm.InternalServerError, "provider", "server_error"),
        (503, ditto_llm.InternalServerError, "provider", "server_error"),
    ],
)
def test_status_errors_sync(mock: Mock, status: int, cls: Type[ditto_llm.DittoError], kind: str, code: Any) -> None:
    key = mock.push([{"status": status, "retry_after": "2"}])
    client = mock.client(scenario=key, max_retries=0)
    with pytest.raises(cls) as info:
        client.generate_text(model="openai:gpt-4o-mini", prompt="hi")
    e = info.value
    assert isinstance(e, ditto_llm.APIStatusError) and isinstance(e, ditto_llm.DittoError)
    assert (e.kind, e.status, e.code) == (kind, status, code)
    assert e.body and '"error"' in e.body
    assert e.to_dict()["kind"] == kind
    assert str(e).startswith(f"{kind} (HTTP {status}): ")
    if status == 429:
        assert e.retry_after == 2.0 and e.to_dict()["retry_after_ms"] == 2000
    assert "sk-test-secret" not in str(e) + (e.body or "")


async def test_status_errors_async(mock: Mock) -> None:
    key = mock.push([{"status": 429, "retry_after_ms": 1500}])
    client = mock.aclient(scenario=key, max_retries=0)
    with pytest.raises(ditto_llm.RateLimitError) as info:
        await client.generate_text(model="openai:gpt-4o-mini", prompt="hi")
    assert info.value.retry_after == 1.5 and info.value.status == 429
    key = mock.push([{"status": 401}])
    with pytest.raises(ditto_llm.AuthenticationError):
        async for _ in mock.aclient(scenario=key).stream_text(model="openai:gpt-4o-mini", prompt="hi"):
            pass


def test_retries_then_success(mock: Mock) -> None:
    key = mock.push([{"status": 503, "retry_after_ms": 10}, {"status": 503, "retry_after_ms": 10}])
    r = mock.client(scenario=key, max_retries=2).generate_text(model="openai:gpt-4o-mini", prompt="third time")
    assert r.text == "echo: third time" and len(mock.requests(key)) == 3


def test_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = ditto_llm.Ditto(
        {"openai": {"base_url": f"http://127.0.0.1:{port}/v1", "api_key": "k"}}, from_env=False, max_retries=0
    )
    with pytest.raises(ditto_llm.APIConnectionError) as info:
        client.generate_text(model="openai:gpt-4o-mini", prompt="hi")
    assert info.value.kind == "connection"


def test_timeout(mock: Mock) -> None:
    key = mock.push([{"latency_ms": 2000}])
    client = mock.client(scenario=key, timeout=0.2, max_retries=0)
    with pytest.raises(ditto_llm.APITimeoutError) as info:
        client.generate_text(model="openai:gpt-4o-mini", prompt="hi")
    assert isinstance(info.value, ditto_llm.APIConnectionError) and info.value.kind == "timeout"


@pytest.mark.parametrize(
    "step,cls",
    [
        ({"truncate_after_chunks": 3}, ditto_llm.StreamError),
        ({"reset_after_chunks": 3}, ditto_llm.APIConnectionError),
        ({"sse": ["{not json"]}, ditto_llm.StreamError),
    ],
    ids=["truncated", "reset", "garbage"],
)
def test_broken_streams(mock: Mock, step: Dict[str, Any], cls: Type[ditto_llm.DittoError]) -> None:
    key = mock.push([step])
    seen = []
    with pytest.raises(cls):
        for ev in mock.client(scenario=key, max_retries=0).stream_text(model="openai:gpt-4o-mini", prompt="a b c d e f"):
            seen.append(ev.type)
    assert len(seen) < 20


def test_bad_input_names_the_argument(mock: Mock) -> None:
    client = mock.client()
    m = "openai:gpt-4o-mini"
    with pytest.raises(TypeError, match="max_tokens.*max_output_tokens"):
        client.generate_text(model=m, prompt="x", max_tokens=5)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="missing required keyword argument: 'model'"):
        client.generate_text(prompt="x")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="model"):
        client.generate_text(model=3, prompt="x")  # type: ignore[arg-type]
    with pytest.raises(ditto_llm.BadRequestError, match="temperature"):
        client.generate_text(model=m, prompt="x", temperature="hot")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="temperature.*finite"):
        client.generate_text(model=m, prompt="x", temperature=float("nan"))
    with pytest.raises(ditto_llm.BadRequestError, match=r"messages\[0\]"):
        client.generate_text(model=m, messages=[{"content": "no role"}])
    with pytest.raises(TypeError, match=r"tools\[0\]\.input_schema.*set"):
        client.generate_text(model=m, prompt="x", tools=[{"name": "t", "input_schema": {1, 2}}])
    with pytest.raises(TypeError, match="dict keys must be str"):
        client.generate_text(model=m, prompt="x", provider_options={1: {}})  # type: ignore[dict-item]
    with pytest.raises(ditto_llm.BadRequestError, match="tool_choice"):
        client.generate_text(model=m, prompt="x", tool_choice="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ditto_llm.BadRequestError, match="prompt"):
        client.generate_text(model=m)
    with pytest.raises(TypeError, match="input"):
        client.embed(model="openai:text-embedding-3-small", input=[1, 2])  # type: ignore[list-item]
    deep: Any = []
    for _ in range(200):
        deep = [deep]
    with pytest.raises(ValueError, match="nested more than"):
        client.generate_text(model=m, prompt="x", provider_options={"openai": {"x": deep}})
    assert mock.stats()["requests_total"] >= 0  # nothing above reached the network


def test_config_errors() -> None:
    with pytest.raises(ditto_llm.ConfigError, match=r"providers\.openai.*unknown field `apikey`"):
        ditto_llm.Ditto({"openai": {"apikey": "x"}}, from_env=False)
    with pytest.raises(ditto_llm.ConfigError, match="base_url must start with http"):
        ditto_llm.Ditto({"groq": {"base_url": "ftp://x"}}, from_env=False)
    with pytest.raises(ditto_llm.ConfigError, match="timeout"):
        ditto_llm.Ditto(from_env=False, timeout=-1)
    client = ditto_llm.Ditto(from_env=False)
    with pytest.raises(ditto_llm.DittoError) as info:
        client.generate_text(model="nosuchprovider:m", prompt="x")
    assert info.value.kind in ("config", "not_found")


def test_panics_become_internal_error() -> None:
    from ditto_llm import _native

    with pytest.raises(ditto_llm.InternalError, match="panicked"):
        _native._panic_for_tests(False)


async def test_async_panics_become_internal_error() -> None:
    from ditto_llm import _native

    with pytest.raises(ditto_llm.InternalError, match="panicked"):
        await _native._panic_for_tests(True)


def test_errors_pickle_with_their_details(mock: Mock) -> None:
    import pickle

    key = mock.push([{"status": 429, "retry_after": "3"}])
    with pytest.raises(ditto_llm.RateLimitError) as info:
        mock.client(scenario=key, max_retries=0).generate_text(model="openai:gpt-4o-mini", prompt="hi")
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is ditto_llm.RateLimitError
    assert (copy.status, copy.code, copy.retry_after, copy.body) == (429, "rate_limit_exceeded", 3.0, info.value.body)


def test_no_object_generated_error_carries_text_usage_and_finish_reason() -> None:
    import pickle

    usage = {"input_tokens": 3, "output_tokens": 4, "total_tokens": 7}
    e = ditto_llm.NoObjectGeneratedError("no object generated: bad", text="{", usage=usage, finish_reason="length")
    assert isinstance(e, ditto_llm.DittoError)
    assert (e.kind, e.text, e.usage, e.finish_reason) == ("no_object_generated", "{", usage, "length")
    assert e.to_dict() == {
        "kind": "no_object_generated",
        "message": "no object generated: bad",
        "text": "{",
        "usage": usage,
        "finish_reason": "length",
    }
    copy = pickle.loads(pickle.dumps(e))
    assert type(copy) is ditto_llm.NoObjectGeneratedError and copy.text == "{" and copy.usage == usage
