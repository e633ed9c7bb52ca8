"""`POST /v1/ui/chat` read by the real `ai` package (tests/ui-reader/read.mjs, readUIMessageStream)."""

import json
import os
import pathlib
import subprocess

from conftest import KEYS

READER = pathlib.Path(__file__).resolve().parents[3] / "tests" / "ui-reader" / "read.mjs"


def read_ui(gateway, tmp_path, body, key="team"):
    """POST `body` to /v1/ui/chat through read.mjs; (exit code, assembled message or None, stderr)."""
    request = tmp_path / "request.json"
    request.write_text(json.dumps(body))
    p = subprocess.run(
        [
            os.environ.get("NODE", "node"),
            str(READER),
            "--url",
            gateway["url"] + "/v1/ui/chat",
            "--body",
            str(request),
            "--header",
            f"authorization: Bearer {KEYS.get(key, key)}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    message = json.loads(p.stdout) if p.stdout.strip() else None
    return p.returncode, message, p.stderr


def use_chat_body(model, text):
    return {
        "id": "chat-py",
        "trigger": "submit-message",
        "model": model,
        "messages": [{"id": "u1", "role": "user", "parts": [{"type": "text", "text": text}]}],
    }


def parts_of(message, kind):
    return [p for p in message["parts"] if p["type"] == kind]


def test_text_from_a_passthrough_backend(gateway, tmp_path):
    rc, msg, err = read_ui(gateway, tmp_path, use_chat_body("gpt-4o-mini", "hello ui reader"))
    assert rc == 0, err
    assert msg["role"] == "assistant"
    assert [p["text"] for p in parts_of(msg, "text")] == ["echo: hello ui reader"]
    assert parts_of(msg, "step-start")


def test_reasoning_text_and_tool_parts(gateway, tmp_path):
    rc, msg, err = read_ui(gateway, tmp_path, use_chat_body("ui-reasoner", "weather in Paris?"))
    assert rc == 0, err
    reasoning = parts_of(msg, "reasoning")
    assert len(reasoning) == 1
    assert reasoning[0]["text"] == "The user wants the weather in Paris; I should call the tool."
    assert reasoning[0]["state"] == "done"
    assert [p["text"] for p in parts_of(msg, "text")] == ["Let me check the weather in Paris."]
    tools = parts_of(msg, "tool-get_weather")
    assert len(tools) == 1
    assert tools[0]["toolCallId"] == "toolu_ui_01"
    assert tools[0]["state"] == "input-available"
    assert tools[0]["input"] == {"city": "Paris"}
    # Order as streamed: step, reasoning, text, tool.
    assert [p["type"] for p in msg["parts"]] == [
        "step-start",
        "reasoning",
        "text",
        "tool-get_weather",
    ]


def test_the_builtin_mock_backend(gateway, tmp_path):
    rc, msg, err = read_ui(gateway, tmp_path, use_chat_body("mock", "native path"))
    assert rc == 0, err
    assert [p["text"] for p in parts_of(msg, "text")] == ["echo: native path"]


def test_a_wrong_key_is_rejected_before_the_stream(gateway, tmp_path):
    rc, msg, err = read_ui(gateway, tmp_path, use_chat_body("gpt-4o-mini", "hi"), key="sk-nope")
    assert rc == 1
    assert msg is None
    assert "HTTP 401" in err
