package ditto

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNewFromEnv(t *testing.T) {
	m := startMock(t)
	t.Setenv("OPENAI_API_KEY", "sk-from-env")
	t.Setenv("OPENAI_BASE_URL", m.URL+"/v1")
	c, err := NewFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.GenerateText(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: "env",
		Headers: map[string]string{"x-mock-scenario": "env"}})
	if err != nil || r.Text != "echo: env" {
		t.Fatalf("r %v err %v", r, err)
	}
	if got := m.requests(t, "env")[0].Headers["authorization"]; got != "Bearer sk-from-env" {
		t.Fatalf("authorization %q", got)
	}
}

func TestTimeoutAndProviderSettings(t *testing.T) {
	m := startMock(t)
	m.scenario(t, "slow", map[string]any{"first_byte_delay_ms": 3000})
	c, err := New(Config{
		Providers: map[string]ProviderConfig{"openai": {
			APIKey: "k", BaseURL: m.URL + "/v1", Organization: "org-1", Project: "proj-1",
			Headers: map[string]string{"x-mock-scenario": "slow", "x-team": "blue"},
			Query:   map[string]string{"api-version": "2024-10-01"},
		}},
		Timeout:    300 * time.Millisecond,
		MaxRetries: ptr(0),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	s, err := c.StreamText(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: "hi"})
	if err == nil {
		for s.Next() {
		}
		err = s.Err()
		s.Close()
	}
	if !errors.Is(err, ErrTimeout) || time.Since(start) > 2500*time.Millisecond {
		t.Fatalf("err %v after %s", err, time.Since(start))
	}
	got := m.requests(t, "slow")[0]
	if got.Headers["openai-organization"] != "org-1" || got.Headers["openai-project"] != "proj-1" || got.Headers["x-team"] != "blue" {
		t.Fatalf("headers %v", got.Headers)
	}
	var withQuery []struct {
		Query string `json:"query"`
	}
	m.do(t, "GET", "/__mock/requests?scenario=slow", nil, &withQuery)
	if len(withQuery) != 1 || !strings.Contains(withQuery[0].Query, "api-version=2024-10-01") {
		t.Fatalf("query %+v", withQuery)
	}
}

func TestRawChunks(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "")
	raw := 0
	for ev, err := range c.StreamTextSeq(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: "a b", IncludeRawChunks: true}) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Type == "raw" {
			raw++
			if !strings.Contains(string(ev.RawValue), "chat.completion.chunk") {
				t.Fatalf("raw %s", ev.RawValue)
			}
		}
	}
	if raw < 3 {
		t.Fatalf("%d raw events", raw)
	}
}
