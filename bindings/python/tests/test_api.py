"""The public API over real sockets: results, events, messages and tools in several shapes,
embeddings, configuration — sync and async."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from pydantic import BaseModel, Field

import ditto_llm
from conftest import Mock


class GetWeather(BaseModel):
    """Current weather in a city."""

    city: str = Field(description="City name")
    unit: str = "celsius"


def last_body(mock: Mock, scenario: str) -> Dict[str, Any]:
    reqs = mock.requests(scenario)
    assert reqs, "no request recorded"
    body: Dict[str, Any] = reqs[-1]["body"]
    return body


def test_generate_text_result_attributes(mock: Mock) -> None:
    key = mock.push([{}])
    client = mock.client(scenario=key)
    r = client.generate_text(model="openai:gpt-4o-mini", prompt="hello world", system="Be brief.", temperature=0.2)
    assert r.text == "echo: hello world"
    assert r.finish_reason == "stop" and r.raw_finish_reason == "stop"
    assert r.usage.input_tokens == 4 and r.usage.output_tokens == 3 and r.usage.total_tokens == 7
    assert r.tool_calls == [] and r.warnings == [] and r.reasoning_text is None
    assert r.response.id and r.response.id.startswith("chatcmpl-mock-")
    assert r.response.model_id == "gpt-4o-mini"
    d = r.to_dict()
    assert d["text"] == r.text and d["usage"] == r.usage.to_dict()
    assert d["content"] == [{"type": "text", "text": "echo: hello world"}] == r.content
    assert "GenerateTextResult(" in repr(r)
    body = last_body(mock, key)
    assert body["model"] == "gpt-4o-mini" and body["temperature"] == 0.2
    assert body["messages"][0] == {"role": "system", "content": "Be brief."}
    assert mock.requests(key)[-1]["headers"]["authorization"] == "Bearer sk-test-secret"


def test_stream_text_events(mock: Mock) -> None:
    client = mock.client()
    events = list(client.stream_text(model="openai:gpt-4o-mini", prompt="one two three"))
    types = [e.type for e in events]
    assert types[:3] == ["start", "start-step", "text-start"]
    assert types[-3:] == ["text-end", "finish-step", "finish"]
    text = "".join(e.text or "" for e in events if e.type == "text-delta")
    assert text == "echo: one two three"
    finish = events[-1]
    assert finish.finish_reason == "stop"
    assert finish.usage is not None and finish.usage.output_tokens == 4
    assert finish.total_usage == finish.usage
    assert events[1].warnings == []
    assert events[2].id == events[3].id and events[3].text is not None
    assert events[3].to_dict() == {"type": "text-delta", "id": events[3].id, "text": events[3].text}
    assert events[0].text is None and events[0].usage is None


def test_stream_is_a_context_manager_and_closes(mock: Mock) -> None:
    client = mock.client()
    with client.stream_text(model="openai:gpt-4o-mini", prompt="a b c") as s:
        first = next(s)
        assert first.type == "start"
    assert s.closed
    assert list(s) == []


def test_mock_provider_needs_no_network() -> None:
    client = ditto_llm.Ditto(from_env=False)
    assert client.providers == ["mock"]
    r = client.generate_text(model="mock:echo", prompt="offline")
    assert r.text == "echo: offline"


@pytest.mark.parametrize(
    "messages",
    [
        # ours
        [{"role": "user", "content": [{"type": "text", "text": "hi there"}]}],
        # OpenAI Chat Completions
        [
            {"role": "user", "content": "call it"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
            {"role": "user", "content": "hi there"},
        ],
        # AI SDK (camelCase parts)
        [
            {"role": "user", "content": [{"type": "text", "text": "call it"}]},
            {
                "role": "assistant",
                "content": [{"type": "tool-call", "toolCallId": "call_1", "toolName": "get_weather", "input": {"city": "Paris"}}],
            },
            {
                "role": "tool",
                "content": [
                    {"type": "tool-result", "toolCallId": "call_1", "toolName": "get_weather", "output": {"type": "text", "value": "sunny"}}
                ],
            },
            {"role": "user", "content": "hi there"},
        ],
    ],
    ids=["ours", "openai", "ai-sdk"],
)
def test_messages_in_every_shape(mock: Mock, messages: List[Dict[str, Any]]) -> None:
    key = mock.push([{}])
    r = mock.client(scenario=key).generate_text(model="openai:gpt-4o-mini", messages=messages)
    assert r.text == "echo: hi there"
    sent = last_body(mock, key)["messages"]
    assert len(sent) == len(messages)
    if len(messages) > 1:
        assert sent[1]["tool_calls"][0]["function"] == {"name": "get_weather", "arguments": '{"city":"Paris"}'}
        assert sent[2] == {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}


WEATHER_SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


@pytest.mark.parametrize(
    "tools",
    [
        [{"type": "function", "name": "get_weather", "description": "Weather", "input_schema": WEATHER_SCHEMA}],
        [{"type": "function", "function": {"name": "get_weather", "description": "Weather", "parameters": WEATHER_SCHEMA}}],
        {"get_weather": {"description": "Weather", "inputSchema": WEATHER_SCHEMA}},
        [{"name": "get_weather", "description": "Weather", "input_schema": GetWeather}],
        [GetWeather],
    ],
    ids=["ours", "openai", "ai-sdk-map", "pydantic-schema", "pydantic-class"],
)
def test_tools_in_every_shape(mock: Mock, tools: Any) -> None:
    key = mock.push([{}])
    client = mock.client(scenario=key)
    name = "GetWeather" if tools == [GetWeather] else "get_weather"
    r = client.generate_text(model="openai:gpt-4o-mini", prompt=f'call:{name} {{"city":"Paris"}}', tools=tools)
    assert r.finish_reason == "tool-calls"
    [call] = r.tool_calls
    assert call.tool_name == name and call.input == {"city": "Paris"} and not call.invalid_input
    assert call.tool_call_id.startswith("call_mock_")
    assert call.to_dict()["input"] == {"city": "Paris"}
    sent = last_body(mock, key)["tools"][0]
    assert sent["type"] == "function" and sent["function"]["name"] == name
    params = sent["function"]["parameters"]
    assert params["properties"]["city"]["type"] == "string"
    if name == "GetWeather":
        assert sent["function"]["description"] == "Current weather in a city."
        assert params["properties"]["unit"]["default"] == "celsius"


def test_streamed_tool_call(mock: Mock) -> None:
    client = mock.client()
    events = list(
        client.stream_text(
            model="openai:gpt-4o-mini",
            prompt='call:get_weather {"city":"Tokyo","unit":"celsius"}',
            tools={"get_weather": {"input_schema": GetWeather}},
            tool_choice="auto",
        )
    )
    types = [e.type for e in events]
    assert "tool-input-start" in types and "tool-input-delta" in types and "tool-input-end" in types
    start = events[types.index("tool-input-start")]
    assert start.tool_name == "get_weather" and start.tool_call_id == start.id
    deltas = "".join(e.delta or "" for e in events if e.type == "tool-input-delta")
    assert deltas == '{"city":"Tokyo","unit":"celsius"}'
    call = events[types.index("tool-call")]
    assert call.input == {"city": "Tokyo", "unit": "celsius"} and call.tool_name == "get_weather"
    assert events[-1].finish_reason == "tool-calls"


def test_settings_reach_the_wire(mock: Mock) -> None:
    key = mock.push([{}])
    mock.client(scenario=key).generate_text(
        model="openai:gpt-4o-mini",
        prompt="x",
        max_output_tokens=5,
        top_p=0.5,
        stop="END",
        seed=7,
        headers={"x-trace": "abc"},
        provider_options={"openai": {"user": "u-1"}},
        response_format=GetWeather,
    )
    req = mock.requests(key)[-1]
    body = req["body"]
    assert body.get("max_completion_tokens", body.get("max_tokens")) == 5
    assert body["top_p"] == 0.5 and body["stop"] == ["END"] and body["seed"] == 7 and body["user"] == "u-1"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["name"] == "GetWeather"
    assert req["headers"]["x-trace"] == "abc"


def test_embed(mock: Mock) -> None:
    client = mock.client()
    e = client.embed(model="openai:text-embedding-3-small", input=["a", "b", "a"])
    assert len(e) == 3 and len(e.embeddings) == 3
    assert all(isinstance(x, float) for x in e.embeddings[0])
    assert e.embeddings[0] == e.embeddings[2] != e.embeddings[1]
    assert e.to_dict()["embeddings"] == e.embeddings
    one = client.embed(model="openai:text-embedding-3-small", input="a", dimensions=16)
    assert len(one.embeddings) == 1 and len(one.embeddings[0]) == 16


def test_client_options_and_env(mock: Mock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", mock.base_url)
    key = mock.push([{}])
    client = ditto_llm.Ditto(timeout=5, connect_timeout=2, max_retries=0)
    assert "openai" in client.providers
    client.generate_text(model="openai:gpt-4o-mini", prompt="env", headers={"x-mock-scenario": key})
    assert mock.requests(key)[-1]["headers"]["authorization"] == "Bearer sk-from-env"
    assert "Ditto(" in repr(client)


async def test_async_generate_stream_embed(mock: Mock) -> None:
    client = mock.aclient()
    r = await client.generate_text(model="openai:gpt-4o-mini", prompt="async hello")
    assert r.text == "echo: async hello" and r.usage.output_tokens == 3
    text = ""
    async with client.stream_text(model="openai:gpt-4o-mini", prompt="x y z") as s:
        async for ev in s:
            if ev.type == "text-delta":
                text += ev.text or ""
            last = ev
    assert text == "echo: x y z" and last.type == "finish"
    assert s.closed
    e = await client.embed(model="openai:text-embedding-3-small", input=["p", "q"])
    assert len(e.embeddings) == 2
    results = await asyncio.gather(*(client.generate_text(model="mock:echo", prompt=str(i)) for i in range(20)))
    assert [x.text for x in results] == [f"echo: {i}" for i in range(20)]


def test_async_client_needs_a_running_loop(mock: Mock) -> None:
    client = mock.aclient()
    with pytest.raises(RuntimeError, match="running asyncio event loop"):
        client.generate_text(model="mock:echo", prompt="x")


def test_rerank_sync_and_async(mock: Mock) -> None:
    key = mock.push([{}])
    client = mock.client(["cohere"], scenario=key)
    docs = ["green pear", "red apple pie", "red car"]
    r = client.rerank(model="cohere:rerank-v3.5", query="red apple", documents=docs, top_n=2)
    assert [d.index for d in r.results] == [1, 2] and len(r) == 2
    assert r.results[0].document == "red apple pie"
    assert r.results[0].relevance_score >= r.results[1].relevance_score
    assert r.to_dict()["results"][0]["index"] == 1
    assert last_body(mock, key)["top_n"] == 2
    with pytest.raises(TypeError, match="documents"):
        client.rerank(model="cohere:rerank-v3.5", query="q", documents="not a list")

    async def run() -> None:
        ar = await mock.aclient(["cohere"]).rerank(model="cohere:rerank-v3.5", query="red apple", documents=docs)
        assert [d.index for d in ar.results][0] == 1 and len(ar) == 3

    asyncio.run(run())


def test_collect_rest_of_stream(mock: Mock) -> None:
    client = mock.client()
    s = client.stream_text(model="openai:gpt-4o-mini", prompt="collect me please")
    r = s.collect()
    assert r.text == "echo: collect me please" and r.finish_reason == "stop"
    assert r.usage.output_tokens == 4 and s.closed
    with pytest.raises(RuntimeError, match="closed"):
        s.collect()

    async def run() -> None:
        ar = await mock.aclient().stream_text(model="openai:gpt-4o-mini", prompt="async collect").collect()
        assert ar.text == "echo: async collect"

    asyncio.run(run())


def test_tool_choice_pydantic_class(mock: Mock) -> None:
    key = mock.push([{}])
    r = mock.client(scenario=key).generate_text(
        model="openai:gpt-4o-mini", prompt='call:GetWeather {"city":"Oslo"}', tools=[GetWeather], tool_choice=GetWeather
    )
    assert r.tool_calls[0].input == {"city": "Oslo"}
    assert last_body(mock, key)["tool_choice"] == {"type": "function", "function": {"name": "GetWeather"}}
