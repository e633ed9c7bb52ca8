// streamText: async iteration, web ReadableStreams, collect(), laziness, raw chunks and
// failures in the middle of a stream.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { APITimeoutError, DittoError, StreamError, StreamTextResult } from '@ditto/llm'
import { startMock, chatChunks } from './helpers.mjs'

let mock
let ditto
before(async () => {
  mock = await startMock()
  ditto = mock.client(['openai'])
})
after(() => mock.stop())

const model = 'openai:gpt-4o-mini'

test('for await yields the AI SDK fullStream events in order', async () => {
  const s = ditto.streamText({ model, prompt: 'one two three' })
  assert.ok(s instanceof StreamTextResult)
  const events = []
  for await (const ev of s) events.push(ev)
  const types = events.map((e) => e.type)
  assert.deepEqual(types.slice(0, 3), ['start', 'start-step', 'text-start'])
  assert.deepEqual(types.slice(-3), ['text-end', 'finish-step', 'finish'])
  const text = events.filter((e) => e.type === 'text-delta').map((e) => e.text).join('')
  assert.equal(text, 'echo: one two three')
  const finish = events.at(-1)
  assert.equal(finish.finishReason, 'stop')
  assert.equal(finish.totalUsage.outputTokens, 4)
  assert.equal(events.at(-2).usage.inputTokens, 3)
})

test('fullStream is a web ReadableStream of the same events', async () => {
  const s = ditto.streamText({ model, prompt: 'readable stream' })
  const stream = s.fullStream
  assert.ok(stream instanceof ReadableStream)
  const reader = stream.getReader()
  const types = []
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    types.push(value.type)
  }
  assert.equal(types[0], 'start')
  assert.equal(types.at(-1), 'finish')
  assert.equal(types.filter((t) => t === 'text-delta').length, 3)
})

test('textStream yields only the text', async () => {
  let text = ''
  for await (const piece of ditto.streamText({ model, prompt: 'just words' }).textStream) {
    assert.equal(typeof piece, 'string')
    text += piece
  }
  assert.equal(text, 'echo: just words')
})

test('collect() folds the stream', async () => {
  const r = await ditto.streamText({ model, prompt: 'collect me' }).collect()
  assert.equal(r.text, 'echo: collect me')
  assert.equal(r.finishReason, 'stop')
  assert.equal(r.usage.totalTokens, 5)
  assert.equal(r.events[0].type, 'start')
})

test('a stream can be read once', async () => {
  const s = ditto.streamText({ model, prompt: 'once' })
  for await (const _ of s) break
  assert.throws(() => s[Symbol.asyncIterator](), (e) => e instanceof DittoError && e.code === 'invalid_request')
  assert.throws(() => s.fullStream, DittoError)
})

test('the request starts on the first read, not before', async () => {
  const key = 'stream-lazy'
  const s = ditto.streamText({ model, prompt: 'lazy', headers: { 'x-mock-scenario': key } })
  await new Promise((r) => setTimeout(r, 100))
  assert.equal((await mock.requests(key)).length, 0)
  await s.collect()
  const [req] = await mock.requests(key)
  assert.equal(req.body.stream, true)
  assert.deepEqual(req.body.stream_options, { include_usage: true })
})

test('a long stream arrives complete and in order', async () => {
  const pieces = Array.from({ length: 1500 }, (_, i) => `w${i} `)
  await mock.pushScenario('stream-long', [{ sse: chatChunks(pieces) }])
  const s = ditto.streamText({ model, prompt: 'x', headers: { 'x-mock-scenario': 'stream-long' } })
  const deltas = []
  for await (const ev of s) if (ev.type === 'text-delta') deltas.push(ev.text)
  assert.equal(deltas.join(''), pieces.join(''))
})

test('includeRawChunks adds raw provider chunks', async () => {
  const events = []
  for await (const ev of ditto.streamText({ model, prompt: 'raw', includeRawChunks: true })) events.push(ev)
  const raw = events.filter((e) => e.type === 'raw')
  assert.ok(raw.length >= 3)
  assert.equal(raw[0].rawValue.object, 'chat.completion.chunk')
})

test('a stream cut before its end fails with StreamError after the events before it', async () => {
  const s = ditto.streamText({
    model,
    prompt: 'a b c d e f g',
    maxRetries: 0,
    headers: { 'x-mock-truncate-after-chunks': '4' },
  })
  const events = []
  await assert.rejects(
    (async () => {
      for await (const ev of s) events.push(ev)
    })(),
    (e) => e instanceof StreamError && e.code === 'stream',
  )
  assert.ok(events.some((e) => e.type === 'text-delta'), 'events before the failure are delivered')
  assert.ok(!events.some((e) => e.type === 'finish'))
})

test('a connection reset mid-stream is an error, not a hang', async () => {
  const s = ditto.streamText({ model, prompt: 'a b c d e f g', headers: { 'x-mock-reset-after-chunks': '3' } })
  await assert.rejects(
    (async () => {
      for await (const _ of s);
    })(),
    (e) => e instanceof DittoError && ['stream', 'connection'].includes(e.code),
  )
})

test('options errors surface on the first read', async () => {
  const s = ditto.streamText({ model, prompt: 'x', temperature: 'hot' })
  await assert.rejects(
    (async () => {
      for await (const _ of s);
    })(),
    /`temperature` must be a number/,
  )
})

test('overlapping next() calls get every event once, in order', async () => {
  const it = ditto.streamText({ model, prompt: 'a b c d e f g h' })[Symbol.asyncIterator]()
  const results = await Promise.all(Array.from({ length: 20 }, () => it.next()))
  const events = results.filter((r) => !r.done).map((r) => r.value)
  assert.equal(events[0].type, 'start')
  assert.equal(events.at(-1).type, 'finish')
  assert.equal(events.filter((e) => e.type === 'text-delta').map((e) => e.text).join(''), 'echo: a b c d e f g h')
  assert.ok(results.slice(events.length).every((r) => r.done))
})

test('a stream that stalls past the timeout fails with APITimeoutError', async () => {
  const impatient = mock.client(['openai'], { 'x-mock-chunk-delay-ms': '3000' }, { timeout: 300, maxRetries: 0 })
  const started = Date.now()
  const err = await (async () => {
    for await (const _ of impatient.streamText({ model, prompt: 'a b c' }));
  })().catch((e) => e)
  assert.ok(err instanceof APITimeoutError, `${err?.name}: ${err?.message}`)
  assert.ok(Date.now() - started < 2900, 'the idle timeout fired before the next chunk')
})
