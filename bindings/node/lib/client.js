'use strict'
// Ditto: the client. Options are checked here for shape, then validated by name in Rust.

const native = require('./native-binding')
const { toDittoError, abortError } = require('./errors')
const { prepareCall, prepareClient } = require('./options')
const { StreamTextResult } = require('./stream')

class Ditto {
  #native

  /**
   * @param {object} [options] `{providers: {openai: {apiKey, baseURL, headers, query}}, fromEnv,
   *   timeout, connectTimeoutMs, maxRetries}`. Without options, providers come from the
   *   environment (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `<NAME>_BASE_URL`, ...).
   */
  constructor(options) {
    const json = prepareClient(options)
    try {
      this.#native = new native.NativeDitto(json)
    } catch (err) {
      throw toDittoError(err)
    }
  }

  /** The provider names this client knows. */
  get providers() {
    return this.#native.providers()
  }

  /** Generate text (non-streaming). */
  async generateText(options) {
    const { signal, json } = prepareCall(options, 'generateText')
    return JSON.parse(await run(() => this.#native.generateText(json), signal))
  }

  /** Stream text: an async iterable of events that also offers web ReadableStreams. */
  streamText(options) {
    const { signal, json } = prepareCall(options, 'streamText')
    return new StreamTextResult(() => this.#native.streamText(json), signal)
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

/** `options` with binary `audio` (any ArrayBuffer view, or an ArrayBuffer) as `{base64}`. */
function withAudio(options) {
  const audio = options?.audio
  if (audio instanceof ArrayBuffer || ArrayBuffer.isView(audio)) {
    const bytes = audio instanceof ArrayBuffer ? Buffer.from(audio) : Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength)
    return { ...options, audio: { base64: bytes.toString('base64') } }
  }
  return options
}

/** Start a native call and wait for it; the signal cancels it (dropping the Rust future). */
async function run(start, signal) {
  if (signal?.aborted) throw abortError(signal)
  let call
  try {
    call = start()
  } catch (err) {
    throw toDittoError(err)
  }
  const onAbort = () => call.cancel()
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    return await call.wait()
  } catch (err) {
    if (signal?.aborted) throw abortError(signal)
    throw toDittoError(err)
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

module.exports = { Ditto }
