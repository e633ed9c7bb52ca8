package ditto

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestMessagesAndToolsFromOpenAIJSON(t *testing.T) {
	msgs, err := MessagesFromJSON([]byte(`[
		{"role": "system", "content": "Be brief."},
		{"role": "user", "content": [{"type": "text", "text": "weather?"},
		                             {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]},
		{"role": "assistant", "content": null,
		 "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
		{"role": "tool", "tool_call_id": "c1", "content": "21C"}]`))
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 4 || msgs[1].Content[1].Type != "image" || msgs[1].Content[1].Image.URL != "https://example.com/a.png" {
		t.Fatalf("messages %s", mustJSON(msgs))
	}
	call := msgs[2].Content[0]
	if call.Type != "tool-call" || call.ToolName != "get_weather" || string(call.Input) != `{"city":"Paris"}` {
		t.Fatalf("tool call %s", mustJSON(call))
	}
	if msgs[3].Role != "tool" || msgs[3].Content[0].Output == nil {
		t.Fatalf("tool result %s", mustJSON(msgs[3]))
	}
	tools, err := ToolsFromJSON([]byte(`[{"type": "function", "function": {"name": "get_weather", "description": "d",
		"parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]`))
	if err != nil {
		t.Fatal(err)
	}
	if len(tools) != 1 || tools[0].Name != "get_weather" || !strings.Contains(mustJSON(tools[0]), `"city"`) {
		t.Fatalf("tools %s", mustJSON(tools))
	}

	// The converted history is accepted by a real call.
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.GenerateText(context.Background(), TextRequest{Model: "mock:echo", Messages: msgs[:2], Tools: tools})
	if err != nil || r.Text != "echo: weather?" {
		t.Fatalf("text %v err %v", r, err)
	}

	_, err = MessagesFromJSON([]byte(`[{"role": "user", "content": [{"type": "hologram"}]}]`))
	if !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), "[0]") {
		t.Fatalf("bad part: %v", err)
	}
	_, err = ToolsFromJSON([]byte(`{not json`))
	if !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("bad json: %v", err)
	}
}
