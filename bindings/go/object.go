package ditto

import (
	"context"
	"encoding/json"
	"fmt"
)

// ObjectRequest is what GenerateObject and StreamObject take: a prompt (or messages) and the
// JSON Schema the answer must match.
type ObjectRequest struct {
	// Model is "<provider>:<model>" or an alias.
	Model    string
	Prompt   string
	System   string
	Messages []Message
	// Schema is the JSON Schema of the object (Output "object") or of each element ("array"):
	// a json.RawMessage, a map, or any value that encodes to the schema. Required for those
	// two outputs.
	Schema any
	// SchemaName and SchemaDescription describe the object to providers that take them.
	SchemaName        string
	SchemaDescription string
	// Output is "object" (default), "array", "enum" (one of Enum) or "no-schema" (any JSON).
	Output string
	// Enum holds the allowed values of "enum" output.
	Enum []string
	// Mode is "auto" (default: the provider's native structured output), "json" (JSON mode
	// with the schema in the system prompt) or "tool" (a forced tool call).
	Mode string
	// Repair gets one chance to fix text that is not valid JSON or fails the schema: return
	// the fixed text, or "" to give up. cause is the no_object_generated error. An error or a
	// panic fails the call with the original error (its message saying why the repair failed).
	Repair func(ctx context.Context, text string, cause *Error) (string, error)
	// MaxObjectBytes caps the object text (0: 4 MiB).
	MaxObjectBytes int
	// Settings as in TextRequest.
	MaxOutputTokens int
	Temperature     *float64
	TopP            *float64
	TopK            int
	Seed            *int64
	Stop            []string
	ProviderOptions map[string]map[string]any
	Headers         map[string]string
	MaxRetries      *int
}

// ObjectResult is what GenerateObject returns (and StreamObject's Result after the finish).
type ObjectResult struct {
	// Object is the validated object as JSON (the array for "array" output, a string for
	// "enum").
	Object json.RawMessage `json:"object"`
	// Text is the model's raw text, before any repair.
	Text             string           `json:"text"`
	FinishReason     string           `json:"finish_reason"`
	RawFinishReason  string           `json:"raw_finish_reason"`
	Usage            Usage            `json:"usage"`
	Warnings         []Warning        `json:"warnings"`
	Response         ResponseMetadata `json:"response"`
	ProviderMetadata json.RawMessage  `json:"provider_metadata"`
	// JSON is the result exactly as the core produced it.
	JSON json.RawMessage `json:"-"`
}

// Decode unmarshals the object into v.
func (r *ObjectResult) Decode(v any) error {
	if err := json.Unmarshal(r.Object, v); err != nil {
		return &Error{Kind: KindInvalidRequest, Message: fmt.Sprintf("cannot decode the object into %T: %v", v, err), cause: err}
	}
	return nil
}

func objectRepairHost(f func(context.Context, string, *Error) (string, error)) hostFunc {
	return func(ctx context.Context, input []byte) ([]byte, error) {
		var in struct {
			Text  string          `json:"text"`
			Error json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(input, &in); err != nil {
			return nil, fmt.Errorf("cannot decode the repair input: %w", err)
		}
		cause := errorFromJSON(in.Error)
		if cause == nil {
			cause = &Error{Kind: KindNoObjectGenerated, Message: string(in.Error)}
		}
		fixed, err := f(ctx, in.Text, cause)
		if err != nil {
			return nil, err
		}
		if fixed == "" {
			return []byte("null"), nil
		}
		return json.Marshal(fixed)
	}
}

// wire is the core's ObjectRequest JSON (plus the repair hook's id, registered in scope).
func (r ObjectRequest) wire(scope *hostScope) map[string]any {
	m := map[string]any{"model": r.Model}
	set := func(k string, v any, ok bool) {
		if ok {
			m[k] = v
		}
	}
	set("prompt", r.Prompt, r.Prompt != "")
	set("system", r.System, r.System != "")
	set("messages", r.Messages, len(r.Messages) > 0)
	set("schema", r.Schema, r.Schema != nil)
	set("schema_name", r.SchemaName, r.SchemaName != "")
	set("schema_description", r.SchemaDescription, r.SchemaDescription != "")
	set("output", r.Output, r.Output != "")
	set("enum_values", r.Enum, len(r.Enum) > 0)
	set("mode", r.Mode, r.Mode != "")
	set("max_object_bytes", r.MaxObjectBytes, r.MaxObjectBytes > 0)
	set("max_output_tokens", r.MaxOutputTokens, r.MaxOutputTokens > 0)
	set("temperature", r.Temperature, r.Temperature != nil)
	set("top_p", r.TopP, r.TopP != nil)
	set("top_k", r.TopK, r.TopK > 0)
	set("seed", r.Seed, r.Seed != nil)
	set("stop", r.Stop, len(r.Stop) > 0)
	set("provider_options", r.ProviderOptions, len(r.ProviderOptions) > 0)
	set("headers", r.Headers, len(r.Headers) > 0)
	set("max_retries", r.MaxRetries, r.MaxRetries != nil)
	if r.Repair != nil {
		m["repair_host_fn"] = scope.add(objectRepairHost(r.Repair))
	}
	return m
}

// GenerateObject asks the model for JSON matching req.Schema and validates it. When the
// answer is not JSON or does not match (and Repair could not fix it), the error matches
// ErrNoObjectGenerated and, as an *Error, carries Text, Usage and FinishReason.
func (c *Client) GenerateObject(ctx context.Context, req ObjectRequest) (*ObjectResult, error) {
	scope := newHostScope(ctx)
	defer scope.close()
	data, err := c.call(ctx, opGenerateObject, req.wire(scope))
	if err != nil {
		return nil, err
	}
	r, err := decode[ObjectResult](data, "object result")
	if err != nil {
		return nil, err
	}
	r.JSON = data
	return r, nil
}

// GenerateObjectInto is GenerateObject decoding the object into a T.
func GenerateObjectInto[T any](ctx context.Context, c *Client, req ObjectRequest) (T, *ObjectResult, error) {
	var v T
	r, err := c.GenerateObject(ctx, req)
	if err != nil {
		return v, nil, err
	}
	if err := r.Decode(&v); err != nil {
		return v, r, err
	}
	return v, r, nil
}
