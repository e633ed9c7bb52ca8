// Embeddings: many and one, dimensions, batching, bad input.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BadRequestError } from '@ditto/llm'
import { startMock } from './helpers.mjs'

let mock
let ditto
before(async () => {
  mock = await startMock()
  ditto = mock.client(['openai'])
})
after(() => mock.stop())

const model = 'openai:text-embedding-3-small'
const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0))

test('embed returns one unit vector per input, in order', async () => {
  const e = await ditto.embed({ model, input: ['a', 'b', 'a'] })
  assert.equal(e.embeddings.length, 3)
  for (const v of e.embeddings) {
    assert.equal(v.length, 8)
    assert.ok(Math.abs(norm(v) - 1) < 1e-5)
  }
  assert.deepEqual(e.embeddings[0], e.embeddings[2])
  assert.notDeepEqual(e.embeddings[0], e.embeddings[1])
  assert.equal(e.usage.inputTokens, 3)
  assert.deepEqual(e.warnings, [])
})

test('a single string input also gives `embedding`', async () => {
  const one = await ditto.embed({ model, input: 'b' })
  const many = await ditto.embed({ model, input: ['a', 'b'] })
  assert.deepEqual(one.embedding, many.embeddings[1])
  assert.deepEqual(one.embeddings, [one.embedding])
})

test('dimensions reach the provider', async () => {
  const key = 'embed-dims'
  const e = await ditto.embed({ model, input: ['x'], dimensions: 16, headers: { 'x-mock-scenario': key } })
  assert.equal(e.embeddings[0].length, 16)
  const [req] = await mock.requests(key)
  assert.equal(req.body.dimensions, 16)
  assert.equal(req.body.model, 'text-embedding-3-small')
})

test('large inputs are batched and keep their order', async () => {
  const key = 'embed-batch'
  const input = Array.from({ length: 2100 }, (_, i) => `text ${i}`)
  const e = await ditto.embed({ model, input, headers: { 'x-mock-scenario': key } })
  assert.equal(e.embeddings.length, 2100)
  const reqs = await mock.requests(key)
  assert.equal(reqs.length, 2)
  const last = await ditto.embed({ model, input: 'text 2099' })
  assert.deepEqual(e.embeddings[2099], last.embedding)
})

test('bad input is rejected before any request', async () => {
  await assert.rejects(ditto.embed({ model, input: ['ok', 3] }), (e) => e instanceof BadRequestError && /input\[1\]/.test(e.message))
  await assert.rejects(ditto.embed({ model }), /`input` is required/)
  await assert.rejects(ditto.embed({ model, input: 'x', dimension: 3 }), /unknown embed option `dimension`/)
})
