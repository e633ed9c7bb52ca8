// 100 concurrent streams on one client: every one completes with its own text.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startMock } from './helpers.mjs'

let mock
before(async () => {
  mock = await startMock()
})
after(() => mock.stop())

test('100 concurrent streams all complete, each with its own text', async () => {
  const ditto = mock.client(['openai'], { 'x-mock-chunk-delay-ms': '5' })
  const before = await mock.stats()
  const texts = await Promise.all(
    Array.from({ length: 100 }, async (_, i) => {
      let text = ''
      for await (const ev of ditto.streamText({ model: 'openai:gpt-4o-mini', prompt: `stream ${i} of many` })) {
        if (ev.type === 'text-delta') text += ev.text
      }
      return text
    }),
  )
  texts.forEach((t, i) => assert.equal(t, `echo: stream ${i} of many`))
  const after = await mock.stats()
  assert.equal(after.streams_completed - before.streams_completed, 100)
  assert.equal(after.streams_disconnected, before.streams_disconnected)
})

test('100 concurrent streams broken off early all close their connections', async () => {
  const ditto = mock.client(['openai'], { 'x-mock-chunk-delay-ms': '20' })
  const before = await mock.stats()
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      for await (const ev of ditto.streamText({ model: 'openai:gpt-4o-mini', prompt: 'a b c d e f g h i j k l' })) {
        if (ev.type === 'text-delta') break
      }
    }),
  )
  await mock.waitForStats((s) => s.streams_disconnected - before.streams_disconnected === 100)
})
