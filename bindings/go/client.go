package ditto

/*
#include <stdlib.h>
#include "ditto.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// ProviderConfig holds one provider's settings. Unset fields fall back to the provider's
// environment variables when the client reads the environment (NewFromEnv or Config.FromEnv).
type ProviderConfig struct {
	// Type is the adapter: "openai", "openai-compatible", "openai-responses", "anthropic",
	// "google", "vertex", "cohere", "azure", "bedrock" or "mock". Empty infers it from the
	// provider name (known names map to their adapter, others are OpenAI-compatible).
	Type string `json:"type,omitempty"`
	// APIKey is the provider API key.
	APIKey string `json:"api_key,omitempty"`
	// BaseURL overrides the endpoint (OpenAI's includes /v1: "http://127.0.0.1:9000/v1").
	BaseURL string `json:"base_url,omitempty"`
	// Headers are sent with every request to this provider.
	Headers map[string]string `json:"headers,omitempty"`
	// Query parameters are added to every request URL.
	Query map[string]string `json:"query,omitempty"`
	// Organization is the OpenAI organization id.
	Organization string `json:"organization,omitempty"`
	// Project is the OpenAI project id (the Google Cloud project for Vertex).
	Project string `json:"project,omitempty"`
	// Region for Vertex and Bedrock.
	Region string `json:"region,omitempty"`
	// AWS credentials for Bedrock (else the usual AWS_* environment variables).
	AccessKeyID     string `json:"access_key_id,omitempty"`
	SecretAccessKey string `json:"secret_access_key,omitempty"`
	SessionToken    string `json:"session_token,omitempty"`
}

// Config configures a Client.
type Config struct {
	// Providers by name: "openai", "groq", "my-vllm", ...
	Providers map[string]ProviderConfig
	// FromEnv also reads providers from the environment (OPENAI_API_KEY, GROQ_BASE_URL, ...);
	// explicit settings win field by field.
	FromEnv bool
	// Timeout is the total deadline of a non-streaming call and the first-byte and idle
	// timeouts of a stream (zero: the core's defaults).
	Timeout time.Duration
	// ConnectTimeout bounds connection set-up (zero: the core's default).
	ConnectTimeout time.Duration
	// MaxRetries is the number of retries after the first attempt (nil: 2).
	MaxRetries *int
	// Aliases are model names with middleware around a base model (caching, retries,
	// fallback, telemetry, ...): {"fast": {Model: "openai:gpt-4o-mini", Middleware:
	// []ditto.Middleware{ditto.CacheMiddleware(ditto.CacheOptions{})}}}. Use the alias name as
	// a request's Model.
	Aliases map[string]Alias
	// CacheStore replaces the in-memory store of every alias's cache layer.
	CacheStore CacheStore
	// OnSpan receives the spans of every alias's telemetry layer (instead of the core's
	// tracing output). It is called from the core's worker threads.
	OnSpan func(Span)
}

func (c Config) toJSON() map[string]any {
	m := map[string]any{"from_env": c.FromEnv}
	if len(c.Providers) > 0 {
		m["providers"] = c.Providers
	}
	if c.Timeout > 0 {
		m["timeout_ms"] = max(c.Timeout.Milliseconds(), 1)
	}
	if c.ConnectTimeout > 0 {
		m["connect_timeout_ms"] = max(c.ConnectTimeout.Milliseconds(), 1)
	}
	if c.MaxRetries != nil {
		m["max_retries"] = *c.MaxRetries
	}
	if len(c.Aliases) > 0 {
		m["aliases"] = c.Aliases
	}
	return m
}

// Client calls models through the Rust core. It is safe for concurrent use; Close releases it.
type Client struct {
	h *clientHandle
}

// clientHandle owns the native client; it is separate from Client so a cleanup can free it
// when a Client is garbage collected without Close.
type clientHandle struct {
	mu    sync.RWMutex // read: a call is using ptr; write: freeing it
	ptr   *C.DittoClient
	scope *hostScope // the client's Go functions (cache store, span sink); nil: none
}

func (h *clientHandle) free() {
	h.mu.Lock()
	if h.ptr != nil {
		C.ditto_client_free(h.ptr)
		h.ptr = nil
	}
	h.mu.Unlock()
	h.scope.close()
}

// New creates a client from explicit settings (the environment is read only when
// cfg.FromEnv is set).
func New(cfg Config) (*Client, error) {
	m := cfg.toJSON()
	var scope *hostScope
	if cfg.CacheStore != nil || cfg.OnSpan != nil {
		scope = newHostScope(context.Background())
		if cfg.CacheStore != nil {
			m["cache_store_host_fn"] = scope.add(cacheStoreHost(cfg.CacheStore))
		}
		if cfg.OnSpan != nil {
			m["span_sink_host_fn"] = scope.add(spanSinkHost(cfg.OnSpan))
		}
	}
	ccfg, err := cString(m)
	if err != nil {
		scope.close()
		return nil, err
	}
	defer C.free(unsafe.Pointer(ccfg))
	var ptr *C.DittoClient
	var out *C.char
	rc := C.ditto_client_new(ccfg, &ptr, &out)
	data := takeString(out)
	if rc != C.DITTO_OK {
		scope.close()
		return nil, failure(context.Background(), rc, data)
	}
	h := &clientHandle{ptr: ptr, scope: scope}
	c := &Client{h: h}
	runtime.AddCleanup(c, func(h *clientHandle) { h.free() }, h)
	return c, nil
}

// NewFromEnv creates a client from the providers' environment variables (OPENAI_API_KEY,
// OPENAI_BASE_URL, <NAME>_BASE_URL + <NAME>_API_KEY for OpenAI-compatible services, ...).
func NewFromEnv() (*Client, error) {
	return New(Config{FromEnv: true})
}

// Close releases the client. It waits for calls in progress; streams already open keep
// working (without the Go CacheStore and OnSpan, which stop being called). Closing twice is a
// no-op.
func (c *Client) Close() error {
	c.h.free()
	return nil
}

// use runs f with the native client held for reading.
func (c *Client) use(f func(*C.DittoClient) error) error {
	defer runtime.KeepAlive(c)
	c.h.mu.RLock()
	defer c.h.mu.RUnlock()
	if c.h.ptr == nil {
		return &Error{Kind: KindConfig, Message: "the client is closed"}
	}
	return f(c.h.ptr)
}

// call runs one blocking JSON call of kind op on the client.
func (c *Client) call(ctx context.Context, op callOp, req any) ([]byte, error) {
	var data []byte
	err := c.use(func(h *C.DittoClient) (err error) {
		data, err = callJSON(ctx, h, op, req)
		return err
	})
	return data, err
}

func decode[T any](data []byte, what string) (*T, error) {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, &Error{Kind: KindInternal, Message: fmt.Sprintf("cannot decode the %s: %v", what, err), cause: err}
	}
	return &v, nil
}

// callDecode runs one blocking JSON call of kind op on c and decodes its result as T.
func callDecode[T any](ctx context.Context, c *Client, op callOp, req any, what string) (*T, error) {
	data, err := c.call(ctx, op, req)
	if err != nil {
		return nil, err
	}
	return decode[T](data, what)
}

// GenerateText generates text (non-streaming). Cancelling ctx aborts the request.
func (c *Client) GenerateText(ctx context.Context, req TextRequest) (*GenerateTextResult, error) {
	data, err := c.call(ctx, opGenerateText, req)
	if err != nil {
		return nil, err
	}
	r, err := decode[GenerateTextResult](data, "result")
	if err != nil {
		return nil, err
	}
	r.JSON = data
	return r, nil
}

// Embed embeds every input (batched by the core, results in input order).
func (c *Client) Embed(ctx context.Context, req EmbedRequest) (*EmbedResult, error) {
	return callDecode[EmbedResult](ctx, c, opEmbed, req, "embeddings")
}
