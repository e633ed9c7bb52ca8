package ditto

import "encoding/json"

// Usage counts tokens. A nil field means the provider did not say (never a made-up 0).
type Usage struct {
	InputTokens      *int64 `json:"input_tokens"`
	OutputTokens     *int64 `json:"output_tokens"`
	TotalTokens      *int64 `json:"total_tokens"`
	CacheReadTokens  *int64 `json:"cache_read_tokens"`
	CacheWriteTokens *int64 `json:"cache_write_tokens"`
	ReasoningTokens  *int64 `json:"reasoning_tokens"`
}

// Warning is something the provider could not honour: Type "unsupported-setting" (Setting),
// "unsupported-tool" (ToolName), "compatibility" (Feature) or "other" (Message).
type Warning struct {
	Type     string `json:"type"`
	Setting  string `json:"setting,omitempty"`
	ToolName string `json:"tool_name,omitempty"`
	Feature  string `json:"feature,omitempty"`
	Details  string `json:"details,omitempty"`
	Message  string `json:"message,omitempty"`
}

// ToolCall is a call the model made. Input is the arguments as JSON (when InvalidInput is set,
// the model's raw text as a JSON string).
type ToolCall struct {
	ToolCallID       string          `json:"tool_call_id"`
	ToolName         string          `json:"tool_name"`
	Input            json.RawMessage `json:"input"`
	InvalidInput     bool            `json:"invalid_input,omitempty"`
	ProviderExecuted bool            `json:"provider_executed,omitempty"`
	ProviderMetadata json.RawMessage `json:"provider_metadata,omitempty"`
}

// Source is a cited web page (SourceType "url") or document ("document").
type Source struct {
	SourceType       string          `json:"source_type"`
	ID               string          `json:"id"`
	URL              string          `json:"url,omitempty"`
	Title            string          `json:"title,omitempty"`
	MediaType        string          `json:"media_type,omitempty"`
	Filename         string          `json:"filename,omitempty"`
	ProviderMetadata json.RawMessage `json:"provider_metadata,omitempty"`
}

// ResponseMetadata describes the provider's response.
type ResponseMetadata struct {
	ID        string            `json:"id"`
	ModelID   string            `json:"model_id"`
	Timestamp int64             `json:"timestamp"`
	Headers   map[string]string `json:"headers,omitempty"`
}

// GenerateTextResult is what GenerateText returns.
type GenerateTextResult struct {
	// Text is all text parts joined.
	Text string `json:"text"`
	// ReasoningText is the visible reasoning, when the model reasoned ("" otherwise).
	ReasoningText string `json:"reasoning_text"`
	// Content holds the output parts in order.
	Content   []Part     `json:"content"`
	ToolCalls []ToolCall `json:"tool_calls"`
	Sources   []Source   `json:"sources"`
	// FinishReason is "stop", "length", "content-filter", "tool-calls", "error" or "other";
	// RawFinishReason is the provider's own value.
	FinishReason     string           `json:"finish_reason"`
	RawFinishReason  string           `json:"raw_finish_reason"`
	Usage            Usage            `json:"usage"`
	Warnings         []Warning        `json:"warnings"`
	Response         ResponseMetadata `json:"response"`
	ProviderMetadata json.RawMessage  `json:"provider_metadata"`
	// JSON is the result exactly as the core produced it.
	JSON json.RawMessage `json:"-"`
}

// EmbedResult is what Embed returns: one vector per input, in order.
type EmbedResult struct {
	Embeddings [][]float32 `json:"embeddings"`
	Usage      Usage       `json:"usage"`
	Warnings   []Warning   `json:"warnings"`
}
