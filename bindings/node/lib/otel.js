'use strict'
// OpenTelemetry bridge: an `onSpan` hook turning each finished telemetry span record into a real
// OpenTelemetry span. It takes an `@opentelemetry/api` Tracer object, so this package never
// imports OpenTelemetry itself (no dependency for users who do not trace).

const SPAN_KIND_CLIENT = 2 // SpanKind.CLIENT
const STATUS_CODE_ERROR = 2 // SpanStatusCode.ERROR

/** Unix nanoseconds (a number) as an OpenTelemetry HrTime `[seconds, nanoseconds]`. */
function hrTime(unixNanos) {
  const n = Number(unixNanos)
  if (!Number.isFinite(n) || n < 0) throw new TypeError(`span time must be non-negative unix nanoseconds, got ${unixNanos}`)
  const seconds = Math.floor(n / 1e9)
  const nanos = Math.min(999_999_999, Math.max(0, Math.round(n - seconds * 1e9)))
  return [seconds, nanos]
}

function allOf(items, check) {
  return items.every(check)
}

/**
 * A span record's attribute value (JSON) as an OpenTelemetry attribute value: strings,
 * numbers and booleans as they are, arrays of one primitive type as arrays (for
 * `gen_ai.response.finish_reasons`, `gen_ai.request.stop_sequences`), anything else as JSON
 * text; `null` / `undefined` give `undefined` (left out).
 */
function attributeValue(value) {
  if (value === null || value === undefined) return undefined
  const type = typeof value
  if (type === 'string' || type === 'boolean' || (type === 'number' && Number.isFinite(value))) return value
  if (Array.isArray(value)) {
    if (allOf(value, (v) => typeof v === 'string')) return [...value]
    if (allOf(value, (v) => typeof v === 'boolean')) return [...value]
    if (allOf(value, (v) => typeof v === 'number' && Number.isFinite(v))) return [...value]
  }
  return JSON.stringify(value)
}

/**
 * `onSpan` for `new Ditto({ onSpan })`: each record becomes one finished span of `tracer`
 * (an `@opentelemetry/api` Tracer, e.g. `trace.getTracer('my-app')`): the record's name,
 * kind CLIENT, its start and end time, its attributes, and status ERROR with the error
 * message and `error.type` when the call failed.
 */
function openTelemetrySpanSink(tracer) {
  if (!tracer || typeof tracer.startSpan !== 'function') {
    throw new TypeError('openTelemetrySpanSink(tracer): tracer must be an @opentelemetry/api Tracer (e.g. trace.getTracer("my-app"))')
  }
  return function onSpan(record) {
    const attributes = {}
    for (const [key, value] of Object.entries(record.attributes ?? {})) {
      const v = attributeValue(value)
      if (v !== undefined) attributes[key] = v
    }
    const failed = record.status === 'error'
    if (failed && attributes['error.type'] === undefined) attributes['error.type'] = record.error?.kind ?? 'error'
    const start = hrTime(record.startUnixNanos)
    const endNanos = Math.max(Number(record.startUnixNanos), Number(record.endUnixNanos))
    const span = tracer.startSpan(record.name || 'gen_ai', { kind: SPAN_KIND_CLIENT, startTime: start, attributes })
    if (failed) span.setStatus({ code: STATUS_CODE_ERROR, message: record.error?.message ?? record.error?.kind ?? 'error' })
    span.end(hrTime(endNanos))
  }
}

module.exports = { openTelemetrySpanSink, attributeValue }
