"""Send the `telemetry` middleware's spans to OpenTelemetry.

>>> from opentelemetry import trace
>>> import ditto_llm, ditto_llm.otel
>>> client = ditto_llm.Ditto(aliases=..., on_span=ditto_llm.otel.span_sink())

`span_sink(tracer=None)` returns a function for `on_span` that turns each finished span record
into a real OpenTelemetry span: the record's name, kind CLIENT, its start and end times, every
attribute (lists such as `gen_ai.response.finish_reasons` as arrays, objects as JSON text), and
status ERROR with the error message (plus `error.type`) when the call failed. `tracer` defaults
to the global tracer provider's tracer `ditto_llm`.

OpenTelemetry is optional: `opentelemetry-api` is imported when `span_sink` is called, never by
`import ditto_llm`. See docs/python.md, "Sending spans to OpenTelemetry".
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Sequence, Union

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

__all__ = ["span_sink", "attribute_value"]

AttributeValue = Union[str, bool, int, float, Sequence[str], Sequence[bool], Sequence[int], Sequence[float]]
"""A value OpenTelemetry accepts as a span attribute."""

_PRIMITIVES = (bool, str, int, float)


def attribute_value(value: Any) -> Optional[AttributeValue]:
    """`value` (a JSON value of a span record's `attributes`) as an OpenTelemetry attribute value.

    str / bool / int / float are kept; a list of one primitive type becomes a tuple (ints mixed
    with floats become floats); any other list or object becomes its JSON text; `None` gives
    `None` (the attribute is left out).
    """
    if value is None:
        return None
    if isinstance(value, _PRIMITIVES):
        return value
    if isinstance(value, (list, tuple)):
        items = list(value)
        if all(isinstance(v, str) for v in items):
            return tuple(items)
        if all(isinstance(v, bool) for v in items):
            return tuple(items)
        if all(isinstance(v, int) and not isinstance(v, bool) for v in items):
            return tuple(items)
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in items):
            return tuple(float(v) for v in items)
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _import_otel() -> Any:
    try:
        from opentelemetry import trace
    except ImportError as e:  # pragma: no cover - exercised only without the package
        raise ImportError(
            "ditto_llm.otel needs the OpenTelemetry API: pip install opentelemetry-api "
            "(and opentelemetry-sdk, or another SDK, to export the spans)"
        ) from e
    return trace


def span_sink(tracer: Optional["Tracer"] = None) -> Callable[[Mapping[str, Any]], None]:
    """A function for `Ditto(on_span=...)` / `AsyncDitto(on_span=...)` that creates one
    finished OpenTelemetry span per span record, with `tracer` (default: the global tracer
    provider's tracer named `ditto_llm`). Raises ImportError when `opentelemetry-api` is not
    installed.

    The spans have no parent: the record is delivered after the call, off the caller's thread,
    so the caller's current span is not known here.
    """
    trace = _import_otel()
    if tracer is None:
        from . import __version__

        tracer = trace.get_tracer("ditto_llm", __version__)
    kind_client = trace.SpanKind.CLIENT
    status_cls = trace.Status
    error_code = trace.StatusCode.ERROR
    chosen: Any = tracer

    def sink(record: Mapping[str, Any]) -> None:
        attributes: Dict[str, AttributeValue] = {}
        for key, value in (record.get("attributes") or {}).items():
            converted = attribute_value(value)
            if converted is not None:
                attributes[str(key)] = converted
        error = record.get("error") or {}
        failed = record.get("status") == "error"
        if failed and "error.type" not in attributes:
            attributes["error.type"] = str(error.get("kind") or "error")
        start = int(record["start_unix_nanos"])
        end = max(start, int(record["end_unix_nanos"]))
        span = chosen.start_span(
            str(record.get("name") or "gen_ai"),
            kind=kind_client,
            start_time=start,
            attributes=attributes,
        )
        if failed:
            span.set_status(status_cls(error_code, str(error.get("message") or error.get("kind") or "error")))
        span.end(end_time=end)

    return sink

