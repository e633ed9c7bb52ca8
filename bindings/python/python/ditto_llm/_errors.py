"""Exceptions raised by ditto_llm.

Every failure is a :class:`DittoError`. The Rust core's error kind maps to exactly one class
(named like openai-python's where one exists); each instance carries ``kind``, ``status``,
``code``, ``body``, ``provider`` and ``retry_after`` (seconds) when the provider said them.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

__all__ = [
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
    "NoObjectGeneratedError",
]


class DittoError(Exception):
    """Base class of every ditto_llm error."""

    message: str
    kind: str
    status: Optional[int]
    code: Optional[str]
    body: Optional[str]
    provider: Optional[str]
    retry_after: Optional[float]

    def __init__(
        self,
        message: str,
        *,
        kind: str = "internal",
        status: Optional[int] = None,
        code: Optional[str] = None,
        body: Optional[str] = None,
        provider: Optional[str] = None,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.status = status
        self.code = code
        self.body = body
        self.provider = provider
        self.retry_after = retry_after

    def __str__(self) -> str:
        if self.status is not None:
            return f"{self.kind} (HTTP {self.status}): {self.message}"
        return f"{self.kind}: {self.message}"

    def to_dict(self) -> Dict[str, Any]:
        """The error as JSON-ready data (same fields as the core's ``ErrorInfo``)."""
        out: Dict[str, Any] = {"kind": self.kind, "message": self.message}
        for key in ("status", "provider", "code", "body"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.retry_after is not None:
            out["retry_after_ms"] = round(self.retry_after * 1000)
        for key in ("text", "usage", "finish_reason"):
            value = getattr(self, key, None)
            if value is not None:
                out[key] = value
        return out


class APIStatusError(DittoError):
    """The provider answered with an error status (see ``status`` and ``body``)."""


class BadRequestError(APIStatusError):
    """The request is invalid (HTTP 400/422, or rejected before sending)."""


class ContextLengthExceededError(BadRequestError):
    """The prompt does not fit the model's context window."""


class ContentFilterError(BadRequestError):
    """The provider refused the input or output on safety grounds."""


class AuthenticationError(APIStatusError):
    """The API key is missing or wrong (HTTP 401)."""


class PermissionDeniedError(APIStatusError):
    """The key may not do this (HTTP 403)."""


class NotFoundError(APIStatusError):
    """The model or resource does not exist (HTTP 404)."""


class RateLimitError(APIStatusError):
    """Too many requests or quota exhausted (HTTP 429). ``retry_after`` is in seconds."""


class InternalServerError(APIStatusError):
    """The provider failed (5xx) or answered with something unusable."""


class APIConnectionError(DittoError):
    """The connection could not be made or broke."""


class APITimeoutError(APIConnectionError):
    """A connect, first-byte, idle or total timeout elapsed."""


class StreamError(DittoError):
    """The upstream stream was malformed, truncated or too large."""


class ConfigError(DittoError):
    """The client or a provider is misconfigured (missing key, unknown provider, bad URL)."""


class RequestCancelledError(DittoError):
    """The operation was cancelled."""


class InternalError(DittoError):
    """A bug in ditto_llm (including a Rust panic, which never crosses into Python)."""


class NoObjectGeneratedError(DittoError):
    """The model's output was not JSON or did not match the schema (after any repair).

    ``text`` is the raw model text, ``usage`` the token usage (a dict) and ``finish_reason``
    the finish reason of the failed call, when known.
    """

    text: Optional[str]
    usage: Optional[Dict[str, Any]]
    finish_reason: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        text: Optional[str] = None,
        usage: Optional[Dict[str, Any]] = None,
        finish_reason: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("kind", "no_object_generated")
        super().__init__(message, **kwargs)
        self.text = text
        self.usage = usage
        self.finish_reason = finish_reason
