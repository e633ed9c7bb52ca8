// A stream abandoned without close() is dropped when garbage collected, closing the upstream
// connection (needs node --expose-gc, which scripts/test.sh passes).

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startMock, chatChunks } from './helpers.mjs'

let mock
before(async () => {
  mock = await startMock()
})
after(() => mock.stop())

test('an abandoned stream is closed when collected', { skip: typeof globalThis.gc !== 'function' && 'run with --expose-gc' }, async () => {
  const ditto = mock.client(['openai'])
  await mock.pushScenario('gc-drop', [{ sse: chatChunks(Array.from({ length: 300 }, (_, i) => `w${i} `)), chunk_delay_ms: 10 }])
  const before = await mock.stats()
  await (async () => {
    const it = ditto.streamText({ model: 'openai:gpt-4o-mini', prompt: 'x', headers: { 'x-mock-scenario': 'gc-drop' } })[Symbol.asyncIterator]()
    for (let i = 0; i < 4; i++) assert.equal((await it.next()).done, false)
    // `it` goes out of scope here without return() or close().
  })()
  let stats
  for (let i = 0; i < 50; i++) {
    globalThis.gc()
    await new Promise((r) => setTimeout(r, 50))
    stats = await mock.stats()
    if (stats.streams_disconnected > before.streams_disconnected) break
  }
  assert.equal(stats.streams_disconnected, before.streams_disconnected + 1)
})
