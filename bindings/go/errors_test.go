package ditto

import (
	"context"
	"errors"
	"math"
	"net"
	"strings"
	"testing"
	"time"
)

func TestErrorKindsMapToSentinels(t *testing.T) {
	m := startMock(t)
	cases := []struct {
		status   int
		sentinel error
		kind     ErrorKind
	}{
		{400, ErrInvalidRequest, KindInvalidRequest},
		{401, ErrAuthentication, KindAuthentication},
		{403, ErrPermissionDenied, KindPermissionDenied},
		{404, ErrNotFound, KindNotFound},
		{429, ErrRateLimited, KindRateLimited},
		{500, ErrProvider, KindProvider},
	}
	for _, tc := range cases {
		key := "status-" + strings.ReplaceAll(tc.sentinel.Error(), " ", "-")
		m.scenario(t, key, map[string]any{"status": tc.status, "retry_after": "7"})
		c := m.client(t, key)
		_, err := c.GenerateText(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: "hi", MaxRetries: ptr(0)})
		if !errors.Is(err, tc.sentinel) {
			t.Fatalf("status %d: got %v, want %v", tc.status, err, tc.sentinel)
		}
		for _, other := range sentinels {
			if other != tc.sentinel && errors.Is(err, other) {
				t.Fatalf("status %d also matches %v", tc.status, other)
			}
		}
		var de *Error
		if !errors.As(err, &de) || de.Kind != tc.kind || de.Status != tc.status || de.Body == "" {
			t.Fatalf("status %d: details %#v", tc.status, de)
		}
		if tc.status == 429 && (de.RetryAfter != 7*time.Second || de.Code != "rate_limit_exceeded") {
			t.Fatalf("429 details %#v", de)
		}
	}
}

func TestStreamOpenErrorsComeFromStreamText(t *testing.T) {
	m := startMock(t)
	m.scenario(t, "s401", map[string]any{"status": 401})
	c := m.client(t, "s401")
	s, err := c.StreamText(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: "hi"})
	if s != nil || !errors.Is(err, ErrAuthentication) {
		t.Fatalf("stream %v err %v", s, err)
	}
	if !strings.Contains(err.Error(), "authentication") || !strings.Contains(err.Error(), "401") {
		t.Fatalf("message %q", err.Error())
	}
}

func TestMidStreamFailureEndsWithErr(t *testing.T) {
	m := startMock(t)
	m.scenario(t, "reset", map[string]any{"reset_after_chunks": 3})
	c := m.client(t, "reset")
	s, err := c.StreamText(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: "one two three four five six", MaxRetries: ptr(0)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := 0
	for s.Next() {
		n++
	}
	if n == 0 || s.Err() == nil {
		t.Fatalf("events %d err %v", n, s.Err())
	}
	if !errors.Is(s.Err(), ErrStream) && !errors.Is(s.Err(), ErrConnection) {
		t.Fatalf("err %v", s.Err())
	}
	if s.Next() {
		t.Fatal("Next after the end returned true")
	}
}

func TestConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := New(Config{Providers: map[string]ProviderConfig{"openai": {APIKey: "k", BaseURL: "http://" + addr + "/v1"}}, MaxRetries: ptr(0)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.GenerateText(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: "hi"})
	if !errors.Is(err, ErrConnection) {
		t.Fatalf("got %v", err)
	}
}

func TestBadInputGivesClearErrors(t *testing.T) {
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	_, err = c.GenerateText(ctx, TextRequest{Model: "mock:echo"})
	if !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), "prompt") {
		t.Fatalf("no prompt: %v", err)
	}
	_, err = c.GenerateText(ctx, TextRequest{Model: "mock:echo", Prompt: "x", Temperature: ptr(math.NaN())})
	if !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("NaN temperature: %v", err)
	}
	_, err = c.GenerateText(ctx, TextRequest{Model: "mock:echo", Messages: []Message{{Role: "wizard", Content: []Part{TextPart("x")}}}})
	if !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), "messages") {
		t.Fatalf("bad role: %v", err)
	}
	_, err = c.GenerateText(ctx, TextRequest{Model: "nope:model", Prompt: "x"})
	var de *Error
	if !errors.As(err, &de) || (de.Kind != KindConfig && de.Kind != KindNotFound) {
		t.Fatalf("unknown provider: %v", err)
	}
	_, err = c.StreamText(ctx, TextRequest{Model: "mock:echo", Prompt: "x", Tools: []Tool{{Name: "a"}, {Name: "a"}}})
	if !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("duplicate tool: %v", err)
	}
	_, err = New(Config{Providers: map[string]ProviderConfig{"openai": {Type: "bogus"}}})
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "bogus") {
		t.Fatalf("bad provider type: %v", err)
	}
}

func TestClosedClient(t *testing.T) {
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	c.Close()
	_, err = c.GenerateText(context.Background(), TextRequest{Model: "mock:echo", Prompt: "x"})
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("got %v", err)
	}
}

func TestNoObjectGeneratedCarriesTextUsageAndFinishReason(t *testing.T) {
	info := `{"kind":"no_object_generated","message":"no object generated: bad","text":"{",` +
		`"usage":{"input_tokens":3,"output_tokens":4,"total_tokens":7},"finish_reason":"length"}`
	err := errorFromJSON([]byte(info))
	if err == nil || !errors.Is(err, ErrNoObjectGenerated) || errors.Is(err, ErrInternal) {
		t.Fatalf("got %#v", err)
	}
	if err.Text != "{" || err.FinishReason != "length" || err.Usage == nil || *err.Usage.TotalTokens != 7 {
		t.Fatalf("details %#v", err)
	}
}
