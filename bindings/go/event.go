package ditto

import (
	"encoding/json"
	"fmt"
)

// StreamEvent is one event of a text stream. Type names follow the AI SDK fullStream parts:
// "start", "start-step", "text-start", "text-delta", "text-end", "reasoning-start",
// "reasoning-delta", "reasoning-end", "tool-input-start", "tool-input-delta", "tool-input-end",
// "tool-call", "tool-result", "tool-error", "source", "file", "finish-step", "finish", "raw".
// Only the fields of the event's type are set.
type StreamEvent struct {
	Type string
	// ID is the block id (text, reasoning), the tool call id (tool-input-*), or the source id.
	ID string
	// Text is the new text of a text-delta or reasoning-delta.
	Text string
	// Delta is a JSON fragment of a tool-input-delta.
	Delta string
	// Tool fields (tool-input-start, tool-call, tool-result, tool-error).
	ToolCallID       string
	ToolName         string
	Input            json.RawMessage
	InvalidInput     bool
	ProviderExecuted bool
	Output           json.RawMessage
	// ToolError is the message of a tool-error.
	ToolError string
	// ApprovalID and ApprovalCall describe a tool-approval-request (agent streams).
	ApprovalID   string
	ApprovalCall *ToolCall
	// Err is the failure an "error" event carries (decoded Ditto v1 streams).
	Err *Error
	// Source of a "source" event.
	Source *Source
	// MediaType and Base64 of a "file" event.
	MediaType string
	Base64    string
	// Warnings of a start-step.
	Warnings []Warning
	// FinishReason / RawFinishReason of finish-step and finish; Usage of a finish-step,
	// TotalUsage of a finish; Response of a finish-step.
	FinishReason    string
	RawFinishReason string
	Usage           *Usage
	TotalUsage      *Usage
	Response        *ResponseMetadata
	// ProviderMetadata from the provider, when it sent any.
	ProviderMetadata json.RawMessage
	// RawValue is the provider chunk of a "raw" event.
	RawValue json.RawMessage
	// JSON is the event exactly as the core produced it.
	JSON json.RawMessage
}

// ToolCall returns the call of a "tool-call" event.
func (e *StreamEvent) ToolCall() ToolCall {
	return ToolCall{
		ToolCallID: e.ToolCallID, ToolName: e.ToolName, Input: e.Input,
		InvalidInput: e.InvalidInput, ProviderExecuted: e.ProviderExecuted,
		ProviderMetadata: e.ProviderMetadata,
	}
}

type eventWire struct {
	Type             string            `json:"type"`
	ID               string            `json:"id"`
	Text             string            `json:"text"`
	Delta            string            `json:"delta"`
	ToolCallID       string            `json:"tool_call_id"`
	ToolName         string            `json:"tool_name"`
	Input            json.RawMessage   `json:"input"`
	InvalidInput     bool              `json:"invalid_input"`
	ProviderExecuted bool              `json:"provider_executed"`
	Output           json.RawMessage   `json:"output"`
	Error            json.RawMessage   `json:"error"`
	MediaType        string            `json:"media_type"`
	Base64           string            `json:"base64"`
	Warnings         []Warning         `json:"warnings"`
	FinishReason     string            `json:"finish_reason"`
	RawFinishReason  string            `json:"raw_finish_reason"`
	Usage            *Usage            `json:"usage"`
	TotalUsage       *Usage            `json:"total_usage"`
	Response         *ResponseMetadata `json:"response"`
	ProviderMetadata json.RawMessage   `json:"provider_metadata"`
	RawValue         json.RawMessage   `json:"raw_value"`
	ApprovalID       string            `json:"approval_id"`
	ApprovalCall     *ToolCall         `json:"tool_call"`
}

// UnmarshalJSON reads the core's event JSON and keeps a copy in JSON.
func (e *StreamEvent) UnmarshalJSON(data []byte) error {
	var w eventWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if w.Type == "" {
		return fmt.Errorf("stream event without a type: %.200s", data)
	}
	*e = StreamEvent{
		Type: w.Type, ID: w.ID, Text: w.Text, Delta: w.Delta, ToolCallID: w.ToolCallID,
		ToolName: w.ToolName, Input: w.Input, InvalidInput: w.InvalidInput,
		ProviderExecuted: w.ProviderExecuted, Output: w.Output, MediaType: w.MediaType,
		Base64: w.Base64, Warnings: w.Warnings, FinishReason: w.FinishReason,
		RawFinishReason: w.RawFinishReason, Usage: w.Usage, TotalUsage: w.TotalUsage,
		Response: w.Response, ProviderMetadata: w.ProviderMetadata, RawValue: w.RawValue,
		ApprovalID: w.ApprovalID, ApprovalCall: w.ApprovalCall,
		JSON: append(json.RawMessage(nil), data...),
	}
	switch w.Type {
	case "tool-error":
		if err := json.Unmarshal(w.Error, &e.ToolError); err != nil && len(w.Error) > 0 {
			e.ToolError = string(w.Error)
		}
	case "error":
		e.Err = errorFromJSON(w.Error)
		if e.Err == nil {
			e.Err = &Error{Kind: KindInternal, Message: string(w.Error)}
		}
	case "source":
		var s Source
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		e.Source = &s
	}
	return nil
}

// MarshalJSON writes the core's event JSON: JSON as received when set, else the fields of
// the event's type.
func (e StreamEvent) MarshalJSON() ([]byte, error) {
	if len(e.JSON) > 0 {
		return e.JSON, nil
	}
	m := map[string]any{"type": e.Type}
	str := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	raw := func(k string, v json.RawMessage) {
		if len(v) > 0 {
			m[k] = v
		}
	}
	str("id", e.ID)
	str("delta", e.Delta)
	str("tool_call_id", e.ToolCallID)
	str("tool_name", e.ToolName)
	str("media_type", e.MediaType)
	str("base64", e.Base64)
	str("finish_reason", e.FinishReason)
	str("raw_finish_reason", e.RawFinishReason)
	str("approval_id", e.ApprovalID)
	raw("input", e.Input)
	raw("output", e.Output)
	raw("provider_metadata", e.ProviderMetadata)
	raw("raw_value", e.RawValue)
	switch e.Type {
	case "text-delta", "reasoning-delta":
		m["text"] = e.Text
	case "tool-error":
		m["error"] = e.ToolError
	case "error":
		if e.Err != nil {
			return errorEventJSON(e.Err), nil
		}
	case "source":
		if e.Source != nil {
			data, err := json.Marshal(e.Source)
			if err != nil {
				return nil, err
			}
			var src map[string]any
			if err := json.Unmarshal(data, &src); err != nil {
				return nil, err
			}
			for k, v := range src {
				m[k] = v
			}
			m["type"] = "source"
		}
	}
	if e.InvalidInput {
		m["invalid_input"] = true
	}
	if e.ProviderExecuted {
		m["provider_executed"] = true
	}
	if len(e.Warnings) > 0 {
		m["warnings"] = e.Warnings
	}
	if e.Usage != nil {
		m["usage"] = e.Usage
	}
	if e.TotalUsage != nil {
		m["total_usage"] = e.TotalUsage
	}
	if e.Response != nil {
		m["response"] = e.Response
	}
	if e.ApprovalCall != nil {
		m["tool_call"] = e.ApprovalCall
	}
	return json.Marshal(m)
}
