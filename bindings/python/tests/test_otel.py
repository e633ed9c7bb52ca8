"""`ditto_llm.otel.span_sink`: a `telemetry` alias against the mock upstream produces real
OpenTelemetry spans (opentelemetry-sdk's in-memory exporter): GenAI attributes with their
types, CLIENT kind, the record's times, ERROR status on a failing call; sync and async."""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, Dict, List, Mapping, Tuple

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

import ditto_llm
from ditto_llm.otel import attribute_value, span_sink
from conftest import Mock

TRACED = {"model": "openai:gpt-4o-mini", "middleware": [{"type": "telemetry", "function_id": "otel-test"}]}


def tracing() -> Tuple[InMemorySpanExporter, List[Mapping[str, Any]], Callable[[Mapping[str, Any]], None]]:
    """An exporter, the raw records, and an `on_span` hook feeding both."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    sink = span_sink(provider.get_tracer("ditto-test"))
    records: List[Mapping[str, Any]] = []

    def hook(record: Mapping[str, Any]) -> None:
        records.append(record)
        sink(record)

    return exporter, records, hook


def finished(exporter: InMemorySpanExporter, n: int) -> List[ReadableSpan]:
    for _ in range(200):
        spans = list(exporter.get_finished_spans())
        if len(spans) >= n:
            return spans
        time.sleep(0.01)
    raise AssertionError(f"expected {n} spans, got {len(exporter.get_finished_spans())}")


def attrs(span: ReadableSpan) -> Dict[str, Any]:
    return dict(span.attributes or {})


def test_generate_and_stream_become_client_spans(mock: Mock) -> None:
    exporter, records, hook = tracing()
    client = mock.client(aliases={"traced": TRACED}, on_span=hook)
    r = client.generate_text(model="traced", prompt="trace me", temperature=0.5, stop=["END", "STOP"], max_output_tokens=40)
    assert r.text == "echo: trace me"
    events = list(client.stream_text(model="traced", prompt="stream me"))
    assert events[-1].type == "finish"
    spans = finished(exporter, 2)
    assert len(spans) == 2 and len(records) == 2
    for span, record in zip(spans, records):
        assert span.name == record["name"] == "gen_ai.chat"
        assert span.kind == SpanKind.CLIENT
        assert span.status.status_code == StatusCode.UNSET
        assert span.start_time == record["start_unix_nanos"] and span.end_time == record["end_unix_nanos"]
        assert span.start_time is not None and span.end_time is not None and span.start_time <= span.end_time
        assert span.parent is None
        a = attrs(span)
        assert a["gen_ai.operation.name"] == "chat" and a["gen_ai.provider.name"] == "openai"
        assert a["gen_ai.request.model"] == "gpt-4o-mini" and a["ditto.function_id"] == "otel-test"
        assert a["gen_ai.response.finish_reasons"] == ("stop",)
        assert isinstance(a["gen_ai.usage.input_tokens"], int) and a["gen_ai.usage.output_tokens"] == 3
    generate, stream = (attrs(s) for s in spans)
    assert generate["gen_ai.request.temperature"] == 0.5 and generate["gen_ai.request.max_tokens"] == 40
    assert generate["gen_ai.request.stop_sequences"] == ("END", "STOP")
    assert "ditto.stream" not in generate or generate["ditto.stream"] is False
    assert stream["ditto.stream"] is True and isinstance(stream["ditto.time_to_first_chunk_ms"], (int, float))
    assert spans[0].end_time is not None and spans[1].start_time is not None and spans[0].end_time <= spans[1].start_time


def test_failing_call_is_an_error_span(mock: Mock) -> None:
    exporter, records, hook = tracing()
    client = mock.client(aliases={"traced": TRACED}, on_span=hook)
    with pytest.raises(ditto_llm.BadRequestError):
        client.generate_text(model="traced", prompt="fail", headers={"x-mock-status": "400"}, max_retries=0)
    (span,) = finished(exporter, 1)
    assert span.kind == SpanKind.CLIENT and span.status.status_code == StatusCode.ERROR
    assert records[0]["status"] == "error"
    assert span.status.description == records[0]["error"]["message"] and span.status.description
    assert attrs(span)["error.type"] == records[0]["error"]["kind"] == "invalid_request"


async def test_async_client_stream(mock: Mock) -> None:
    exporter, _, hook = tracing()
    client = mock.aclient(aliases={"traced": TRACED}, on_span=hook)
    types = [e.type async for e in client.stream_text(model="traced", prompt="async otel")]
    assert types[-1] == "finish"
    (span,) = finished(exporter, 1)
    assert span.kind == SpanKind.CLIENT and attrs(span)["ditto.stream"] is True


def test_attribute_values() -> None:
    assert attribute_value("x") == "x" and attribute_value(3) == 3 and attribute_value(True) is True
    assert attribute_value(None) is None
    assert attribute_value(["stop", "length"]) == ("stop", "length")
    assert attribute_value([1, 2.5]) == (1.0, 2.5) and attribute_value([1, 2]) == (1, 2)
    assert attribute_value([True, 1]) == "[true,1]"
    assert attribute_value({"b": 1, "a": [None]}) == '{"a":[null],"b":1}'


def test_missing_opentelemetry_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry", None)
    with pytest.raises(ImportError, match="opentelemetry-api"):
        span_sink()
