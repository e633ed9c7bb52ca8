package ditto

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrorKind is the stable category of an Error, the same in every Ditto language.
type ErrorKind string

// The error kinds.
const (
	KindInvalidRequest        ErrorKind = "invalid_request"
	KindAuthentication        ErrorKind = "authentication"
	KindPermissionDenied      ErrorKind = "permission_denied"
	KindNotFound              ErrorKind = "not_found"
	KindRateLimited           ErrorKind = "rate_limited"
	KindContextLengthExceeded ErrorKind = "context_length_exceeded"
	KindContentFiltered       ErrorKind = "content_filtered"
	KindTimeout               ErrorKind = "timeout"
	KindConnection            ErrorKind = "connection"
	KindProvider              ErrorKind = "provider"
	KindStream                ErrorKind = "stream"
	KindConfig                ErrorKind = "config"
	KindCancelled             ErrorKind = "cancelled"
	KindInternal              ErrorKind = "internal"
	KindNoObjectGenerated     ErrorKind = "no_object_generated"
)

// One sentinel per kind: errors.Is(err, ditto.ErrRateLimited) reports whether any Ditto error
// in err's chain has that kind.
var (
	ErrInvalidRequest        = errors.New("ditto: invalid request")
	ErrAuthentication        = errors.New("ditto: authentication failed")
	ErrPermissionDenied      = errors.New("ditto: permission denied")
	ErrNotFound              = errors.New("ditto: not found")
	ErrRateLimited           = errors.New("ditto: rate limited")
	ErrContextLengthExceeded = errors.New("ditto: context length exceeded")
	ErrContentFiltered       = errors.New("ditto: content filtered")
	ErrTimeout               = errors.New("ditto: timeout")
	ErrConnection            = errors.New("ditto: connection failed")
	ErrProvider              = errors.New("ditto: provider error")
	ErrStream                = errors.New("ditto: malformed stream")
	ErrConfig                = errors.New("ditto: configuration error")
	ErrCancelled             = errors.New("ditto: cancelled")
	ErrInternal              = errors.New("ditto: internal error")
	ErrNoObjectGenerated     = errors.New("ditto: no object generated")
)

var sentinels = map[ErrorKind]error{
	KindInvalidRequest:        ErrInvalidRequest,
	KindAuthentication:        ErrAuthentication,
	KindPermissionDenied:      ErrPermissionDenied,
	KindNotFound:              ErrNotFound,
	KindRateLimited:           ErrRateLimited,
	KindContextLengthExceeded: ErrContextLengthExceeded,
	KindContentFiltered:       ErrContentFiltered,
	KindTimeout:               ErrTimeout,
	KindConnection:            ErrConnection,
	KindProvider:              ErrProvider,
	KindStream:                ErrStream,
	KindConfig:                ErrConfig,
	KindCancelled:             ErrCancelled,
	KindInternal:              ErrInternal,
	KindNoObjectGenerated:     ErrNoObjectGenerated,
}

// Error is every failure the package returns. Use errors.Is with the sentinels above, or
// errors.As to read the details.
type Error struct {
	// Kind is the stable category.
	Kind ErrorKind
	// Message is human-readable.
	Message string
	// Status is the provider's HTTP status (0 when there was none).
	Status int
	// Provider names the provider, when known.
	Provider string
	// Code is the provider's own error code ("rate_limit_exceeded", ...), when sent.
	Code string
	// Body is the provider's response body (cut to 16 KiB), when there was one.
	Body string
	// RetryAfter is how long the provider asked to wait (0 when it did not say).
	RetryAfter time.Duration
	// Text is the model's raw text of a no_object_generated error.
	Text string
	// Usage is the token usage of a failed object generation (nil when unknown).
	Usage *Usage
	// FinishReason is the finish reason of a failed object generation ("" when unknown).
	FinishReason string

	cause error
}

func (e *Error) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("ditto: %s (status %d): %s", e.Kind, e.Status, e.Message)
	}
	return fmt.Sprintf("ditto: %s: %s", e.Kind, e.Message)
}

// Is matches the sentinel of e's kind.
func (e *Error) Is(target error) bool {
	s, ok := sentinels[e.Kind]
	return ok && s == target
}

// Unwrap returns the cause, such as context.Canceled for a cancelled call.
func (e *Error) Unwrap() error { return e.cause }

// errorInfo is the core's ErrorInfo JSON.
type errorInfo struct {
	Kind         ErrorKind `json:"kind"`
	Message      string    `json:"message"`
	Status       int       `json:"status"`
	Provider     string    `json:"provider"`
	Code         string    `json:"code"`
	Body         string    `json:"body"`
	RetryAfterMs int64     `json:"retry_after_ms"`
	Text         string    `json:"text"`
	Usage        *Usage    `json:"usage"`
	FinishReason string    `json:"finish_reason"`
}

func (i errorInfo) toError() *Error {
	return &Error{
		Kind: i.Kind, Message: i.Message, Status: i.Status, Provider: i.Provider,
		Code: i.Code, Body: i.Body, RetryAfter: time.Duration(i.RetryAfterMs) * time.Millisecond,
		Text: i.Text, Usage: i.Usage, FinishReason: i.FinishReason,
	}
}

// errorFromJSON parses an ErrorInfo JSON, or returns nil when data is not one.
func errorFromJSON(data []byte) *Error {
	var info errorInfo
	if len(data) == 0 || json.Unmarshal(data, &info) != nil || info.Kind == "" {
		return nil
	}
	return info.toError()
}

func cancelledError(cause error) *Error {
	return &Error{Kind: KindCancelled, Message: cause.Error(), cause: cause}
}
