"""Images, transcription and speech over real sockets (the mock's deterministic answers):
results, the request sent, audio input forms, errors and cancellation — sync and async."""

from __future__ import annotations

import asyncio
import base64
import time
from typing import Any, Dict

import pytest

import ditto_llm
from conftest import Mock

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def last_body(mock: Mock, scenario: str) -> Dict[str, Any]:
    reqs = mock.requests(scenario)
    assert reqs, "no request recorded"
    body: Dict[str, Any] = reqs[-1]["body"]
    return body


def test_generate_image(mock: Mock) -> None:
    key = mock.push([{}])
    client = mock.client(scenario=key)
    r = client.generate_image(
        model="openai:gpt-image-1",
        prompt="a red circle",
        n=2,
        size="256x256",
        provider_options={"openai": {"quality": "low"}},
    )
    assert isinstance(r, ditto_llm.ImageResult) and len(r) == 2
    img = r.images[0]
    assert isinstance(img, ditto_llm.GeneratedImage)
    assert img.media_type == "image/png" and img.revised_prompt == "mock: a red circle"
    assert img.data.startswith(PNG_MAGIC) and base64.b64decode(img.base64) == img.data
    d = r.to_dict()
    assert d["images"][1]["media_type"] == "image/png" and d["warnings"] == []
    assert img.to_dict()["base64"] == img.base64
    body = last_body(mock, key)
    assert (body["prompt"], body["n"], body["size"], body["quality"]) == ("a red circle", 2, "256x256", "low")
    assert "ImageResult(images=<2>)" == repr(r)


def test_transcribe_audio_forms(mock: Mock) -> None:
    client = mock.client()
    audio = b"RIFF\x00\x01\x02\x03"
    b64 = base64.b64encode(audio).decode()
    forms: list[Any] = [
        audio,
        bytearray(audio),
        memoryview(audio),
        b64,
        f"data:audio/wav;base64,{b64}",
        {"base64": b64},
        {"url": f"data:audio/wav;base64,{b64}"},
    ]
    for form in forms:
        r = client.transcribe(model="openai:whisper-1", audio=form, media_type="audio/wav", language="en")
        assert isinstance(r, ditto_llm.TranscriptionResult)
        assert r.text == f"mock transcript of {len(audio)} bytes", form
    assert r.language == "english" and r.duration_seconds == 1.5
    seg = r.segments[0]
    assert isinstance(seg, ditto_llm.TranscriptSegment)
    assert (seg.start, seg.end, seg.text) == (0.0, 1.5, r.text)
    assert r.to_dict()["segments"][0] == {"text": r.text, "start": 0.0, "end": 1.5}
    with pytest.raises(TypeError, match="audio"):
        client.transcribe(model="openai:whisper-1", audio=12, media_type="audio/wav")  # type: ignore[arg-type]


def test_generate_speech(mock: Mock) -> None:
    key = mock.push([{}])
    client = mock.client(scenario=key)
    r = client.generate_speech(
        model="openai:gpt-4o-mini-tts",
        text="hello there",
        voice="verse",
        speed=1.25,
        instructions="cheerfully",
    )
    assert isinstance(r, ditto_llm.SpeechResult)
    assert isinstance(r.audio, bytes) and r.audio == b"ID3hello there"
    assert r.media_type == "audio/mpeg" and r.warnings == []
    assert base64.b64decode(r.audio_base64) == r.audio
    assert r.to_dict() == {"audio_base64": r.audio_base64, "media_type": "audio/mpeg", "warnings": []}
    body = last_body(mock, key)
    assert body["input"] == "hello there" and body["voice"] == "verse" and body["response_format"] == "mp3"
    assert body["speed"] == 1.25 and body["instructions"] == "cheerfully"

    key = mock.push([{}])
    w = mock.client(scenario=key).generate_speech(model="openai:tts-1", text="wav please", output_format="wav")
    assert w.media_type == "audio/wav" and last_body(mock, key)["response_format"] == "wav"


async def test_media_async(mock: Mock) -> None:
    client = mock.aclient()
    img, text, speech = await asyncio.gather(
        client.generate_image(model="openai:gpt-image-1", prompt="async"),
        client.transcribe(model="openai:whisper-1", audio=b"abc", media_type="audio/mpeg"),
        client.generate_speech(model="openai:tts-1", text="async speech"),
    )
    assert img.images[0].revised_prompt == "mock: async"
    assert text.text == "mock transcript of 3 bytes"
    assert speech.audio == b"ID3async speech"


def test_media_errors(mock: Mock) -> None:
    key = mock.push([{"status": 429, "retry_after_ms": 1500}])
    with pytest.raises(ditto_llm.RateLimitError) as info:
        mock.client(scenario=key, max_retries=0).generate_speech(model="openai:tts-1", text="hi")
    assert info.value.status == 429 and info.value.retry_after == 1.5
    key = mock.push([{"status": 401}])
    with pytest.raises(ditto_llm.AuthenticationError):
        mock.client(scenario=key).generate_image(model="openai:gpt-image-1", prompt="x")
    key = mock.push([{"status": 500}])
    with pytest.raises(ditto_llm.InternalServerError):
        mock.client(scenario=key, max_retries=0).transcribe(model="openai:whisper-1", audio=b"x", media_type="audio/wav")
    client = mock.client()
    # Rejected by the core before any request.
    with pytest.raises(ditto_llm.BadRequestError, match="flac|mp3"):
        client.generate_speech(model="openai:tts-1", text="hi", output_format="midi")
    with pytest.raises(ditto_llm.BadRequestError):
        client.generate_speech(model="openai:tts-1", text="")
    with pytest.raises(ditto_llm.BadRequestError, match="headers"):
        client.generate_image(model="openai:gpt-image-1", prompt="x", headers={"a": 1})  # type: ignore[dict-item]
    with pytest.raises(ditto_llm.ConfigError, match="nobody"):
        client.generate_speech(model="nobody:tts", text="hi")


async def test_media_errors_async(mock: Mock) -> None:
    key = mock.push([{"status": 400}])
    with pytest.raises(ditto_llm.BadRequestError) as info:
        await mock.aclient(scenario=key).transcribe(model="openai:whisper-1", audio=b"x", media_type="audio/wav")
    assert info.value.status == 400


async def test_media_cancel(mock: Mock) -> None:
    start = time.monotonic()
    key = mock.push([{"latency_ms": 5000}])
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(mock.aclient(scenario=key).generate_speech(model="openai:tts-1", text="slow"), 0.2)
    key = mock.push([{"latency_ms": 5000}])
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(mock.aclient(scenario=key).generate_image(model="openai:gpt-image-1", prompt="slow"), 0.2)
    assert time.monotonic() - start < 3
