// Middleware through client aliases (the core's MiddlewareSpec JSON, camelCase accepted), the
// cache (second identical call served without an upstream request, stream and non-stream, with
// identical events), a host cache store, telemetry spans to a JS callback.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Ditto, ConfigError } from '@ditto/llm'
import { startMock } from './helpers.mjs'

let mock
before(async () => {
  mock = await startMock()
})
after(() => mock.stop())

function client(aliases, extra = {}) {
  return mock.client(['openai'], {}, { aliases, ...extra })
}

const cached = { fast: { model: 'openai:gpt-4o-mini', middleware: [{ type: 'cache', maxEntries: 100 }] } }

/** Events without what legitimately differs between two reads (nothing, for a cache hit). */
async function events(stream) {
  const out = []
  for await (const ev of stream) out.push(ev)
  return out
}

test('cache alias: the second identical call makes no upstream request (non-stream)', async () => {
  const ditto = client(cached)
  assert.deepEqual(ditto.aliases, ['fast'])
  const headers = { 'x-mock-scenario': 'cache-text' }
  const first = await ditto.generateText({ model: 'fast', prompt: 'cache me', headers })
  const second = await ditto.generateText({ model: 'fast', prompt: 'cache me', headers })
  assert.deepEqual(second, first)
  assert.equal((await mock.requests('cache-text')).length, 1)
  await ditto.generateText({ model: 'fast', prompt: 'something else', headers })
  assert.equal((await mock.requests('cache-text')).length, 2, 'a different call is not a hit')
})

test('cache alias: a replayed stream has identical events and makes no upstream request', async () => {
  const ditto = client(cached)
  const headers = { 'x-mock-scenario': 'cache-stream' }
  const first = await events(ditto.streamText({ model: 'fast', prompt: 'stream me please', headers }))
  const second = await events(ditto.streamText({ model: 'fast', prompt: 'stream me please', headers }))
  assert.ok(first.filter((e) => e.type === 'text-delta').length > 1)
  assert.deepEqual(second, first)
  assert.equal((await mock.requests('cache-stream')).length, 1)
})

test('a JS cache store is used (and shared between clients); a failing store falls back to the model', async () => {
  const map = new Map()
  const calls = { get: 0, put: 0 }
  const cacheStore = {
    get: async (key) => { calls.get++; return map.get(key) ?? null },
    put: (key, value) => { calls.put++; map.set(key, value) },
  }
  const headers = { 'x-mock-scenario': 'cache-host' }
  const a = await client(cached, { cacheStore }).generateText({ model: 'fast', prompt: 'host store', headers })
  assert.equal(map.size, 1)
  assert.match([...map.keys()][0], /^[0-9a-f]{64}$/)
  const b = await client(cached, { cacheStore }).generateText({ model: 'fast', prompt: 'host store', headers })
  assert.deepEqual(b, a)
  assert.equal((await mock.requests('cache-host')).length, 1)
  assert.deepEqual(calls, { get: 2, put: 1 })

  const broken = { get: () => { throw new Error('store down') }, put: async () => Promise.reject(new Error('still down')) }
  const h2 = { 'x-mock-scenario': 'cache-broken' }
  const c = client(cached, { cacheStore: broken })
  await c.generateText({ model: 'fast', prompt: 'x', headers: h2 })
  const again = await c.generateText({ model: 'fast', prompt: 'x', headers: h2 })
  assert.equal(again.text, 'echo: x')
  assert.equal((await mock.requests('cache-broken')).length, 2)
})

test('extract-reasoning and default-settings aliases (camelCase specs)', async () => {
  const key = 'mw-reasoning'
  await mock.pushScenario(key, [{
    body: {
      id: 'chatcmpl-r', object: 'chat.completion', created: 1700000000, model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: '<think>step by step</think>The answer.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 },
    },
  }])
  const ditto = client({
    thinker: { model: 'openai:gpt-4o-mini', middleware: [{ type: 'extractReasoning', tagName: 'think' }, { type: 'default-settings', settings: { maxOutputTokens: 42 } }] },
  })
  const r = await ditto.generateText({ model: 'thinker', prompt: 'why?', headers: { 'x-mock-scenario': key } })
  assert.equal(r.reasoningText, 'step by step')
  assert.equal(r.text, 'The answer.')
  const [req] = await mock.requests(key)
  assert.equal(req.body.max_tokens ?? req.body.max_completion_tokens, 42)
})

test('telemetry spans reach onSpan with GenAI attributes', async () => {
  const spans = []
  const ditto = client({ traced: { model: 'openai:gpt-4o-mini', middleware: [{ type: 'telemetry' }] } }, { onSpan: (s) => spans.push(s) })
  await ditto.generateText({ model: 'traced', prompt: 'trace me', temperature: 0.5 })
  for (let i = 0; i < 50 && spans.length === 0; i++) await new Promise((r) => setTimeout(r, 10))
  assert.equal(spans.length, 1)
  const [span] = spans
  assert.equal(span.name, 'gen_ai.chat')
  assert.equal(span.attributes['gen_ai.request.model'], 'gpt-4o-mini')
  assert.equal(span.attributes['gen_ai.request.temperature'], 0.5)
  assert.equal(span.status, 'ok')
  assert.equal(typeof span.durationMs, 'number')
})

test('bad aliases and hooks are ConfigErrors', () => {
  assert.throws(() => client({ x: { model: 'openai:gpt-4o-mini', middleware: [{ type: 'teleport' }] } }), (e) => e instanceof ConfigError && /aliases\.x/.test(e.message))
  assert.throws(() => client({ x: { middleware: [] } }), ConfigError)
  assert.throws(() => client({ x: { model: 'openai:gpt-4o-mini', middleware: [{ type: 'cache', maxEntries: 0 }] } }), ConfigError)
  assert.throws(() => new Ditto({ fromEnv: false, cacheStore: { get() {} } }), /cacheStore/)
  assert.throws(() => new Ditto({ fromEnv: false, onSpan: 'log' }), /onSpan/)
  assert.throws(() => new Ditto({ fromEnv: false, aliases: [] }), ConfigError)
})
