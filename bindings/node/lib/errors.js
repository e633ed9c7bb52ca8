'use strict'
// Error classes of @ditto/llm. Every failure is a DittoError; the subclass follows the core's
// stable error kind, which is also the error's `code`. Names follow the official `openai`
// package where one exists, and mirror the Python package's classes.

const native = require('./native-binding')

const PREFIX = native.errorPrefix()

class DittoError extends Error {
  constructor(message, info = {}, options) {
    super(message, options)
    this.name = new.target.name
    /** Stable error kind (`'rate_limited'`, `'authentication'`, ...). */
    this.code = info.kind ?? 'internal'
    /** HTTP status the provider answered with, or `undefined`. */
    this.status = info.status ?? undefined
    /** The provider name, when known. */
    this.provider = info.provider ?? undefined
    /** The provider's own error code (`'invalid_api_key'`, ...), when it sent one. */
    this.providerCode = info.code ?? undefined
    /** The provider's response body (cut to 16 KiB), when there was one. */
    this.body = info.body ?? undefined
    /** Milliseconds the provider asked to wait before retrying, when it said. */
    this.retryAfterMs = info.retry_after_ms ?? undefined
  }

  /** Same as `code`. */
  get kind() {
    return this.code
  }

  /** Seconds the provider asked to wait before retrying, when it said. */
  get retryAfter() {
    return this.retryAfterMs === undefined ? undefined : this.retryAfterMs / 1000
  }

  toJSON() {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      provider: this.provider,
      providerCode: this.providerCode,
      body: this.body,
      retryAfterMs: this.retryAfterMs,
    }
  }
}

/** Base of the errors that usually carry the provider's HTTP status. */
class APIStatusError extends DittoError {}
class BadRequestError extends APIStatusError {}
class ContextLengthExceededError extends BadRequestError {}
class ContentFilterError extends BadRequestError {}
class AuthenticationError extends APIStatusError {}
class PermissionDeniedError extends APIStatusError {}
class NotFoundError extends APIStatusError {}
class RateLimitError extends APIStatusError {}
class InternalServerError extends APIStatusError {}
class APIConnectionError extends DittoError {}
class APITimeoutError extends APIConnectionError {}
class StreamError extends DittoError {}
class ConfigError extends DittoError {}
class APIUserAbortError extends DittoError {}
class InternalError extends DittoError {}
/** The model's output was not JSON or did not match the schema (after any repair). */
class NoObjectGeneratedError extends DittoError {
  constructor(message, info = {}, options) {
    super(message, info, options)
    /** The model's raw text, when known. */
    this.text = info.text ?? undefined
    /** Token usage of the failed call, when known. */
    this.usage = info.usage ?? undefined
    /** Finish reason of the failed call, when known. */
    this.finishReason = info.finish_reason ?? undefined
  }

  toJSON() {
    return { ...super.toJSON(), text: this.text, usage: this.usage, finishReason: this.finishReason }
  }
}

const CLASS_BY_KIND = {
  invalid_request: BadRequestError,
  context_length_exceeded: ContextLengthExceededError,
  content_filtered: ContentFilterError,
  authentication: AuthenticationError,
  permission_denied: PermissionDeniedError,
  not_found: NotFoundError,
  rate_limited: RateLimitError,
  timeout: APITimeoutError,
  connection: APIConnectionError,
  provider: InternalServerError,
  stream: StreamError,
  config: ConfigError,
  cancelled: APIUserAbortError,
  internal: InternalError,
  no_object_generated: NoObjectGeneratedError,
}

/** A DittoError of the class matching `info.kind`. */
function errorFromInfo(info, options) {
  const Cls = CLASS_BY_KIND[info.kind] ?? DittoError
  return new Cls(info.message ?? 'unknown error', info, options)
}

/** Whatever the native addon threw → a DittoError (never anything else). */
function toDittoError(err) {
  if (err instanceof DittoError) return err
  const message = err && typeof err.message === 'string' ? err.message : String(err)
  if (message.startsWith(PREFIX)) {
    try {
      return errorFromInfo(JSON.parse(message.slice(PREFIX.length)))
    } catch {
      // fall through: report the raw text
    }
  }
  return new InternalError(message, { kind: 'internal' }, { cause: err })
}

/** The error a caller's abort produces. */
function abortError(signal) {
  return new APIUserAbortError('the call was aborted', { kind: 'cancelled' }, { cause: signal?.reason })
}

module.exports = {
  DittoError,
  APIStatusError,
  BadRequestError,
  ContextLengthExceededError,
  ContentFilterError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RateLimitError,
  APIConnectionError,
  APITimeoutError,
  InternalServerError,
  StreamError,
  ConfigError,
  APIUserAbortError,
  InternalError,
  NoObjectGeneratedError,
  errorFromInfo,
  toDittoError,
  abortError,
}
