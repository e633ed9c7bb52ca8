"""Type-checked (mypy --strict) but not run: the documented API must type-check as written."""

from __future__ import annotations

from typing import Dict, List, Optional

from pydantic import BaseModel

import ditto_llm
from ditto_llm.types import FinishReason


class Person(BaseModel):
    name: str
    born: int


def sync_usage(client: ditto_llm.Ditto) -> str:
    r: ditto_llm.GenerateTextResult = client.generate_text(
        model="openai:gpt-4o-mini",
        prompt="Hi",
        system=None,
        messages=[{"role": "user", "content": "Hello"}],
        tools=[Person, {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
        tool_choice="auto",
        max_output_tokens=100,
        temperature=0.2,
        response_format=Person,
    )
    reason: FinishReason = r.finish_reason
    tokens: Optional[int] = r.usage.input_tokens
    names: List[str] = [c.tool_name for c in r.tool_calls]
    out = f"{r.text} {reason} {tokens} {names} {[w.type for w in r.warnings]}"
    for ev in client.stream_text(model="openai:gpt-4o-mini", prompt="Hi"):
        if ev.type == "text-delta" and ev.text is not None:
            out += ev.text
        elif ev.type == "finish" and ev.usage is not None:
            out += str(ev.usage.output_tokens) + str(ev.finish_reason)
    e = client.embed(model="openai:text-embedding-3-small", input=["a", "b"])
    vectors: List[List[float]] = e.embeddings
    return out + str(len(vectors))


async def async_usage(client: ditto_llm.AsyncDitto) -> str:
    r = await client.generate_text(model="openai:gpt-4o-mini", prompt="Hi")
    text = r.text
    async with client.stream_text(model="openai:gpt-4o-mini", prompt="Hi") as s:
        async for ev in s:
            text += ev.text or ""
    e = await client.embed(model="openai:text-embedding-3-small", input="a")
    return text + str(e.embeddings[0][0])


def errors(client: ditto_llm.Ditto) -> Optional[float]:
    try:
        client.generate_text(model="openai:gpt-4o-mini", prompt="Hi")
    except ditto_llm.RateLimitError as err:
        return err.retry_after
    except ditto_llm.APIStatusError as err:
        return float(err.status or 0)
    except ditto_llm.DittoError as err:
        print(err.kind, err.to_dict())
    return None


CLIENT = ditto_llm.Ditto({"openai": {"api_key": "sk-...", "base_url": "http://127.0.0.1:9000/v1"}}, timeout=30)
ACLIENT = ditto_llm.AsyncDitto(from_env=True, max_retries=3)


def media_usage(client: ditto_llm.Ditto) -> bytes:
    img: ditto_llm.ImageResult = client.generate_image(model="openai:gpt-image-1", prompt="a cat", n=1, size="1024x1024")
    png: bytes = img.images[0].data
    t: ditto_llm.TranscriptionResult = client.transcribe(
        model="openai:whisper-1", audio=png, media_type="audio/wav", language="en"
    )
    starts: List[float] = [s.start for s in t.segments]
    s: ditto_llm.SpeechResult = client.generate_speech(
        model="openai:gpt-4o-mini-tts", text=t.text + str(starts), voice="alloy", output_format="mp3"
    )
    return s.audio


async def async_media_usage(client: ditto_llm.AsyncDitto) -> str:
    img = await client.generate_image(model="openai:gpt-image-1", prompt="a cat")
    t = await client.transcribe(model="openai:whisper-1", audio={"base64": img.images[0].base64}, media_type="audio/mpeg")
    s = await client.generate_speech(model="openai:tts-1", text=t.text, speed=1.0, instructions="calm")
    return s.media_type + str(len(s.audio))


@ditto_llm.tool
def get_weather(city: str) -> Dict[str, object]:
    """Current weather in a city."""
    return {"city": city}


async def convert(input: Dict[str, float]) -> Dict[str, float]:
    return {"value": input["celsius"] * 9 / 5 + 32}


def agent_usage(client: ditto_llm.Ditto) -> str:
    conv = ditto_llm.tool(name="convert", parameters={"type": "object"}, execute=convert, needs_approval=True)
    r = client.generate_text(
        model="openai:gpt-4o-mini",
        prompt="Weather?",
        tools=[get_weather, conv],
        stop_when=[ditto_llm.step_count_is(3), ditto_llm.has_tool_call("convert"), lambda steps: len(steps) > 4],
        max_steps=5,
    )
    steps: List[ditto_llm.StepResult] = r.steps
    for a in r.pending_approvals:
        client.generate_text(
            model="openai:gpt-4o-mini",
            messages=[{"role": "user", "content": "Weather?"}, *r.response_messages],
            tools=[get_weather, conv],
            approvals=[{"approval_id": a["approval_id"], "approved": True}],
        )
    return f"{r.text} {r.total_usage.total_tokens} {[s.tool_results for s in steps]}"


def object_usage(client: ditto_llm.Ditto) -> str:
    r = client.generate_object(model="openai:gpt-4o-mini", prompt="Who?", schema=Person)
    person: Person = r.object
    raw = r.raw
    s = client.stream_object(
        model="openai:gpt-4o-mini", prompt="Who?", schema={"type": "object"}, mode="json", repair=lambda t, e: None
    )
    partials = [p for p in s.partial_object_stream]
    e = client.generate_object(model="openai:gpt-4o-mini", prompt="?", output="enum", enum=["a", "b"])
    try:
        client.generate_object(model="openai:gpt-4o-mini", prompt="?", output="no-schema")
    except ditto_llm.NoObjectGeneratedError as err:
        return f"{err.text} {err.usage} {err.finish_reason}"
    return f"{person.name} {raw} {partials} {e.object}"


async def async_object_usage(client: ditto_llm.AsyncDitto) -> str:
    r = await client.generate_object(model="openai:gpt-4o-mini", prompt="Who?", schema=Person)
    out = str(r.object)
    async for ev in client.stream_object(model="openai:gpt-4o-mini", prompt="?", schema=Person, output="array"):
        if ev.type == "element":
            out += str(ev.element)
    res = await client.stream_object(model="openai:gpt-4o-mini", prompt="?", schema=Person).collect()
    return out + str(res.usage.total_tokens)


class MemoStore:
    def __init__(self) -> None:
        self.data: Dict[str, bytes] = {}

    def get(self, key: str) -> Optional[bytes]:
        return self.data.get(key)

    def put(self, key: str, value: bytes) -> None:
        self.data[key] = value


def middleware_usage() -> str:
    spans: List[object] = []
    client = ditto_llm.Ditto(
        aliases={
            "fast": {
                "model": "openai:gpt-4o-mini",
                "middleware": [{"type": "cache", "ttl_ms": 60_000}, {"type": "extract-reasoning", "tag_name": "think"}],
            }
        },
        cache_store=MemoStore(),
        on_span=spans.append,
    )
    return client.generate_text(model="fast", prompt="Hi").text + str(client.aliases)


def protocol_usage(client: ditto_llm.Ditto) -> bytes:
    from ditto_llm.protocol import decode_ditto_v1, encode_ditto_v1, ui_chat_request, ui_message_stream

    body = b"".join(encode_ditto_v1(client.stream_text(model="openai:gpt-4o-mini", prompt="Hi"), "ndjson"))
    events: List[ditto_llm.StreamEvent] = list(decode_ditto_v1([body], "ndjson"))
    chat = ui_chat_request(b'{"id": "c", "messages": []}')
    ui = b"".join(ui_message_stream(client.stream_text(model="fast", messages=chat.messages), version="v5"))
    text_side, event_side = client.stream_text(model="openai:gpt-4o-mini", prompt="Hi").tee(capacity=8)
    words: List[str] = list(text_side)
    return ui + str(len(events) + len(words) + len(list(event_side))).encode()


async def web_usage(client: ditto_llm.AsyncDitto) -> object:
    from starlette.requests import Request
    from starlette.responses import StreamingResponse

    from ditto_llm.web import ditto_v1_response, read_ui_chat_request, ui_message_response

    async def endpoint(request: Request) -> StreamingResponse:
        chat = await read_ui_chat_request(request)
        stream = client.stream_text(model=chat.model or "openai:gpt-4o-mini", messages=chat.messages)
        return ui_message_response(stream, version="v6", send_sources=True)

    text_side, events = client.stream_text(model="openai:gpt-4o-mini", prompt="Hi").tee()
    async for t in text_side:
        print(t)
    return endpoint, ditto_v1_response(events, framing="sse")
