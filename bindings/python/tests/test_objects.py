"""generate_object / stream_object over real sockets: the shared recipe-stream fixture (sync and
async: partial objects in order, final object, usage, the request's response_format), pydantic
models, the four outputs, NoObjectGenerated with the raw text, the repair hook, bad input."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List

import pytest
from pydantic import BaseModel

import ditto_llm
from conftest import ROOT, Mock

FIXTURE = json.loads((ROOT / "tests/fixtures/objects/recipe-stream.json").read_text())
MODEL = "openai:gpt-4o-mini"


class Ingredient(BaseModel):
    name: str
    amount: str


class Recipe(BaseModel):
    name: str
    ingredients: List[Ingredient]
    steps: List[str]
    servings: int


def completion(content: str) -> Dict[str, Any]:
    """A Chat Completions body whose message text is `content`."""
    return {
        "body": {
            "id": "chatcmpl-obj",
            "object": "chat.completion",
            "created": 1700000000,
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
        }
    }


def chunks(*parts: str) -> Dict[str, Any]:
    """An SSE scenario step streaming `parts` as content deltas."""
    frames = []
    for p in parts:
        frames.append(json.dumps({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
                                  "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]}))
    frames.append(json.dumps({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
                              "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                              "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}}))
    return {"sse": frames}


def check_recipe_events(events: List[ditto_llm.ObjectStreamEvent]) -> None:
    exp = FIXTURE["expected"]
    assert [e.text for e in events if e.type == "text-delta"] == exp["text_deltas"]
    assert [e.object for e in events if e.type == "partial-object"] == exp["partial_objects"]
    finish = events[-1]
    assert finish.type == "finish" and finish.object == exp["object"]
    assert finish.finish_reason == exp["finish_reason"]
    assert finish.usage is not None
    assert {k: finish.usage.to_dict()[k] for k in exp["usage"]} == exp["usage"]


def test_recipe_fixture_stream_sync(mock: Mock) -> None:
    key = mock.push(FIXTURE["scenario_steps"])
    events = list(mock.client(scenario=key).stream_object(**FIXTURE["request"]))
    check_recipe_events(events)
    body = mock.requests(key)[-1]["body"]
    assert body["response_format"] == FIXTURE["expected"]["request_response_format"]


async def test_recipe_fixture_stream_async(mock: Mock) -> None:
    key = mock.push(FIXTURE["scenario_steps"])
    events = [e async for e in mock.aclient(scenario=key).stream_object(**FIXTURE["request"])]
    check_recipe_events(events)


def test_recipe_partial_object_stream_and_pydantic_collect(mock: Mock) -> None:
    key = mock.push(FIXTURE["scenario_steps"] * 2)
    client = mock.client(scenario=key)
    req = {**FIXTURE["request"], "schema": Recipe}
    partials = list(client.stream_object(**req).partial_object_stream)
    assert partials == FIXTURE["expected"]["partial_objects"]
    r = client.stream_object(**req).collect()
    assert isinstance(r.object, Recipe) and r.object.servings == 4
    assert r.raw == FIXTURE["expected"]["object"]
    assert r.text == "".join(FIXTURE["expected"]["text_deltas"])


async def test_async_partial_object_stream_and_collect(mock: Mock) -> None:
    key = mock.push(FIXTURE["scenario_steps"] * 2)
    client = mock.aclient(scenario=key)
    req = {**FIXTURE["request"], "schema": Recipe}
    partials = [p async for p in client.stream_object(**req).partial_object_stream]
    assert partials == FIXTURE["expected"]["partial_objects"]
    r = await client.stream_object(**req).collect()
    assert isinstance(r.object, Recipe) and r.object.name == "Lasagna"


def test_generate_object_pydantic(mock: Mock) -> None:
    text = json.dumps(FIXTURE["expected"]["object"])
    key = mock.push([completion(text)])
    r = mock.client(scenario=key).generate_object(model=MODEL, prompt="Lasagna?", schema=Recipe)
    assert isinstance(r.object, Recipe) and r.object.ingredients[0] == Ingredient(name="pasta", amount="500 g")
    assert r.raw == FIXTURE["expected"]["object"] and r.text == text
    assert r.finish_reason == "stop" and r.usage.total_tokens == 12
    assert r.to_dict()["object"] == r.raw
    fmt = mock.requests(key)[-1]["body"]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "Recipe"


async def test_generate_object_async_dict_schema(mock: Mock) -> None:
    key = mock.push([completion('{"city": "Paris"}')])
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    r = await mock.aclient(scenario=key).generate_object(model=MODEL, prompt="?", schema=schema)
    assert r.object == {"city": "Paris"}


def test_array_output_element_stream(mock: Mock) -> None:
    key = mock.push([chunks('{"elements":[{"name":"pasta","amo', 'unt":"500 g"},{"name":"egg","amount":"2"}', "]}")])
    s = mock.client(scenario=key).stream_object(model=MODEL, prompt="?", schema=Ingredient, output="array")
    elements = list(s.element_stream)
    assert elements == [Ingredient(name="pasta", amount="500 g"), Ingredient(name="egg", amount="2")]


async def test_array_output_async_elements(mock: Mock) -> None:
    key = mock.push([chunks('{"elements":[{"name":"a","amount":"1"},', '{"name":"b","amount":"2"}]}')])
    s = mock.aclient(scenario=key).stream_object(model=MODEL, prompt="?", schema=Ingredient, output="array")
    assert [e.name async for e in s.element_stream] == ["a", "b"]


def test_enum_and_no_schema_outputs(mock: Mock) -> None:
    key = mock.push([completion('{"result": "sunny"}'), completion('{"anything": [1, 2]}')])
    client = mock.client(scenario=key)
    r = client.generate_object(model=MODEL, prompt="?", output="enum", enum=["sunny", "rainy"])
    assert r.object == "sunny"
    r = client.generate_object(model=MODEL, prompt="?", output="no-schema")
    assert r.object == {"anything": [1, 2]}


def test_no_object_generated_carries_text_usage_finish(mock: Mock) -> None:
    key = mock.push([completion("sorry, no JSON today")])
    with pytest.raises(ditto_llm.NoObjectGeneratedError) as info:
        mock.client(scenario=key).generate_object(model=MODEL, prompt="?", schema={"type": "object"})
    err = info.value
    assert err.text == "sorry, no JSON today" and err.finish_reason == "stop"
    assert err.usage is not None and err.usage["total_tokens"] == 12
    assert err.kind == "no_object_generated"


def test_pydantic_validation_failure_is_no_object_generated(mock: Mock) -> None:
    key = mock.push([completion('{"name": "x", "ingredients": [], "steps": [], "servings": "many"}')])
    with pytest.raises(ditto_llm.NoObjectGeneratedError, match="validate as Recipe|servings"):
        mock.client(scenario=key).generate_object(model=MODEL, prompt="?", schema=Recipe, mode="json")


def test_repair_hook_fixes_text(mock: Mock) -> None:
    key = mock.push([completion("{'city': 'Paris'}"), chunks("{'city': ", "'Rome'}")])
    seen: List[Any] = []

    def repair(text: str, error: ditto_llm.DittoError) -> str:
        seen.append((text, type(error).__name__))
        return text.replace("'", '"')

    client = mock.client(scenario=key)
    r = client.generate_object(model=MODEL, prompt="?", schema={"type": "object"}, repair=repair)
    assert r.object == {"city": "Paris"}
    assert seen == [("{'city': 'Paris'}", "NoObjectGeneratedError")]
    s = client.stream_object(model=MODEL, prompt="?", schema={"type": "object"}, repair=repair)
    assert s.collect().object == {"city": "Rome"}


async def test_async_repair_hook(mock: Mock) -> None:
    key = mock.push([completion("not json")])

    async def repair(text: str, error: ditto_llm.DittoError) -> str:
        return '{"ok": true}'

    r = await mock.aclient(scenario=key).generate_object(model=MODEL, prompt="?", output="no-schema", repair=repair)
    assert r.object == {"ok": True}


def test_repair_hook_that_raises(mock: Mock) -> None:
    key = mock.push([completion("not json")])

    def repair(text: str, error: ditto_llm.DittoError) -> str:
        raise ValueError("cannot fix this")

    with pytest.raises(ditto_llm.NoObjectGeneratedError, match="cannot fix this") as info:
        mock.client(scenario=key).generate_object(model=MODEL, prompt="?", output="no-schema", repair=repair)
    assert info.value.text == "not json"


def test_bad_object_inputs(mock: Mock) -> None:
    client = mock.client()
    with pytest.raises(ditto_llm.BadRequestError, match="schema"):
        client.generate_object(model=MODEL, prompt="?", schema=[1, 2])  # type: ignore[arg-type]
    with pytest.raises(ditto_llm.BadRequestError, match="needs a `schema`"):
        client.generate_object(model=MODEL, prompt="?")
    with pytest.raises(ditto_llm.BadRequestError, match="output"):
        client.generate_object(model=MODEL, prompt="?", schema={}, output="list")  # type: ignore[arg-type]
    with pytest.raises(ditto_llm.BadRequestError, match="enum"):
        client.generate_object(model=MODEL, prompt="?", output="enum")
    with pytest.raises(TypeError, match="unexpected keyword argument 'schemas'"):
        client.generate_object(model=MODEL, prompt="?", schemas={})  # type: ignore[call-arg]
    with pytest.raises(ditto_llm.BadRequestError, match="repair"):
        client.generate_object(model=MODEL, prompt="?", schema={}, repair="fix it")  # type: ignore[arg-type]


def test_breaking_out_of_an_object_stream_closes_upstream(fresh_mock: Mock) -> None:
    parts = ['{"name":"', *(["x"] * 40), '"}']
    key = fresh_mock.push([{**chunks(*parts), "chunk_delay_ms": 30}])
    s = fresh_mock.client(scenario=key).stream_object(model=MODEL, prompt="?", schema={"type": "object"})
    for ev in s:
        if ev.type == "partial-object":
            break
    s.close()
    assert fresh_mock.wait_stat("streams_disconnected", 1) == 1


async def test_cancelling_an_async_object_stream_closes_upstream(fresh_mock: Mock) -> None:
    parts = ['{"name":"', *(["x"] * 40), '"}']
    key = fresh_mock.push([{**chunks(*parts), "chunk_delay_ms": 30}])
    s = fresh_mock.aclient(scenario=key).stream_object(model=MODEL, prompt="?", schema={"type": "object"})

    async def consume() -> None:
        async for _ in s:
            pass

    task = asyncio.ensure_future(consume())
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert fresh_mock.wait_stat("streams_disconnected", 1) == 1
