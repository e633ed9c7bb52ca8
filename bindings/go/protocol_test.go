package ditto

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const reasoningPlan = `Weather? plan: call:get_weather {"city":"Paris"} | <think>Paris is warm in June</think>It is sunny in Paris.`

// drain reads every event of a stream that opened without error.
func drain(s *Stream, err error) ([]StreamEvent, error) {
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var evs []StreamEvent
	for s.Next() {
		evs = append(evs, s.Current())
	}
	return evs, s.Err()
}

// frames splits an encoded body into event JSON documents (SSE data lines or NDJSON lines).
func frames(t *testing.T, body []byte, framing Framing) [][]byte {
	t.Helper()
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		line := sc.Text()
		if framing == FramingSSE {
			data, ok := strings.CutPrefix(line, "data: ")
			if !ok || data == "[DONE]" {
				continue
			}
			line = data
		} else if line == "" {
			continue
		}
		out = append(out, []byte(line))
	}
	return out
}

func TestDittoV1EncodeValidatesAndRoundTrips(t *testing.T) {
	schemaJSON, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "schema", "ditto-stream-v1.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	schema := compileSchema(t, string(schemaJSON))
	m := startMock(t)
	c := m.client(t, "")
	text, err := drain(c.StreamText(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: "hello there"}))
	if err != nil {
		t.Fatal(err)
	}
	tools := []Tool{{Name: "get_weather", Execute: func(context.Context, json.RawMessage) (any, error) { return map[string]any{"celsius": 21}, nil }}}
	agent, err := drain(c.StreamAgent(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: reasoningPlan, Tools: tools},
		AgentOptions{StopWhen: []StopCondition{StepCountIs(3)}}))
	if err != nil {
		t.Fatal(err)
	}
	failing := []StreamEvent{agent[0], {Type: "text-start", ID: "t9"}, {Type: "text-delta", ID: "t9", Text: "partial"}}
	before := LiveHandles()
	for _, framing := range []Framing{FramingSSE, FramingNDJSON} {
		for name, evs := range map[string][]StreamEvent{"text": text, "agent": agent} {
			var buf bytes.Buffer
			if err := EncodeDittoV1(&buf, SliceEvents(evs...), framing); err != nil {
				t.Fatal(err)
			}
			fs := frames(t, buf.Bytes(), framing)
			if len(fs) != len(evs) {
				t.Fatalf("%s/%s: %d frames for %d events", framing, name, len(fs), len(evs))
			}
			for _, f := range fs {
				validateWith(t, schema, f)
			}
			if framing == FramingSSE && !strings.HasSuffix(buf.String(), "data: [DONE]\n\n") {
				t.Fatalf("no terminator")
			}
			// Decoded (framing detected), the events come back equal; split reads are fine.
			d := NewDittoV1Decoder(&oneByteReader{r: bytes.NewReader(buf.Bytes())})
			i := 0
			for d.Next() {
				got := d.Current()
				if !jsonEqual(t, got.JSON, evs[i].JSON) {
					t.Fatalf("%s/%s event %d: %s, want %s", framing, name, i, got.JSON, evs[i].JSON)
				}
				i++
			}
			if d.Err() != nil || i != len(evs) {
				t.Fatalf("%s/%s decoded %d: %v", framing, name, i, d.Err())
			}
		}
		// A failed stream ends with an error event that also validates and decodes with Err set.
		var buf bytes.Buffer
		src := &failingSource{SliceEvents(failing...), &Error{Kind: KindRateLimited, Message: "slow down", Status: 429}}
		if err := EncodeDittoV1(&buf, src, framing); err != nil {
			t.Fatal(err)
		}
		fs := frames(t, buf.Bytes(), framing)
		validateWith(t, schema, fs[len(fs)-1])
		d := NewDittoV1DecoderFraming(bytes.NewReader(buf.Bytes()), framing)
		var last StreamEvent
		for d.Next() {
			last = d.Current()
		}
		if last.Type != "error" || !errors.Is(last.Err, ErrRateLimited) || last.Err.Status != 429 {
			t.Fatalf("error event %+v", last)
		}
	}
	checkNoLeaksCodecs(t, before)
}

func checkNoLeaksCodecs(t *testing.T, before HandleCounts) {
	t.Helper()
	eventually(t, "codecs released", func() bool { return LiveHandles().Codecs == before.Codecs })
}

type failingSource struct {
	EventSource
	err error
}

func (f *failingSource) Err() error { return f.err }

type oneByteReader struct{ r *bytes.Reader }

func (o *oneByteReader) Read(p []byte) (int, error) {
	if len(p) > 3 {
		p = p[:3]
	}
	return o.r.Read(p)
}

func TestDittoV1DecoderRejectsBadInput(t *testing.T) {
	for name, body := range map[string]string{
		"version 2": "data: {\"v\":2,\"type\":\"start\"}\n\ndata: [DONE]\n\n",
		"truncated": "data: {\"v\":1,\"type\":\"start\"}\n\n",
		"not json":  "data: {oops\n\n",
		"ndjson v0": "{\"v\":0,\"type\":\"start\"}\n",
		"bad event": "{\"v\":1,\"type\":\"teleport\"}\n",
	} {
		d := NewDittoV1Decoder(strings.NewReader(body))
		for d.Next() {
		}
		if !errors.Is(d.Err(), ErrStream) {
			t.Errorf("%s: %v", name, d.Err())
		}
		d.Close()
	}
	if _, err := NewDittoV1Encoder(&bytes.Buffer{}, "xml"); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("bad framing: %v", err)
	}
	if _, err := UIChatRequestToMessages([]byte(`{"messages": [{"role": "wizard", "parts": []}]}`)); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("bad UI body: %v", err)
	}
}

func TestServeUIMessageStreamReadByTheAISDK(t *testing.T) {
	m := startMock(t)
	c := aliasClient(t, m, map[string]Alias{"reasoned": {Model: "openai:gpt-4o-mini",
		Middleware: []Middleware{ExtractReasoningMiddleware("think", false)}}}, nil, nil)
	tools := []Tool{{Name: "get_weather", Execute: func(_ context.Context, in json.RawMessage) (any, error) {
		return map[string]any{"city": "Paris", "celsius": 24}, nil
	}}}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body bytes.Buffer
		if _, err := body.ReadFrom(r.Body); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		chat, err := UIChatRequestToMessages(body.Bytes())
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		s, err := c.StreamAgent(r.Context(), TextRequest{Model: chat.Model, Messages: chat.Messages, Tools: tools},
			AgentOptions{StopWhen: []StopCondition{StepCountIs(3)}})
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer s.Close()
		text, events := s.Tee(4)
		go func() {
			for range text.Deltas() {
			}
		}()
		_ = ServeUIMessageStream(w, events, UIStreamOptions{MessageID: "msg-1"})
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(handler)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	defer srv.Close()

	body := map[string]any{"id": "chat-1", "trigger": "submit-message", "model": "reasoned",
		"messages": []any{map[string]any{"id": "u1", "role": "user", "parts": []any{map[string]any{"type": "text", "text": reasoningPlan}}}}}
	bodyFile := filepath.Join(t.TempDir(), "body.json")
	if err := os.WriteFile(bodyFile, []byte(mustJSON(body)), 0o600); err != nil {
		t.Fatal(err)
	}
	reader := filepath.Join(repoRoot(t), "tests", "ui-reader", "read.mjs")
	out, err := exec.Command("node", reader, "--url", srv.URL, "--body", bodyFile).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("read.mjs: %v\n%s\n%s", err, ee.Stderr, out)
		}
		t.Fatalf("read.mjs: %v (run tests/ui-reader/ensure.sh)", err)
	}
	var msg struct {
		ID    string           `json:"id"`
		Role  string           `json:"role"`
		Parts []map[string]any `json:"parts"`
	}
	if err := json.Unmarshal(out, &msg); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	var kinds []string
	var text, reasoning string
	var tool map[string]any
	for _, p := range msg.Parts {
		kind := p["type"].(string)
		kinds = append(kinds, kind)
		switch kind {
		case "text":
			text += p["text"].(string)
		case "reasoning":
			reasoning += p["text"].(string)
		case "tool-get_weather":
			tool = p
		}
	}
	if msg.ID != "msg-1" || msg.Role != "assistant" {
		t.Fatalf("message %s", out)
	}
	if text != "It is sunny in Paris." || reasoning != "Paris is warm in June" {
		t.Fatalf("text %q reasoning %q (parts %v)", text, reasoning, kinds)
	}
	if tool == nil || tool["state"] != "output-available" || mustJSON(tool["output"]) != `{"celsius":24,"city":"Paris"}` ||
		mustJSON(tool["input"]) != `{"city":"Paris"}` {
		t.Fatalf("tool part %v", tool)
	}
}

func TestTeeFansOutBounded(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "")
	before := LiveHandles()
	req := TextRequest{Model: "openai:gpt-4o-mini", Prompt: "one two three four five six seven"}
	want, err := drain(c.StreamText(context.Background(), req))
	if err != nil {
		t.Fatal(err)
	}
	var wantText string
	for _, ev := range want {
		if ev.Type == "text-delta" {
			wantText += ev.Text
		}
	}

	// Both sides read at once: every delta and every event.
	s, err := c.StreamText(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	text, events := s.Tee(1)
	done := make(chan string)
	go func() {
		var b strings.Builder
		for d := range text.Deltas() {
			b.WriteString(d)
		}
		done <- b.String()
	}()
	n := 0
	for events.Next() {
		n++
	}
	if got := <-done; got != wantText || n != len(want) || events.Err() != nil || text.Err() != nil {
		t.Fatalf("tee: text %q (want %q), %d events (want %d)", got, wantText, n, len(want))
	}

	// A side closed early never blocks the other.
	s, err = c.StreamText(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	text, events = s.Tee(1)
	text.Close()
	n = 0
	for events.Next() {
		n++
	}
	if n != len(want) {
		t.Fatalf("events alone: %d", n)
	}
	// Both closed: the stream is closed and released.
	s, err = c.StreamText(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	text, events = s.Tee(1)
	text.Close()
	events.Close()
	for events.Next() {
	}
	// Closing the stream while neither side reads ends both sides.
	s, err = c.StreamText(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	text, events = s.Tee(1)
	eventually(t, "a full buffer", func() bool { return len(events.side.ch) == 1 })
	s.Close()
	for events.Next() {
	}
	for text.Next() {
	}
	checkNoLeaks(t, before)
}
