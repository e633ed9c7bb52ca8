package dittootel

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	ditto "github.com/ditto-llm/ditto-llm/bindings/go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// startMock runs ditto-mock-upstream ($DITTO_MOCK_BIN, else <repo>/target/debug) on a free
// port with the repository's fixtures, stopped when the test ends; it returns the base URL.
func startMock(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := os.Getenv("DITTO_MOCK_BIN")
	if bin == "" {
		bin = filepath.Join(root, "target", "debug", "ditto-mock-upstream")
	}
	cmd := exec.Command(bin, "--port", "0", "--fixtures", filepath.Join(root, "tests", "fixtures"))
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("mock upstream %s: %v (run bindings/go/scripts/test.sh)", bin, err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- l
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case l := <-line:
		url, ok := strings.CutPrefix(strings.TrimSpace(l), "listening on ")
		if !ok {
			t.Fatalf("unexpected first line from the mock: %q", l)
		}
		return url
	case <-time.After(20 * time.Second):
		t.Fatal("mock upstream did not start within 20s")
		return ""
	}
}

// traced is a client with a "traced" telemetry alias whose spans go to SpanSink(tracer) and
// to the returned record list.
func traced(t *testing.T, url string, tracer trace.Tracer) (*ditto.Client, func() []ditto.Span) {
	t.Helper()
	sink := SpanSink(tracer)
	var mu sync.Mutex
	var records []ditto.Span
	c, err := ditto.New(ditto.Config{
		Providers: map[string]ditto.ProviderConfig{"openai": {Type: "openai", BaseURL: url + "/v1", APIKey: "sk-test"}},
		Aliases: map[string]ditto.Alias{"traced": {Model: "openai:gpt-4o-mini",
			Middleware: []ditto.Middleware{ditto.TelemetryMiddleware("otel-test", false, false)}}},
		OnSpan: func(s ditto.Span) {
			mu.Lock()
			records = append(records, s)
			mu.Unlock()
			sink(s)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, func() []ditto.Span { mu.Lock(); defer mu.Unlock(); return append([]ditto.Span(nil), records...) }
}

func ended(t *testing.T, rec *tracetest.SpanRecorder, n int) []sdktrace.ReadOnlySpan {
	t.Helper()
	for i := 0; i < 500 && len(rec.Ended()) < n; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	spans := rec.Ended()
	if len(spans) != n {
		t.Fatalf("want %d ended spans, got %d", n, len(spans))
	}
	return spans
}

func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

func TestGenerateAndStreamBecomeClientSpans(t *testing.T) {
	url := startMock(t)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	c, records := traced(t, url, tp.Tracer("ditto-test"))
	temp := 0.5
	r, err := c.GenerateText(context.Background(), ditto.TextRequest{Model: "traced", Prompt: "trace me",
		Temperature: &temp, Stop: []string{"END", "STOP"}, MaxOutputTokens: 40})
	if err != nil || r.Text != "echo: trace me" {
		t.Fatal(r, err)
	}
	for _, err := range c.StreamTextSeq(context.Background(), ditto.TextRequest{Model: "traced", Prompt: "stream me"}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	spans := ended(t, rec, 2)
	recs := records()
	for i, s := range spans {
		if s.Name() != "gen_ai.chat" || s.SpanKind() != trace.SpanKindClient || s.Status().Code != codes.Unset || s.Parent().IsValid() {
			t.Fatalf("span %d: name %q kind %v status %v parent %v", i, s.Name(), s.SpanKind(), s.Status(), s.Parent())
		}
		if got, want := s.StartTime().UnixNano(), int64(recs[i].StartUnixNanos); got != want {
			t.Fatalf("start %d, record %d", got, want)
		}
		if got, want := s.EndTime().UnixNano(), int64(recs[i].EndUnixNanos); got != want || s.EndTime().Before(s.StartTime()) {
			t.Fatalf("end %d, record %d", got, want)
		}
		a := attrs(s)
		if a["gen_ai.operation.name"].AsString() != "chat" || a["gen_ai.provider.name"].AsString() != "openai" ||
			a["gen_ai.request.model"].AsString() != "gpt-4o-mini" || a["ditto.function_id"].AsString() != "otel-test" {
			t.Fatalf("span %d attributes %v", i, a)
		}
		if fr := a["gen_ai.response.finish_reasons"]; fr.Type() != attribute.STRINGSLICE || strings.Join(fr.AsStringSlice(), ",") != "stop" {
			t.Fatalf("finish_reasons %v", fr.Emit())
		}
		if in, out := a["gen_ai.usage.input_tokens"], a["gen_ai.usage.output_tokens"]; in.Type() != attribute.INT64 || out.AsInt64() != 3 {
			t.Fatalf("usage %v %v", in.Emit(), out.Emit())
		}
	}
	gen, stream := attrs(spans[0]), attrs(spans[1])
	if v := gen["gen_ai.request.temperature"]; v.Type() != attribute.FLOAT64 || v.AsFloat64() != 0.5 {
		t.Fatalf("temperature %v", v.Emit())
	}
	if v := gen["gen_ai.request.max_tokens"]; v.Type() != attribute.INT64 || v.AsInt64() != 40 {
		t.Fatalf("max_tokens %v", v.Emit())
	}
	if v := gen["gen_ai.request.stop_sequences"]; strings.Join(v.AsStringSlice(), ",") != "END,STOP" {
		t.Fatalf("stop_sequences %v", v.Emit())
	}
	if v := stream["ditto.stream"]; v.Type() != attribute.BOOL || !v.AsBool() {
		t.Fatalf("ditto.stream %v", v.Emit())
	}
	if spans[1].StartTime().Before(spans[0].EndTime()) {
		t.Fatal("the stream's span starts before the generate span ended")
	}
}

func TestFailingCallIsAnErrorSpan(t *testing.T) {
	url := startMock(t)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	c, records := traced(t, url, tp.Tracer("ditto-test"))
	zero := 0
	_, err := c.GenerateText(context.Background(), ditto.TextRequest{Model: "traced", Prompt: "fail",
		Headers: map[string]string{"x-mock-status": "400"}, MaxRetries: &zero})
	if !errors.Is(err, ditto.ErrInvalidRequest) {
		t.Fatalf("want ErrInvalidRequest, got %v", err)
	}
	s := ended(t, rec, 1)[0]
	r := records()[0]
	if s.SpanKind() != trace.SpanKindClient || s.Status().Code != codes.Error || r.Error == nil ||
		s.Status().Description == "" || s.Status().Description != r.Error.Message {
		t.Fatalf("status %+v record %+v", s.Status(), r)
	}
	if got := attrs(s)["error.type"].AsString(); got != r.Error.Kind || got != "invalid_request" {
		t.Fatalf("error.type %q", got)
	}
}

func TestGlobalTracerAndAttributeTypes(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
	t.Cleanup(func() { otel.SetTracerProvider(prev) })
	SpanSink(nil)(ditto.Span{Name: "gen_ai.chat", StartUnixNanos: 1_700_000_000_123_456_789, EndUnixNanos: 1_700_000_001_000_000_000,
		Status: "error", Attributes: map[string]any{
			"gen_ai.request.temperature": 1.0, "gen_ai.request.seed": 7.0, "x.ratio": 0.25,
			"x.obj": map[string]any{"a": 1.0}, "x.mixed": []any{1.0, "a"}, "x.nums": []any{1.0, 2.0}, "x.null": nil}})
	s := rec.Ended()[0]
	if s.InstrumentationScope().Name != ScopeName || s.StartTime().UnixNano() != 1_700_000_000_123_456_789 {
		t.Fatalf("scope %q start %d", s.InstrumentationScope().Name, s.StartTime().UnixNano())
	}
	a := attrs(s)
	checks := map[attribute.Key]attribute.Value{
		"gen_ai.request.temperature": attribute.Float64Value(1), "gen_ai.request.seed": attribute.Int64Value(7),
		"x.ratio": attribute.Float64Value(0.25), "x.obj": attribute.StringValue(`{"a":1}`),
		"x.mixed": attribute.StringValue(`[1,"a"]`), "x.nums": attribute.Int64SliceValue([]int64{1, 2}),
		"error.type": attribute.StringValue("error"),
	}
	for k, want := range checks {
		if got := a[k]; got != want && got.Emit() != want.Emit() || got.Type() != want.Type() {
			t.Errorf("%s: got %v (%v), want %v (%v)", k, got.Emit(), got.Type(), want.Emit(), want.Type())
		}
	}
	if _, ok := a["x.null"]; ok {
		t.Error("a nil attribute was recorded")
	}
	if s.Status().Code != codes.Error || s.Status().Description != "error" {
		t.Errorf("status %+v", s.Status())
	}
}
