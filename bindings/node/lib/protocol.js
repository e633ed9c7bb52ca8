'use strict'
// Stream protocols: the Ditto stream protocol v1 (encode / decode, SSE or NDJSON) and the AI
// SDK UI message stream (chunks, a web Response for Next.js route handlers, piping into a
// node:http / Express response), and `useChat` request bodies → messages. The encoders and
// the decoder are the core's (`ditto_llm::protocol`); this file only moves events and bytes.

const native = require('./native-binding')
const { BadRequestError, toDittoError } = require('./errors')

/** The headers of a UI message stream response (as the AI SDK sends them). */
const UI_MESSAGE_STREAM_HEADERS = Object.freeze({
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-vercel-ai-ui-message-stream': 'v1',
  'x-accel-buffering': 'no',
})

const encoder = new TextEncoder()

function iteratorOf(source, what) {
  if (source != null && typeof source[Symbol.asyncIterator] === 'function') return source[Symbol.asyncIterator]()
  if (source != null && typeof source[Symbol.iterator] === 'function' && typeof source !== 'string') return source[Symbol.iterator]()
  throw new BadRequestError(`${what} expects an async iterable (a stream from streamText, a ReadableStream, ...)`, { kind: 'invalid_request' })
}

function framingOf(options, what) {
  const framing = options?.framing ?? 'sse'
  if (framing !== 'sse' && framing !== 'ndjson') throw new BadRequestError(`${what}: framing must be 'sse' or 'ndjson'`, { kind: 'invalid_request' })
  return framing
}

/** A pull-based ReadableStream: `produce()` returns the next value, or undefined at the end. */
function pullStream(produce, onCancel) {
  return new ReadableStream(
    {
      async pull(controller) {
        try {
          const v = await produce()
          if (v === undefined) controller.close()
          else controller.enqueue(v)
        } catch (err) {
          controller.error(err)
        }
      },
      async cancel() {
        await onCancel()
      },
    },
    { highWaterMark: 0 },
  )
}

function errorEvent(err) {
  const e = toDittoError(err)
  return { type: 'error', error: { kind: e.code, message: e.message } }
}

/**
 * Encode events (any async iterable: a `streamText` result, a ReadableStream of events) as the
 * Ditto stream protocol v1: a ReadableStream of bytes. A failure of the source becomes an
 * `error` event; SSE ends with `data: [DONE]`.
 */
function encodeDittoV1(events, options = {}) {
  const framing = framingOf(options, 'encodeDittoV1')
  const it = iteratorOf(events, 'encodeDittoV1')
  let state = 'open'
  return pullStream(
    async () => {
      if (state === 'done') return undefined
      if (state === 'terminate') {
        state = 'done'
        const end = native.dittoV1Terminator(framing)
        return end ? encoder.encode(end) : undefined
      }
      let r
      try {
        r = await it.next()
      } catch (err) {
        state = 'terminate'
        return encoder.encode(native.encodeDittoV1(JSON.stringify([errorEvent(err)]), framing))
      }
      if (r.done) {
        state = 'done'
        const end = native.dittoV1Terminator(framing)
        return end ? encoder.encode(end) : undefined
      }
      try {
        return encoder.encode(native.encodeDittoV1(JSON.stringify([r.value]), framing))
      } catch (err) {
        await it.return?.()
        throw toDittoError(err)
      }
    },
    () => it.return?.(),
  )
}

/**
 * Decode the Ditto stream protocol v1 from bytes (an async iterable of Uint8Array / Buffer /
 * string, e.g. `response.body`): an async iterable of events. Bad input (another version, an
 * oversize line, a truncated SSE stream) throws a StreamError.
 */
async function* decodeDittoV1(bytes, options = {}) {
  const framing = framingOf(options, 'decodeDittoV1')
  const it = iteratorOf(bytes, 'decodeDittoV1')
  const decoder = new native.NativeDittoDecoder(framing)
  const run = (f) => {
    try {
      return JSON.parse(f())
    } catch (err) {
      throw toDittoError(err)
    }
  }
  try {
    for (;;) {
      const r = await it.next()
      if (r.done) break
      const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength)
      yield* run(() => decoder.push(chunk))
    }
    yield* run(() => decoder.finish())
  } finally {
    await it.return?.()
  }
}

function uiEncoder(options) {
  const { headers, status, statusText, ...opts } = options ?? {}
  try {
    return new native.NativeUiEncoder(JSON.stringify(opts))
  } catch (err) {
    throw toDittoError(err)
  }
}

/** UI chunks (objects) for `events`; `onChunks` gets each batch. A failure → an `error` chunk. */
function uiChunks(events, options, what) {
  const it = iteratorOf(events, what)
  const enc = uiEncoder(options)
  let queue = []
  let done = false
  return {
    async next() {
      for (;;) {
        if (queue.length) return { done: false, value: queue.shift() }
        if (done) return { done: true, value: undefined }
        let r
        try {
          r = await it.next()
        } catch (err) {
          done = true
          const e = toDittoError(err)
          queue.push(JSON.parse(enc.errorChunk(e.code, e.message)))
          continue
        }
        if (r.done) {
          done = true
          continue
        }
        queue = JSON.parse(enc.push(JSON.stringify([r.value])))
      }
    },
    return: () => it.return?.(),
  }
}

/** The AI SDK UI message stream of `events`: a ReadableStream of UI chunk objects. */
function toUIMessageStream(events, options = {}) {
  const chunks = uiChunks(events, options, 'toUIMessageStream')
  return pullStream(async () => (await chunks.next()).value, () => chunks.return())
}

/** The UI message stream as SSE bytes, ending with `data: [DONE]`. */
function uiSseBytes(events, options, what) {
  const chunks = uiChunks(events, options, what)
  let ended = false
  return pullStream(
    async () => {
      if (ended) return undefined
      const r = await chunks.next()
      if (r.done) {
        ended = true
        return encoder.encode('data: [DONE]\n\n')
      }
      return encoder.encode(`data: ${JSON.stringify(r.value)}\n\n`)
    },
    () => chunks.return(),
  )
}

/**
 * A web `Response` streaming the UI message stream (SSE, with the `x-vercel-ai-ui-message-stream`
 * header) — return it from a Next.js route handler. `options`: the encoder options plus
 * `status`, `statusText`, `headers`.
 */
function toUIMessageStreamResponse(events, options = {}) {
  const body = uiSseBytes(events, options, 'toUIMessageStreamResponse')
  return new Response(body, {
    status: options.status ?? 200,
    statusText: options.statusText,
    headers: { ...UI_MESSAGE_STREAM_HEADERS, ...(options.headers ?? {}) },
  })
}

/**
 * Write the UI message stream into a node:http `ServerResponse` (Express too), honouring
 * backpressure. Resolves when the response ended; a client that goes away cancels the source
 * (closing the upstream request).
 */
async function pipeUIMessageStreamToResponse(events, res, options = {}) {
  if (res == null || typeof res.write !== 'function' || typeof res.end !== 'function') {
    throw new BadRequestError('pipeUIMessageStreamToResponse expects a node:http ServerResponse', { kind: 'invalid_request' })
  }
  const reader = uiSseBytes(events, options, 'pipeUIMessageStreamToResponse').getReader()
  const headers = { ...UI_MESSAGE_STREAM_HEADERS, ...(options.headers ?? {}) }
  if (options.statusText) res.writeHead(options.status ?? 200, options.statusText, headers)
  else res.writeHead(options.status ?? 200, headers)
  let gone = false
  const onClose = () => {
    if (!res.writableFinished) {
      gone = true
      reader.cancel().catch(() => {})
    }
  }
  res.on('close', onClose)
  try {
    while (!gone) {
      const { done, value } = await reader.read()
      if (done) break
      if (!res.write(value) && !gone) {
        await new Promise((resolve) => {
          const go = () => {
            res.off('drain', go)
            res.off('close', go)
            resolve()
          }
          res.on('drain', go)
          res.on('close', go)
        })
      }
    }
  } finally {
    res.off('close', onClose)
    if (!gone) res.end()
  }
}

/** A `useChat` request body (object or JSON text) → the conversation as messages. */
function uiChatRequestToMessages(body) {
  const json = typeof body === 'string' ? body : JSON.stringify(body)
  if (json === undefined) throw new BadRequestError('uiChatRequestToMessages expects the useChat request body', { kind: 'invalid_request' })
  try {
    return JSON.parse(native.uiChatRequestToMessages(json))
  } catch (err) {
    throw toDittoError(err)
  }
}

module.exports = {
  UI_MESSAGE_STREAM_HEADERS,
  encodeDittoV1,
  decodeDittoV1,
  toUIMessageStream,
  toUIMessageStreamResponse,
  pipeUIMessageStreamToResponse,
  uiChatRequestToMessages,
}
