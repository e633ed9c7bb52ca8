"""Wire protocols and fan-out: Ditto v1 encode (SSE, NDJSON) validated against
docs/schema/ditto-stream-v1.schema.json with `jsonschema`, decode round trips with any
chunking, errors; stream.tee() sync and async; the useChat body converter."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any, Dict, Iterator, List

import jsonschema
import pytest

import ditto_llm
from ditto_llm.protocol import (
    adecode_ditto_v1,
    aencode_ditto_v1,
    decode_ditto_v1,
    encode_ditto_v1,
    ui_chat_request,
    ui_message_stream,
)
from conftest import ROOT, Mock

MODEL = "openai:gpt-4o-mini"
SCHEMA = json.loads((ROOT / "docs/schema/ditto-stream-v1.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
PLAN = 'Weather? plan: call:get_weather {"city":"Paris"} | It is sunny in Paris.'


def weather() -> ditto_llm.Tool:
    return ditto_llm.tool(
        name="get_weather",
        parameters={"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        execute=lambda i: {"city": i["city"], "celsius": 21},
    )


def payloads(body: bytes, framing: str) -> List[Any]:
    """The JSON payloads of an encoded body (and checks its framing and terminator)."""
    text = body.decode()
    if framing == "sse":
        frames = text.split("\n\n")
        assert frames[-1] == "" and frames[-2] == "data: [DONE]"
        out = []
        for f in frames[:-2]:
            assert f.startswith("data: ")
            out.append(json.loads(f[len("data: ") :]))
        return out
    lines = text.split("\n")
    assert lines[-1] == ""
    return [json.loads(line) for line in lines[:-1]]


def validate_all(items: List[Any]) -> None:
    for item in items:
        errors = list(VALIDATOR.iter_errors(item))
        assert not errors, (item, [e.message for e in errors])


def chunked(body: bytes, size: int) -> Iterator[bytes]:
    for i in range(0, len(body), size):
        yield body[i : i + size]


@pytest.mark.parametrize("framing", ["sse", "ndjson"])
def test_encode_text_and_agent_streams_validate_and_round_trip(mock: Mock, framing: Any) -> None:
    client = mock.client()
    for stream in (
        client.stream_text(model=MODEL, prompt="encode me please"),
        client.stream_text(model=MODEL, prompt=PLAN, tools=[weather()], stop_when=[ditto_llm.step_count_is(3)]),
    ):
        events = list(stream)
        body = b"".join(encode_ditto_v1(events, framing))
        items = payloads(body, framing)
        validate_all(items)
        assert all(i["v"] == 1 for i in items)
        assert [i["type"] for i in items] == [e.type for e in events]
        for size in (1, 7, len(body)):
            decoded = list(decode_ditto_v1(chunked(body, size), framing))
            assert [e.to_dict() for e in decoded] == [e.to_dict() for e in events]
    types = [i["type"] for i in items]
    assert "tool-result" in types and "tool-call" in types


def test_encode_a_live_stream_and_errors(mock: Mock) -> None:
    body = b"".join(encode_ditto_v1(mock.client().stream_text(model=MODEL, prompt="live")))
    validate_all(payloads(body, "sse"))
    key = mock.push([{"status": 500}])
    failing = mock.client(scenario=key, max_retries=0)

    def events() -> Iterator[ditto_llm.StreamEvent]:
        yield from failing.stream_text(model=MODEL, prompt="x")

    items = payloads(b"".join(encode_ditto_v1(events())), "sse")
    validate_all(items)
    assert items[-1]["type"] == "error" and items[-1]["error"]["kind"] == "provider"

    def broken() -> Iterator[Dict[str, Any]]:
        yield {"type": "start"}
        raise ValueError("generator broke")

    items = payloads(b"".join(encode_ditto_v1(broken(), "ndjson")), "ndjson")
    validate_all(items)
    assert items[-1]["error"]["message"] == "ValueError: generator broke"


def test_decoder_rejects_bad_input() -> None:
    with pytest.raises(ditto_llm.DittoError, match="version|v"):
        list(decode_ditto_v1([b'data: {"v":2,"type":"start"}\n\n']))
    with pytest.raises(ditto_llm.DittoError):
        list(decode_ditto_v1([b'{"v":1,"type":"nope"}\n'], "ndjson"))
    with pytest.raises(ditto_llm.BadRequestError, match="framing"):
        list(decode_ditto_v1([b""], "xml"))  # type: ignore[arg-type]
    with pytest.raises(ditto_llm.DittoError):
        list(decode_ditto_v1([b"data: " + b"x" * (2 << 20)]))


async def test_async_encode_decode(mock: Mock) -> None:
    client = mock.aclient()
    body = b"".join([b async for b in aencode_ditto_v1(client.stream_text(model=MODEL, prompt="async encode"), "ndjson")])
    items = payloads(body, "ndjson")
    validate_all(items)

    async def chunks() -> Any:
        for c in chunked(body, 5):
            yield c

    decoded = [e async for e in adecode_ditto_v1(chunks(), "ndjson")]
    assert [e.type for e in decoded] == [i["type"] for i in items]


def test_tee_sync_from_two_threads(mock: Mock) -> None:
    client = mock.client()
    words = " ".join(f"w{i}" for i in range(100))
    text_side, event_side = client.stream_text(model=MODEL, prompt=words).tee(capacity=2)
    texts: List[str] = []
    t = threading.Thread(target=lambda: texts.extend(text_side))
    t.start()
    events = list(event_side)
    t.join(10)
    assert "".join(texts) == "echo: " + words
    assert "".join(e.text or "" for e in events if e.type == "text-delta") == "echo: " + words
    assert events[-1].type == "finish"


def test_tee_dropped_side_does_not_block(mock: Mock) -> None:
    text_side, event_side = mock.client().stream_text(model=MODEL, prompt=" ".join(["x"] * 50)).tee(capacity=1)
    text_side.close()
    assert list(event_side)[-1].type == "finish"


async def test_tee_async(mock: Mock) -> None:
    words = " ".join(f"a{i}" for i in range(60))
    text_side, event_side = mock.aclient().stream_text(model=MODEL, prompt=words).tee(capacity=2)

    async def texts() -> str:
        return "".join([t async for t in text_side])

    async def events() -> List[ditto_llm.StreamEvent]:
        return [e async for e in event_side]

    text, evs = await asyncio.gather(texts(), events())
    assert text == "echo: " + words and evs[-1].type == "finish"


def test_ui_chat_request_conversion() -> None:
    body = {
        "id": "chat-1",
        "trigger": "submit-message",
        "model": "fast",
        "temperature": 0.5,
        "messages": [
            {"id": "u1", "role": "user", "parts": [{"type": "text", "text": "Weather in Paris?"}]},
            {
                "id": "a1",
                "role": "assistant",
                "parts": [
                    {"type": "reasoning", "text": "look it up"},
                    {"type": "tool-get_weather", "toolCallId": "c1", "state": "output-available",
                     "input": {"city": "Paris"}, "output": {"celsius": 21}},
                    {"type": "text", "text": "21 C."},
                ],
            },
            {"id": "u2", "role": "user", "parts": [{"type": "text", "text": "Thanks"}]},
        ],
    }
    chat = ui_chat_request(json.dumps(body).encode())
    assert chat.id == "chat-1" and chat.model == "fast" and chat.extra == {"temperature": 0.5}
    roles = [m["role"] for m in chat.messages]
    assert roles[0] == "user" and "tool" in roles and roles[-1] == "user"
    assert len(chat.ui_messages) == 3
    with pytest.raises(ditto_llm.BadRequestError):
        ui_chat_request(b"{not json")


def test_ui_message_stream_bytes(mock: Mock) -> None:
    frames = b"".join(ui_message_stream(mock.client().stream_text(model=MODEL, prompt="hi there"))).decode()
    chunks = [json.loads(f[6:]) for f in frames.split("\n\n") if f.startswith("data: {")]
    assert chunks[0]["type"] == "start" and chunks[-1]["type"] == "finish"
    assert frames.endswith("data: [DONE]\n\n")
