package ditto

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestGenerateTextAgainstMock(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "text")
	r, err := c.GenerateText(context.Background(), TextRequest{
		Model: "openai:gpt-4o-mini", System: "Be brief.", Prompt: "Hello there",
		Temperature: ptr(0.0), MaxOutputTokens: 50,
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != "echo: Hello there" || r.FinishReason != "stop" {
		t.Fatalf("text %q finish %q", r.Text, r.FinishReason)
	}
	if r.Usage.InputTokens == nil || *r.Usage.InputTokens != 4 || r.Usage.OutputTokens == nil || *r.Usage.OutputTokens != 3 {
		t.Fatalf("usage %s", mustJSON(r.Usage))
	}
	if len(r.ToolCalls) != 0 || len(r.Warnings) != 0 || r.Response.ID == "" || r.Response.ModelID != "gpt-4o-mini" {
		t.Fatalf("result %s", r.JSON)
	}
	reqs := m.requests(t, "text")
	if len(reqs) != 1 {
		t.Fatalf("%d requests recorded", len(reqs))
	}
	got := reqs[0]
	if got.Path != "/v1/chat/completions" || got.Headers["authorization"] != "Bearer sk-test-secret" {
		t.Fatalf("request %s %v", got.Path, got.Headers)
	}
	if got.Body["temperature"] != 0.0 || got.Body["max_completion_tokens"] == nil && got.Body["max_tokens"] == nil {
		t.Fatalf("body %s", mustJSON(got.Body))
	}
	msgs := got.Body["messages"].([]any)
	if len(msgs) != 2 || msgs[0].(map[string]any)["role"] != "system" {
		t.Fatalf("messages %s", mustJSON(msgs))
	}
}

func TestMessagesAndHistory(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "history")
	r, err := c.GenerateText(context.Background(), TextRequest{
		Model: "openai:gpt-4o-mini",
		Messages: []Message{
			SystemMessage("You are terse."),
			UserMessage("first"),
			AssistantMessage("ok"),
			{Role: "user", Content: []Part{TextPart("look"), ImageURLPart("https://example.com/cat.png")}},
		},
		Headers: map[string]string{"x-trace": "abc"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != "echo: look" {
		t.Fatalf("text %q", r.Text)
	}
	got := m.requests(t, "history")[0]
	if got.Headers["x-trace"] != "abc" {
		t.Fatalf("headers %v", got.Headers)
	}
	last := got.Body["messages"].([]any)[3].(map[string]any)["content"].([]any)
	if len(last) != 2 || last[1].(map[string]any)["type"] != "image_url" {
		t.Fatalf("last message %s", mustJSON(last))
	}
}

func TestMockProviderNeedsNoNetwork(t *testing.T) {
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.GenerateText(context.Background(), TextRequest{Model: "mock:echo", Prompt: "no network at all"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != "echo: no network at all" {
		t.Fatalf("text %q", r.Text)
	}
}

func TestJSONSchemaResponseFormat(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "schema")
	schema := map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "string"}}}
	if _, err := c.GenerateText(context.Background(), TextRequest{
		Model: "openai:gpt-4o-mini", Prompt: "json please", ResponseFormat: JSONSchemaFormat("thing", schema),
	}); err != nil {
		t.Fatal(err)
	}
	rf := m.requests(t, "schema")[0].Body["response_format"].(map[string]any)
	if rf["type"] != "json_schema" || rf["json_schema"].(map[string]any)["name"] != "thing" {
		t.Fatalf("response_format %s", mustJSON(rf))
	}
}

func TestToolCalls(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "tools")
	weather := Tool{Name: "get_weather", Description: "Current weather", InputSchema: map[string]any{
		"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}, "required": []string{"city"},
	}}
	req := TextRequest{Model: "openai:gpt-4o-mini", Prompt: `call:get_weather {"city":"Paris"}`,
		Tools: []Tool{weather}, ToolChoice: ToolChoiceRequired}
	r, err := c.GenerateText(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if r.FinishReason != "tool-calls" || len(r.ToolCalls) != 1 {
		t.Fatalf("result %s", r.JSON)
	}
	call := r.ToolCalls[0]
	var input struct{ City string }
	if err := json.Unmarshal(call.Input, &input); err != nil || call.ToolName != "get_weather" || input.City != "Paris" {
		t.Fatalf("call %s", mustJSON(call))
	}
	sent := m.requests(t, "tools")[0].Body
	if sent["tool_choice"] != "required" || sent["tools"].([]any)[0].(map[string]any)["function"].(map[string]any)["name"] != "get_weather" {
		t.Fatalf("sent %s", mustJSON(sent))
	}

	// Stream the same call: tool-input-* events, then one tool-call with the parsed input.
	var deltas strings.Builder
	var calls []ToolCall
	for ev, err := range c.StreamTextSeq(context.Background(), req) {
		if err != nil {
			t.Fatal(err)
		}
		switch ev.Type {
		case "tool-input-delta":
			deltas.WriteString(ev.Delta)
		case "tool-call":
			calls = append(calls, ev.ToolCall())
		}
	}
	if len(calls) != 1 || calls[0].ToolName != "get_weather" || calls[0].ToolCallID == "" || deltas.String() != `{"city":"Paris"}` {
		t.Fatalf("calls %s deltas %q", mustJSON(calls), deltas.String())
	}

	// Send the result back: the mock echoes the conversation's last user text.
	r2, err := c.GenerateText(context.Background(), TextRequest{
		Model: "openai:gpt-4o-mini", Tools: []Tool{weather},
		Messages: []Message{
			UserMessage("weather?"),
			{Role: "assistant", Content: []Part{ToolCallPart(call.ToolCallID, call.ToolName, call.Input)}},
			ToolMessage(ToolResultPart(call.ToolCallID, call.ToolName, JSONOutput(map[string]any{"temp_c": 21}))),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r2.FinishReason != "stop" {
		t.Fatalf("second turn %s", r2.JSON)
	}
	sentMsgs := m.requests(t, "tools")[2].Body["messages"].([]any)
	toolMsg := sentMsgs[2].(map[string]any)
	if toolMsg["role"] != "tool" || toolMsg["tool_call_id"] != call.ToolCallID || !strings.Contains(toolMsg["content"].(string), "21") {
		t.Fatalf("tool message %s", mustJSON(toolMsg))
	}
}

func TestEmbed(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "embed")
	e, err := c.Embed(context.Background(), EmbedRequest{Model: "openai:text-embedding-3-small", Input: []string{"a", "b", "a"}, Dimensions: 16})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Embeddings) != 3 || len(e.Embeddings[0]) != 16 {
		t.Fatalf("shape %d x %d", len(e.Embeddings), len(e.Embeddings[0]))
	}
	var norm float64
	for _, x := range e.Embeddings[0] {
		norm += float64(x) * float64(x)
	}
	if math.Abs(norm-1) > 1e-4 || mustJSON(e.Embeddings[0]) != mustJSON(e.Embeddings[2]) || mustJSON(e.Embeddings[0]) == mustJSON(e.Embeddings[1]) {
		t.Fatalf("vectors %v (norm %f)", e.Embeddings, norm)
	}
	if e.Usage.InputTokens == nil || *e.Usage.InputTokens != 3 {
		t.Fatalf("usage %s", mustJSON(e.Usage))
	}
	if got := m.requests(t, "embed")[0].Body["dimensions"]; got != 16.0 {
		t.Fatalf("dimensions sent %v", got)
	}
}
