// @ditto/llm — ESM entry: the same classes as the CommonJS entry (one copy, so `instanceof`
// works across both).
import ditto from './index.js'

export const {
  Ditto,
  StreamTextResult,
  StreamObjectResult,
  stepCountIs,
  hasToolCall,
  tool,
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
  encodeDittoV1,
  decodeDittoV1,
  toUIMessageStream,
  toUIMessageStreamResponse,
  pipeUIMessageStreamToResponse,
  uiChatRequestToMessages,
  UI_MESSAGE_STREAM_HEADERS,
  openTelemetrySpanSink,
  version,
} = ditto

export default ditto
