'use strict'
// Ditto: the client. Options are checked here for shape, then validated by name in Rust.

const native = require('./native-binding')
const { toDittoError, abortError, ConfigError } = require('./errors')
const { HostCalls } = require('./host')
const { prepareCall, prepareClient } = require('./options')
const { StreamTextResult } = require('./stream')
const { prepareAgent, agentResult } = require('./agent')
const { prepareObject, checkZod, StreamObjectResult } = require('./object')

class Ditto {
  #native

  /**
   * @param {object} [options] `{providers: {openai: {apiKey, baseURL, headers, query}}, fromEnv,
   *   timeout, connectTimeoutMs, maxRetries}`. Without options, providers come from the
   *   environment (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `<NAME>_BASE_URL`, ...).
   */
  constructor(options) {
    const { rest, host, hooks } = clientHooks(options)
    const json = prepareClient(rest)
    try {
      this.#native = new native.NativeDitto(json, host?.dispatcher, hooks)
    } catch (err) {
      throw toDittoError(err)
    }
  }

  /** The provider names this client knows. */
  get providers() {
    return this.#native.providers()
  }

  /** The alias names this client knows (usable as `model`). */
  get aliases() {
    return this.#native.aliases()
  }

  /**
   * Generate text (non-streaming). When a tool has `execute` (or `stopWhen`, `maxSteps`,
   * `approvals` is given) this runs the agent loop: `steps`, `totalUsage`, `responseMessages`,
   * `pendingApprovals` besides the last step's fields.
   */
  async generateText(options) {
    const { rest, agent, host } = prepareAgent(options, 'generateText')
    const { signal, json } = prepareCall(rest, 'generateText')
    if (agent) {
      const out = await run(() => this.#native.runAgent(json, agent, host.dispatcher), signal, host)
      return agentResult(JSON.parse(out))
    }
    return JSON.parse(await run(() => this.#native.generateText(json), signal))
  }

  /**
   * Stream text: an async iterable of events that also offers web ReadableStreams. With
   * executable tools it streams every step of the agent loop (`tool-result`, `tool-error`,
   * `tool-approval-request` events).
   */
  streamText(options) {
    const { rest, agent, host } = prepareAgent(options, 'streamText')
    const { signal, json } = prepareCall(rest, 'streamText')
    if (agent) return new StreamTextResult(() => this.#native.streamAgent(json, agent, host.dispatcher), signal, host)
    return new StreamTextResult(() => this.#native.streamText(json), signal)
  }

  /**
   * Generate one object matching `schema` (JSON Schema or zod): `{object, text, finishReason,
   * usage, warnings, response, providerMetadata}`. `output`: 'object' | 'array' | 'enum' |
   * 'no-schema'; `mode`: 'auto' | 'json' | 'tool'. Fails with NoObjectGeneratedError.
   */
  async generateObject(options) {
    const { rest, zod, host } = prepareObject(options, 'generateObject')
    const { signal, json } = prepareCall(rest, 'generateObject')
    const r = JSON.parse(await run(() => this.#native.generateObject(json, host?.dispatcher), signal, host))
    r.object = checkZod(zod, r.object, r)
    return r
  }

  /** Stream one object: partial objects, array elements, then the validated object. */
  streamObject(options) {
    const { rest, zod, host } = prepareObject(options, 'streamObject')
    const { signal, json } = prepareCall(rest, 'streamObject')
    return new StreamObjectResult(new StreamTextResult(() => this.#native.streamObject(json, host?.dispatcher), signal, host), zod)
  }

  /** Embed `input` (a string or a list of strings): `{embeddings, usage, warnings}` (+ `embedding`). */
  async embed(options) {
    const { signal, json } = prepareCall(options, 'embed')
    return JSON.parse(await run(() => this.#native.embed(json), signal))
  }

  /** Rank `documents` by relevance to `query`: `{results: [{index, relevanceScore, document}], usage}`. */
  async rerank(options) {
    const { signal, json } = prepareCall(options, 'rerank')
    return JSON.parse(await run(() => this.#native.rerank(json), signal))
  }

  /** Generate images: `{images: [{base64, mediaType, revisedPrompt?}], usage, warnings}`. */
  async generateImage(options) {
    const { signal, json } = prepareCall(options, 'generateImage')
    return JSON.parse(await run(() => this.#native.generateImage(json), signal))
  }

  /**
   * Transcribe `audio` (a Uint8Array / Buffer / ArrayBuffer, a base64 string or `data:` URL,
   * or `{url}` / `{base64}`): `{text, segments, language, durationSeconds, warnings}`.
   */
  async transcribe(options) {
    const { signal, json } = prepareCall(withAudio(options), 'transcribe')
    return JSON.parse(await run(() => this.#native.transcribe(json), signal))
  }

  /** Generate speech: `{audio: Uint8Array, mediaType, warnings}`. */
  async generateSpeech(options) {
    const { signal, json } = prepareCall(options, 'generateSpeech')
    const { audioBase64, ...rest } = JSON.parse(await run(() => this.#native.generateSpeech(json), signal))
    return { audio: Uint8Array.from(Buffer.from(audioBase64, 'base64')), ...rest }
  }
}

/**
 * Split the host hooks off the client options: `cacheStore: {get, put}` (the store every
 * alias's `cache` middleware uses) and `onSpan(span)` (finished telemetry spans).
 */
function clientHooks(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return { rest: options }
  const { cacheStore, onSpan, ...rest } = options
  const hooks = []
  if (cacheStore != null) {
    if (typeof cacheStore !== 'object' || typeof cacheStore.get !== 'function' || typeof cacheStore.put !== 'function') {
      throw new ConfigError('Ditto option `cacheStore` must be an object with get(key) and put(key, value) functions', { kind: 'config' })
    }
    hooks.push('cache-store')
  }
  if (onSpan != null) {
    if (typeof onSpan !== 'function') throw new ConfigError('Ditto option `onSpan` must be a function', { kind: 'config' })
    hooks.push('span-sink')
  }
  if (hooks.length === 0) return { rest }
  return { rest, host: new HostCalls({ cacheStore, onSpan }), hooks }
}

/** `options` with binary `audio` (any ArrayBuffer view, or an ArrayBuffer) as `{base64}`. */
function withAudio(options) {
  const audio = options?.audio
  if (audio instanceof ArrayBuffer || ArrayBuffer.isView(audio)) {
    const bytes = audio instanceof ArrayBuffer ? Buffer.from(audio) : Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength)
    return { ...options, audio: { base64: bytes.toString('base64') } }
  }
  return options
}

/**
 * Start a native call and wait for it; the signal cancels it (dropping the Rust future). `host`
 * (the call's HostCalls, if any) is aborted with it, so no tool keeps running.
 */
async function run(start, signal, host) {
  if (signal?.aborted) throw abortError(signal)
  let call
  try {
    call = start()
  } catch (err) {
    throw toDittoError(err)
  }
  const onAbort = () => {
    call.cancel()
    host?.abort(signal.reason)
  }
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    return await call.wait()
  } catch (err) {
    host?.abort(err)
    if (signal?.aborted) throw abortError(signal)
    throw toDittoError(err)
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

module.exports = { Ditto }
