// Type test (tsc --noEmit): the documented API type-checks, and misuse does not.
import {
  Ditto,
  DittoError,
  AuthenticationError,
  RateLimitError,
  APIUserAbortError,
  StreamTextResult,
  type GenerateTextResult,
  type StreamEvent,
  type Usage,
  type ErrorCode,
  type ImageResult,
  type TranscriptionResult,
  type SpeechResult,
} from '@ditto/llm'

const ditto = new Ditto()
const ditto2 = new Ditto({ providers: { openai: { apiKey: 'sk', baseURL: 'http://127.0.0.1:9000/v1' } }, maxRetries: 1, timeout: 30_000 })

export async function demo(): Promise<void> {
  const r: GenerateTextResult = await ditto.generateText({
    model: 'openai:gpt-4o-mini',
    prompt: 'Hi',
    system: 'Be terse.',
    messages: [{ role: 'user', content: 'earlier' }],
    tools: { get_weather: { description: 'Weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } } },
    maxOutputTokens: 100,
    temperature: 0.2,
  })
  const text: string = r.text
  const input: number | null = r.usage.inputTokens
  const output: number | null = r.usage.outputTokens
  const reason: 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other' = r.finishReason
  const firstTool: string | undefined = r.toolCalls[0]?.toolName
  const warnings: number = r.warnings.length
  void [text, input, output, reason, firstTool, warnings]

  const controller = new AbortController()
  const s: StreamTextResult = ditto2.streamText({ model: 'openai:gpt-4o-mini', prompt: 'Hi', signal: controller.signal })
  for await (const ev of s) {
    if (ev.type === 'text-delta') {
      const delta: string = ev.text
      void delta
    } else if (ev.type === 'finish') {
      const total: Usage = ev.totalUsage
      void total
    } else if (ev.type === 'tool-call') {
      const name: string = ev.toolName
      void name
    }
  }
  const events: ReadableStream<StreamEvent> = ditto.streamText({ model: 'm:x', prompt: 'p' }).fullStream
  const texts: ReadableStream<string> = ditto.streamText({ model: 'm:x', prompt: 'p' }).textStream
  void [events, texts]

  const e = await ditto.embed({ model: 'openai:text-embedding-3-small', input: ['a', 'b'] })
  const vectors: number[][] = e.embeddings
  const one: number[] = (await ditto.embed({ model: 'openai:text-embedding-3-small', input: 'a' })).embedding
  void [vectors, one]
  const ranked: number = (await ditto.rerank({ model: 'cohere:rerank-v3.5', query: 'q', documents: ['a'], topN: 1 })).results[0].relevanceScore
  void ranked

  try {
    await ditto.generateText({ model: 'openai:gpt-4o-mini', prompt: 'Hi' })
  } catch (err) {
    if (err instanceof RateLimitError) {
      const wait: number | undefined = err.retryAfter
      void wait
    } else if (err instanceof AuthenticationError || err instanceof APIUserAbortError) {
      const status: number | undefined = err.status
      void status
    } else if (err instanceof DittoError) {
      const code: ErrorCode = err.code
      const body: string | undefined = err.body
      void [code, body]
    }
  }

  // @ts-expect-error model is required
  await ditto.generateText({ prompt: 'Hi' })
  // @ts-expect-error maxOutputTokens is a number
  await ditto.generateText({ model: 'm:x', prompt: 'Hi', maxOutputTokens: '5' })
  // @ts-expect-error usage fields may be null
  const n: number = r.usage.inputTokens
  void n
  // @ts-expect-error not an option
  new Ditto({ provider: {} })
}

export async function media(): Promise<void> {
  const img: ImageResult = await ditto.generateImage({ model: 'openai:gpt-image-1', prompt: 'a cat', n: 1, size: '1024x1024' })
  const png: string = img.images[0].base64
  const t: TranscriptionResult = await ditto.transcribe({ model: 'openai:whisper-1', audio: new Uint8Array([1, 2]), mediaType: 'audio/wav', language: 'en' })
  const t2 = await ditto.transcribe({ model: 'openai:whisper-1', audio: { base64: png }, mediaType: 'audio/wav', signal: AbortSignal.timeout(1000) })
  const seconds: number | null = t.durationSeconds
  const s: SpeechResult = await ditto.generateSpeech({ model: 'openai:tts-1', text: t.text + t2.segments.length, voice: 'alloy', outputFormat: 'mp3', speed: 1 })
  const bytes: Uint8Array = s.audio
  void [seconds, bytes]
  // @ts-expect-error mediaType is required
  await ditto.transcribe({ model: 'openai:whisper-1', audio: 'UklGRg==' })
  // @ts-expect-error speed is a number
  await ditto.generateSpeech({ model: 'openai:tts-1', text: 'x', speed: 'fast' })
}

// Agents: tools with execute (zod or JSON Schema input), stop conditions, approvals.
import { stepCountIs, hasToolCall, tool, type AgentTextResult, type StepResult } from '@ditto/llm'
import { z } from 'zod'

export async function agentDemo(): Promise<void> {
  const weather = tool({
    description: 'Weather',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }, { toolCallId, abortSignal }) => ({ city, celsius: 21, id: toolCallId, aborted: abortSignal.aborted }),
  })
  const r: AgentTextResult = await ditto.generateText({
    model: 'openai:gpt-4o-mini',
    prompt: 'Weather in Paris?',
    tools: { weather, clock: { inputSchema: { type: 'object' }, execute: async () => Date.now(), needsApproval: true } },
    stopWhen: [stepCountIs(5), hasToolCall('clock'), ({ steps }: { steps: StepResult[] }) => steps.length > 3],
    approvals: [{ approvalId: 'approval-1', approved: false, reason: 'no' }],
  })
  const n: number = r.steps.length
  const total: number | null = r.totalUsage.inputTokens
  const pending: string | undefined = r.pendingApprovals[0]?.approvalId
  const plain = await ditto.generateText({ model: 'm', prompt: 'x', tools: { weather } })
  const maybeSteps: StepResult[] | undefined = plain.steps
  void [n, total, pending, maybeSteps]
  // @ts-expect-error the input is typed from the zod schema
  tool({ inputSchema: z.object({ city: z.string() }), execute: async ({ city }: { city: number }) => city })
}

// Objects: zod-typed results, partial streams, element streams.
import { StreamObjectResult, NoObjectGeneratedError, type GenerateObjectResult } from '@ditto/llm'

export async function objectDemo(): Promise<void> {
  const Recipe = z.object({ name: z.string(), servings: z.number() })
  const r = await ditto.generateObject({ model: 'openai:gpt-4o-mini', prompt: 'lasagna', schema: Recipe, schemaName: 'recipe', mode: 'auto' })
  const name: string = r.object.name
  const plain: GenerateObjectResult = await ditto.generateObject({ model: 'm', prompt: 'x', schema: { type: 'object' } })
  const e = await ditto.generateObject({ model: 'm', prompt: 'x', output: 'enum', enum: ['a', 'b'] })
  const which: string = e.object
  const s: StreamObjectResult<{ name: string; servings: number }> = ditto.streamObject({ model: 'm', prompt: 'x', schema: Recipe })
  for await (const p of s.partialObjectStream) {
    const partialName: string | undefined = p.name
    void partialName
  }
  const arr = ditto.streamObject({ model: 'm', prompt: 'x', schema: Recipe, output: 'array' })
  for await (const el of arr.elementStream) {
    const servings: number = el.servings
    void servings
  }
  const final: { name: string; servings: number } = await s.object
  const err = await ditto.generateObject({ model: 'm', prompt: 'x', schema: Recipe }).catch((x: unknown) => x)
  if (err instanceof NoObjectGeneratedError) {
    const raw: string | undefined = err.text
    void raw
  }
  // @ts-expect-error the object is typed from the zod schema
  const wrong: number = r.object.name
  void [name, plain, which, final, wrong]
}

// Middleware aliases, a host cache store, telemetry spans.
const store = new Map<string, string>()
export const withMiddleware = new Ditto({
  aliases: {
    fast: { model: 'openai:gpt-4o-mini', middleware: [{ type: 'cache', ttlMs: 60_000 }, { type: 'extract-reasoning', tagName: 'think' }] },
    safe: { model: 'fast', middleware: [{ type: 'fallback', models: ['anthropic:claude-3-5-haiku-latest'], on: ['rate_limited'] }, { type: 'retry', maxRetries: 3 }] },
  },
  cacheStore: { get: (k) => store.get(k) ?? null, put: (k, v) => void store.set(k, v) },
  onSpan: (span) => console.log(span.name, span.attributes['gen_ai.request.model'], span.durationMs),
})
// @ts-expect-error unknown middleware type
export const badMiddleware = new Ditto({ aliases: { x: { model: 'm', middleware: [{ type: 'teleport' }] } } })

// Protocols and fan-out.
import { encodeDittoV1, decodeDittoV1, toUIMessageStreamResponse, pipeUIMessageStreamToResponse, uiChatRequestToMessages, type Message } from '@ditto/llm'
import { createServer } from 'node:http'

export async function protocolDemo(): Promise<void> {
  const s = ditto.streamText({ model: 'm', prompt: 'x' })
  const bytes: ReadableStream<Uint8Array> = encodeDittoV1(s, { framing: 'ndjson' })
  for await (const ev of decodeDittoV1(bytes, { framing: 'ndjson' })) {
    if (ev.type === 'text-delta') console.log(ev.text)
  }
  const { textStream, fullStream } = ditto.streamText({ model: 'm', prompt: 'x' }).tee({ capacity: 16 })
  void [textStream, fullStream]
  const messages: Message[] = uiChatRequestToMessages({ id: 'c', messages: [] })
  const res: Response = toUIMessageStreamResponse(ditto.streamText({ model: 'm', messages }), { version: 'v5', headers: { 'x-a': '1' } })
  createServer(async (_req, out) => {
    await pipeUIMessageStreamToResponse(ditto.streamText({ model: 'm', prompt: 'x' }), out)
  })
  // @ts-expect-error framing is 'sse' or 'ndjson'
  encodeDittoV1([], { framing: 'xml' })
  void res
}

import { openTelemetrySpanSink, type SpanRecord } from '@ditto/llm'
import { trace, type Tracer } from '@opentelemetry/api'

export function otelDemo(tracer: Tracer): Ditto {
  const hook: (span: SpanRecord) => void = openTelemetrySpanSink(tracer)
  const viaGlobal = openTelemetrySpanSink(trace.getTracer('my-app', '1.0.0'))
  // @ts-expect-error a tracer is required
  openTelemetrySpanSink()
  // @ts-expect-error not a tracer
  openTelemetrySpanSink({ name: 'x' })
  void viaGlobal
  return new Ditto({ aliases: { fast: { model: 'openai:gpt-4o-mini', middleware: [{ type: 'telemetry' }] } }, onSpan: hook })
}
