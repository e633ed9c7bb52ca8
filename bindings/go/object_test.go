package ditto

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// chatBody is a Chat Completions response whose message content is text.
func chatBody(text string) map[string]any {
	return map[string]any{
		"id": "chatcmpl-obj", "object": "chat.completion", "created": 1700000000, "model": "gpt-4o-mini",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": text}}},
		"usage": map[string]any{"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12},
	}
}

// chatSSE is a Chat Completions stream of text deltas.
func chatSSE(deltas ...string) map[string]any {
	var frames []string
	for _, d := range deltas {
		frames = append(frames, mustJSON(map[string]any{"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": d}, "finish_reason": nil}}}))
	}
	frames = append(frames, mustJSON(map[string]any{"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
		"choices": []any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": "stop"}}}))
	return map[string]any{"sse": frames}
}

type recipeFixture struct {
	Request       map[string]any   `json:"request"`
	ScenarioSteps []map[string]any `json:"scenario_steps"`
	Expected      struct {
		TextDeltas            []string          `json:"text_deltas"`
		PartialObjects        []json.RawMessage `json:"partial_objects"`
		Object                json.RawMessage   `json:"object"`
		FinishReason          string            `json:"finish_reason"`
		Usage                 map[string]int64  `json:"usage"`
		RequestResponseFormat any               `json:"request_response_format"`
	} `json:"expected"`
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%v in %s", err, a)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	return reflect.DeepEqual(x, y)
}

func TestStreamObjectRecipeFixture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "tests", "fixtures", "objects", "recipe-stream.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx recipeFixture
	if err := json.Unmarshal(data, &fx); err != nil {
		t.Fatal(err)
	}
	m := startMock(t)
	m.scenario(t, "recipe", fx.ScenarioSteps...)
	c := m.client(t, "recipe")
	before := LiveHandles()
	req := ObjectRequest{Model: fx.Request["model"].(string), Prompt: fx.Request["prompt"].(string),
		Schema: fx.Request["schema"], SchemaName: fx.Request["schema_name"].(string),
		SchemaDescription: fx.Request["schema_description"].(string)}
	s, err := c.StreamObject(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var deltas []string
	var partials []json.RawMessage
	for s.Next() {
		switch ev := s.Current(); ev.Type {
		case "text-delta":
			deltas = append(deltas, ev.Text)
		case "partial-object":
			partials = append(partials, ev.Object)
			if string(s.Partial()) != string(ev.Object) {
				t.Fatal("Partial is the latest partial object")
			}
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(deltas, fx.Expected.TextDeltas) {
		t.Fatalf("text deltas %q", deltas)
	}
	if len(partials) != len(fx.Expected.PartialObjects) {
		t.Fatalf("%d partial objects, want %d", len(partials), len(fx.Expected.PartialObjects))
	}
	for i := range partials {
		if !jsonEqual(t, partials[i], fx.Expected.PartialObjects[i]) {
			t.Fatalf("partial %d: %s, want %s", i, partials[i], fx.Expected.PartialObjects[i])
		}
	}
	r := s.Result()
	if r == nil || !jsonEqual(t, r.Object, fx.Expected.Object) || r.FinishReason != fx.Expected.FinishReason {
		t.Fatalf("result %+v", r)
	}
	if *r.Usage.InputTokens != fx.Expected.Usage["input_tokens"] || *r.Usage.OutputTokens != fx.Expected.Usage["output_tokens"] ||
		*r.Usage.TotalTokens != fx.Expected.Usage["total_tokens"] {
		t.Fatalf("usage %s", mustJSON(r.Usage))
	}
	// The final object also validates against the fixture's schema with a Go JSON Schema library.
	validateJSON(t, mustJSON(fx.Request["schema"]), r.Object)
	sent := m.requests(t, "recipe")
	if len(sent) != 1 || mustJSON(sent[0].Body["response_format"]) != mustJSON(fx.Expected.RequestResponseFormat) {
		t.Fatalf("response_format sent: %s", mustJSON(sent[0].Body["response_format"]))
	}
	s.Close()
	checkNoLeaks(t, before)
}

type recipe struct {
	Name        string `json:"name"`
	Ingredients []struct {
		Name   string `json:"name"`
		Amount string `json:"amount"`
	} `json:"ingredients"`
	Steps    []string `json:"steps"`
	Servings int      `json:"servings"`
}

var recipeSchema = json.RawMessage(`{"type":"object","properties":{"name":{"type":"string"},"servings":{"type":"integer","minimum":1},
 "steps":{"type":"array","items":{"type":"string"}},"ingredients":{"type":"array"}},"required":["name","servings"]}`)

func TestGenerateObjectInto(t *testing.T) {
	m := startMock(t)
	m.scenario(t, "obj", map[string]any{"body": chatBody(`{"name":"Soup","servings":2,"steps":["Boil"],"ingredients":[]}`)})
	c := m.client(t, "obj")
	v, r, err := GenerateObjectInto[recipe](context.Background(), c, ObjectRequest{Model: "openai:gpt-4o-mini", Prompt: "soup", Schema: recipeSchema})
	if err != nil {
		t.Fatal(err)
	}
	if v.Name != "Soup" || v.Servings != 2 || r.FinishReason != "stop" || *r.Usage.TotalTokens != 12 || !strings.Contains(r.Text, "Soup") {
		t.Fatalf("%+v %+v", v, r)
	}
}

func TestObjectOutputs(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "outs")
	m.scenario(t, "outs",
		map[string]any{"body": chatBody(`{"result":"blue"}`)},
		chatSSE(`{"elements":[{"n":`, `1},{"n":2}`, `,{"n":3}]}`),
		map[string]any{"body": chatBody(`[1, "two", null]`)},
	)
	r, err := c.GenerateObject(context.Background(), ObjectRequest{Model: "openai:gpt-4o-mini", Prompt: "color", Output: "enum", Enum: []string{"red", "blue"}})
	if err != nil || string(r.Object) != `"blue"` {
		t.Fatalf("enum: %v %s", err, r.Object)
	}
	s, err := c.StreamObject(context.Background(), ObjectRequest{Model: "openai:gpt-4o-mini", Prompt: "list", Output: "array",
		Schema: map[string]any{"type": "object", "properties": map[string]any{"n": map[string]any{"type": "integer"}}, "required": []string{"n"}}})
	if err != nil {
		t.Fatal(err)
	}
	var elems []string
	for s.Next() {
		if ev := s.Current(); ev.Type == "element" {
			elems = append(elems, mustJSON(ev.Index)+":"+string(ev.Element))
		}
	}
	if s.Err() != nil || strings.Join(elems, " ") != `0:{"n":1} 1:{"n":2} 2:{"n":3}` || string(s.Result().Object) != `[{"n":1},{"n":2},{"n":3}]` {
		t.Fatalf("array: %v %v %s", s.Err(), elems, s.Result().Object)
	}
	s.Close()
	r, err = c.GenerateObject(context.Background(), ObjectRequest{Model: "openai:gpt-4o-mini", Prompt: "any", Output: "no-schema", Mode: "json"})
	if err != nil || !jsonEqual(t, r.Object, []byte(`[1,"two",null]`)) {
		t.Fatalf("no-schema: %v %s", err, r.Object)
	}
}

func TestNoObjectGeneratedAndRepair(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "noobj")
	before := LiveHandles()
	bad := "Sorry, I cannot do that."
	m.scenario(t, "noobj",
		map[string]any{"body": chatBody(bad)},
		map[string]any{"body": chatBody(bad)},
		map[string]any{"body": chatBody(bad)},
		chatSSE(`{"name":`, `"x"`),
	)
	req := ObjectRequest{Model: "openai:gpt-4o-mini", Prompt: "soup", Schema: recipeSchema}
	_, err := c.GenerateObject(context.Background(), req)
	var de *Error
	if !errors.Is(err, ErrNoObjectGenerated) || !errors.As(err, &de) {
		t.Fatalf("%v", err)
	}
	if de.Text != bad || de.Usage == nil || *de.Usage.OutputTokens != 7 || de.FinishReason != "stop" {
		t.Fatalf("details: %+v", de)
	}

	var seen string
	req.Repair = func(ctx context.Context, text string, cause *Error) (string, error) {
		seen = text
		if !errors.Is(cause, ErrNoObjectGenerated) {
			t.Errorf("cause %v", cause)
		}
		return `{"name":"Fixed","servings":1}`, nil
	}
	v, _, err := GenerateObjectInto[recipe](context.Background(), c, req)
	if err != nil || v.Name != "Fixed" || seen != bad {
		t.Fatalf("repair: %v %+v %q", err, v, seen)
	}

	req.Repair = func(context.Context, string, *Error) (string, error) { panic("repair bug") }
	_, err = c.GenerateObject(context.Background(), req)
	if !errors.Is(err, ErrNoObjectGenerated) || !errors.As(err, &de) || de.Text != bad || !strings.Contains(de.Message, "repair bug") {
		t.Fatalf("panicking repair: %v", err)
	}

	// Streamed: the truncated object fails at the end, after its partials.
	req.Repair = nil
	s, err := c.StreamObject(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for s.Next() {
		n++
	}
	if !errors.Is(s.Err(), ErrNoObjectGenerated) || n == 0 || s.Result() != nil {
		t.Fatalf("stream: %d events, %v", n, s.Err())
	}
	s.Close()
	checkNoLeaks(t, before)
}

func TestObjectBadInput(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "")
	before := LiveHandles()
	repair := func(context.Context, string, *Error) (string, error) { return "", nil }
	cases := []ObjectRequest{
		{Model: "openai:gpt-4o-mini", Prompt: "x"},                                          // object output without a schema
		{Model: "openai:gpt-4o-mini", Prompt: "x", Schema: "not a schema"},                  // a schema that is not an object
		{Model: "openai:gpt-4o-mini", Prompt: "x", Output: "enum"},                          // enum without values
		{Model: "openai:gpt-4o-mini", Prompt: "x", Output: "table", Schema: recipeSchema},   // unknown output
		{Model: "openai:gpt-4o-mini", Prompt: "x", Mode: "telepathy", Schema: recipeSchema}, // unknown mode
	}
	for i, req := range cases {
		req.Repair = repair // registered and released even when the request is rejected
		if _, err := c.GenerateObject(context.Background(), req); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("case %d: %v", i, err)
		}
		if _, err := c.StreamObject(context.Background(), req); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("stream case %d: %v", i, err)
		}
	}
	if _, err := c.GenerateObject(context.Background(), ObjectRequest{Model: "openai:gpt-4o-mini", Schema: make(chan int)}); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("unencodable schema: %v", err)
	}
	checkNoLeaks(t, before)
}
