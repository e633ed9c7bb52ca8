// Cancellation: breaking out of `for await`, an AbortSignal, cancelling a ReadableStream or
// close() drops the Rust stream, and the mock upstream sees the connection go away
// (`streams_disconnected`). Aborted non-streaming calls reject with APIUserAbortError.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { APIUserAbortError, DittoError } from '@ditto/llm'
import { startMock, chatChunks } from './helpers.mjs'

let mock
let ditto
before(async () => {
  mock = await startMock()
  ditto = mock.client(['openai'])
})
after(() => mock.stop())

const model = 'openai:gpt-4o-mini'
const pieces = Array.from({ length: 300 }, (_, i) => `w${i} `)

/** A slow 300-chunk stream under a fresh scenario key. */
async function slowStream(key, options = {}) {
  await mock.pushScenario(key, [{ sse: chatChunks(pieces), chunk_delay_ms: 10 }])
  return ditto.streamText({ model, prompt: 'x', headers: { 'x-mock-scenario': key }, ...options })
}

async function expectDisconnect(before) {
  await mock.waitForStats((s) => s.streams_disconnected >= before.streams_disconnected + 1)
}

test('breaking out of for await closes the upstream connection', async () => {
  const before = await mock.stats()
  let deltas = 0
  for await (const ev of await slowStream('abort-break')) {
    if (ev.type === 'text-delta' && ++deltas === 3) break
  }
  assert.equal(deltas, 3)
  await expectDisconnect(before)
})

test('an AbortSignal ends the stream with an abort event and closes the connection', async () => {
  const before = await mock.stats()
  const controller = new AbortController()
  const events = []
  for await (const ev of await slowStream('abort-signal', { signal: controller.signal })) {
    events.push(ev)
    if (events.filter((e) => e.type === 'text-delta').length === 3) controller.abort()
  }
  assert.deepEqual(events.at(-1), { type: 'abort' })
  assert.ok(!events.some((e) => e.type === 'finish'))
  await expectDisconnect(before)
})

test('an AbortSignal fired while waiting for the next event', async () => {
  const before = await mock.stats()
  const controller = new AbortController()
  const s = ditto.streamText({ model, prompt: 'x', signal: controller.signal, headers: { 'x-mock-first-byte-delay-ms': '5000' } })
  setTimeout(() => controller.abort(), 200)
  const types = []
  const started = Date.now()
  for await (const ev of s) types.push(ev.type)
  assert.ok(Date.now() - started < 4000, 'the abort did not wait for the upstream')
  assert.equal(types.at(-1), 'abort')
  await expectDisconnect(before)
})

test('an already aborted signal sends no request', async () => {
  const key = 'abort-early'
  const s = ditto.streamText({ model, prompt: 'x', signal: AbortSignal.abort(), headers: { 'x-mock-scenario': key } })
  const events = []
  for await (const ev of s) events.push(ev)
  assert.deepEqual(events, [{ type: 'abort' }])
  assert.equal((await mock.requests(key)).length, 0)
})

test('cancelling the ReadableStream closes the upstream connection', async () => {
  const before = await mock.stats()
  const reader = (await slowStream('abort-readable')).fullStream.getReader()
  for (let i = 0; i < 5; i++) await reader.read()
  await reader.cancel()
  await expectDisconnect(before)
})

test('close() stops the stream', async () => {
  const before = await mock.stats()
  const s = await slowStream('abort-close')
  const it = s[Symbol.asyncIterator]()
  await it.next()
  await it.next()
  s.close()
  assert.deepEqual(await it.next(), { done: true, value: undefined })
  await expectDisconnect(before)
})

test('aborting generateText rejects with APIUserAbortError without waiting for the upstream', async () => {
  const controller = new AbortController()
  const started = Date.now()
  setTimeout(() => controller.abort(), 100)
  const err = await ditto
    .generateText({ model, prompt: 'x', signal: controller.signal, headers: { 'x-mock-latency-ms': '5000' } })
    .catch((e) => e)
  assert.ok(err instanceof APIUserAbortError, `${err?.name}: ${err?.message}`)
  assert.ok(err instanceof DittoError)
  assert.equal(err.code, 'cancelled')
  assert.ok(Date.now() - started < 4000)
  await assert.rejects(ditto.generateText({ model, prompt: 'x', signal: AbortSignal.abort() }), APIUserAbortError)
})

test('aborting embed rejects with APIUserAbortError', async () => {
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 100)
  const started = Date.now()
  const err = await ditto
    .embed({ model: 'openai:text-embedding-3-small', input: ['x'], abortSignal: controller.signal, headers: { 'x-mock-latency-ms': '5000' } })
    .catch((e) => e)
  assert.ok(err instanceof APIUserAbortError, `${err?.name}: ${err?.message}`)
  assert.ok(Date.now() - started < 4000)
})
