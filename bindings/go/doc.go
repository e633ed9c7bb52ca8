// Package ditto is the Go binding of Ditto-LLM: one client for every major LLM provider
// (OpenAI and every OpenAI-compatible service today), running the same Rust core as the Rust,
// Python and Node packages through a small C ABI (bindings/ffi).
//
//	c, err := ditto.New(ditto.Config{Providers: map[string]ditto.ProviderConfig{
//		"openai": {APIKey: "sk-...", BaseURL: "http://127.0.0.1:9000/v1"}}})
//	defer c.Close()
//	r, err := c.GenerateText(ctx, ditto.TextRequest{Model: "openai:gpt-4o-mini", Prompt: "Hi"})
//
// Build the native library once with `make -C bindings/go`; see docs/go.md.
package ditto
