// Package dittootel sends the spans of ditto's telemetry middleware to OpenTelemetry: SpanSink
// returns a function for ditto.Config.OnSpan that turns each finished span record into a real
// OpenTelemetry span (kind CLIENT, the record's start and end time, the GenAI
// semantic-convention attributes with their types, status Error on failure).
//
// It is a module of its own (it requires go.opentelemetry.io/otel v1.47.0, hence Go 1.26), so
// the ditto package itself depends on neither OpenTelemetry nor that Go version.
package dittootel

import (
	"context"
	"encoding/json"
	"math"
	"time"

	ditto "github.com/ditto-llm/ditto-llm/bindings/go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the tracer SpanSink uses when given none.
const ScopeName = "github.com/ditto-llm/ditto-llm/bindings/go"

// floatAttributes are always float64, even when the value is integral (temperature 1 is 1.0).
var floatAttributes = map[string]bool{
	"gen_ai.request.temperature":       true,
	"gen_ai.request.top_p":             true,
	"gen_ai.request.frequency_penalty": true,
	"gen_ai.request.presence_penalty":  true,
}

// SpanSink returns a function for ditto.Config.OnSpan that records each span with tracer
// (nil: otel.Tracer(ScopeName), from the global tracer provider). Each span has the record's
// name, kind CLIENT, start and end time and attributes (Attribute); a failed call gets status
// Error with the error message and an "error.type" attribute. The spans are roots: records
// arrive after the call, on the core's threads, where the caller's context is not known.
func SpanSink(tracer trace.Tracer) func(ditto.Span) {
	return func(s ditto.Span) {
		t := tracer
		if t == nil {
			t = otel.Tracer(ScopeName)
		}
		attrs := make([]attribute.KeyValue, 0, len(s.Attributes)+1)
		hasErrorType := false
		for k, v := range s.Attributes {
			if kv, ok := Attribute(k, v); ok {
				attrs = append(attrs, kv)
				hasErrorType = hasErrorType || k == "error.type"
			}
		}
		failed := s.Status == "error"
		if failed && !hasErrorType {
			kind := "error"
			if s.Error != nil && s.Error.Kind != "" {
				kind = s.Error.Kind
			}
			attrs = append(attrs, attribute.String("error.type", kind))
		}
		start := unixNanos(s.StartUnixNanos)
		end := unixNanos(s.EndUnixNanos)
		if end.Before(start) {
			end = start
		}
		name := s.Name
		if name == "" {
			name = "gen_ai"
		}
		_, span := t.Start(context.Background(), name,
			trace.WithSpanKind(trace.SpanKindClient),
			trace.WithTimestamp(start),
			trace.WithAttributes(attrs...))
		if failed {
			msg := "error"
			if s.Error != nil && s.Error.Message != "" {
				msg = s.Error.Message
			} else if s.Error != nil && s.Error.Kind != "" {
				msg = s.Error.Kind
			}
			span.SetStatus(codes.Error, msg)
		}
		span.End(trace.WithTimestamp(end))
	}
}

func unixNanos(n uint64) time.Time {
	if n > math.MaxInt64 {
		n = math.MaxInt64
	}
	return time.Unix(0, int64(n))
}

// Attribute converts one record attribute (a value decoded from JSON) to an OpenTelemetry
// attribute: strings and bools as they are; numbers as int64 when integral (float64 for the
// sampling parameters temperature, top_p and the penalties, and for non-integral values);
// arrays of strings, bools or numbers as typed slices (gen_ai.response.finish_reasons,
// gen_ai.request.stop_sequences); anything else as its JSON text. nil gives ok == false.
func Attribute(key string, v any) (kv attribute.KeyValue, ok bool) {
	k := attribute.Key(key)
	switch x := v.(type) {
	case nil:
		return kv, false
	case string:
		return k.String(x), true
	case bool:
		return k.Bool(x), true
	case float64:
		if i, isInt := asInt(x); isInt && !floatAttributes[key] {
			return k.Int64(i), true
		}
		return k.Float64(x), true
	case int:
		return k.Int64(int64(x)), true
	case int64:
		return k.Int64(x), true
	case []string:
		return k.StringSlice(x), true
	case []any:
		if kv, ok := slice(k, key, x); ok {
			return kv, true
		}
	}
	text, err := json.Marshal(v)
	if err != nil {
		return k.String("<unencodable>"), true
	}
	return k.String(string(text)), true
}

// slice converts a JSON array of one primitive type; mixed or nested arrays give ok == false.
func slice(k attribute.Key, key string, xs []any) (attribute.KeyValue, bool) {
	var strs []string
	var bools []bool
	var nums []float64
	for _, v := range xs {
		switch x := v.(type) {
		case string:
			strs = append(strs, x)
		case bool:
			bools = append(bools, x)
		case float64:
			nums = append(nums, x)
		default:
			return attribute.KeyValue{}, false
		}
	}
	switch {
	case len(strs) == len(xs):
		return k.StringSlice(strs), true
	case len(bools) == len(xs):
		return k.BoolSlice(bools), true
	case len(nums) == len(xs):
		ints := make([]int64, 0, len(nums))
		for _, n := range nums {
			i, isInt := asInt(n)
			if !isInt || floatAttributes[key] {
				return k.Float64Slice(nums), true
			}
			ints = append(ints, i)
		}
		return k.Int64Slice(ints), true
	}
	return attribute.KeyValue{}, false
}

func asInt(f float64) (int64, bool) {
	if f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}
