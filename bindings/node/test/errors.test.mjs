// Errors: one class per stable kind, with code, status, provider body and retry-after;
// `instanceof` works; bad input and bad configuration fail clearly and early.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import {
  Ditto,
  DittoError,
  APIStatusError,
  BadRequestError,
  ContextLengthExceededError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RateLimitError,
  APIConnectionError,
  APITimeoutError,
  InternalServerError,
  ConfigError,
  NoObjectGeneratedError,
} from '@ditto/llm'
import { startMock } from './helpers.mjs'
import { toDittoError } from '../lib/errors.js'

let mock
let ditto
before(async () => {
  mock = await startMock()
  ditto = mock.client(['openai'], {}, { maxRetries: 0 })
})
after(() => mock.stop())

const model = 'openai:gpt-4o-mini'

const byStatus = [
  [400, BadRequestError, 'invalid_request', 'invalid_request_error'],
  [401, AuthenticationError, 'authentication', 'invalid_api_key'],
  [403, PermissionDeniedError, 'permission_denied', 'permission_denied'],
  [404, NotFoundError, 'not_found', 'model_not_found'],
  [429, RateLimitError, 'rate_limited', 'rate_limit_exceeded'],
  [500, InternalServerError, 'provider', 'server_error'],
]

for (const [status, Cls, code, providerCode] of byStatus) {
  test(`HTTP ${status} → ${Cls.name}`, async () => {
    const key = `err-${status}`
    await mock.pushScenario(key, [{ status }])
    const err = await ditto.generateText({ model, prompt: 'x', headers: { 'x-mock-scenario': key } }).catch((e) => e)
    assert.ok(err instanceof Cls, `${err?.name}: ${err?.message}`)
    assert.ok(err instanceof APIStatusError)
    assert.ok(err instanceof DittoError)
    assert.ok(err instanceof Error)
    assert.equal(err.name, Cls.name)
    assert.equal(err.code, code)
    assert.equal(err.kind, code)
    assert.equal(err.status, status)
    assert.equal(err.providerCode ?? null, providerCode)
    assert.equal(JSON.parse(err.body).error.type !== undefined, true, 'the provider body is kept')
    assert.equal(err.toJSON().code, code)
  })
}

test('RateLimitError carries retry-after', async () => {
  await mock.pushScenario('err-retry-after', [{ status: 429, retry_after: '2' }])
  const err = await ditto.generateText({ model, prompt: 'x', headers: { 'x-mock-scenario': 'err-retry-after' } }).catch((e) => e)
  assert.ok(err instanceof RateLimitError)
  assert.equal(err.retryAfter, 2)
  assert.equal(err.retryAfterMs, 2000)
})

test('context length errors are a BadRequestError subclass', async () => {
  await mock.pushScenario('err-ctx', [{ status: 400, fixture: 'openai/error-context-length/response.json' }])
  const err = await ditto.generateText({ model, prompt: 'x', headers: { 'x-mock-scenario': 'err-ctx' } }).catch((e) => e)
  assert.ok(err instanceof ContextLengthExceededError)
  assert.ok(err instanceof BadRequestError)
  assert.equal(err.code, 'context_length_exceeded')
})

test('retryable failures are retried before an error is raised', async () => {
  const key = 'err-retry'
  await mock.pushScenario(key, [{ status: 503, retry_after_ms: 10 }])
  const retrying = mock.client(['openai'], { 'x-mock-scenario': key }, { maxRetries: 1 })
  const r = await retrying.generateText({ model, prompt: 'after retry' })
  assert.equal(r.text, 'echo: after retry')
  assert.equal((await mock.requests(key)).length, 2)
})

test('a refused connection is an APIConnectionError', async () => {
  const port = await new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port
      srv.close(() => resolve(p))
    })
  })
  const down = new Ditto({ fromEnv: false, maxRetries: 0, providers: { openai: { apiKey: 'k', baseURL: `http://127.0.0.1:${port}/v1` } } })
  const err = await down.generateText({ model, prompt: 'x' }).catch((e) => e)
  assert.ok(err instanceof APIConnectionError, `${err?.name}: ${err?.message}`)
  assert.equal(err.code, 'connection')
})

test('a slow upstream is an APITimeoutError (also an APIConnectionError)', async () => {
  const impatient = mock.client(['openai'], {}, { timeout: 200, maxRetries: 0 })
  const err = await impatient
    .generateText({ model, prompt: 'x', headers: { 'x-mock-latency-ms': '3000' } })
    .catch((e) => e)
  assert.ok(err instanceof APITimeoutError, `${err?.name}: ${err?.message}`)
  assert.ok(err instanceof APIConnectionError)
  assert.equal(err.code, 'timeout')
})

test('a stream that fails before its first byte throws on the first read', async () => {
  await mock.pushScenario('err-stream-401', [{ status: 401 }])
  const events = []
  const err = await (async () => {
    for await (const ev of ditto.streamText({ model, prompt: 'x', headers: { 'x-mock-scenario': 'err-stream-401' } })) events.push(ev)
  })().catch((e) => e)
  assert.ok(err instanceof AuthenticationError)
  assert.deepEqual(events, [])
})

test('bad client options are a ConfigError naming the option', () => {
  const cases = [
    [{ providers: { openai: 'sk-123' } }, /providers\.openai/],
    [{ providers: { openai: { apikey: 'x' } } }, /providers.openai.apikey: unknown field `apikey`/],
    [{ providers: { local: { type: 'openai-compatible' } } }, /base_url is required|base URL/i],
    [{ retries: 3 }, /unknown Ditto option `retries`/],
    [{ maxRetries: -1 }, /maxRetries/],
    [5, /options object/],
  ]
  for (const [options, pattern] of cases) {
    assert.throws(
      () => new Ditto(options),
      (e) => e instanceof ConfigError && e.code === 'config' && pattern.test(e.message),
      JSON.stringify(options),
    )
  }
})

test('an unknown provider is a ConfigError at call time', async () => {
  const err = await ditto.generateText({ model: 'nowhere:model', prompt: 'x' }).catch((e) => e)
  assert.ok(err instanceof ConfigError)
  assert.match(err.message, /nowhere/)
})

test('bad call options are a BadRequestError, before any request', async () => {
  const cases = [
    [undefined, /options object/],
    [[1, 2], /options object/],
    [{ prompt: 'x' }, /`model` is required/],
    [{ model, prompt: 'x', maxTokens: 5 }, /unknown text option `maxTokens`/],
    [{ model, prompt: 'x', temperature: 'hot' }, /`temperature` must be a number/],
    [{ model, prompt: 'x', signal: 'soon' }, /AbortSignal/],
    [{ model, prompt: 'x', seed: 10n }, /cannot be sent as JSON/],
    [{ model }, /needs `prompt`/],
  ]
  for (const [options, pattern] of cases) {
    const err = await ditto.generateText(options).catch((e) => e)
    assert.ok(err instanceof BadRequestError, `${JSON.stringify(String(options))}: ${err?.name} ${err?.message}`)
    assert.match(err.message, pattern)
  }
})

test('whatever the addon throws becomes a DittoError of the right class', () => {
  const plain = toDittoError(new TypeError('boom'))
  assert.equal(plain.name, 'InternalError')
  assert.equal(plain.code, 'internal')
  assert.ok(plain.cause instanceof TypeError)
  const prefix = '\u0001ditto-error:'
  const info = { kind: 'rate_limited', message: 'slow down', status: 429, provider: 'openai', code: 'rate_limit_exceeded', retry_after_ms: 1500 }
  const mapped = toDittoError(new Error(prefix + JSON.stringify(info)))
  assert.ok(mapped instanceof RateLimitError)
  assert.equal(mapped.message, 'slow down')
  assert.equal(mapped.provider, 'openai')
  assert.equal(mapped.retryAfter, 1.5)
  const garbled = toDittoError(new Error(prefix + '{not json'))
  assert.equal(garbled.code, 'internal')
})

test('no_object_generated becomes a NoObjectGeneratedError with text, usage and finishReason', () => {
  const prefix = '\u0001ditto-error:'
  const usage = { inputTokens: 3, outputTokens: 4, totalTokens: 7 }
  const info = { kind: 'no_object_generated', message: 'no object generated: bad', text: '{', usage, finish_reason: 'length' }
  const err = toDittoError(new Error(prefix + JSON.stringify(info)))
  assert.ok(err instanceof NoObjectGeneratedError && err instanceof DittoError)
  assert.equal(err.code, 'no_object_generated')
  assert.equal(err.text, '{')
  assert.deepEqual(err.usage, usage)
  assert.equal(err.finishReason, 'length')
  assert.equal(err.toJSON().finishReason, 'length')
})
