package ditto

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// mapStore is a CacheStore over a map, counting calls.
type mapStore struct {
	mu         sync.Mutex
	m          map[string][]byte
	gets, puts int
	fail       bool
}

func (s *mapStore) Get(_ context.Context, key string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gets++
	if s.fail {
		return nil, false, errors.New("store down")
	}
	v, ok := s.m[key]
	return v, ok, nil
}

func (s *mapStore) Put(_ context.Context, key string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts++
	if s.fail {
		panic("store down")
	}
	s.m[key] = value
	return nil
}

func aliasClient(t *testing.T, m *mock, aliases map[string]Alias, store CacheStore, onSpan func(Span)) *Client {
	t.Helper()
	c, err := New(Config{Providers: map[string]ProviderConfig{"openai": m.providerConfig(t, "openai")},
		Aliases: aliases, CacheStore: store, OnSpan: onSpan})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func collect(t *testing.T, c *Client, req TextRequest) []string {
	t.Helper()
	var out []string
	for ev, err := range c.StreamTextSeq(context.Background(), req) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(ev.JSON))
	}
	return out
}

func TestCacheAliasServesRepeatsWithoutUpstream(t *testing.T) {
	m := startMock(t)
	before := LiveHandles()
	for _, store := range []*mapStore{nil, {m: map[string][]byte{}}} {
		var cs CacheStore
		if store != nil {
			cs = store
		}
		c := aliasClient(t, m, map[string]Alias{"cached": {Model: "openai:gpt-4o-mini", Middleware: []Middleware{CacheMiddleware(CacheOptions{MaxEntries: 10})}}}, cs, nil)
		req := TextRequest{Model: "cached", Prompt: "cache me " + mustJSON(store != nil)}
		r1, err := c.GenerateText(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		n := m.stats(t).RequestsTotal
		r2, err := c.GenerateText(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if m.stats(t).RequestsTotal != n || r2.Text != r1.Text || mustJSON(r2.Usage) != mustJSON(r1.Usage) {
			t.Fatalf("store=%v: second call went upstream or differs", store != nil)
		}
		e1 := collect(t, c, req)
		n = m.stats(t).RequestsTotal
		e2 := collect(t, c, req)
		if m.stats(t).RequestsTotal != n {
			t.Fatalf("store=%v: second stream went upstream", store != nil)
		}
		if len(e1) < 3 || mustJSON(e1) != mustJSON(e2) {
			t.Fatalf("store=%v: replayed events differ:\n%v\n%v", store != nil, e1, e2)
		}
		if store != nil && (store.gets < 4 || store.puts != 2) {
			t.Fatalf("Go store: %d gets, %d puts", store.gets, store.puts)
		}
		c.Close()
	}
	checkNoLeaks(t, before)
}

func TestFailingCacheStoreFallsBackToTheModel(t *testing.T) {
	m := startMock(t)
	store := &mapStore{m: map[string][]byte{}, fail: true}
	c := aliasClient(t, m, map[string]Alias{"cached": {Model: "openai:gpt-4o-mini", Middleware: []Middleware{CacheMiddleware(CacheOptions{})}}}, store, nil)
	r, err := c.GenerateText(context.Background(), TextRequest{Model: "cached", Prompt: "hello"})
	if err != nil {
		// A store error may also surface as the call's error; it must not crash.
		if !errors.Is(err, ErrInternal) {
			t.Fatalf("%v", err)
		}
		return
	}
	if r.Text == "" {
		t.Fatal("no text")
	}
}

func TestTelemetrySpansReachOnSpan(t *testing.T) {
	m := startMock(t)
	var mu sync.Mutex
	var spans []Span
	c := aliasClient(t, m, map[string]Alias{"traced": {Model: "openai:gpt-4o-mini", Middleware: []Middleware{TelemetryMiddleware("fn-1", false, false)}}}, nil,
		func(s Span) { mu.Lock(); spans = append(spans, s); mu.Unlock() })
	if _, err := c.GenerateText(context.Background(), TextRequest{Model: "traced", Prompt: "hi"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a span", func() bool { mu.Lock(); defer mu.Unlock(); return len(spans) == 1 })
	s := spans[0]
	if s.Name != "gen_ai.chat" || s.Status != "ok" || s.Attributes["gen_ai.request.model"] != "gpt-4o-mini" {
		t.Fatalf("%+v", s)
	}
}

func TestAliasesAndBadMiddleware(t *testing.T) {
	m := startMock(t)
	c := aliasClient(t, m, map[string]Alias{
		"reasoned":  {Model: "openai:gpt-4o-mini", Middleware: []Middleware{ExtractReasoningMiddleware("think", false), DefaultSettingsMiddleware(map[string]any{"temperature": 0})}},
		"simulated": {Model: "openai:gpt-4o-mini", Middleware: []Middleware{SimulateStreamingMiddleware(), RetryMiddleware(1, 0, 0)}},
	}, nil, nil)
	if _, err := c.GenerateText(context.Background(), TextRequest{Model: "reasoned", Prompt: "hi"}); err != nil {
		t.Fatal(err)
	}
	if e := collect(t, c, TextRequest{Model: "simulated", Prompt: "hi"}); len(e) < 3 {
		t.Fatalf("simulated stream: %v", e)
	}
	for _, bad := range []Middleware{MiddlewareJSON([]byte(`{"type":"teleport"}`)), FallbackMiddleware("nope:model")} {
		_, err := New(Config{Aliases: map[string]Alias{"x": {Model: "openai:gpt-4o-mini", Middleware: []Middleware{bad}}}})
		if err == nil {
			c2, _ := New(Config{Providers: map[string]ProviderConfig{"openai": m.providerConfig(t, "openai")}, Aliases: map[string]Alias{"x": {Model: "openai:gpt-4o-mini", Middleware: []Middleware{bad}}}})
			_, err = c2.GenerateText(context.Background(), TextRequest{Model: "x", Prompt: "hi"})
			c2.Close()
		}
		if !errors.Is(err, ErrConfig) && !errors.Is(err, ErrInvalidRequest) && !errors.Is(err, ErrNotFound) {
			t.Errorf("bad middleware %s: %v", bad.spec, err)
		}
	}
}
