'use strict'
// @ditto/llm — one Rust core for every LLM provider (CommonJS entry; `index.mjs` is the ESM one).

const { Ditto } = require('./lib/client')
const { StreamTextResult } = require('./lib/stream')
const { StreamObjectResult } = require('./lib/object')
const errors = require('./lib/errors')
const native = require('./lib/native-binding')
const protocol = require('./lib/protocol')
const { stepCountIs, hasToolCall, tool } = require('./lib/agent')
const { openTelemetrySpanSink } = require('./lib/otel')

module.exports = {
  Ditto,
  StreamTextResult,
  StreamObjectResult,
  stepCountIs,
  hasToolCall,
  tool,
  DittoError: errors.DittoError,
  APIStatusError: errors.APIStatusError,
  BadRequestError: errors.BadRequestError,
  ContextLengthExceededError: errors.ContextLengthExceededError,
  ContentFilterError: errors.ContentFilterError,
  AuthenticationError: errors.AuthenticationError,
  PermissionDeniedError: errors.PermissionDeniedError,
  NotFoundError: errors.NotFoundError,
  RateLimitError: errors.RateLimitError,
  APIConnectionError: errors.APIConnectionError,
  APITimeoutError: errors.APITimeoutError,
  InternalServerError: errors.InternalServerError,
  StreamError: errors.StreamError,
  ConfigError: errors.ConfigError,
  APIUserAbortError: errors.APIUserAbortError,
  InternalError: errors.InternalError,
  NoObjectGeneratedError: errors.NoObjectGeneratedError,
  encodeDittoV1: protocol.encodeDittoV1,
  decodeDittoV1: protocol.decodeDittoV1,
  toUIMessageStream: protocol.toUIMessageStream,
  toUIMessageStreamResponse: protocol.toUIMessageStreamResponse,
  pipeUIMessageStreamToResponse: protocol.pipeUIMessageStreamToResponse,
  uiChatRequestToMessages: protocol.uiChatRequestToMessages,
  UI_MESSAGE_STREAM_HEADERS: protocol.UI_MESSAGE_STREAM_HEADERS,
  openTelemetrySpanSink,
  version: native.version(),
}
