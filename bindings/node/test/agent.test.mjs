// The agent loop from JavaScript: tools with `execute` run from the Rust loop through the host
// bridge, over the mock upstream's `plan:` replies; stop conditions, tool errors, approvals,
// repair, abort.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { APIUserAbortError, BadRequestError, stepCountIs, hasToolCall } from '@ditto/llm'
import { z } from 'zod'
import { startMock, readJson, repoRoot, toSnake, jsonClose } from './helpers.mjs'
import path from 'node:path'

let mock
let ditto
before(async () => {
  mock = await startMock()
  ditto = mock.client(['openai'])
})
after(() => mock.stop())

const model = 'openai:gpt-4o-mini'
const PLAN = 'What is the weather? plan: call:get_weather {"city":"Paris"} & call:get_weather {"city":"London"} | call:convert_temperature {"celsius":21,"to":"fahrenheit"} | It is 69.8 F in Paris.'

function weatherTools(log = []) {
  return {
    get_weather: {
      description: 'Current weather',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }, { toolCallId, messages, abortSignal }) => {
        log.push({ city, toolCallId, messages: messages.length, signal: abortSignal instanceof AbortSignal })
        return { city, celsius: 21 }
      },
    },
    convert_temperature: {
      parameters: { type: 'object', properties: { celsius: { type: 'number' }, to: { type: 'string' } } },
      execute: async ({ celsius }) => ({ value: (celsius * 9) / 5 + 32 }),
    },
  }
}

// The cross-language fixture: the same tools, steps and usage in every language.
const fixture = readJson(path.join(repoRoot, 'tests/fixtures/agent/two-tools-three-steps.json'))

function fixtureTools() {
  const tools = {}
  for (const def of fixture.tools) {
    const outputs = fixture.tool_outputs[def.name] ?? []
    tools[def.name] = {
      ...def,
      execute: async (input) => {
        const hit = outputs.find((o) => jsonClose(o.input, input))
        if (!hit) throw new Error('unknown input')
        return hit.output
      },
    }
  }
  return tools
}

function fixtureOptions(key) {
  const stopWhen = fixture.options.stop_when.map((c) => (c.type === 'step-count' ? stepCountIs(c.count) : hasToolCall(c.tool_name)))
  return { model: fixture.model, prompt: fixture.prompt, tools: fixtureTools(), stopWhen, headers: { 'x-mock-scenario': key } }
}

const resultView = (r) => (r.output.type === 'json' ? { tool_name: r.toolName, output: r.output.value } : { tool_name: r.toolName, error: r.output.value })

test('fixture two-tools-three-steps: generateText', async () => {
  const r = await ditto.generateText(fixtureOptions('agent-fixture-run'))
  const want = fixture.expected
  assert.equal(r.text, want.text)
  assert.equal(r.finishReason, want.finish_reason)
  assert.deepEqual(
    r.steps.map((s) => ({
      finish_reason: s.finishReason,
      text: s.text,
      tool_calls: s.toolCalls.map((c) => ({ tool_name: c.toolName, input: c.input })),
      tool_results: s.toolResults.map(resultView),
      usage: toSnake(s.usage),
    })),
    want.steps,
  )
  assert.deepEqual(toSnake(r.totalUsage), want.total_usage)
  assert.deepEqual(r.responseMessages.map((m) => m.role), want.response_message_roles)
  assert.equal((await mock.requests('agent-fixture-run')).length, want.model_calls)
})

test('fixture two-tools-three-steps: streamText, same steps and usage', async () => {
  const events = []
  for await (const ev of ditto.streamText(fixtureOptions('agent-fixture-stream'))) events.push(ev)
  const want = fixture.expected
  const collapsed = events.map((e) => e.type).filter((t, i, all) => i === 0 || all[i - 1] !== t)
  assert.deepEqual(collapsed, want.event_types)
  assert.deepEqual(events.filter((e) => e.type === 'finish-step').map((e) => toSnake(e.usage)), want.steps.map((s) => s.usage))
  assert.deepEqual(events.filter((e) => e.type === 'finish-step').map((e) => e.finishReason), want.steps.map((s) => s.finish_reason))
  assert.deepEqual(
    events.filter((e) => e.type === 'tool-result').map((e) => ({ tool_name: e.toolName, output: e.output })),
    want.steps.flatMap((s) => s.tool_results),
  )
  assert.equal(events.filter((e) => e.type === 'text-delta').map((e) => e.text).join(''), want.text)
  assert.deepEqual(toSnake(events.at(-1).totalUsage), want.total_usage)
  assert.equal((await mock.requests('agent-fixture-stream')).length, want.model_calls)
})

test('generateText runs the loop: steps, results in call order, total usage', async () => {
  const log = []
  const r = await ditto.generateText({ model, prompt: PLAN, tools: weatherTools(log), stopWhen: stepCountIs(5) })
  assert.equal(r.text, 'It is 69.8 F in Paris.')
  assert.equal(r.steps.length, 3)
  assert.deepEqual(r.steps.map((s) => s.finishReason), ['tool-calls', 'tool-calls', 'stop'])
  assert.deepEqual(r.steps[0].toolResults.map((t) => t.output.value.city), ['Paris', 'London'])
  assert.deepEqual(r.steps[1].toolResults[0].output, { type: 'json', value: { value: 69.8 } })
  assert.deepEqual(log.map((l) => l.city).sort(), ['London', 'Paris'])
  assert.ok(log.every((l) => l.signal && l.messages >= 1 && l.toolCallId.startsWith('call_mock_')))
  const sum = (k) => r.steps.reduce((a, s) => a + s.usage[k], 0)
  assert.equal(r.totalUsage.inputTokens, sum('inputTokens'))
  assert.equal(r.totalUsage.outputTokens, sum('outputTokens'))
  assert.equal(r.usage.outputTokens, r.steps[2].usage.outputTokens)
  assert.deepEqual(r.responseMessages.map((m) => m.role), ['assistant', 'tool', 'assistant', 'tool', 'assistant'])
  assert.deepEqual(r.pendingApprovals, [])
})

test('streamText streams every step; same steps and usage as generateText', async () => {
  const r = await ditto.generateText({ model, prompt: PLAN, tools: weatherTools(), stopWhen: stepCountIs(5) })
  const events = []
  for await (const ev of ditto.streamText({ model, prompt: PLAN, tools: weatherTools(), stopWhen: [stepCountIs(5)] })) events.push(ev)
  const types = events.map((e) => e.type)
  assert.equal(types.filter((t) => t === 'start-step').length, 3)
  assert.equal(types.filter((t) => t === 'finish-step').length, 3)
  const results = events.filter((e) => e.type === 'tool-result')
  assert.deepEqual(results.map((e) => e.toolName), ['get_weather', 'get_weather', 'convert_temperature'])
  assert.deepEqual(results[2].output, { value: 69.8 })
  const finish = events.at(-1)
  assert.equal(finish.type, 'finish')
  assert.deepEqual(finish.totalUsage, r.totalUsage)
  const steps = events.filter((e) => e.type === 'finish-step')
  assert.deepEqual(steps.map((s) => s.usage), r.steps.map((s) => s.usage))
  assert.equal(events.filter((e) => e.type === 'text-delta').map((e) => e.text).join(''), r.text)
})

test('stop conditions: step count, hasToolCall, a custom function, maxSteps', async () => {
  const one = await ditto.generateText({ model, prompt: PLAN, tools: weatherTools() })
  assert.equal(one.steps.length, 1, 'default: one step, like the AI SDK')
  assert.equal(one.toolResults.length, 2)
  const has = await ditto.generateText({ model, prompt: PLAN, tools: weatherTools(), stopWhen: hasToolCall('convert_temperature') })
  assert.equal(has.steps.length, 2)
  const seen = []
  const custom = await ditto.generateText({
    model, prompt: PLAN, tools: weatherTools(),
    stopWhen: [async ({ steps }) => { seen.push(steps.length); return steps.at(-1).toolCalls.length === 1 }],
  })
  assert.equal(custom.steps.length, 2)
  assert.deepEqual(seen, [1, 2])
  const capped = await ditto.generateText({ model, prompt: PLAN, tools: weatherTools(), maxSteps: 2 })
  assert.equal(capped.steps.length, 2)
  assert.equal(stepCountIs(2)({ steps: [1, 2] }), true, 'conditions are callable like the AI SDK ones')
})

test('a tool that throws or rejects becomes a tool-error fed back to the model', async () => {
  const tools = {
    get_weather: { inputSchema: { type: 'object' }, execute: () => { throw new Error('weather service down') } },
    convert_temperature: { inputSchema: { type: 'object' }, execute: async () => Promise.reject('plain string rejection') },
  }
  const r = await ditto.generateText({ model, prompt: PLAN, tools, stopWhen: stepCountIs(5) })
  assert.equal(r.steps.length, 3)
  assert.deepEqual(r.steps[0].toolResults[0].output, { type: 'error-text', value: 'weather service down' })
  assert.deepEqual(r.steps[1].toolResults[0].output, { type: 'error-text', value: 'plain string rejection' })
  const events = []
  for await (const ev of ditto.streamText({ model, prompt: PLAN, tools, stopWhen: stepCountIs(5) })) events.push(ev)
  const errors = events.filter((e) => e.type === 'tool-error')
  assert.equal(errors.length, 3)
  assert.equal(errors[0].error, 'weather service down')
  assert.equal(events.at(-1).type, 'finish')
})

test('a tool returning data JSON cannot carry is a tool-error, not a crash', async () => {
  const circular = {}
  circular.self = circular
  const tools = {
    get_weather: { inputSchema: { type: 'object' }, execute: async () => ({ big: 10n }) },
    convert_temperature: { inputSchema: { type: 'object' }, execute: async () => circular },
  }
  const r = await ditto.generateText({ model, prompt: PLAN, tools, stopWhen: stepCountIs(3) })
  assert.match(r.steps[0].toolResults[0].output.value, /cannot be sent as JSON.*BigInt/)
  assert.match(r.steps[1].toolResults[0].output.value, /cannot be sent as JSON.*circular/i)
  const undef = await ditto.generateText({ model, prompt: PLAN, tools: { ...tools, get_weather: { execute: async () => undefined } } })
  assert.deepEqual(undef.steps[0].toolResults[0].output, { type: 'json', value: null })
})

test('approval: the loop pauses with pendingApprovals, and resumes with the answers', async () => {
  const ran = []
  const tools = weatherTools()
  tools.get_weather = { ...tools.get_weather, needsApproval: true, execute: async ({ city }) => { ran.push(city); return { city, celsius: 21 } } }
  const first = await ditto.generateText({ model, prompt: PLAN, tools, stopWhen: stepCountIs(5) })
  assert.equal(first.steps.length, 1)
  assert.deepEqual(ran, [])
  assert.equal(first.pendingApprovals.length, 2)
  const [a, b] = first.pendingApprovals
  assert.equal(a.toolCall.toolName, 'get_weather')
  const events = []
  const stream = ditto.streamText({ model, prompt: PLAN, tools, stopWhen: stepCountIs(5) })
  for await (const ev of stream) events.push(ev)
  const requests = events.filter((e) => e.type === 'tool-approval-request')
  assert.deepEqual(requests.map((e) => e.toolCall.input.city), ['Paris', 'London'])
  assert.ok(requests.every((e) => e.approvalId === `approval-${e.toolCall.toolCallId}`))

  const resumed = await ditto.generateText({
    model, tools, stopWhen: stepCountIs(5),
    messages: [{ role: 'user', content: PLAN }, ...first.responseMessages],
    approvals: [{ approvalId: a.approvalId, approved: true }, { approvalId: b.approvalId, approved: false, reason: 'not London' }],
  })
  assert.deepEqual(ran, ['Paris'])
  assert.equal(resumed.text, 'It is 69.8 F in Paris.')
  assert.equal(resumed.pendingApprovals.length, 0)
})

test('repairToolCall fixes invalid input; a throwing one becomes a tool-error', async () => {
  const prompt = 'x plan: call:get_weather {"city": Paris} | done'
  const got = []
  const tools = { get_weather: { inputSchema: z.object({ city: z.string() }), execute: async (input) => { got.push(input); return 'ok' } } }
  const fixed = await ditto.generateText({
    model, prompt, tools, stopWhen: stepCountIs(3),
    repairToolCall: async ({ toolCall, error }) => { assert.match(error, /not valid JSON/); return { ...toolCall, input: { city: 'Paris' } } },
  })
  assert.deepEqual(got, [{ city: 'Paris' }])
  assert.equal(fixed.text, 'done')
  await ditto.generateText({
    model, prompt, tools, stopWhen: stepCountIs(3),
    repairToolCall: async ({ toolCall }) => ({ ...toolCall, input: '{"city":"Rome"}' }),
  })
  assert.deepEqual(got[1], { city: 'Rome' }, 'input as JSON text, like the AI SDK')
  const broken = await ditto.generateText({ model, prompt, tools, stopWhen: stepCountIs(3), repairToolCall: () => { throw new Error('repair exploded') } })
  assert.match(broken.steps[0].toolResults[0].output.value, /repair exploded/)
  assert.equal(got.length, 2)
})

test('bad agent options are BadRequestErrors', async () => {
  const tools = weatherTools()
  await assert.rejects(ditto.generateText({ model, prompt: 'x', tools: { t: { execute: 'nope' } } }), BadRequestError)
  await assert.rejects(ditto.generateText({ model, prompt: 'x', tools, stopWhen: [3] }), /stopWhen\[0\]/)
  await assert.rejects(ditto.generateText({ model, prompt: 'x', tools, maxSteps: 0 }), /maxSteps/)
  await assert.rejects(ditto.generateText({ model, prompt: 'x', tools, approvals: [{ approved: true }] }), /approvals\[0\]/)
  await assert.rejects(ditto.generateText({ model, prompt: 'x', tools: { t: { inputSchema: 'str', execute() {} } } }), /inputSchema/)
  assert.throws(() => stepCountIs(0), BadRequestError)
})

test('aborting mid-loop stops the running tool and starts nothing more', async () => {
  const controller = new AbortController()
  let running = 0
  let sawAbort = false
  let calls = 0
  const tools = {
    get_weather: {
      execute: (input, { abortSignal }) => new Promise((resolve, reject) => {
        calls++
        running++
        if (calls === 2) setTimeout(() => controller.abort(), 50)
        abortSignal.addEventListener('abort', () => { sawAbort = true; running--; reject(new Error('aborted')) }, { once: true })
      }),
    },
  }
  const before = (await mock.requests()).length
  await assert.rejects(ditto.generateText({ model, prompt: PLAN, tools, stopWhen: stepCountIs(5), signal: controller.signal }), APIUserAbortError)
  assert.ok(sawAbort)
  assert.equal(running, 0)
  await new Promise((r) => setTimeout(r, 200))
  assert.equal((await mock.requests()).length, before + 1, 'no model call after the abort')
  assert.equal(calls, 2)
})

test('aborting a streamed loop mid-stream closes the upstream connection', async () => {
  const long = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ')
  const prompt = `x plan: call:get_weather {"city":"Paris"} | ${long}`
  const before = await mock.stats()
  const controller = new AbortController()
  const events = []
  const s = ditto.streamText({ model, prompt, tools: weatherTools(), stopWhen: stepCountIs(5), signal: controller.signal, headers: { 'x-mock-chunk-delay-ms': '20' } })
  for await (const ev of s) {
    events.push(ev)
    if (ev.type === 'text-delta') controller.abort()
  }
  assert.equal(events.filter((e) => e.type === 'tool-result').length, 1)
  assert.deepEqual(events.at(-1), { type: 'abort' })
  await mock.waitForStats((st) => st.streams_disconnected >= before.streams_disconnected + 1)
})
