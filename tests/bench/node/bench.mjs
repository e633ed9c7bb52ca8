// The same 2,000-chunk OpenAI stream, served by ditto-mock-upstream from a fixture, consumed
// by three clients, each in its own process: @ditto/llm, the official `openai` package, and
// the AI SDK (`ai` + `@ai-sdk/openai-compatible`). Prints per-stream times, chunks/s, peak RSS
// and ratios measured in this one run. Bounded: a fixed number of streams, loopback only.
//
//   node bench.mjs [--streams 30] [--concurrency 20]
// Env: DITTO_MOCK_BIN (default target/release, else target/debug ditto-mock-upstream).

import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '../../..')
const CHUNKS = 2000
const FIXTURE = 'bench/stream-2000.chunks.txt'
const MODEL = 'gpt-4o-mini'

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : dflt
}

// ---------------------------------------------------------------------------------------------
// One client, in a child process: `node bench.mjs --client NAME --url URL`

const clients = {
  async ditto(url) {
    const { Ditto } = await import('@ditto/llm')
    const ditto = new Ditto({ fromEnv: false, providers: { openai: { apiKey: 'sk-bench', baseURL: `${url}/v1`, headers: { 'x-mock-fixture': FIXTURE } } } })
    return async () => {
      let n = 0
      for await (const ev of ditto.streamText({ model: `openai:${MODEL}`, prompt: 'bench' })) if (ev.type === 'text-delta') n++
      return n
    }
  },
  async openai(url) {
    const { default: OpenAI } = await import('openai')
    const client = new OpenAI({ apiKey: 'sk-bench', baseURL: `${url}/v1`, defaultHeaders: { 'x-mock-fixture': FIXTURE } })
    return async () => {
      let n = 0
      const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'bench' }], stream: true })
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) n++
      return n
    }
  },
  async 'ai-sdk'(url) {
    const { streamText } = await import('ai')
    const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible')
    const provider = createOpenAICompatible({ name: 'mock', apiKey: 'sk-bench', baseURL: `${url}/v1`, headers: { 'x-mock-fixture': FIXTURE } })
    return async () => {
      let n = 0
      const r = streamText({ model: provider(MODEL), prompt: 'bench' })
      for await (const part of r.fullStream) if (part.type === 'text-delta') n++
      return n
    }
  },
}

async function runClient(name, url, streams, concurrency) {
  const once = await clients[name](url)
  for (let i = 0; i < 3; i++) await once() // warm up: connections, JIT
  const times = []
  const cpu0 = process.cpuUsage()
  for (let i = 0; i < streams; i++) {
    const t0 = performance.now()
    const n = await once()
    times.push(performance.now() - t0)
    if (n !== CHUNKS) throw new Error(`${name}: got ${n} text deltas, expected ${CHUNKS}`)
  }
  const cpu = process.cpuUsage(cpu0)
  const t0 = performance.now()
  const counts = await Promise.all(Array.from({ length: concurrency }, () => once()))
  const concurrentMs = performance.now() - t0
  if (counts.some((n) => n !== CHUNKS)) throw new Error(`${name}: a concurrent stream was incomplete`)
  times.sort((a, b) => a - b)
  return {
    client: name,
    medianMs: times[Math.floor(times.length / 2)],
    p90Ms: times[Math.floor(times.length * 0.9)],
    cpuMsPerStream: (cpu.user + cpu.system) / 1000 / streams,
    concurrentMs,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }
}

// ---------------------------------------------------------------------------------------------
// The driver: fixture, mock upstream, one child per client, the table.

function writeFixture(dir) {
  const chunk = (delta, finish = null) =>
    JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: MODEL, choices: [{ index: 0, delta, finish_reason: finish }] })
  const lines = [chunk({ role: 'assistant', content: '' })]
  for (let i = 0; i < CHUNKS; i++) lines.push(chunk({ content: `tok${i} ` }))
  lines.push(chunk({}, 'stop'))
  lines.push(JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000, model: MODEL, choices: [], usage: { prompt_tokens: 1, completion_tokens: CHUNKS, total_tokens: CHUNKS + 1 } }))
  mkdirSync(path.join(dir, 'bench'), { recursive: true })
  writeFileSync(path.join(dir, FIXTURE), lines.join('\n') + '\n')
}

function mockBinary() {
  if (process.env.DITTO_MOCK_BIN) return process.env.DITTO_MOCK_BIN
  const target = process.env.CARGO_TARGET_DIR ?? path.join(repoRoot, 'target')
  const release = path.join(target, 'release', 'ditto-mock-upstream')
  return existsSync(release) ? release : path.join(target, 'debug', 'ditto-mock-upstream')
}

async function startMock(fixtures) {
  const child = spawn(mockBinary(), ['--port', '0', '--fixtures', fixtures], { stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error('mock upstream did not start')), 10_000)
    child.once('exit', (code) => reject(new Error(`mock upstream exited with ${code}`)))
    child.stdout.on('data', (d) => {
      out += d
      const m = out.match(/listening on (http:\/\/\S+)/)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
  })
  return { child, url }
}

async function main() {
  const streams = Number(arg('streams', '30'))
  const concurrency = Number(arg('concurrency', '20'))
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ditto-bench-'))
  writeFixture(dir)
  const mock = await startMock(dir)
  const results = []
  try {
    for (const name of Object.keys(clients)) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--client', name, '--url', mock.url, '--streams', String(streams), '--concurrency', String(concurrency)], { encoding: 'utf8', timeout: 300_000 })
      results.push(JSON.parse(out))
    }
  } finally {
    mock.child.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
  const base = results.find((r) => r.client === 'ditto')
  console.log(`mock: ${mockBinary()}`)
  console.log(`${streams} sequential streams of ${CHUNKS} chunks each (after 3 warm-up streams), then ${concurrency} at once; node ${process.version}`)
  console.log('client    median ms  p90 ms  chunks/s   CPU ms/stream  x ditto (median)  concurrent ms  peak RSS MiB')
  for (const r of results) {
    console.log(
      [
        r.client.padEnd(8),
        r.medianMs.toFixed(1).padStart(10),
        r.p90Ms.toFixed(1).padStart(7),
        Math.round(CHUNKS / (r.medianMs / 1000)).toString().padStart(9),
        r.cpuMsPerStream.toFixed(1).padStart(14),
        (r.medianMs / base.medianMs).toFixed(2).padStart(17),
        r.concurrentMs.toFixed(0).padStart(14),
        r.maxRssMiB.toFixed(0).padStart(13),
      ].join(' '),
    )
  }
}

const client = arg('client')
if (client) {
  const r = await runClient(client, arg('url'), Number(arg('streams', '30')), Number(arg('concurrency', '20')))
  process.stdout.write(JSON.stringify(r))
} else {
  await main()
}
