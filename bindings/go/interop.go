package ditto

/*
#include <stdlib.h>
#include "ditto.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"unsafe"
)

// MessagesFromJSON reads a conversation stored as JSON in Ditto's shape, the Vercel AI SDK's
// (camelCase: toolCallId, mediaType, ...) or OpenAI Chat Completions' (image_url parts,
// assistant tool_calls, role "tool" messages). Errors are ErrInvalidRequest naming the path.
func MessagesFromJSON(data []byte) ([]Message, error) {
	var out []Message
	return out, normalizeJSON(data, false, &out)
}

// ToolsFromJSON reads tool definitions in Ditto's, the AI SDK's or OpenAI's shape
// ({"type": "function", "function": {"name", "parameters"}}).
func ToolsFromJSON(data []byte) ([]Tool, error) {
	var out []Tool
	return out, normalizeJSON(data, true, &out)
}

func normalizeJSON(data []byte, tools bool, out any) error {
	cs := C.CString(string(data))
	defer C.free(unsafe.Pointer(cs))
	var res *C.char
	var rc C.int32_t
	if tools {
		rc = C.ditto_tools_from_json(cs, &res)
	} else {
		rc = C.ditto_messages_from_json(cs, &res)
	}
	body := takeString(res)
	if rc != C.DITTO_OK {
		return failure(context.Background(), rc, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &Error{Kind: KindInternal, Message: "cannot decode normalized JSON: " + err.Error(), cause: err}
	}
	return nil
}

// UnmarshalJSON reads the core's tool JSON.
func (t *Tool) UnmarshalJSON(data []byte) error {
	var w struct {
		Type        string          `json:"type"`
		Name        string          `json:"name"`
		Description string          `json:"description"`
		InputSchema json.RawMessage `json:"input_schema"`
		Strict      *bool           `json:"strict"`
		ID          string          `json:"id"`
		Args        map[string]any  `json:"args"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*t = Tool{Name: w.Name, Description: w.Description, Strict: w.Strict, ID: w.ID, Args: w.Args}
	if len(w.InputSchema) > 0 {
		t.InputSchema = w.InputSchema
	}
	return nil
}
