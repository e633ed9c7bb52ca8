'use strict'
// HostCalls: the JavaScript end of the one Rust → JS bridge (src/host.rs). Rust calls
// `dispatcher(requestJson)` through a threadsafe function with `{fn, args}`; the dispatcher runs
// the matching host function (tool `execute`, custom stop condition, repair hook, cache store)
// and always resolves with `{"ok": value}` or `{"error": message}` — a throw, a rejection or a
// value JSON cannot carry never becomes an exception on the Rust side.
//
// Each call has its own HostCalls. `abort()` (the caller's AbortSignal, closing a stream, a
// failed call) aborts the `abortSignal` every running tool got and refuses new executions.

/** The message of anything thrown. */
function messageOf(err) {
  try {
    if (err instanceof Error) return err.message || err.name
    return typeof err === 'string' ? err : String(err)
  } catch {
    return 'unknown error'
  }
}

/** `{"ok": value}` as JSON text, or an error reply when `value` cannot be sent as JSON. */
function okReply(value, what) {
  try {
    return JSON.stringify({ ok: value === undefined ? null : value })
  } catch (err) {
    return JSON.stringify({ error: `${what} returned a value that cannot be sent as JSON: ${messageOf(err)}` })
  }
}

class HostCalls {
  #fns
  #controller = new AbortController()
  #running = 0

  /**
   * @param {object} fns `{tools: {name: execute}, stops: [fn], repairToolCall, repairText,
   *   cacheStore: {get, put}, onSpan}` — each optional.
   */
  constructor(fns) {
    this.#fns = fns
    this.dispatcher = (requestJson) => this.#dispatch(requestJson)
  }

  /** Aborted when the call is cancelled; given to every tool execution. */
  get signal() {
    return this.#controller.signal
  }

  /** Tool executions in flight. */
  get running() {
    return this.#running
  }

  /** Cancel: abort running tools and refuse new ones. Idempotent. */
  abort(reason) {
    if (!this.#controller.signal.aborted) this.#controller.abort(reason)
  }

  async #dispatch(requestJson) {
    let fn = 'host function'
    try {
      const req = JSON.parse(requestJson)
      fn = req.fn
      return okReply(await this.#run(req.fn, req.args ?? {}), this.#label(req))
    } catch (err) {
      return JSON.stringify({ error: messageOf(err) || `${fn} failed` })
    }
  }

  #label(req) {
    return req.fn === 'tool' ? `tool \`${req.args?.name}\`` : req.fn
  }

  async #run(fn, args) {
    const f = this.#fns
    switch (fn) {
      case 'tool': {
        const execute = f.tools?.[args.name]
        if (typeof execute !== 'function') throw new Error(`tool \`${args.name}\` has no execute function`)
        if (this.signal.aborted) throw new Error('the call was aborted')
        this.#running++
        try {
          return await execute(args.input, { toolCallId: args.toolCallId, messages: args.messages, abortSignal: this.signal })
        } finally {
          this.#running--
        }
      }
      case 'stop':
        return Boolean(await f.stops[args.id]({ steps: args.steps }))
      case 'repair-tool-call': {
        const fixed = await f.repairToolCall({ toolCall: args.toolCall, error: args.error, tools: args.tools })
        return fixed ?? null
      }
      case 'repair-text': {
        const fixed = await f.repairText({ text: args.text, error: args.error })
        if (fixed != null && typeof fixed !== 'string') throw new Error('repairText must return a string or null')
        return fixed ?? null
      }
      case 'cache-get': {
        const v = await f.cacheStore.get(args.key)
        if (v == null) return null
        if (typeof v !== 'string') throw new Error('cacheStore.get must return a string or null')
        return v
      }
      case 'cache-put':
        await f.cacheStore.put(args.key, args.value)
        return null
      case 'span':
        await f.onSpan(args)
        return null
      default:
        throw new Error(`unknown host function \`${fn}\``)
    }
  }
}

module.exports = { HostCalls, messageOf }
