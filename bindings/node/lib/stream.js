'use strict'
// StreamTextResult: what `ditto.streamText()` returns. One native stream, consumed once — by
// `for await`, by `fullStream` / `textStream` (web ReadableStreams), or by `collect()`.
// The upstream request starts on first read. Breaking out of the loop, cancelling the
// ReadableStream, calling `close()` or aborting the signal drops the Rust stream, which closes
// the upstream connection. Events arrive from Rust in batches (one Promise per batch).

const { toDittoError, DittoError } = require('./errors')
const { tee } = require('./fanout')

const protocol = () => require('./protocol')

class StreamTextResult {
  #start
  #signal
  #native = null
  #batch = []
  #pos = 0
  #state = 'new' // new | open | aborted | done
  #claimed = false
  #fetching = null // the native batch being fetched, so overlapping next() calls share it
  #host // the agent loop's HostCalls: aborted (stopping running tools) when the stream is cut
  #onAbort = () => this.#abort()

  /** @internal */
  constructor(start, signal, host) {
    this.#start = start
    this.#signal = signal
    this.#host = host
  }

  /** Events, as an async iterator. The stream can be read once. */
  [Symbol.asyncIterator]() {
    this.#claim()
    return {
      next: () => this.#next(),
      return: async (value) => {
        this.close()
        return { done: true, value }
      },
      [Symbol.asyncIterator]() {
        return this
      },
    }
  }

  /** Every event, as a web ReadableStream (also async iterable). */
  get fullStream() {
    return toReadable(this[Symbol.asyncIterator]())
  }

  /** Only the text deltas, as a web ReadableStream of strings. */
  get textStream() {
    const events = this[Symbol.asyncIterator]()
    return toReadable({
      async next() {
        for (;;) {
          const r = await events.next()
          if (r.done) return r
          if (r.value.type === 'text-delta') return { done: false, value: r.value.text }
        }
      },
      return: () => events.return(),
    })
  }

  /** Same as `fullStream`. */
  toReadableStream() {
    return this.fullStream
  }

  /**
   * Read the stream as text deltas and as full events at once: `{textStream, fullStream}`,
   * each with a bounded queue of `capacity` items (a slow reader slows the stream; a cancelled
   * one no longer holds the other back).
   */
  tee({ capacity = 64 } = {}) {
    return tee(this[Symbol.asyncIterator](), capacity)
  }

  /** The AI SDK UI message stream of this stream (ReadableStream of UI chunks). */
  toUIMessageStream(options) {
    return protocol().toUIMessageStream(this, options)
  }

  /** A web `Response` with the UI message stream (for Next.js route handlers). */
  toUIMessageStreamResponse(options) {
    return protocol().toUIMessageStreamResponse(this, options)
  }

  /** Write the UI message stream into a node:http / Express response. */
  pipeUIMessageStreamToResponse(res, options) {
    return protocol().pipeUIMessageStreamToResponse(this, res, options)
  }

  /** This stream as the Ditto stream protocol v1 (bytes; `framing`: 'sse' | 'ndjson'). */
  toDittoV1Stream(options) {
    return protocol().encodeDittoV1(this, options)
  }

  /**
   * Read the whole stream: `{text, reasoningText, toolCalls, finishReason, rawFinishReason,
   * usage, warnings, events}`. Holds every event in memory; prefer iterating for long streams.
   */
  async collect() {
    const out = { text: '', reasoningText: '', toolCalls: [], finishReason: undefined, rawFinishReason: undefined, usage: undefined, warnings: [], events: [] }
    for await (const ev of this) {
      out.events.push(ev)
      switch (ev.type) {
        case 'text-delta': out.text += ev.text; break
        case 'reasoning-delta': out.reasoningText += ev.text; break
        case 'tool-call': out.toolCalls.push(ev); break
        case 'start-step': out.warnings.push(...(ev.warnings ?? [])); break
        case 'finish':
          out.finishReason = ev.finishReason
          out.rawFinishReason = ev.rawFinishReason
          out.usage = ev.totalUsage
          break
      }
    }
    return out
  }

  /** Stop now: the Rust stream is dropped and the upstream connection closed. Idempotent. */
  close() {
    if (this.#state === 'done') return
    this.#host?.abort()
    this.#finish()
  }

  #claim() {
    if (this.#claimed) {
      throw new DittoError('this stream was already read; call streamText() again for a new one', { kind: 'invalid_request' })
    }
    this.#claimed = true
  }

  async #next() {
    for (;;) {
      if (this.#state === 'aborted') {
        this.#finish()
        return { done: false, value: { type: 'abort' } }
      }
      if (this.#pos < this.#batch.length) {
        return { done: false, value: this.#batch[this.#pos++] }
      }
      if (this.#state === 'done') return { done: true, value: undefined }
      if (this.#state === 'new') {
        if (this.#signal?.aborted) {
          this.#state = 'aborted'
          continue
        }
        try {
          this.#native = this.#start()
        } catch (err) {
          this.#finish()
          throw toDittoError(err)
        }
        this.#state = 'open'
        // Listen only while a request is open, so an unread result holds nothing on the signal.
        this.#signal?.addEventListener('abort', this.#onAbort, { once: true })
      }
      if (this.#fetching) {
        // Another next() is fetching: wait for it, then take from its batch in call order.
        await this.#fetching.catch(() => {})
        continue
      }
      let text
      try {
        this.#fetching = this.#native.next()
        text = await this.#fetching
      } catch (err) {
        if (this.#state === 'aborted') continue
        this.#host?.abort(err)
        this.#finish()
        throw toDittoError(err)
      } finally {
        this.#fetching = null
      }
      if (this.#state !== 'open') continue
      if (text === null) {
        this.#finish()
        continue
      }
      this.#batch = JSON.parse(text)
      this.#pos = 0
    }
  }

  #abort() {
    if (this.#state === 'done' || this.#state === 'aborted') return
    this.#native?.close()
    this.#host?.abort(this.#signal?.reason)
    this.#batch = []
    this.#pos = 0
    this.#state = 'aborted'
  }

  #finish() {
    this.#native?.close()
    this.#native = null
    this.#batch = []
    this.#pos = 0
    this.#state = 'done'
    if (this.#signal) this.#signal.removeEventListener('abort', this.#onAbort)
  }
}

/** A pull-based ReadableStream over an async iterator: nothing is read ahead of the reader. */
function toReadable(iterator) {
  return new ReadableStream(
    {
      async pull(controller) {
        try {
          const r = await iterator.next()
          if (r.done) controller.close()
          else controller.enqueue(r.value)
        } catch (err) {
          controller.error(err)
        }
      },
      async cancel() {
        await iterator.return()
      },
    },
    { highWaterMark: 0 },
  )
}

module.exports = { StreamTextResult }
