"""Tools with Python `execute` functions and the agent loop, over real sockets against the
mock upstream's `plan:` replies: the shared fixture (sync, async, streaming), stop conditions,
approvals, tool errors, bad inputs and cancellation."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any, Dict, List, Optional

import pytest
from pydantic import BaseModel

import ditto_llm
from conftest import ROOT, Mock

FIXTURE = ROOT / "tests/fixtures/agent/two-tools-three-steps.json"
MODEL = "openai:gpt-4o-mini"


def load_fixture() -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads(FIXTURE.read_text())
    return data


def fixture_tools(fx: Dict[str, Any], calls: Optional[List[str]] = None, use_async: bool = False) -> List[ditto_llm.Tool]:
    """The fixture's tools, each a lookup in `tool_outputs` (an unlisted input is a tool error)."""
    tools = []
    for spec in fx["tools"]:
        name = spec["name"]
        table = fx["tool_outputs"][name]

        def lookup(input: Dict[str, Any], name: str = name, table: List[Dict[str, Any]] = table) -> Any:
            if calls is not None:
                calls.append(name)
            for row in table:
                if row["input"] == input:
                    return row["output"]
            raise ValueError("unknown input")

        async def alookup(input: Dict[str, Any], lookup: Any = lookup) -> Any:
            await asyncio.sleep(0)
            return lookup(input)

        tools.append(
            ditto_llm.tool(
                name=name,
                description=spec.get("description"),
                parameters=spec["input_schema"],
                execute=alookup if use_async else lookup,
            )
        )
    return tools


def summarize_result(r: ditto_llm.GenerateTextResult) -> Dict[str, Any]:
    """The fixture's `expected` shape from a result (as core/tests/common/agent.rs builds it)."""
    steps = []
    for s in r.steps:
        results = []
        for t in s.tool_results:
            out = t["output"]
            if out["type"] in ("json", "text"):
                results.append({"tool_name": t["tool_name"], "output": out["value"]})
            else:
                results.append({"tool_name": t["tool_name"], "error": out["value"]})
        steps.append(
            {
                "finish_reason": s.finish_reason,
                "text": s.text,
                "tool_calls": [{"tool_name": c.tool_name, "input": c.input} for c in s.tool_calls],
                "tool_results": results,
                "usage": s.usage.to_dict(),
            }
        )
    return {
        "steps": steps,
        "text": r.text,
        "finish_reason": r.finish_reason,
        "total_usage": r.total_usage.to_dict(),
        "response_message_roles": [m["role"] for m in r.response_messages],
    }


def summarize_events(events: List[ditto_llm.StreamEvent]) -> Dict[str, Any]:
    steps: List[Dict[str, Any]] = []
    step: Dict[str, Any] = {}
    total: Dict[str, Any] = {}
    for ev in events:
        if ev.type == "start-step":
            step = {"text": "", "tool_calls": [], "tool_results": []}
        elif ev.type == "text-delta":
            step["text"] += ev.text or ""
        elif ev.type == "tool-call":
            step["tool_calls"].append({"tool_name": ev.tool_name, "input": ev.input})
        elif ev.type == "tool-result":
            step["tool_results"].append({"tool_name": ev.tool_name, "output": ev.output})
        elif ev.type == "tool-error":
            step["tool_results"].append({"tool_name": ev.tool_name, "error": ev.error})
        elif ev.type == "finish-step":
            assert ev.usage is not None
            step["finish_reason"] = ev.finish_reason
            step["usage"] = ev.usage.to_dict()
            steps.append(step)
        elif ev.type == "finish":
            assert ev.total_usage is not None
            total = {"finish_reason": ev.finish_reason, "total_usage": ev.total_usage.to_dict()}
    types: List[str] = []
    for ev in events:
        if not types or types[-1] != ev.type:
            types.append(ev.type)
    return {
        "steps": steps,
        "text": steps[-1]["text"] if steps else "",
        "finish_reason": total.get("finish_reason"),
        "total_usage": total.get("total_usage"),
        "event_types": types,
    }


def expected_for(fx: Dict[str, Any], *drop: str) -> Dict[str, Any]:
    return {k: v for k, v in fx["expected"].items() if k not in drop}


def check_result(fx: Dict[str, Any], mock: Mock, r: ditto_llm.GenerateTextResult) -> None:
    assert summarize_result(r) == expected_for(fx, "event_types", "model_calls")
    assert mock.stats()["requests_total"] == fx["expected"]["model_calls"]


def check_events(fx: Dict[str, Any], mock: Mock, events: List[ditto_llm.StreamEvent]) -> None:
    assert summarize_events(events) == expected_for(fx, "response_message_roles", "model_calls")
    assert mock.stats()["requests_total"] == fx["expected"]["model_calls"]


def test_fixture_agent_sync(fresh_mock: Mock) -> None:
    fx = load_fixture()
    calls: List[str] = []
    r = fresh_mock.client().generate_text(
        model=fx["model"], prompt=fx["prompt"], tools=fixture_tools(fx, calls), stop_when=fx["options"]["stop_when"]
    )
    check_result(fx, fresh_mock, r)
    assert sorted(calls) == ["convert_temperature", "get_weather", "get_weather"]
    assert r.pending_approvals == []
    assert r.to_dict()["steps"][2]["text"] == r.text


async def test_fixture_agent_async(fresh_mock: Mock) -> None:
    fx = load_fixture()
    r = await fresh_mock.aclient().generate_text(
        model=fx["model"], prompt=fx["prompt"], tools=fixture_tools(fx, use_async=True), stop_when=fx["options"]["stop_when"]
    )
    check_result(fx, fresh_mock, r)


def test_fixture_agent_stream_sync(fresh_mock: Mock) -> None:
    fx = load_fixture()
    s = fresh_mock.client().stream_text(
        model=fx["model"], prompt=fx["prompt"], tools=fixture_tools(fx), stop_when=fx["options"]["stop_when"]
    )
    check_events(fx, fresh_mock, list(s))


async def test_fixture_agent_stream_async(fresh_mock: Mock) -> None:
    fx = load_fixture()
    s = fresh_mock.aclient().stream_text(
        model=fx["model"], prompt=fx["prompt"], tools=fixture_tools(fx, use_async=True), stop_when=fx["options"]["stop_when"]
    )
    check_events(fx, fresh_mock, [e async for e in s])


PLAN = "Weather? plan: call:get_weather {\"city\":\"Paris\"} | It is sunny."


def weather_tool(execute: Any = None, needs_approval: bool = False) -> ditto_llm.Tool:
    return ditto_llm.tool(
        name="get_weather",
        parameters={"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        execute=execute,
        needs_approval=needs_approval,
    )


def recorder(ran: List[Any], output: Any) -> Any:
    def run(input: Any) -> Any:
        ran.append(input)
        return output

    return run


def test_decorator_tool_schema_and_keywords(mock: Mock) -> None:
    seen: List[str] = []

    @ditto_llm.tool
    def get_weather(city: str, unit: str = "celsius") -> Dict[str, Any]:
        """Current weather in a city."""
        seen.append(f"{city}/{unit}")
        return {"city": city, "celsius": 21}

    assert get_weather.name == "get_weather" and get_weather.description == "Current weather in a city."
    assert get_weather.parameters == {
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    }
    r = mock.client().generate_text(model=MODEL, prompt=PLAN, tools=[get_weather], stop_when=[ditto_llm.step_count_is(3)])
    assert seen == ["Paris/celsius"] and r.text == "It is sunny." and len(r.steps) == 2


def test_pydantic_parameters_and_result(mock: Mock) -> None:
    class City(BaseModel):
        city: str

    class Weather(BaseModel):
        city: str
        celsius: int

    def run(input: City) -> Weather:
        assert isinstance(input, City)
        return Weather(city=input.city, celsius=21)

    t = ditto_llm.tool(name="get_weather", parameters=City, execute=run)
    r = mock.client().generate_text(model=MODEL, prompt=PLAN, tools=[t], max_steps=3, stop_when=[])
    assert r.steps[0].tool_results[0]["output"] == {"type": "json", "value": {"city": "Paris", "celsius": 21}}


def test_tool_exception_becomes_tool_error(mock: Mock) -> None:
    def boom(input: Dict[str, Any]) -> Any:
        raise RuntimeError("weather service down")

    client = mock.client()
    r = client.generate_text(model=MODEL, prompt=PLAN, tools=[weather_tool(execute=boom)], stop_when=[ditto_llm.step_count_is(3)])
    out = r.steps[0].tool_results[0]["output"]
    assert out["type"] == "error-text" and "weather service down" in out["value"]
    assert r.text == "It is sunny."
    events = list(client.stream_text(model=MODEL, prompt=PLAN, tools=[weather_tool(execute=boom)], stop_when=[ditto_llm.step_count_is(3)]))
    errors = [e for e in events if e.type == "tool-error"]
    assert len(errors) == 1 and "weather service down" in str(errors[0].error)


def test_tool_returning_non_json_is_a_tool_error(mock: Mock) -> None:
    r = mock.client().generate_text(
        model=MODEL, prompt=PLAN, tools=[weather_tool(execute=lambda _: object())], stop_when=[ditto_llm.step_count_is(3)]
    )
    out = r.steps[0].tool_results[0]["output"]
    assert out["type"] == "error-text" and "cannot be sent as JSON" in out["value"]


def test_tool_without_execute_hands_the_call_back(mock: Mock) -> None:
    r = mock.client().generate_text(model=MODEL, prompt=PLAN, tools=[weather_tool()], stop_when=[ditto_llm.step_count_is(3)])
    assert len(r.steps) == 1 and r.finish_reason == "tool-calls"
    assert r.tool_calls[0].tool_name == "get_weather" and r.tool_calls[0].input == {"city": "Paris"}


def test_stop_conditions(mock: Mock) -> None:
    client = mock.client()
    tools = [weather_tool(execute=lambda i: {"ok": True})]
    r = client.generate_text(model=MODEL, prompt=PLAN, tools=tools, stop_when=[ditto_llm.has_tool_call("get_weather")])
    assert len(r.steps) == 1
    seen: List[int] = []

    def custom(steps: List[ditto_llm.StepResult]) -> bool:
        seen.append(len(steps))
        return True

    r = client.generate_text(model=MODEL, prompt=PLAN, tools=tools, stop_when=[custom])
    assert len(r.steps) == 1 and seen == [1]
    loop = "plan: call:get_weather {\"city\":\"Paris\"}"
    r = client.generate_text(model=MODEL, prompt=loop, tools=tools, stop_when=[], max_steps=4)
    assert len(r.steps) == 4


async def test_async_stop_condition(mock: Mock) -> None:
    async def custom(steps: List[ditto_llm.StepResult]) -> bool:
        await asyncio.sleep(0)
        return len(steps) >= 2

    loop = "plan: call:get_weather {\"city\":\"Paris\"}"
    r = await mock.aclient().generate_text(
        model=MODEL, prompt=loop, tools=[weather_tool(execute=lambda i: 1)], stop_when=custom
    )
    assert len(r.steps) == 2


def test_approval_pause_and_resume(mock: Mock) -> None:
    client = mock.client()
    ran: List[Any] = []
    tools = [weather_tool(execute=recorder(ran, {"celsius": 21}), needs_approval=True)]
    r = client.generate_text(model=MODEL, prompt=PLAN, tools=tools, stop_when=[ditto_llm.step_count_is(3)])
    assert ran == [] and len(r.pending_approvals) == 1
    approval = r.pending_approvals[0]
    assert approval["tool_call"]["tool_name"] == "get_weather"
    messages: List[Any] = [{"role": "user", "content": PLAN}, *r.response_messages]
    r2 = client.generate_text(
        model=MODEL,
        messages=messages,
        tools=tools,
        approvals=[{"approval_id": approval["approval_id"], "approved": True}],
        stop_when=[ditto_llm.step_count_is(3)],
    )
    assert ran == [{"city": "Paris"}] and r2.text == "It is sunny." and r2.pending_approvals == []
    events = list(client.stream_text(model=MODEL, prompt=PLAN, tools=tools, stop_when=[ditto_llm.step_count_is(3)]))
    req = [e for e in events if e.type == "tool-approval-request"]
    assert len(req) == 1 and (req[0].approval_id or "").startswith("approval-call_mock_")


def test_bad_agent_inputs(mock: Mock) -> None:
    client = mock.client()
    with pytest.raises(TypeError, match="parameters"):
        ditto_llm.tool(name="x", parameters=[1, 2], execute=print)  # type: ignore[call-overload]
    with pytest.raises(ditto_llm.BadRequestError, match="max_steps"):
        client.generate_text(model=MODEL, prompt=PLAN, tools=[weather_tool(execute=print)], max_steps=0)
    with pytest.raises(ditto_llm.BadRequestError, match="stop_when|unknown variant"):
        client.generate_text(model=MODEL, prompt=PLAN, tools=[weather_tool(execute=print)], stop_when=[{"type": "nope"}])
    with pytest.raises(ditto_llm.BadRequestError, match="parameters"):
        bad = ditto_llm.tool(name="x", parameters={"type": "object"}, execute=print)
        bad.parameters = {"type": "object"}
        setattr(bad, "parameters", "not a schema")
        client.generate_text(model=MODEL, prompt=PLAN, tools=[bad])


async def test_cancel_mid_loop_stops_the_tool(fresh_mock: Mock) -> None:
    started = asyncio.Event()
    finished: List[bool] = []
    cancelled: List[bool] = []

    async def slow(input: Dict[str, Any]) -> Any:
        started.set()
        try:
            await asyncio.sleep(30)
            finished.append(True)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return {}

    client = fresh_mock.aclient()
    task = asyncio.ensure_future(
        client.generate_text(model=MODEL, prompt=PLAN, tools=[weather_tool(execute=slow)], stop_when=[ditto_llm.step_count_is(3)])
    )
    await asyncio.wait_for(started.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(100):
        if cancelled:
            break
        await asyncio.sleep(0.02)
    assert cancelled == [True] and finished == []
    assert fresh_mock.stats()["requests_total"] == 1


async def test_cancel_mid_stream_closes_upstream(fresh_mock: Mock) -> None:
    ran: List[Any] = []
    long_answer = "plan: call:get_weather {\"city\":\"Paris\"} | " + " ".join(["sunny"] * 100)
    client = fresh_mock.aclient()
    stream = client.stream_text(
        model=MODEL,
        prompt=long_answer,
        tools=[weather_tool(execute=recorder(ran, {"ok": True}))],
        stop_when=[ditto_llm.step_count_is(3)],
        headers={"x-mock-chunk-delay-ms": "30"},
    )
    first_delta = asyncio.Event()

    async def consume() -> None:
        async for ev in stream:
            if ev.type == "text-delta":
                first_delta.set()

    task = asyncio.ensure_future(consume())
    await asyncio.wait_for(first_delta.wait(), 20)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert ran == [{"city": "Paris"}]
    assert fresh_mock.wait_stat("streams_disconnected", 1) == 1, fresh_mock.stats()
    assert fresh_mock.stats()["streams_completed"] == 1


def test_sync_client_runs_async_tools_on_a_private_loop(mock: Mock) -> None:
    loops: List[Any] = []

    async def run(input: Dict[str, Any]) -> Any:
        loops.append((asyncio.get_running_loop(), threading.current_thread().name))
        return {"ok": True}

    r = mock.client().generate_text(model=MODEL, prompt=PLAN, tools=[weather_tool(execute=run)], stop_when=[ditto_llm.step_count_is(3)])
    assert r.text == "It is sunny." and loops[0][1] == "ditto-llm-callbacks"


async def test_async_tools_run_on_the_callers_loop(mock: Mock) -> None:
    loops: List[Any] = []

    async def run(input: Dict[str, Any]) -> Any:
        loops.append(asyncio.get_running_loop())
        return {"ok": True}

    r = await mock.aclient().generate_text(
        model=MODEL, prompt=PLAN, tools=[weather_tool(execute=run)], stop_when=[ditto_llm.step_count_is(3)]
    )
    assert r.text == "It is sunny." and loops == [asyncio.get_running_loop()]


def test_repair_tool_call(mock: Mock) -> None:
    bad = 'plan: call:get_weather {"town":"Paris"} | Done.'
    ran: List[Any] = []
    seen: List[Any] = []

    def repair(call: Dict[str, Any], error: str, tools: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
        seen.append((call["tool_name"], call["input"], [t["name"] for t in tools]))
        return {"city": call["input"]["town"]}

    tool = ditto_llm.tool(
        name="get_weather",
        parameters={"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "additionalProperties": False},
        execute=recorder(ran, {"celsius": 21}),
    )
    client = mock.client()
    r = client.generate_text(model=MODEL, prompt=bad, tools=[tool], stop_when=[ditto_llm.step_count_is(3)], repair_tool_call=repair)
    assert seen == [("get_weather", {"town": "Paris"}, ["get_weather"])]
    assert ran == [{"city": "Paris"}] and r.text == "Done."
    r = client.generate_text(model=MODEL, prompt=bad, tools=[tool], stop_when=[ditto_llm.step_count_is(3)])
    out = r.steps[0].tool_results[0]["output"]
    assert out["type"] == "error-text" and "invalid input" in out["value"]


def test_sync_tool_may_call_the_sync_client(mock: Mock) -> None:
    client = mock.client()

    def ask(input: Dict[str, Any]) -> Any:
        return {"inner": client.generate_text(model=MODEL, prompt=f"inner {input['city']}").text}

    r = client.generate_text(model=MODEL, prompt=PLAN, tools=[weather_tool(execute=ask)], stop_when=[ditto_llm.step_count_is(3)])
    assert r.steps[0].tool_results[0]["output"] == {"type": "json", "value": {"inner": "echo: inner Paris"}}


async def test_async_tool_exception_and_raising_stop_condition(mock: Mock) -> None:
    async def boom(input: Dict[str, Any]) -> Any:
        await asyncio.sleep(0)
        raise KeyError("no such city")

    def bad_stop(steps: List[ditto_llm.StepResult]) -> bool:
        raise RuntimeError("stop condition broke")

    client = mock.aclient()
    r = await client.generate_text(model=MODEL, prompt=PLAN, tools=[weather_tool(execute=boom)], stop_when=[ditto_llm.step_count_is(3)])
    out = r.steps[0].tool_results[0]["output"]
    assert out["type"] == "error-text" and "no such city" in out["value"]
    r = await client.generate_text(model=MODEL, prompt=PLAN, tools=[weather_tool(execute=lambda i: 1)], stop_when=[bad_stop])
    assert len(r.steps) == 1  # an exception in a stop condition stops the loop
