// The cross-language fixture cases, replayed through the real mock upstream and compared with
// the same snapshots the Rust suite checks (core/tests/conformance.rs): identical normalized
// results, events and errors.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, existsSync } from 'node:fs'
import path from 'node:path'
import { startMock, repoRoot, sharedFixtures, toSnake, normalize, jsonClose, readJson, errorJson } from './helpers.mjs'

let mock
before(async () => {
  mock = await startMock()
})
after(() => mock.stop())

async function run(c) {
  await mock.pushScenario(c.name, [{ fixture: c.fixture, status: c.status, headers: c.headers ?? {} }])
  // `configure`: the provider to set up when it differs from the model prefix (azure-responses: → azure).
  const provider = c.configure ?? c.request.model.split(':')[0]
  const ditto = mock.client([provider], { 'x-mock-scenario': c.name })
  if (c.embed) {
    try {
      const r = await ditto.embed({ model: c.request.model, input: c.embed })
      return { embeddings: r.embeddings, usage: toSnake(r.usage) }
    } catch (e) {
      return { error: errorJson(e) }
    }
  }
  if (!c.stream) {
    try {
      return { result: normalize(toSnake(await ditto.generateText(c.request))) }
    } catch (e) {
      return { error: errorJson(e) }
    }
  }
  const events = []
  let error
  try {
    for await (const ev of ditto.streamText(c.request)) events.push(toSnake(ev))
  } catch (e) {
    error = errorJson(e)
  }
  const out = { events: normalize(events) }
  if (error) out.error = error
  return out
}

function check(actual, snapshotFile) {
  const expected = readJson(snapshotFile)
  assert.ok(jsonClose(actual, expected), `mismatch with ${snapshotFile}\nactual:   ${JSON.stringify(actual)}\nexpected: ${JSON.stringify(expected)}`)
}

const ownRoot = path.join(repoRoot, 'tests/fixtures/openai')
const ownCases = readdirSync(ownRoot)
  .filter((d) => existsSync(path.join(ownRoot, d, 'case.json')))
  .sort()

test('there are own OpenAI recordings to replay', () => {
  assert.ok(ownCases.length >= 10, `expected at least 10 cases, found ${ownCases.length}`)
})

for (const name of ownCases) {
  test(`own recording: ${name}`, async () => {
    const spec = readJson(path.join(ownRoot, name, 'case.json'))
    const outcome = await run({
      name,
      fixture: `openai/${name}/${spec.fixture}`,
      status: spec.status,
      headers: spec.headers,
      // The snake_case request of case.json is accepted as is (snake_case options work too).
      request: spec.request,
      stream: spec.stream ?? false,
    })
    check(outcome, path.join(ownRoot, name, 'expected.json'))
  })
}

const manifest = readJson(path.join(repoRoot, 'tests/fixtures/ai-sdk-cases.json'))
for (const c of manifest.cases) {
  test(`AI SDK recording: ${c.name}`, { skip: sharedFixtures() ? false : '../shared/fixtures/ai-sdk is not present' }, async () => {
    const outcome = await run({
      name: c.name,
      fixture: c.file,
      status: c.status,
      request: { model: c.model, prompt: 'replayed', maxRetries: 0 },
      stream: c.stream ?? false,
      embed: c.embed,
      configure: c.configure,
    })
    check(outcome, path.join(repoRoot, 'tests/fixtures/ai-sdk-snapshots', `${c.name}.json`))
  })
}

// Image and audio recordings (tests/fixtures/ai-sdk-media-cases.json), like the Rust media test.
const media = readJson(path.join(repoRoot, 'tests/fixtures/ai-sdk-media-cases.json'))

test('there are media recordings of each kind', () => {
  const kinds = new Set(media.cases.map((c) => c.kind))
  assert.ok(kinds.has('image') && kinds.has('transcription'), [...kinds].join(', '))
})

async function runMedia(c) {
  await mock.pushScenario(c.name, [{ fixture: c.file }])
  const ditto = mock.client([c.model.split(':')[0]], { 'x-mock-scenario': c.name })
  try {
    if (c.kind === 'image') {
      return { result: toSnake(await ditto.generateImage({ model: c.model, prompt: 'replayed', maxRetries: 0 })) }
    }
    if (c.kind === 'transcription') {
      // The manifest's input: the 4 bytes "RIFF" as audio/wav.
      const audio = new TextEncoder().encode('RIFF')
      return { result: toSnake(await ditto.transcribe({ model: c.model, audio, mediaType: 'audio/wav', maxRetries: 0 })) }
    }
  } catch (e) {
    return { error: errorJson(e) }
  }
  throw new Error(`unknown media case kind ${c.kind}`)
}

for (const c of media.cases) {
  test(`AI SDK media recording: ${c.name}`, { skip: sharedFixtures() ? false : '../shared/fixtures/ai-sdk is not present' }, async () => {
    check(await runMedia(c), path.join(repoRoot, 'tests/fixtures/ai-sdk-snapshots', `${c.name}.json`))
  })
}
