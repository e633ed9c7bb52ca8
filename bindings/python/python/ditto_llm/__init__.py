"""ditto_llm: one Rust core for every major LLM provider, from Python.

>>> import ditto_llm
>>> client = ditto_llm.Ditto()          # providers from OPENAI_API_KEY / OPENAI_BASE_URL, ...
>>> r = client.generate_text(model="openai:gpt-4o-mini", prompt="Hi")
>>> r.text, r.finish_reason, r.usage.output_tokens

See docs/python.md.
"""

from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigError,
    ContentFilterError,
    ContextLengthExceededError,
    DittoError,
    InternalError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestCancelledError,
    StreamError,
)
from ._tools import Tool, has_tool_call, step_count_is, tool
from ._native import (
    AsyncDitto,
    AsyncTextStream,
    CallWarning,
    Ditto,
    EmbedResult,
    GenerateTextResult,
    GeneratedImage,
    ImageResult,
    RankedDocument,
    RerankResult,
    ResponseMetadata,
    SpeechResult,
    StepResult,
    StreamEvent,
    TextStream,
    ToolCall,
    TranscriptionResult,
    TranscriptSegment,
    Usage,
    __version__,
)

__all__ = [
    "Ditto",
    "AsyncDitto",
    "TextStream",
    "AsyncTextStream",
    "StreamEvent",
    "GenerateTextResult",
    "StepResult",
    "Tool",
    "tool",
    "step_count_is",
    "has_tool_call",
    "EmbedResult",
    "RerankResult",
    "RankedDocument",
    "ImageResult",
    "GeneratedImage",
    "TranscriptionResult",
    "TranscriptSegment",
    "SpeechResult",
    "Usage",
    "ToolCall",
    "CallWarning",
    "ResponseMetadata",
    "DittoError",
    "APIStatusError",
    "BadRequestError",
    "ContextLengthExceededError",
    "ContentFilterError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "StreamError",
    "ConfigError",
    "RequestCancelledError",
    "InternalError",
    "__version__",
]
