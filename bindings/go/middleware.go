package ditto

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Alias names a model with middleware around it; use the alias name as the Model of any
// request. See docs/middleware.md for what each layer does.
type Alias struct {
	// Model is the base model, "<provider>:<model>" or another alias.
	Model string `json:"model"`
	// Middleware are the layers around it, outermost first.
	Middleware []Middleware `json:"middleware,omitempty"`
}

// Middleware is one layer of an alias: build it with the functions below, or pass any
// MiddlewareSpec JSON of the core with MiddlewareJSON.
type Middleware struct {
	spec json.RawMessage
}

// MarshalJSON writes the core's MiddlewareSpec JSON.
func (m Middleware) MarshalJSON() ([]byte, error) {
	if len(m.spec) == 0 {
		return nil, fmt.Errorf("ditto: empty Middleware (build one with the Middleware functions)")
	}
	return m.spec, nil
}

func middleware(spec map[string]any) Middleware {
	data, err := json.Marshal(spec)
	if err != nil {
		// Only the settings of DefaultSettingsMiddleware can fail; keep the error visible.
		data, _ = json.Marshal(map[string]any{"type": "invalid", "error": err.Error()})
	}
	return Middleware{spec: data}
}

// MiddlewareJSON is a layer given as the core's MiddlewareSpec JSON, e.g.
// {"type": "retry", "max_retries": 3}.
func MiddlewareJSON(spec json.RawMessage) Middleware { return Middleware{spec: spec} }

// DefaultSettingsMiddleware fills unset call settings ({"temperature": 0, "max_output_tokens": 512}).
func DefaultSettingsMiddleware(settings map[string]any) Middleware {
	return middleware(map[string]any{"type": "default-settings", "settings": settings})
}

// ExtractReasoningMiddleware moves <tagName>...</tagName> text into reasoning (also in
// streams with the tag split across chunks).
func ExtractReasoningMiddleware(tagName string, startWithReasoning bool) Middleware {
	return middleware(map[string]any{"type": "extract-reasoning", "tag_name": tagName, "start_with_reasoning": startWithReasoning})
}

// SimulateStreamingMiddleware answers streams with one non-streaming call.
func SimulateStreamingMiddleware() Middleware {
	return middleware(map[string]any{"type": "simulate-streaming"})
}

// FallbackMiddleware tries models in order when the base model fails.
func FallbackMiddleware(models ...string) Middleware {
	return middleware(map[string]any{"type": "fallback", "models": models})
}

// RetryMiddleware retries retryable failures with exponential backoff.
func RetryMiddleware(maxRetries int, initialDelay, maxDelay time.Duration) Middleware {
	return middleware(map[string]any{"type": "retry", "max_retries": maxRetries,
		"initial_delay_ms": initialDelay.Milliseconds(), "max_delay_ms": maxDelay.Milliseconds()})
}

// TelemetryMiddleware records a gen_ai.* span per call (sent to Config.OnSpan when set).
func TelemetryMiddleware(functionID string, recordInputs, recordOutputs bool) Middleware {
	m := map[string]any{"type": "telemetry", "record_inputs": recordInputs, "record_outputs": recordOutputs}
	if functionID != "" {
		m["function_id"] = functionID
	}
	return middleware(m)
}

// CacheOptions configures CacheMiddleware; zero values take the core's defaults.
type CacheOptions struct {
	// MaxEntries and MaxBytes bound the in-memory store (unused with Config.CacheStore).
	MaxEntries int
	MaxBytes   int64
	// TTL is how long an entry is served (0: no expiry).
	TTL time.Duration
}

// CacheMiddleware serves identical calls (same model and options) from a cache: results,
// and streams replayed event for event. The store is Config.CacheStore when set, else a
// bounded in-memory LRU.
func CacheMiddleware(opts CacheOptions) Middleware {
	m := map[string]any{"type": "cache"}
	if opts.MaxEntries > 0 {
		m["max_entries"] = opts.MaxEntries
	}
	if opts.MaxBytes > 0 {
		m["max_bytes"] = opts.MaxBytes
	}
	if opts.TTL > 0 {
		m["ttl_ms"] = max(opts.TTL.Milliseconds(), 1)
	}
	return middleware(m)
}

// CacheStore is a cache the Go program provides for the aliases' cache layers (Redis, a
// map, ...). It is called from the core's worker threads, concurrently. A failing store is
// reported to the cache layer, which then calls the model.
type CacheStore interface {
	// Get returns the value stored under key; ok is false when there is none.
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	// Put stores value under key.
	Put(ctx context.Context, key string, value []byte) error
}

// Span is one finished telemetry span (TelemetryMiddleware), as Config.OnSpan receives it:
// Name "gen_ai.chat", GenAI semantic-convention Attributes ("gen_ai.request.model",
// "gen_ai.usage.input_tokens", ...), Status "ok" or "error" (with Error).
type Span struct {
	Name           string         `json:"name"`
	Attributes     map[string]any `json:"attributes"`
	StartUnixNanos uint64         `json:"start_unix_nanos"`
	EndUnixNanos   uint64         `json:"end_unix_nanos"`
	DurationMs     float64        `json:"duration_ms"`
	Status         string         `json:"status"`
	Error          *struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

func cacheStoreHost(store CacheStore) hostFunc {
	return func(ctx context.Context, input []byte) ([]byte, error) {
		var in struct {
			Op    string `json:"op"`
			Key   string `json:"key"`
			Value []byte `json:"value"`
		}
		if err := json.Unmarshal(input, &in); err != nil {
			return nil, fmt.Errorf("cannot decode the cache request: %w", err)
		}
		switch in.Op {
		case "get":
			v, ok, err := store.Get(ctx, in.Key)
			if err != nil {
				return nil, err
			}
			if !ok {
				return []byte("null"), nil
			}
			return json.Marshal(v)
		case "put":
			return []byte("null"), store.Put(ctx, in.Key, in.Value)
		}
		return nil, fmt.Errorf("unknown cache operation %q", in.Op)
	}
}

func spanSinkHost(f func(Span)) hostFunc {
	return func(_ context.Context, input []byte) ([]byte, error) {
		var s Span
		if err := json.Unmarshal(input, &s); err != nil {
			return nil, fmt.Errorf("cannot decode the span: %w", err)
		}
		f(s)
		return []byte("null"), nil
	}
}
