// generateImage, transcribe and generateSpeech against the mock upstream's deterministic
// answers: results, what was sent, every audio input form, errors and cancellation.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { APIUserAbortError, AuthenticationError, BadRequestError, InternalServerError, RateLimitError } from '@ditto/llm'
import { startMock } from './helpers.mjs'

let mock
before(async () => {
  mock = await startMock()
})
after(() => mock.stop())

const scenario = (key) => ({ 'x-mock-scenario': key })

test('generateImage returns base64 images and sends the options', async () => {
  const key = 'media-image'
  const ditto = mock.client(['openai'], scenario(key))
  const r = await ditto.generateImage({
    model: 'openai:gpt-image-1',
    prompt: 'a red circle',
    n: 2,
    size: '256x256',
    providerOptions: { openai: { quality: 'low' } },
  })
  assert.equal(r.images.length, 2)
  assert.equal(r.images[0].mediaType, 'image/png')
  assert.equal(r.images[0].revisedPrompt, 'mock: a red circle')
  assert.deepEqual([...Buffer.from(r.images[0].base64, 'base64').subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47])
  assert.deepEqual(r.warnings, [])
  const [req] = await mock.requests(key)
  assert.equal(req.path, '/v1/images/generations')
  assert.deepEqual([req.body.prompt, req.body.n, req.body.size, req.body.quality], ['a red circle', 2, '256x256', 'low'])
})

test('transcribe takes bytes in every form, base64, data: URLs and {url}/{base64}', async () => {
  const ditto = mock.client()
  const bytes = new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 1, 2, 3])
  const b64 = Buffer.from(bytes).toString('base64')
  const padded = new Uint8Array(12)
  padded.set(bytes, 2)
  const forms = [
    bytes,
    Buffer.from(bytes),
    bytes.buffer,
    padded.subarray(2, 10),
    new DataView(padded.buffer, 2, 8),
    b64,
    `data:audio/wav;base64,${b64}`,
    { base64: b64 },
    { url: `data:audio/wav;base64,${b64}` },
  ]
  let r
  for (const audio of forms) {
    r = await ditto.transcribe({ model: 'openai:whisper-1', audio, mediaType: 'audio/wav', language: 'en' })
    assert.equal(r.text, 'mock transcript of 8 bytes', String(audio?.constructor?.name))
  }
  assert.equal(r.language, 'english')
  assert.equal(r.durationSeconds, 1.5)
  assert.deepEqual(r.segments, [{ text: r.text, start: 0, end: 1.5 }])
  await assert.rejects(ditto.transcribe({ model: 'openai:whisper-1', audio: 12, mediaType: 'audio/wav' }), BadRequestError)
  await assert.rejects(ditto.transcribe({ model: 'openai:whisper-1', audio: bytes }), /`mediaType` is required/)
})

test('generateSpeech returns the audio as a Uint8Array', async () => {
  const key = 'media-speech'
  const ditto = mock.client(['openai'], scenario(key))
  const r = await ditto.generateSpeech({
    model: 'openai:gpt-4o-mini-tts',
    text: 'hello there',
    voice: 'verse',
    speed: 1.25,
    instructions: 'cheerfully',
  })
  assert.ok(r.audio instanceof Uint8Array)
  assert.equal(Buffer.from(r.audio).toString(), 'ID3hello there')
  assert.equal(r.mediaType, 'audio/mpeg')
  assert.deepEqual(Object.keys(r).sort(), ['audio', 'mediaType', 'warnings'])
  const [req] = await mock.requests(key)
  assert.equal(req.path, '/v1/audio/speech')
  assert.deepEqual(
    [req.body.input, req.body.voice, req.body.response_format, req.body.speed, req.body.instructions],
    ['hello there', 'verse', 'mp3', 1.25, 'cheerfully'],
  )
  const wav = await mock.client().generateSpeech({ model: 'openai:tts-1', text: 'wav', outputFormat: 'wav' })
  assert.equal(wav.mediaType, 'audio/wav')
})

test('media errors map to the error classes', async () => {
  await mock.pushScenario('media-429', [{ status: 429, retry_after_ms: 1500 }])
  const err = await mock
    .client(['openai'], scenario('media-429'))
    .generateSpeech({ model: 'openai:tts-1', text: 'hi', maxRetries: 0 })
    .catch((e) => e)
  assert.ok(err instanceof RateLimitError, `${err?.name}: ${err?.message}`)
  assert.equal(err.status, 429)
  assert.equal(err.retryAfter, 1.5)
  await mock.pushScenario('media-401', [{ status: 401 }])
  await assert.rejects(mock.client(['openai'], scenario('media-401')).generateImage({ model: 'openai:gpt-image-1', prompt: 'x' }), AuthenticationError)
  await mock.pushScenario('media-500', [{ status: 500 }])
  await assert.rejects(
    mock.client(['openai'], scenario('media-500')).transcribe({ model: 'openai:whisper-1', audio: 'UklGRg==', mediaType: 'audio/wav', maxRetries: 0 }),
    InternalServerError,
  )
  const ditto = mock.client()
  await assert.rejects(ditto.generateSpeech({ model: 'openai:tts-1', text: 'hi', outputFormat: 'midi' }), BadRequestError)
  await assert.rejects(ditto.generateSpeech({ model: 'openai:tts-1', text: 'hi', speed: 'fast' }), /`speed` must be a number/)
  await assert.rejects(ditto.generateImage({ model: 'openai:gpt-image-1', prompt: 'x', quality: 'hd' }), /unknown generateImage option `quality`/)
  await assert.rejects(ditto.generateImage({ model: 'openai:gpt-image-1' }), /`prompt` is required/)
})

test('aborting a media call rejects with APIUserAbortError without waiting for the upstream', async () => {
  const ditto = mock.client()
  const slow = { 'x-mock-latency-ms': '5000' }
  const started = Date.now()
  for (const call of [
    (signal) => ditto.generateSpeech({ model: 'openai:tts-1', text: 'slow', signal, headers: slow }),
    (signal) => ditto.generateImage({ model: 'openai:gpt-image-1', prompt: 'slow', abortSignal: signal, headers: slow }),
    (signal) => ditto.transcribe({ model: 'openai:whisper-1', audio: new Uint8Array(4), mediaType: 'audio/wav', signal, headers: slow }),
  ]) {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const err = await call(controller.signal).catch((e) => e)
    assert.ok(err instanceof APIUserAbortError, `${err?.name}: ${err?.message}`)
    await assert.rejects(call(AbortSignal.abort()), APIUserAbortError)
  }
  assert.ok(Date.now() - started < 4000)
})
