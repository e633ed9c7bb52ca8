"""The Starlette/FastAPI helper served by uvicorn on 127.0.0.1, read by the real `ai` package
(`node tests/ui-reader/read.mjs`): text, reasoning and tool parts of an agent run, from the
async and the sync client; and the Ditto v1 response helper."""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import threading
import time
import urllib.request
from typing import Any, Dict, Iterator, List

import pytest
import uvicorn
from fastapi import FastAPI, Request
from starlette.responses import StreamingResponse

import ditto_llm
from ditto_llm.web import ditto_v1_response, read_ui_chat_request, ui_message_response
from conftest import ROOT, Mock

READER = ROOT / "tests/ui-reader/read.mjs"
PLAN = 'Weather in Paris? plan: call:get_weather {"city":"Paris"} | <think>21 C is mild</think>It is sunny in Paris.'


@ditto_llm.tool
def get_weather(city: str) -> Dict[str, Any]:
    """Current weather in a city."""
    return {"city": city, "celsius": 21}


def make_app(mock: Mock) -> FastAPI:
    aliases = {"thinker": {"model": "openai:gpt-4o-mini", "middleware": [{"type": "extract-reasoning"}]}}
    aclient = mock.aclient(aliases=aliases)
    client = mock.client(aliases=aliases)
    app = FastAPI()

    @app.post("/api/chat")
    async def chat(request: Request) -> StreamingResponse:
        body = await read_ui_chat_request(request)
        stream = aclient.stream_text(
            model=body.model or "thinker", messages=body.messages, tools=[get_weather], stop_when=[ditto_llm.step_count_is(3)]
        )
        return ui_message_response(stream, message_id="msg-1")

    @app.post("/api/chat-sync")
    def chat_sync(request: Request) -> StreamingResponse:
        stream = client.stream_text(model="thinker", prompt=PLAN, tools=[get_weather], stop_when=[ditto_llm.step_count_is(3)])
        return ui_message_response(stream)

    @app.post("/api/ditto")
    async def ditto(request: Request) -> StreamingResponse:
        return ditto_v1_response(aclient.stream_text(model="thinker", prompt="<think>x</think>y"), framing="ndjson")

    return app


@pytest.fixture()
def server(mock: Mock) -> Iterator[str]:
    config = uvicorn.Config(make_app(mock), host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 10
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert srv.started
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    t.join(5)


def read_ui(url: str, body: Dict[str, Any], tmp_path: pathlib.Path) -> Dict[str, Any]:
    if shutil.which("node") is None:
        pytest.fail("node is needed for the UI reader test (tests/ui-reader)")
    req = tmp_path / "request.json"
    req.write_text(json.dumps(body))
    out = subprocess.run(
        ["node", str(READER), "--url", url, "--body", str(req)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    message: Dict[str, Any] = json.loads(out.stdout)
    return message


def check_parts(message: Dict[str, Any]) -> None:
    parts: List[Dict[str, Any]] = message["parts"]
    types = [p["type"] for p in parts]
    assert "tool-get_weather" in types, types
    tool = next(p for p in parts if p["type"] == "tool-get_weather")
    assert tool["state"] == "output-available" and tool["input"] == {"city": "Paris"}
    assert tool["output"] == {"city": "Paris", "celsius": 21}
    reasoning = [p for p in parts if p["type"] == "reasoning"]
    assert reasoning and reasoning[0]["text"] == "21 C is mild"
    texts = [p["text"] for p in parts if p["type"] == "text"]
    assert texts and texts[-1] == "It is sunny in Paris."
    assert types.count("step-start") == 2


def test_ui_stream_read_by_the_ai_package(server: str, tmp_path: pathlib.Path) -> None:
    body = {
        "id": "chat-1",
        "trigger": "submit-message",
        "messages": [{"id": "u1", "role": "user", "parts": [{"type": "text", "text": PLAN}]}],
    }
    message = read_ui(server + "/api/chat", body, tmp_path)
    assert message["role"] == "assistant" and message["id"] == "msg-1"
    check_parts(message)


def test_ui_stream_from_the_sync_client(server: str, tmp_path: pathlib.Path) -> None:
    check_parts(read_ui(server + "/api/chat-sync", {"id": "c", "messages": []}, tmp_path))


def test_ui_headers_and_ditto_v1_response(server: str) -> None:
    req = urllib.request.Request(server + "/api/chat-sync", data=b"{}", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.headers["x-vercel-ai-ui-message-stream"] == "v1"
        assert resp.headers["content-type"].startswith("text/event-stream")
        assert resp.read().endswith(b"data: [DONE]\n\n")
    req = urllib.request.Request(server + "/api/ditto", data=b"{}", method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in resp.read().decode().splitlines()]
    assert [line["type"] for line in lines][0] == "start" and all(line["v"] == 1 for line in lines)
    assert any(line["type"] == "reasoning-delta" for line in lines)
