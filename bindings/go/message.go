package ditto

import "encoding/json"

// Message is one turn of a conversation. Role is "system", "user", "assistant" or "tool".
type Message struct {
	Role            string                    `json:"role"`
	Content         []Part                    `json:"content"`
	ProviderOptions map[string]map[string]any `json:"provider_options,omitempty"`
}

// UnmarshalJSON also accepts a plain string as content (one text part).
func (m *Message) UnmarshalJSON(data []byte) error {
	var w struct {
		Role            string                    `json:"role"`
		Content         json.RawMessage           `json:"content"`
		ProviderOptions map[string]map[string]any `json:"provider_options"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*m = Message{Role: w.Role, ProviderOptions: w.ProviderOptions}
	var text string
	if json.Unmarshal(w.Content, &text) == nil {
		m.Content = []Part{TextPart(text)}
		return nil
	}
	return json.Unmarshal(w.Content, &m.Content)
}

// Part is one piece of a message: "text", "image", "file", "reasoning", "tool-call" or
// "tool-result" (Type), with the fields of that type set.
type Part struct {
	Type string `json:"type"`
	// Text of a "text" or "reasoning" part.
	Text string `json:"text,omitempty"`
	// Image of an "image" part, Data of a "file" part.
	Image     *DataSource `json:"image,omitempty"`
	Data      *DataSource `json:"data,omitempty"`
	MediaType string      `json:"media_type,omitempty"`
	Filename  string      `json:"filename,omitempty"`
	// Tool call / result fields.
	ToolCallID       string          `json:"tool_call_id,omitempty"`
	ToolName         string          `json:"tool_name,omitempty"`
	Input            json.RawMessage `json:"input,omitempty"`
	InvalidInput     bool            `json:"invalid_input,omitempty"`
	ProviderExecuted bool            `json:"provider_executed,omitempty"`
	Output           *ToolOutput     `json:"output,omitempty"`
	// Provider details: options to send, metadata received (send reasoning metadata back
	// unchanged).
	ProviderOptions  map[string]map[string]any `json:"provider_options,omitempty"`
	ProviderMetadata json.RawMessage           `json:"provider_metadata,omitempty"`
}

// MarshalJSON writes the fields the part's type needs (a text part always has "text", a tool
// call always has "input").
func (p Part) MarshalJSON() ([]byte, error) {
	type plain Part
	switch p.Type {
	case "text", "reasoning":
		return json.Marshal(struct {
			plain
			Text string `json:"text"`
		}{plain(p), p.Text})
	case "tool-call":
		input := p.Input
		if len(input) == 0 {
			input = json.RawMessage("{}")
		}
		return json.Marshal(struct {
			plain
			Input json.RawMessage `json:"input"`
		}{plain(p), input})
	}
	return json.Marshal(plain(p))
}

// DataSource is an image or file by URL (http(s) or data:) or as base64.
type DataSource struct {
	URL    string `json:"url,omitempty"`
	Base64 string `json:"base64,omitempty"`
}

// ToolOutput is a tool's result: Type "text", "json", "error-text" or "error-json".
type ToolOutput struct {
	Type  string `json:"type"`
	Value any    `json:"value"`
}

// TextPart is a text part.
func TextPart(text string) Part { return Part{Type: "text", Text: text} }

// ImageURLPart is an image by URL.
func ImageURLPart(url string) Part { return Part{Type: "image", Image: &DataSource{URL: url}} }

// ToolCallPart is a tool call an assistant made (for conversation history).
func ToolCallPart(id, name string, input json.RawMessage) Part {
	return Part{Type: "tool-call", ToolCallID: id, ToolName: name, Input: input}
}

// ToolResultPart is the result of a tool call.
func ToolResultPart(id, name string, output ToolOutput) Part {
	return Part{Type: "tool-result", ToolCallID: id, ToolName: name, Output: &output}
}

// JSONOutput is a JSON tool output.
func JSONOutput(v any) ToolOutput { return ToolOutput{Type: "json", Value: v} }

// TextOutput is a text tool output.
func TextOutput(s string) ToolOutput { return ToolOutput{Type: "text", Value: s} }

// ErrorTextOutput reports that a tool failed.
func ErrorTextOutput(s string) ToolOutput { return ToolOutput{Type: "error-text", Value: s} }

// SystemMessage is a system turn.
func SystemMessage(text string) Message {
	return Message{Role: "system", Content: []Part{TextPart(text)}}
}

// UserMessage is a user turn.
func UserMessage(text string) Message { return Message{Role: "user", Content: []Part{TextPart(text)}} }

// AssistantMessage is an assistant turn.
func AssistantMessage(text string) Message {
	return Message{Role: "assistant", Content: []Part{TextPart(text)}}
}

// ToolMessage carries tool results back to the model.
func ToolMessage(results ...Part) Message { return Message{Role: "tool", Content: results} }
