"""The official `openai` package against ditto-gateway."""

import json

import openai
import pytest

from conftest import KEYS


def client(gateway, key="team"):
    return openai.OpenAI(
        base_url=gateway["url"] + "/v1", api_key=KEYS.get(key, key), max_retries=0, timeout=20
    )


WEATHER = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]


@pytest.mark.parametrize("model", ["gpt-4o-mini", "mock"])
def test_chat(gateway, model):
    r = client(gateway).chat.completions.create(
        model=model, messages=[{"role": "user", "content": "hello from python"}]
    )
    assert r.choices[0].message.content == "echo: hello from python"
    assert r.choices[0].finish_reason == "stop"
    assert r.usage.total_tokens > 0


@pytest.mark.parametrize("model", ["gpt-4o-mini", "mock"])
def test_streaming(gateway, model):
    stream = client(gateway).chat.completions.create(
        model=model, messages=[{"role": "user", "content": "stream this please"}], stream=True
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "echo: stream this please"
    # The gateway asked upstream for usage on its own; the client never sees that chunk.
    assert all(c.choices for c in chunks)


def test_streaming_with_usage(gateway):
    stream = client(gateway).chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "count me"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    assert chunks[-1].choices == []
    assert chunks[-1].usage.total_tokens == 2 + 3


@pytest.mark.parametrize("model", ["gpt-4o-mini", "mock"])
def test_tools(gateway, model):
    r = client(gateway).chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": 'call:get_weather {"city":"Paris"}'}],
        tools=WEATHER,
    )
    call = r.choices[0].message.tool_calls[0]
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Paris"}
    assert r.choices[0].finish_reason == "tool_calls"


def test_tools_streaming(gateway):
    stream = client(gateway).chat.completions.create(
        model="mock",
        messages=[{"role": "user", "content": 'call:get_weather {"city":"Oslo"}'}],
        tools=WEATHER,
        stream=True,
    )
    name, args = "", ""
    for c in stream:
        for tc in (c.choices[0].delta.tool_calls or []) if c.choices else []:
            name += tc.function.name or ""
            args += tc.function.arguments or ""
    assert name == "get_weather"
    assert json.loads(args) == {"city": "Oslo"}


@pytest.mark.parametrize("model", ["text-embedding-3-small", "mock"])
def test_embeddings(gateway, model):
    # The SDK asks for base64 by default and decodes it.
    r = client(gateway).embeddings.create(model=model, input=["alpha", "beta"])
    assert len(r.data) == 2
    assert len(r.data[0].embedding) > 0
    assert all(isinstance(x, float) for x in r.data[0].embedding)


def test_models(gateway):
    ids = {m.id for m in client(gateway).models.list()}
    assert "gpt-4o-mini" in ids


def test_wrong_key(gateway):
    with pytest.raises(openai.AuthenticationError) as e:
        client(gateway, "sk-not-a-key").chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
        )
    assert e.value.status_code == 401
    assert e.value.code == "invalid_api_key"


def test_exhausted_budget(gateway):
    # 402: the SDK has no dedicated class for it, so it raises APIStatusError (and, unlike 429,
    # does not retry a budget that will not come back).
    with pytest.raises(openai.APIStatusError) as e:
        client(gateway, "broke").chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
        )
    assert e.value.status_code == 402
    assert e.value.code == "budget_exceeded"
    assert e.value.type == "insufficient_quota"


def test_oversize_body(gateway):
    with pytest.raises(openai.APIStatusError) as e:
        client(gateway).chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "x" * 100_000}]
        )
    assert e.value.status_code == 413
    assert e.value.code == "request_too_large"


def test_rate_limit(gateway):
    c = client(gateway, "limited")
    c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "1"}])
    with pytest.raises(openai.RateLimitError) as e:
        c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "2"}])
    assert e.value.code == "rpm_limit_exceeded"
    assert int(e.value.response.headers["retry-after"]) >= 1


def test_not_allowed_model_and_bad_request(gateway):
    with pytest.raises(openai.BadRequestError):
        client(gateway).chat.completions.create(
            model="mock", messages=[{"role": "wizard", "content": "x"}]
        )
