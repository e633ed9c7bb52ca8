// rerank through a provider with a rerank API (Cohere v2 on the mock upstream).

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BadRequestError } from '@ditto/llm'
import { startMock } from './helpers.mjs'

let mock
let ditto
before(async () => {
  mock = await startMock()
  ditto = mock.client(['cohere'])
})
after(() => mock.stop())

const model = 'cohere:rerank-v3.5'
const documents = ['the cat sat', 'rainy day in the city', 'a sunny day at the beach']

test('rerank returns documents, most relevant first', async () => {
  const key = 'rerank-basic'
  const r = await ditto.rerank({ model, query: 'sunny day', documents, topN: 2, headers: { 'x-mock-scenario': key } })
  assert.equal(r.results.length, 2)
  assert.deepEqual(r.results[0], { index: 2, relevanceScore: 1, document: 'a sunny day at the beach' })
  assert.equal(r.results[1].index, 1)
  const [req] = await mock.requests(key)
  assert.equal(req.path, '/v2/rerank')
  assert.equal(req.body.top_n, 2)
  assert.equal(req.body.query, 'sunny day')
})

test('bad rerank options are a BadRequestError', async () => {
  await assert.rejects(ditto.rerank({ model, query: 'q', documents: 'one' }), BadRequestError)
  await assert.rejects(ditto.rerank({ model, documents }), /`query` is required/)
})
