package ditto

import (
	"context"
	"encoding/json"
)

// TextRequest is what GenerateText and StreamText take. The model sees System, then Messages,
// then Prompt as a final user turn. Zero values mean "not set".
type TextRequest struct {
	// Model is "<provider>:<model>", e.g. "openai:gpt-4o-mini".
	Model string `json:"model"`
	// Prompt is a single user turn.
	Prompt string `json:"prompt,omitempty"`
	// System is the system prompt.
	System string `json:"system,omitempty"`
	// Messages is the conversation so far.
	Messages []Message `json:"messages,omitempty"`
	// Tools the model may call.
	Tools []Tool `json:"tools,omitempty"`
	// ToolChoice says how the model may use the tools (nil: the provider's default).
	ToolChoice *ToolChoice `json:"tool_choice,omitempty"`
	// MaxOutputTokens caps the output (0: unset).
	MaxOutputTokens int `json:"max_output_tokens,omitempty"`
	// Temperature, TopP, PresencePenalty and FrequencyPenalty are pointers so 0 can be sent.
	Temperature      *float64 `json:"temperature,omitempty"`
	TopP             *float64 `json:"top_p,omitempty"`
	TopK             int      `json:"top_k,omitempty"`
	Stop             []string `json:"stop,omitempty"`
	Seed             *int64   `json:"seed,omitempty"`
	PresencePenalty  *float64 `json:"presence_penalty,omitempty"`
	FrequencyPenalty *float64 `json:"frequency_penalty,omitempty"`
	// ResponseFormat asks for text, JSON, or JSON matching a schema.
	ResponseFormat *ResponseFormat `json:"response_format,omitempty"`
	// ProviderOptions are per-provider extras: {"openai": {"user": "u-1"}}.
	ProviderOptions map[string]map[string]any `json:"provider_options,omitempty"`
	// Headers are extra HTTP headers for this call.
	Headers map[string]string `json:"headers,omitempty"`
	// MaxRetries overrides the client's retries for this call.
	MaxRetries *int `json:"max_retries,omitempty"`
	// IncludeRawChunks adds "raw" stream events with each provider chunk.
	IncludeRawChunks bool `json:"include_raw_chunks,omitempty"`
}

// ResponseFormat is {"type": "text"}, {"type": "json"} or {"type": "json-schema", ...}.
type ResponseFormat struct {
	Type        string `json:"type"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Schema      any    `json:"schema,omitempty"`
	Strict      *bool  `json:"strict,omitempty"`
}

// JSONSchemaFormat asks for output matching schema.
func JSONSchemaFormat(name string, schema any) *ResponseFormat {
	return &ResponseFormat{Type: "json-schema", Name: name, Schema: schema}
}

// EmbedRequest is what Embed takes.
type EmbedRequest struct {
	// Model is "<provider>:<model>", e.g. "openai:text-embedding-3-small".
	Model string `json:"model"`
	// Input holds the texts to embed.
	Input []string `json:"input"`
	// Dimensions shortens vectors on models that support it (0: unset).
	Dimensions int `json:"dimensions,omitempty"`
	// ProviderOptions are per-provider extras.
	ProviderOptions map[string]map[string]any `json:"provider_options,omitempty"`
	// Headers are extra HTTP headers for this call.
	Headers map[string]string `json:"headers,omitempty"`
	// MaxRetries overrides the client's retries for this call.
	MaxRetries *int `json:"max_retries,omitempty"`
}

// Tool is a function the model may call (or, with ID set, a provider-defined tool such as
// "openai.web_search").
type Tool struct {
	Name        string
	Description string
	// InputSchema is the JSON Schema of the arguments (nil: an empty object schema).
	InputSchema any
	Strict      *bool
	// ID and Args describe a provider-defined tool instead of a function.
	ID   string
	Args map[string]any
	// Execute runs the tool in RunAgent and StreamAgent with the model's input (JSON that
	// matches InputSchema); the returned value is encoded as JSON and sent back to the model,
	// an error is sent back as a tool error. ctx is cancelled when the run is cancelled or
	// closed. nil: the run stops when the model calls the tool and hands the call back.
	// GenerateText and StreamText ignore it.
	Execute func(ctx context.Context, input json.RawMessage) (any, error)
	// NeedsApproval pauses the agent run before each execution with a tool-approval-request
	// (see AgentResult.PendingApprovals and AgentOptions.Approvals).
	NeedsApproval bool
}

// MarshalJSON writes the core's tool JSON.
func (t Tool) MarshalJSON() ([]byte, error) {
	if t.ID != "" {
		m := map[string]any{"type": "provider-defined", "id": t.ID, "name": t.Name}
		if t.Args != nil {
			m["args"] = t.Args
		}
		return json.Marshal(m)
	}
	m := map[string]any{"type": "function", "name": t.Name}
	if t.Description != "" {
		m["description"] = t.Description
	}
	if t.InputSchema != nil {
		m["input_schema"] = t.InputSchema
	}
	if t.Strict != nil {
		m["strict"] = *t.Strict
	}
	return json.Marshal(m)
}

// ToolChoice is "auto", "none", "required" (Mode) or one specific tool (ToolName).
type ToolChoice struct {
	Mode     string
	ToolName string
}

// The tool choice modes.
var (
	ToolChoiceAuto     = &ToolChoice{Mode: "auto"}
	ToolChoiceNone     = &ToolChoice{Mode: "none"}
	ToolChoiceRequired = &ToolChoice{Mode: "required"}
)

// ToolChoiceTool forces a call to the named tool.
func ToolChoiceTool(name string) *ToolChoice { return &ToolChoice{ToolName: name} }

// MarshalJSON writes "auto" or {"type": "tool", "tool_name": ...}.
func (c ToolChoice) MarshalJSON() ([]byte, error) {
	if c.ToolName != "" {
		return json.Marshal(map[string]string{"type": "tool", "tool_name": c.ToolName})
	}
	return json.Marshal(c.Mode)
}
