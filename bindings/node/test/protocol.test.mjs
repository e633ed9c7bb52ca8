// Stream protocols: Ditto v1 encode/decode (SSE and NDJSON; every encoded event validated
// against docs/schema/ditto-stream-v1.schema.json with ajv), the UI message stream read by the
// real `ai` package (readUIMessageStream) from a node:http server on 127.0.0.1, the web
// Response helper, useChat bodies, and the bounded fan-out.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import path from 'node:path'
import { once } from 'node:events'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import Ajv2020 from 'ajv/dist/2020.js'
import { parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema } from 'ai'
import {
  encodeDittoV1, decodeDittoV1, toUIMessageStream, toUIMessageStreamResponse, pipeUIMessageStreamToResponse,
  uiChatRequestToMessages, UI_MESSAGE_STREAM_HEADERS, StreamError, BadRequestError, stepCountIs,
} from '@ditto/llm'
import { startMock, readJson, repoRoot, chatChunks } from './helpers.mjs'

let mock
let ditto
before(async () => {
  mock = await startMock()
  ditto = mock.client(['openai'], {}, {
    aliases: { thinker: { model: 'openai:gpt-4o-mini', middleware: [{ type: 'extract-reasoning', tagName: 'think' }] } },
  })
})
after(() => mock.stop())

const model = 'openai:gpt-4o-mini'
const PLAN = 'Weather? plan: call:get_weather {"city":"Paris"} | <think>The tool said 21 C, sunny.</think>It is sunny in Paris.'
const tools = { get_weather: { inputSchema: { type: 'object', properties: { city: { type: 'string' } } }, execute: async ({ city }) => ({ city, celsius: 21 }) } }
const agentStream = (extra = {}) => ditto.streamText({ model: 'thinker', prompt: PLAN, tools, stopWhen: stepCountIs(3), ...extra })

const validate = new Ajv2020({ strict: false }).compile(readJson(path.join(repoRoot, 'docs/schema/ditto-stream-v1.schema.json')))

async function collect(iterable) {
  const out = []
  for await (const x of iterable) out.push(x)
  return out
}

async function text(stream) {
  return Buffer.concat((await collect(stream)).map((b) => Buffer.from(b))).toString('utf8')
}

for (const framing of ['sse', 'ndjson']) {
  test(`Ditto v1 (${framing}): every encoded event matches the JSON Schema, and decoding gives the events back`, async () => {
    const events = await collect(agentStream())
    assert.ok(events.some((e) => e.type === 'tool-result') && events.some((e) => e.type === 'reasoning-delta'))
    const wire = await text(encodeDittoV1(events, { framing }))
    const payloads = framing === 'sse'
      ? wire.split('\n\n').filter(Boolean).map((f) => f.replace(/^data: /, ''))
      : wire.split('\n').filter(Boolean)
    if (framing === 'sse') assert.equal(payloads.pop(), '[DONE]')
    assert.equal(payloads.length, events.length)
    for (const p of payloads) {
      const ev = JSON.parse(p)
      assert.equal(ev.v, 1)
      assert.ok(validate(ev), `${p}: ${JSON.stringify(validate.errors)}`)
    }
    // Decode from arbitrary byte splits.
    const bytes = Buffer.from(wire)
    const pieces = []
    for (let i = 0; i < bytes.length; i += 37) pieces.push(bytes.subarray(i, i + 37))
    assert.deepEqual(await collect(decodeDittoV1(pieces, { framing })), events)
  })
}

test('Ditto v1: a live stream encodes directly; a failing source ends with an error event', async () => {
  const wire = await text(ditto.streamText({ model, prompt: 'hello there' }).toDittoV1Stream())
  assert.match(wire, /"type":"text-delta"/)
  assert.ok(wire.endsWith('data: [DONE]\n\n'))
  await mock.pushScenario('v1-fail', [{ status: 401, body: { error: { message: 'bad key', type: 'invalid_request_error', code: 'invalid_api_key' } } }])
  const failed = await text(encodeDittoV1(ditto.streamText({ model, prompt: 'x', headers: { 'x-mock-scenario': 'v1-fail' } })))
  const frames = failed.split('\n\n').filter(Boolean)
  const err = JSON.parse(frames.at(-2).slice(6))
  assert.equal(err.type, 'error')
  assert.equal(err.error.kind, 'authentication')
  assert.ok(validate(err))
  assert.equal(frames.at(-1), 'data: [DONE]')
})

test('Ditto v1: bad input is rejected', async () => {
  await assert.rejects(collect(decodeDittoV1(['data: {"v":2,"type":"start"}\n\n'])), StreamError)
  await assert.rejects(collect(decodeDittoV1(['{"v":1,"type":"start"}\n'], { framing: 'xml' })), BadRequestError)
  await assert.rejects(collect(decodeDittoV1(['data: {"v":1,"type":"start"}\n\n'])), StreamError, 'no [DONE]: truncated')
  await assert.rejects(text(encodeDittoV1([{ type: 'teleport' }])), BadRequestError)
  assert.throws(() => encodeDittoV1(42), BadRequestError)
})

/** Serve `handler` on 127.0.0.1; returns the base URL and a close function. */
async function serve(handler) {
  const server = http.createServer(handler)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) }
}

/** Read a UI message stream response with the `ai` package, as useChat does. */
async function readWithAi(body) {
  const errors = []
  const chunks = parseJsonEventStream({ stream: body, schema: uiMessageChunkSchema }).pipeThrough(
    new TransformStream({
      transform(r, controller) {
        if (!r.success) throw r.error
        controller.enqueue(r.value)
      },
    }),
  )
  let message
  for await (const m of readUIMessageStream({ stream: chunks, onError: (e) => errors.push(e) })) message = m
  return { message, errors }
}

test('the real `ai` package reads our UI message stream from node:http: text, reasoning and tool parts', async () => {
  const srv = await serve(async (req, res) => {
    let body = ''
    for await (const c of req) body += c
    const { messages } = JSON.parse(body)
    const converted = uiChatRequestToMessages({ id: 'chat-1', messages, trigger: 'submit-message' })
    await pipeUIMessageStreamToResponse(agentStream({ prompt: undefined, messages: converted }), res, { messageId: 'msg-1' })
  })
  try {
    const res = await fetch(`${srv.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'chat-1', trigger: 'submit-message', messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: PLAN }] }] }),
    })
    assert.equal(res.status, 200)
    for (const [k, v] of Object.entries(UI_MESSAGE_STREAM_HEADERS)) assert.equal(res.headers.get(k), v)
    const { message, errors } = await readWithAi(res.body)
    assert.deepEqual(errors, [])
    assert.equal(message.id, 'msg-1')
    assert.equal(message.role, 'assistant')
    const types = message.parts.map((p) => p.type)
    const textPart = message.parts.find((p) => p.type === 'text')
    assert.equal(textPart.text, 'It is sunny in Paris.')
    const reasoning = message.parts.find((p) => p.type === 'reasoning')
    assert.equal(reasoning.text, 'The tool said 21 C, sunny.')
    const tool = message.parts.find((p) => p.type === 'tool-get_weather')
    assert.ok(tool, types.join(','))
    assert.equal(tool.state, 'output-available')
    assert.deepEqual(tool.input, { city: 'Paris' })
    assert.deepEqual(tool.output, { city: 'Paris', celsius: 21 })

    // The assembled message goes back as the next turn's history.
    const history = uiChatRequestToMessages({ id: 'chat-1', messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }, message] })
    assert.deepEqual(history.map((m) => m.role), ['user', 'assistant', 'tool', 'assistant'])
    const next = await ditto.generateText({ model, messages: [...history, { role: 'user', content: 'thanks' }] })
    assert.equal(next.text, 'echo: thanks')
  } finally {
    await srv.close()
  }
})

const uiReader = path.join(repoRoot, 'tests/ui-reader')

test('the shared tests/ui-reader tool (strict ai 5.x chunk fields) reads our stream', { skip: !existsSync(path.join(uiReader, 'node_modules/ai')) && 'run tests/ui-reader/ensure.sh' }, async () => {
  const srv = await serve(async (req, res) => {
    let body = ''
    for await (const c of req) body += c
    await pipeUIMessageStreamToResponse(agentStream({ prompt: undefined, messages: uiChatRequestToMessages(body) }), res)
  })
  try {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ui-reader-'))
    const bodyFile = path.join(dir, 'body.json')
    writeFileSync(bodyFile, JSON.stringify({ id: 'c', trigger: 'submit-message', messages: [{ id: 'u', role: 'user', parts: [{ type: 'text', text: PLAN }] }] }))
    const out = await new Promise((resolve, reject) => {
      execFile('node', [path.join(uiReader, 'read.mjs'), '--url', `${srv.url}/chat`, '--body', bodyFile], (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)))
    })
    const message = JSON.parse(out)
    const types = message.parts.map((p) => p.type)
    for (const t of ['reasoning', 'text', 'tool-get_weather']) assert.ok(types.includes(t), types.join(','))
  } finally {
    await srv.close()
  }
})

test('toUIMessageStreamResponse: a web Response (Next.js route handlers); v6 and chunk options', async () => {
  const res = toUIMessageStreamResponse(ditto.streamText({ model, prompt: 'hello web' }), { headers: { 'x-extra': '1' } })
  assert.ok(res instanceof Response)
  assert.equal(res.headers.get('x-vercel-ai-ui-message-stream'), 'v1')
  assert.equal(res.headers.get('content-type'), 'text/event-stream')
  assert.equal(res.headers.get('x-extra'), '1')
  const { message } = await readWithAi(res.body)
  assert.equal(message.parts.find((p) => p.type === 'text').text, 'echo: hello web')
  const chunks = await collect(toUIMessageStream(ditto.streamText({ model, prompt: 'v6' }), { version: 'v6', sendStart: false }))
  assert.notEqual(chunks[0].type, 'start')
  assert.ok(chunks.some((c) => c.type === 'text-delta' && c.delta.length > 0))
  assert.throws(() => toUIMessageStream(ditto.streamText({ model, prompt: 'x' }), { version: 'v9' }), BadRequestError)
  assert.throws(() => uiChatRequestToMessages({ id: 'x' }), BadRequestError)
})

test('a client that goes away cancels the stream and closes the upstream connection', async () => {
  const before = await mock.stats()
  await mock.pushScenario('ui-gone', [{ sse: chatChunks(Array.from({ length: 300 }, (_, i) => `w${i} `)), chunk_delay_ms: 10 }])
  let piped
  const srv = await serve((req, res) => {
    piped = pipeUIMessageStreamToResponse(ditto.streamText({ model, prompt: 'x', headers: { 'x-mock-scenario': 'ui-gone' } }), res)
  })
  try {
    const controller = new AbortController()
    const res = await fetch(srv.url, { signal: controller.signal })
    const reader = res.body.getReader()
    await reader.read()
    controller.abort()
    await piped
    await mock.waitForStats((s) => s.streams_disconnected >= before.streams_disconnected + 1)
  } finally {
    await srv.close()
  }
})

test('tee: text deltas and full events at once, bounded; a cancelled branch does not block the other', async () => {
  const { textStream, fullStream } = ditto.streamText({ model, prompt: 'one two three four five' }).tee()
  const [texts, events] = await Promise.all([collect(textStream), collect(fullStream)])
  assert.equal(texts.join(''), 'echo: one two three four five')
  assert.deepEqual(texts, events.filter((e) => e.type === 'text-delta').map((e) => e.text))
  assert.equal(events.at(-1).type, 'finish')

  await mock.pushScenario('tee-bounded', [{ sse: chatChunks(Array.from({ length: 50 }, (_, i) => `w${i} `)) }])
  const s = ditto.streamText({ model, prompt: 'x', headers: { 'x-mock-scenario': 'tee-bounded' } }).tee({ capacity: 4 })
  const reader = s.textStream.getReader()
  const got = []
  const stalled = await Promise.race([
    (async () => { for (;;) { const r = await reader.read(); if (r.done) return false; got.push(r.value) } })(),
    new Promise((r) => setTimeout(() => r(true), 300)),
  ])
  assert.ok(stalled, 'the unread full branch holds the producer back')
  assert.ok(got.length <= 8, `read ${got.length} deltas past a capacity of 4`)
  await s.fullStream.cancel()
  for (;;) {
    const r = await reader.read()
    if (r.done) break
    got.push(r.value)
  }
  assert.equal(got.length, 50)
})
