// generateObject / streamObject: the shared recipe-stream fixture (ordered partials, final
// object), zod schemas (converted, then safeParse'd), the four outputs, repair, and failures.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import { z } from 'zod'
import * as zm from 'zod/mini'
import { APIUserAbortError, BadRequestError, NoObjectGeneratedError, StreamObjectResult } from '@ditto/llm'
import { startMock, readJson, repoRoot, toSnake, chatChunks } from './helpers.mjs'

let mock
let ditto
before(async () => {
  mock = await startMock()
  ditto = mock.client(['openai'])
})
after(() => mock.stop())

const model = 'openai:gpt-4o-mini'
const fixture = readJson(path.join(repoRoot, 'tests/fixtures/objects/recipe-stream.json'))

/** A non-streaming Chat Completions answer whose content is `content`. */
function completion(content, finish = 'stop') {
  return {
    body: {
      id: 'chatcmpl-obj', object: 'chat.completion', created: 1700000000, model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }],
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
    },
  }
}

async function scenario(key, ...steps) {
  await mock.pushScenario(key, steps)
  return { 'x-mock-scenario': key }
}

function usageSubset(usage, want) {
  return Object.fromEntries(Object.keys(want).map((k) => [k, toSnake(usage)[k]]))
}

test('fixture recipe-stream: partial objects in order, text deltas, the validated object', async () => {
  const key = 'object-fixture-events'
  const headers = await scenario(key, ...fixture.scenario_steps)
  const s = ditto.streamObject({ ...fixture.request, headers })
  assert.ok(s instanceof StreamObjectResult)
  const events = []
  for await (const ev of s) events.push(ev)
  const want = fixture.expected
  assert.deepEqual(events.filter((e) => e.type === 'text-delta').map((e) => e.text), want.text_deltas)
  assert.deepEqual(events.filter((e) => e.type === 'partial-object').map((e) => e.object), want.partial_objects)
  const finish = events.at(-1)
  assert.equal(finish.type, 'finish')
  assert.deepEqual(finish.object, want.object)
  assert.equal(finish.finishReason, want.finish_reason)
  assert.deepEqual(usageSubset(finish.usage, want.usage), want.usage)
  const [req] = await mock.requests(key)
  assert.deepEqual(req.body.response_format, want.request_response_format)
  assert.deepEqual(await s.object, want.object)
})

test('fixture recipe-stream: partialObjectStream, then the object promise; zod-validated', async () => {
  const headers = await scenario('object-fixture-partials', ...fixture.scenario_steps)
  const Recipe = z.object({
    name: z.string().min(1),
    ingredients: z.array(z.object({ name: z.string(), amount: z.string() })).min(1),
    steps: z.array(z.string()).min(1),
    servings: z.number().int().min(1).transform((n) => ({ people: n })),
  })
  const s = ditto.streamObject({ model, prompt: 'recipe', schema: Recipe, headers })
  const partials = []
  for await (const p of s.partialObjectStream) partials.push(p)
  assert.deepEqual(partials, fixture.expected.partial_objects)
  const object = await s.object
  assert.deepEqual(object.servings, { people: 4 }, 'the zod-parsed value')
  assert.equal((await s.usage).outputTokens, 58)
  assert.equal(await s.finishReason, 'stop')
})

test('awaiting object alone reads the stream', async () => {
  const headers = await scenario('object-await-only', ...fixture.scenario_steps)
  const s = ditto.streamObject({ ...fixture.request, headers })
  assert.deepEqual(await s.object, fixture.expected.object)
})

test('generateObject with a zod schema sends its JSON Schema and returns the parsed value', async () => {
  const key = 'object-zod'
  const headers = await scenario(key, completion('{"city":"Paris","celsius":"21"}'))
  const Weather = z.object({ city: z.string(), celsius: z.string().transform(Number) })
  const r = await ditto.generateObject({ model, prompt: 'weather', schema: Weather, schemaName: 'weather', headers })
  assert.deepEqual(r.object, { city: 'Paris', celsius: 21 })
  assert.equal(r.text, '{"city":"Paris","celsius":"21"}')
  assert.equal(r.usage.inputTokens, 5)
  const [req] = await mock.requests(key)
  const sent = req.body.response_format.json_schema
  assert.equal(sent.name, 'weather')
  assert.deepEqual(sent.schema.properties.city, { type: 'string' })
  assert.equal(sent.schema.$schema, undefined)
})

test('NoObjectGeneratedError carries the raw text, usage and finish reason', async () => {
  const headers = await scenario('object-not-json', completion('sorry, no JSON today', 'length'))
  const err = await ditto.generateObject({ model, prompt: 'x', schema: { type: 'object' }, headers }).catch((e) => e)
  assert.ok(err instanceof NoObjectGeneratedError, String(err))
  assert.equal(err.code, 'no_object_generated')
  assert.equal(err.text, 'sorry, no JSON today')
  assert.equal(err.usage.outputTokens, 7)
  assert.equal(err.finishReason, 'length')

  const h2 = await scenario('object-zod-refine', completion('{"n":3}'))
  const Even = z.object({ n: z.number().refine((n) => n % 2 === 0, 'must be even') })
  const zerr = await ditto.generateObject({ model, prompt: 'x', schema: Even, headers: h2 }).catch((e) => e)
  assert.ok(zerr instanceof NoObjectGeneratedError)
  assert.match(zerr.message, /must be even/)
  assert.equal(zerr.text, '{"n":3}')

  const h3 = await scenario('object-stream-bad', { sse: chatChunks(['{"n":', '"x"}']) })
  const s = ditto.streamObject({ model, prompt: 'x', schema: { type: 'object', properties: { n: { type: 'number' } } }, headers: h3 })
  await assert.rejects(async () => { for await (const _ of s); }, NoObjectGeneratedError)
  await assert.rejects(s.object, NoObjectGeneratedError)
})

test('the repair hook fixes the text; a throwing hook keeps NoObjectGenerated with its message', async () => {
  const headers = await scenario('object-repair', completion('```json\n{"a": 1,}\n```'))
  const seen = []
  const r = await ditto.generateObject({
    model, prompt: 'x', schema: { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] }, headers,
    repair: async ({ text, error }) => { seen.push(error.kind); return text.replace(',}', '}').replace(/```(json)?/g, '') },
  })
  assert.deepEqual(r.object, { a: 1 })
  assert.deepEqual(seen, ['no_object_generated'])
  const h2 = await scenario('object-repair-throws', completion('nope'))
  const err = await ditto.generateObject({ model, prompt: 'x', schema: { type: 'object' }, headers: h2, repair: () => { throw new Error('repair blew up') } }).catch((e) => e)
  assert.ok(err instanceof NoObjectGeneratedError, String(err))
  assert.match(err.message, /repair blew up/)
  assert.equal(err.text, 'nope')
})

test('array output streams elements; enum and no-schema outputs', async () => {
  const elements = ['{"elements":[{"n":1},', '{"n":2}', ',{"n":3}]}']
  const headers = await scenario('object-array', { sse: chatChunks(elements) })
  const s = ditto.streamObject({ model, prompt: 'x', output: 'array', schema: z.object({ n: z.number() }), headers })
  const got = []
  for await (const el of s.elementStream) got.push(el)
  assert.deepEqual(got, [{ n: 1 }, { n: 2 }, { n: 3 }])

  const h2 = await scenario('object-enum', completion('{"result":"sunny"}'))
  const e = await ditto.generateObject({ model, prompt: 'x', output: 'enum', enum: ['sunny', 'rainy'], headers: h2 })
  assert.equal(e.object, 'sunny')
  const h3 = await scenario('object-no-schema', completion('[1,"two",{"three":3}]'))
  const n = await ditto.generateObject({ model, prompt: 'x', output: 'no-schema', headers: h3 })
  assert.deepEqual(n.object, [1, 'two', { three: 3 }])
})

test('invalid schemas and options are BadRequestErrors', async () => {
  await assert.rejects(ditto.generateObject({ model, prompt: 'x', schema: 'a string' }), BadRequestError)
  await assert.rejects(ditto.generateObject({ model, prompt: 'x', schema: [1, 2] }), BadRequestError)
  await assert.rejects(ditto.generateObject({ model, prompt: 'x', schema: { safeParse() {}, _def: {} } }), /zod 3/)
  await assert.rejects(ditto.generateObject({ model, prompt: 'x', schema: {}, output: 'tree' }), /output/)
  await assert.rejects(ditto.generateObject({ model, prompt: 'x', schema: {}, repair: 'fix it' }), /repair/)
  await assert.rejects(ditto.generateObject({ model, prompt: 'x', output: 'object' }), BadRequestError)
  assert.throws(() => ditto.streamObject({ model, prompt: 'x', schema: 5 }), BadRequestError)
})

test('aborting streamObject closes the upstream connection and rejects object', async () => {
  const pieces = ['{"items":[', ...Array.from({ length: 200 }, (_, i) => `${i},`), '0]}']
  const headers = await scenario('object-abort', { sse: chatChunks(pieces), chunk_delay_ms: 10 })
  const before = await mock.stats()
  const controller = new AbortController()
  const s = ditto.streamObject({ model, prompt: 'x', schema: { type: 'object' }, headers, signal: controller.signal })
  const types = []
  for await (const ev of s) {
    types.push(ev.type)
    if (types.filter((t) => t === 'partial-object').length === 3) controller.abort()
  }
  assert.equal(types.at(-1), 'abort')
  await assert.rejects(s.object, APIUserAbortError)
  await mock.waitForStats((st) => st.streams_disconnected >= before.streams_disconnected + 1)
  const h2 = await scenario('object-abort-2', { ...completion('{}'), latency_ms: 5000 })
  const c2 = new AbortController()
  setTimeout(() => c2.abort(), 50)
  await assert.rejects(ditto.generateObject({ model, prompt: 'x', schema: { type: 'object' }, headers: h2, signal: c2.signal }), APIUserAbortError)
})

test('zod/mini schemas (no toJSONSchema method) convert through the installed zod module', async () => {
  const key = 'object-zod-mini'
  const headers = await scenario(key, completion('{"city":"Oslo"}'))
  const r = await ditto.generateObject({ model, prompt: 'x', schema: zm.object({ city: zm.string() }), headers })
  assert.deepEqual(r.object, { city: 'Oslo' })
  const [req] = await mock.requests(key)
  assert.deepEqual(req.body.response_format.json_schema.schema.properties, { city: { type: 'string' } })
})
