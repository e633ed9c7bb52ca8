// Shared test helpers: a real ditto-mock-upstream process per test file, clients pointed at it,
// and the snake_case view of our camelCase objects for comparing with the shared snapshots.

import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ditto } from '@ditto/llm'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

/** `../shared/fixtures/ai-sdk` (or `$DITTO_SHARED_FIXTURES`), when present. */
export function sharedFixtures() {
  const dir = process.env.DITTO_SHARED_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures/ai-sdk')
  return existsSync(dir) ? dir : null
}

function mockBinary() {
  if (process.env.DITTO_MOCK_BIN) return process.env.DITTO_MOCK_BIN
  const target = process.env.CARGO_TARGET_DIR ?? path.join(repoRoot, 'target')
  return path.join(target, 'debug', 'ditto-mock-upstream')
}

/** Start the mock upstream; resolves once it prints its URL. */
export async function startMock() {
  const bin = mockBinary()
  if (!existsSync(bin)) throw new Error(`mock upstream binary not found at ${bin}; run: cargo build -p ditto-mock-upstream`)
  const args = ['--port', '0', '--fixtures', path.join(repoRoot, 'tests/fixtures')]
  const shared = sharedFixtures()
  if (shared) args.push('--fixtures', shared)
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error('mock upstream did not start within 10 s')), 10_000)
    child.once('exit', (code) => reject(new Error(`mock upstream exited with ${code}`)))
    child.stdout.on('data', (chunk) => {
      out += chunk
      const m = out.match(/listening on (http:\/\/\S+)/)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
  })
  return new Mock(child, url)
}

/** Provider adapters and base paths on the mock, from `tests/fixtures/ai-sdk-cases.json`. */
const manifestProviders = readJson(path.join(repoRoot, 'tests/fixtures/ai-sdk-cases.json')).providers ?? {}

/** How the suites point provider `name` at the mock (as `provider_config` in core/tests/common). */
function providerSettings(name, mock) {
  if (name === 'vertex') {
    return { type: 'vertex', apiKey: 'ya29.test-token', baseURL: mock.url, project: 'proj-1', region: 'us-central1' }
  }
  let known = manifestProviders[name] ?? { type: name === 'openai' ? 'openai' : 'openai-compatible', base_path: '/v1' }
  if (known.derived_from) known = manifestProviders[known.derived_from]
  return { type: known.type, apiKey: 'sk-test-secret', baseURL: mock.url + known.base_path }
}

export class Mock {
  constructor(child, url) {
    this.child = child
    this.url = url
    this.openaiBaseURL = `${url}/v1`
  }

  /** Queue scenario steps under `key`. */
  async pushScenario(key, steps) {
    const res = await fetch(`${this.url}/__mock/scenarios/${encodeURIComponent(key)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ steps }),
    })
    if (!res.ok) throw new Error(`scenario ${key}: ${res.status} ${await res.text()}`)
  }

  async requests(scenario) {
    const q = scenario ? `?scenario=${encodeURIComponent(scenario)}` : ''
    return (await fetch(`${this.url}/__mock/requests${q}`)).json()
  }

  async stats() {
    return (await fetch(`${this.url}/__mock/stats`)).json()
  }

  /** Poll the stats until `pred(stats)` holds (bounded: 5 s). */
  async waitForStats(pred) {
    let stats
    for (let i = 0; i < 100; i++) {
      stats = await this.stats()
      if (pred(stats)) return stats
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`stats never matched: ${JSON.stringify(stats)}`)
  }

  /** A client whose `providers` all point at this mock, each sending `headers`. */
  client(providers = ['openai'], headers = {}, extra = {}) {
    const conf = {}
    for (const name of providers) {
      conf[name] = { ...providerSettings(name, this), headers }
    }
    return new Ditto({ fromEnv: false, providers: conf, ...extra })
  }

  stop() {
    this.child.kill('SIGTERM')
  }
}

const OPAQUE = new Set(['input', 'output', 'object', 'element', 'rawValue', 'providerMetadata', 'providerOptions', 'headers', 'schema', 'inputSchema'])

const snakeKey = (k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** Our camelCase objects → the core's snake_case JSON (structural keys only, as in Rust). */
export function toSnake(v) {
  if (Array.isArray(v)) return v.map(toSnake)
  if (v === null || typeof v !== 'object') return v
  const out = {}
  for (const [k, val] of Object.entries(v)) out[snakeKey(k)] = OPAQUE.has(k) ? val : toSnake(val)
  return out
}

/** Drop what varies between runs and languages (response headers), as the Rust suite does. */
export function normalize(v) {
  if (Array.isArray(v)) return v.map(normalize)
  if (v && typeof v === 'object' && v.response && typeof v.response === 'object') {
    const { headers, ...response } = v.response
    return { ...v, response }
  }
  return v
}

/** JSON equality, numbers within a relative 1e-6 (embeddings are f32). */
export function jsonClose(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b))
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonClose(x, b[i]))
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonClose(a[k], b[k]))
  }
  return a === b
}

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'))
}

/** The part of an error every language compares. */
export function errorJson(e) {
  return { kind: e.code, status: e.status ?? null, code: e.providerCode ?? null }
}

/** OpenAI `chat.completion.chunk` SSE payloads streaming `pieces`, then a stop and usage chunk. */
export function chatChunks(pieces) {
  const chunk = (delta, finish = null) =>
    JSON.stringify({ id: 'chatcmpl-gen', object: 'chat.completion.chunk', created: 1700000000, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] })
  return [
    chunk({ role: 'assistant', content: '' }),
    ...pieces.map((p) => chunk({ content: p })),
    chunk({}, 'stop'),
    JSON.stringify({ id: 'chatcmpl-gen', object: 'chat.completion.chunk', created: 1700000000, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 1, completion_tokens: pieces.length, total_tokens: pieces.length + 1 } }),
  ]
}
