// generateText over real sockets against the mock upstream: results, outbound requests, settings.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Ditto } from '@ditto/llm'
import { startMock } from './helpers.mjs'

let mock
let ditto
before(async () => {
  mock = await startMock()
  ditto = mock.client(['openai'])
})
after(() => mock.stop())

test('generateText returns text, finish reason, usage and response metadata', async () => {
  const r = await ditto.generateText({ model: 'openai:gpt-4o-mini', prompt: 'Hello there' })
  assert.equal(r.text, 'echo: Hello there')
  assert.equal(r.finishReason, 'stop')
  assert.equal(r.rawFinishReason, 'stop')
  assert.equal(r.usage.inputTokens, 2)
  assert.equal(r.usage.outputTokens, 3)
  assert.equal(r.usage.totalTokens, 5)
  assert.equal(r.usage.reasoningTokens, null)
  assert.deepEqual(r.toolCalls, [])
  assert.deepEqual(r.warnings, [])
  assert.match(r.response.id, /^chatcmpl-mock-/)
  assert.equal(r.response.modelId, 'gpt-4o-mini')
  assert.deepEqual(r.content, [{ type: 'text', text: 'echo: Hello there' }])
})

test('the outbound request carries the prompt, settings, auth and headers', async () => {
  const key = 'text-outbound'
  await ditto.generateText({
    model: 'openai:gpt-4o-mini',
    system: 'Be terse.',
    prompt: 'Hi',
    maxOutputTokens: 50,
    temperature: 0.2,
    stopSequences: ['END'],
    seed: 7,
    providerOptions: { openai: { user: 'u-1' } },
    headers: { 'x-mock-scenario': key, 'x-trace': 'abc' },
  })
  const [req] = await mock.requests(key)
  assert.equal(req.path, '/v1/chat/completions')
  assert.equal(req.headers.authorization, 'Bearer sk-test-secret')
  assert.equal(req.headers['x-trace'], 'abc')
  assert.equal(req.body.model, 'gpt-4o-mini')
  assert.deepEqual(req.body.messages, [
    { role: 'system', content: 'Be terse.' },
    { role: 'user', content: 'Hi' },
  ])
  assert.equal(req.body.max_completion_tokens ?? req.body.max_tokens, 50)
  assert.equal(req.body.temperature, 0.2)
  assert.deepEqual(req.body.stop, ['END'])
  assert.equal(req.body.seed, 7)
  assert.equal(req.body.user, 'u-1')
})

test('maxOutputTokens cuts the reply with finish reason length', async () => {
  const r = await ditto.generateText({ model: 'openai:gpt-4o-mini', prompt: 'one two three four', maxOutputTokens: 2 })
  assert.equal(r.text, 'echo: one')
  assert.equal(r.finishReason, 'length')
})

test('messages in the AI SDK and OpenAI shapes are accepted', async () => {
  const aiSdk = await ditto.generateText({
    model: 'openai:gpt-4o-mini',
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'first' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
      { role: 'user', content: [{ type: 'text', text: 'second' }] },
    ],
  })
  assert.equal(aiSdk.text, 'echo: second')
  const openai = await ditto.generateText({
    model: 'openai:gpt-4o-mini',
    messages: [
      { role: 'system', content: 'sys' },
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] },
    ],
  })
  assert.equal(openai.text, 'echo: look')
  // A message list may also be given as `prompt` (as in the AI SDK).
  const asPrompt = await ditto.generateText({ model: 'openai:gpt-4o-mini', prompt: [{ role: 'user', content: 'via prompt' }] })
  assert.equal(asPrompt.text, 'echo: via prompt')
})

test('settings a provider cannot honour come back as warnings', async () => {
  const r = await ditto.generateText({ model: 'openai:gpt-4o-mini', prompt: 'Hi', topK: 5 })
  assert.ok(
    r.warnings.some((w) => w.type === 'unsupported-setting' && /top_?k/i.test(w.setting)),
    JSON.stringify(r.warnings),
  )
})

test('snake_case keys inside tool inputs survive the camelCase conversion', async () => {
  const r = await ditto.generateText({
    model: 'openai:gpt-4o-mini',
    prompt: 'call:lookup {"city_name":"Paris","max_results":2}',
    tools: [{ name: 'lookup', inputSchema: { type: 'object', properties: { city_name: { type: 'string' } } } }],
  })
  assert.deepEqual(r.toolCalls[0].input, { city_name: 'Paris', max_results: 2 })
})

test('the built-in mock provider needs no network', async () => {
  const offline = new Ditto({ fromEnv: false })
  assert.deepEqual(offline.providers, ['mock'])
  const r = await offline.generateText({ model: 'mock:echo', prompt: 'offline' })
  assert.equal(r.text, 'echo: offline')
})

test('the JS thread keeps running while a call waits on the network', async () => {
  const order = []
  const call = ditto
    .generateText({ model: 'openai:gpt-4o-mini', prompt: 'slow', headers: { 'x-mock-latency-ms': '300' } })
    .then(() => order.push('call'))
  await new Promise((resolve) => setTimeout(resolve, 0)).then(() => order.push('timer'))
  await call
  assert.deepEqual(order, ['timer', 'call'])
})

test('new Ditto() reads providers from the environment', async () => {
  const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL }
  process.env.OPENAI_API_KEY = 'sk-from-env'
  process.env.OPENAI_BASE_URL = mock.openaiBaseURL
  try {
    const fromEnv = new Ditto()
    assert.ok(fromEnv.providers.includes('openai'))
    const key = 'text-env'
    const r = await fromEnv.generateText({ model: 'openai:gpt-4o-mini', prompt: 'env', headers: { 'x-mock-scenario': key } })
    assert.equal(r.text, 'echo: env')
    const [req] = await mock.requests(key)
    assert.equal(req.headers.authorization, 'Bearer sk-from-env')
  } finally {
    for (const [name, value] of [['OPENAI_API_KEY', saved.key], ['OPENAI_BASE_URL', saved.url]]) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
})
