// Tools: definitions in our, the AI SDK and the OpenAI shapes; tool calls in results and
// streams; a tool round trip; tool choice.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startMock } from './helpers.mjs'

let mock
let ditto
before(async () => {
  mock = await startMock()
  ditto = mock.client(['openai'])
})
after(() => mock.stop())

const model = 'openai:gpt-4o-mini'
const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }

test('a tool call comes back parsed, with finish reason tool-calls', async () => {
  const key = 'tools-basic'
  const r = await ditto.generateText({
    model,
    prompt: 'please call:get_weather {"city":"Paris"}',
    tools: [{ type: 'function', name: 'get_weather', description: 'Current weather', inputSchema: weatherSchema }],
    headers: { 'x-mock-scenario': key },
  })
  assert.equal(r.finishReason, 'tool-calls')
  assert.equal(r.toolCalls.length, 1)
  const call = r.toolCalls[0]
  assert.equal(call.toolName, 'get_weather')
  assert.match(call.toolCallId, /^call_mock_/)
  assert.deepEqual(call.input, { city: 'Paris' })
  const [req] = await mock.requests(key)
  assert.deepEqual(req.body.tools[0].function, { name: 'get_weather', description: 'Current weather', parameters: weatherSchema })
})

test('tools as an AI SDK object and in the OpenAI shape', async () => {
  const sdk = await ditto.generateText({
    model,
    prompt: 'call:get_time {"tz":"UTC"}',
    tools: { get_time: { description: 'Time', inputSchema: { type: 'object', properties: { tz: { type: 'string' } } } } },
  })
  assert.equal(sdk.toolCalls[0].toolName, 'get_time')
  const openai = await ditto.generateText({
    model,
    prompt: 'call:get_time {}',
    tools: [{ type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } }],
  })
  assert.deepEqual(openai.toolCalls[0].input, {})
})

test('tool calls stream as tool-input blocks, then the parsed call', async () => {
  const events = []
  const s = ditto.streamText({ model, prompt: 'call:get_weather {"city":"Paris"}', tools: [{ name: 'get_weather', inputSchema: weatherSchema }] })
  for await (const ev of s) events.push(ev)
  const start = events.find((e) => e.type === 'tool-input-start')
  assert.equal(start.toolName, 'get_weather')
  const deltas = events.filter((e) => e.type === 'tool-input-delta')
  assert.ok(deltas.length > 1, 'arguments arrive in pieces')
  assert.equal(deltas.map((e) => e.delta).join(''), '{"city":"Paris"}')
  const types = events.map((e) => e.type)
  assert.ok(types.indexOf('tool-input-end') < types.indexOf('tool-call'))
  const call = events.find((e) => e.type === 'tool-call')
  assert.equal(call.toolCallId, start.id)
  assert.deepEqual(call.input, { city: 'Paris' })
  assert.equal(events.at(-1).finishReason, 'tool-calls')
})

test('a tool result goes back to the model in the provider shape', async () => {
  const key = 'tools-roundtrip'
  const r = await ditto.generateText({
    model,
    headers: { 'x-mock-scenario': key },
    tools: [{ name: 'get_weather', inputSchema: weatherSchema }],
    messages: [
      { role: 'user', content: 'call:get_weather {"city":"Paris"}' },
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: { type: 'json', value: { temp_c: 21 } } }] },
    ],
  })
  assert.equal(r.finishReason, 'stop')
  const [req] = await mock.requests(key)
  const [, assistant, tool] = req.body.messages
  assert.equal(assistant.tool_calls[0].id, 'call_1')
  assert.equal(assistant.tool_calls[0].function.name, 'get_weather')
  assert.deepEqual(JSON.parse(assistant.tool_calls[0].function.arguments), { city: 'Paris' })
  assert.equal(tool.role, 'tool')
  assert.equal(tool.tool_call_id, 'call_1')
  assert.deepEqual(JSON.parse(tool.content), { temp_c: 21 })
})

test('toolChoice is sent in the provider shape', async () => {
  const key = 'tools-choice'
  await ditto.generateText({
    model,
    prompt: 'hi',
    tools: [{ name: 'get_weather', inputSchema: weatherSchema }],
    toolChoice: { type: 'tool', toolName: 'get_weather' },
    headers: { 'x-mock-scenario': key },
  })
  const [req] = await mock.requests(key)
  assert.deepEqual(req.body.tool_choice, { type: 'function', function: { name: 'get_weather' } })
})

test('a bad tool definition is a BadRequestError naming it', async () => {
  await assert.rejects(
    ditto.generateText({ model, prompt: 'x', tools: [{ name: 'a', inputSchema: 'not a schema' }] }),
    (e) => e.name === 'BadRequestError' && /tools\[0\]/.test(e.message),
  )
})

test('provider-defined tools keep their id and args', async () => {
  const r = await ditto.generateText({
    model,
    prompt: 'hi',
    tools: { web_search: { type: 'provider-defined', id: 'openai.web_search', name: 'web_search', args: {} } },
  })
  assert.deepEqual(r.warnings.map((w) => [w.type, w.toolName]), [['unsupported-tool', 'web_search']])
  assert.match(r.warnings[0].details, /openai\.web_search/)
})
