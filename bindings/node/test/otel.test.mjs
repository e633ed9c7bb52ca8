// openTelemetrySpanSink: a `telemetry` alias against the mock upstream produces real
// OpenTelemetry spans (@opentelemetry/sdk-trace-base's in-memory exporter): GenAI attributes
// with their types, CLIENT kind, the record's times, ERROR status on a failing call.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { openTelemetrySpanSink, BadRequestError } from '@ditto/llm'
import { startMock } from './helpers.mjs'

let mock
before(async () => {
  mock = await startMock()
})
after(() => mock.stop())

const aliases = { traced: { model: 'openai:gpt-4o-mini', middleware: [{ type: 'telemetry', functionId: 'otel-test' }] } }

/** An exporter, the raw records, and a client whose onSpan feeds both. */
function traced() {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  const sink = openTelemetrySpanSink(provider.getTracer('ditto-test'))
  const records = []
  const ditto = mock.client(['openai'], {}, { aliases, onSpan: (r) => { records.push(r); sink(r) } })
  return { exporter, records, ditto }
}

async function finished(exporter, n) {
  for (let i = 0; i < 200 && exporter.getFinishedSpans().length < n; i++) await new Promise((r) => setTimeout(r, 10))
  const spans = exporter.getFinishedSpans()
  assert.equal(spans.length, n)
  return spans
}

const nanos = ([s, ns]) => s * 1e9 + ns

test('generate and stream become CLIENT spans with the GenAI attributes and the record times', async () => {
  const { exporter, records, ditto } = traced()
  const r = await ditto.generateText({ model: 'traced', prompt: 'trace me', temperature: 0.5, stopSequences: ['END', 'STOP'], maxOutputTokens: 40 })
  assert.equal(r.text, 'echo: trace me')
  const types = []
  for await (const ev of ditto.streamText({ model: 'traced', prompt: 'stream me' })) types.push(ev.type)
  assert.equal(types.at(-1), 'finish')
  const spans = await finished(exporter, 2)
  spans.forEach((span, i) => {
    const record = records[i]
    assert.equal(span.name, 'gen_ai.chat')
    assert.equal(span.kind, SpanKind.CLIENT)
    assert.equal(span.status.code, SpanStatusCode.UNSET)
    assert.equal(span.parentSpanContext, undefined)
    assert.ok(Math.abs(nanos(span.startTime) - record.startUnixNanos) < 1000)
    assert.ok(Math.abs(nanos(span.endTime) - record.endUnixNanos) < 1000)
    assert.ok(nanos(span.startTime) <= nanos(span.endTime))
    const a = span.attributes
    assert.equal(a['gen_ai.operation.name'], 'chat')
    assert.equal(a['gen_ai.provider.name'], 'openai')
    assert.equal(a['gen_ai.request.model'], 'gpt-4o-mini')
    assert.equal(a['ditto.function_id'], 'otel-test')
    assert.deepEqual(a['gen_ai.response.finish_reasons'], ['stop'])
    assert.equal(typeof a['gen_ai.usage.input_tokens'], 'number')
    assert.equal(a['gen_ai.usage.output_tokens'], 3)
  })
  const [generate, stream] = spans.map((s) => s.attributes)
  assert.equal(generate['gen_ai.request.temperature'], 0.5)
  assert.equal(generate['gen_ai.request.max_tokens'], 40)
  assert.deepEqual(generate['gen_ai.request.stop_sequences'], ['END', 'STOP'])
  assert.equal(stream['ditto.stream'], true)
  assert.equal(typeof stream['ditto.time_to_first_chunk_ms'], 'number')
  assert.ok(nanos(spans[0].endTime) <= nanos(spans[1].startTime))
})

test('a failing call is an ERROR span with the message and error.type', async () => {
  const { exporter, records, ditto } = traced()
  await assert.rejects(ditto.generateText({ model: 'traced', prompt: 'fail', headers: { 'x-mock-status': '400' }, maxRetries: 0 }), BadRequestError)
  const [span] = await finished(exporter, 1)
  assert.equal(span.kind, SpanKind.CLIENT)
  assert.equal(span.status.code, SpanStatusCode.ERROR)
  assert.equal(records[0].status, 'error')
  assert.ok(span.status.message && span.status.message === records[0].error.message)
  assert.equal(span.attributes['error.type'], records[0].error.kind)
})

test('the global tracer works, and a non-tracer is a TypeError', async () => {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  assert.ok(trace.setGlobalTracerProvider(provider))
  try {
    const sink = openTelemetrySpanSink(trace.getTracer('global'))
    sink({ name: 'gen_ai.chat', attributes: { 'x.obj': { a: 1 }, 'x.mixed': [1, 'a'], 'x.null': null }, startUnixNanos: 1_700_000_000_123_456_789, endUnixNanos: 1_700_000_001_000_000_000, durationMs: 876, status: 'error', error: { kind: 'rate_limited', message: 'slow down' } })
    const [span] = exporter.getFinishedSpans()
    assert.deepEqual(span.startTime[0], 1_700_000_000)
    assert.deepEqual(span.endTime, [1_700_000_001, 0])
    assert.equal(span.attributes['x.obj'], '{"a":1}')
    assert.equal(span.attributes['x.mixed'], '[1,"a"]')
    assert.equal('x.null' in span.attributes, false)
    assert.equal(span.attributes['error.type'], 'rate_limited')
    assert.deepEqual(span.status, { code: SpanStatusCode.ERROR, message: 'slow down' })
  } finally {
    trace.disable()
  }
  assert.throws(() => openTelemetrySpanSink({}), TypeError)
})
