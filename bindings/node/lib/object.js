'use strict'
// generateObject / streamObject: options with a JSON Schema or zod schema; the final object is
// validated in Rust against the JSON Schema and, for zod, by `safeParse` here (its parsed value
// is what you get). StreamObjectResult: the events, `partialObjectStream`, `elementStream`,
// `textStream`, and `object` / `usage` / `finishReason` promises.

const { BadRequestError, NoObjectGeneratedError, toDittoError, abortError } = require('./errors')
const { HostCalls } = require('./host')
const { toJSONSchema } = require('./schema')

/**
 * `{rest, zod, host}`: the options with `schema` as JSON Schema, the zod check of the final
 * object (each element for `output: 'array'`), and the repair hook.
 */
function prepareObject(options, what) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return { rest: options, zod: undefined, host: null }
  const { schema, repair, experimental_repairText, ...rest } = options
  const { jsonSchema, zod } = toJSONSchema(schema, `${what} option \`schema\``)
  if (jsonSchema !== undefined) rest.schema = jsonSchema
  const repairText = repair ?? experimental_repairText
  if (repairText !== undefined && typeof repairText !== 'function') {
    throw new BadRequestError(`${what} option \`repair\` must be a function ({text, error}) => string | null`, { kind: 'invalid_request' })
  }
  const check = zod && (options.output === 'array' ? { safeParse: (v) => safeParseEach(zod, v) } : zod)
  return { rest, zod: check, host: repairText ? new HostCalls({ repairText }) : null }
}

/** `safeParse` of each element of an array (array output: the schema is the element's). */
function safeParseEach(zod, value) {
  if (!Array.isArray(value)) return zod.safeParse(value)
  const data = []
  for (const [i, el] of value.entries()) {
    const r = zod.safeParse(el)
    if (!r.success) return { success: false, error: { issues: (r.error?.issues ?? []).map((x) => ({ ...x, path: [i, ...(x.path ?? [])] })) } }
    data.push(r.data)
  }
  return { success: true, data }
}

/** The zod-parsed value of `object`, or a NoObjectGeneratedError carrying the raw text. */
function checkZod(zod, object, { text, usage, finishReason }) {
  if (!zod) return object
  const r = zod.safeParse(object)
  if (r.success) return r.data
  const detail = r.error?.issues?.map((i) => `${(i.path ?? []).join('.') || '(root)'}: ${i.message}`).join('; ') ?? String(r.error)
  throw new NoObjectGeneratedError(
    `the object does not match the zod schema: ${detail}`,
    { kind: 'no_object_generated', text: text ?? JSON.stringify(object), usage, finish_reason: finishReason },
    { cause: r.error },
  )
}

function deferred() {
  let resolve, reject
  const promise = new Promise((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/**
 * What `streamObject` returns. The events (`partial-object`, `element`, `text-delta`,
 * `finish`) can be read once — by `for await`, `fullStream`, `partialObjectStream`,
 * `elementStream` or `textStream`; `object`, `usage` and `finishReason` settle when the stream
 * ends (awaiting one of them alone reads the stream).
 */
class StreamObjectResult {
  #source
  #zod
  #text = ''
  #claimed = false
  #done = null // deferred of the finish event

  /** @internal */
  constructor(source, zod) {
    this.#source = source
    this.#zod = zod
  }

  [Symbol.asyncIterator]() {
    if (this.#claimed) throw new BadRequestError('this stream was already read; call streamObject() again for a new one', { kind: 'invalid_request' })
    this.#claimed = true
    const events = this.#source[Symbol.asyncIterator]()
    return {
      next: async () => {
        let r
        try {
          r = await events.next()
        } catch (err) {
          const e = toDittoError(err)
          this.#settle().reject(e)
          throw e
        }
        if (r.done) {
          this.#settle().reject(new NoObjectGeneratedError('the stream ended without an object', { kind: 'no_object_generated', text: this.#text }))
          return r
        }
        const ev = r.value
        if (ev.type === 'text-delta') this.#text += ev.text
        if (ev.type === 'abort') this.#settle().reject(abortError())
        if (ev.type === 'finish') {
          try {
            ev.object = checkZod(this.#zod, ev.object, { text: this.#text, usage: ev.usage, finishReason: ev.finishReason })
          } catch (err) {
            this.#settle().reject(err)
            events.return?.()
            throw err
          }
          this.#settle().resolve(ev)
        }
        return r
      },
      return: async (value) => {
        await events.return?.()
        this.#settle().reject(new NoObjectGeneratedError('the stream was closed before the object was complete', { kind: 'no_object_generated', text: this.#text }))
        return { done: true, value }
      },
      [Symbol.asyncIterator]() {
        return this
      },
    }
  }

  #settle() {
    if (!this.#done) {
      this.#done = deferred()
      this.#done.promise.catch(() => {}) // rejections surface where awaited
    }
    const d = this.#done
    return {
      resolve: (v) => d.resolve(v),
      reject: (e) => d.reject(e),
    }
  }

  /** The finish event once the stream ended; reads the stream if nobody else does. */
  #finish() {
    this.#settle()
    if (!this.#claimed) {
      const it = this[Symbol.asyncIterator]()
      ;(async () => {
        try {
          while (!(await it.next()).done);
        } catch {
          // settled in next()
        }
      })()
    }
    return this.#done.promise
  }

  /** The final, validated object (zod-parsed when a zod schema was given). */
  get object() {
    return this.#finish().then((ev) => ev.object)
  }

  /** Token usage of the call. */
  get usage() {
    return this.#finish().then((ev) => ev.usage)
  }

  /** Why the model stopped. */
  get finishReason() {
    return this.#finish().then((ev) => ev.finishReason)
  }

  /** Every event as a web ReadableStream. */
  get fullStream() {
    return readable(this[Symbol.asyncIterator](), (ev) => ev)
  }

  /** The partial objects, each different from the one before, as a web ReadableStream. */
  get partialObjectStream() {
    return readable(this[Symbol.asyncIterator](), (ev) => (ev.type === 'partial-object' ? ev.object : undefined))
  }

  /** `output: 'array'`: each complete, valid element, in order. */
  get elementStream() {
    return readable(this[Symbol.asyncIterator](), (ev) => (ev.type === 'element' ? ev.element : undefined))
  }

  /** The raw JSON text deltas. */
  get textStream() {
    return readable(this[Symbol.asyncIterator](), (ev) => (ev.type === 'text-delta' ? ev.text : undefined))
  }

  /** Stop now and close the upstream connection. */
  close() {
    this.#source.close()
  }
}

/** A pull-based ReadableStream of `pick(event)` for the events where it is not undefined. */
function readable(iterator, pick) {
  return new ReadableStream(
    {
      async pull(controller) {
        try {
          for (;;) {
            const r = await iterator.next()
            if (r.done) return controller.close()
            const v = pick(r.value)
            if (v !== undefined) return controller.enqueue(v)
          }
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

module.exports = { prepareObject, checkZod, StreamObjectResult }
