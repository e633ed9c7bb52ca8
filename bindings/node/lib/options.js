'use strict'
// Checks the options object and splits off what stays in JavaScript (the AbortSignal); the rest
// crosses into Rust as JSON text, where every option is validated by name.

const { BadRequestError, ConfigError } = require('./errors')

function isAbortSignal(s) {
  return s != null && typeof s === 'object' && typeof s.aborted === 'boolean' && typeof s.addEventListener === 'function'
}

/** `{signal, json}` for a call's options object. */
function prepareCall(options, what) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new BadRequestError(`${what} expects an options object such as {model, prompt}`, { kind: 'invalid_request' })
  }
  const { signal, abortSignal, ...rest } = options
  const sig = signal ?? abortSignal
  if (sig != null && !isAbortSignal(sig)) {
    throw new BadRequestError(`${what}: \`signal\` must be an AbortSignal`, { kind: 'invalid_request' })
  }
  return { signal: sig ?? undefined, json: stringify(rest, what, BadRequestError, 'invalid_request') }
}

/** JSON text of the client options, or undefined. */
function prepareClient(options) {
  if (options === undefined || options === null) return undefined
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError('new Ditto(options) expects an options object such as {providers: {...}}', { kind: 'config' })
  }
  return stringify(options, 'Ditto', ConfigError, 'config')
}

function stringify(value, what, Cls, kind) {
  try {
    return JSON.stringify(value)
  } catch (err) {
    throw new Cls(`${what} options cannot be sent as JSON: ${err.message}`, { kind }, { cause: err })
  }
}

module.exports = { prepareCall, prepareClient }
