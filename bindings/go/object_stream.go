package ditto

/*
#include "ditto.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync/atomic"
)

// ObjectEvent is one event of an object stream: Type "partial-object" (Object: the best-effort
// object so far, sent only when it changed), "element" (array output: Index and Element of
// each completed, valid element, in order), "text-delta" (Text: raw object text) or "finish"
// (Object: the validated object, with FinishReason, Usage, Warnings, Response).
type ObjectEvent struct {
	Type             string            `json:"type"`
	Object           json.RawMessage   `json:"object"`
	Index            int               `json:"index"`
	Element          json.RawMessage   `json:"element"`
	Text             string            `json:"text"`
	FinishReason     string            `json:"finish_reason"`
	RawFinishReason  string            `json:"raw_finish_reason"`
	Usage            *Usage            `json:"usage"`
	Warnings         []Warning         `json:"warnings"`
	Response         *ResponseMetadata `json:"response"`
	ProviderMetadata json.RawMessage   `json:"provider_metadata"`
	// JSON is the event exactly as the core produced it.
	JSON json.RawMessage `json:"-"`
}

// ObjectStream is an open object stream, used like Stream:
//
//	for s.Next() { ev := s.Current(); ... s.Partial() ... }
//	if err := s.Err(); err != nil { ... }   // ErrNoObjectGenerated when the final text fails
//	obj := s.Result()
//	s.Close()
type ObjectStream struct {
	h       *streamHandle
	ctx     context.Context
	cur     ObjectEvent
	pending *ObjectEvent
	partial json.RawMessage
	result  *ObjectResult
	err     error
	done    bool
	closed  atomic.Bool
}

// StreamObject streams an object: partial objects as the model writes, elements for array
// output, and a finish event with the validated object. Request errors and errors the
// provider answers before the first byte are returned here; later ones (including
// no_object_generated) come from Err. Cancelling ctx or Close stops it.
func (c *Client) StreamObject(ctx context.Context, req ObjectRequest) (*ObjectStream, error) {
	scope := newHostScope(ctx)
	h, err := c.openHandle(ctx, req.wire(scope), scope, streamObject)
	if err != nil {
		return nil, err
	}
	s := &ObjectStream{h: h, ctx: ctx}
	runtime.AddCleanup(s, func(h *streamHandle) { h.free() }, h)
	if err := readFirst(s, &s.pending); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *ObjectStream) pull() (ev ObjectEvent, ok bool, err error) {
	rc, data := s.h.next()
	switch rc {
	case C.DITTO_OK:
		if err := json.Unmarshal(data, &ev); err != nil || ev.Type == "" {
			return ev, false, &Error{Kind: KindInternal, Message: fmt.Sprintf("cannot decode an object event: %v %.200s", err, data), cause: err}
		}
		ev.JSON = append(json.RawMessage(nil), data...)
		return ev, true, nil
	case C.DITTO_DONE:
		return ev, false, nil
	default:
		return ev, false, failure(s.ctx, rc, data)
	}
}

func (s *ObjectStream) finish() {
	s.done = true
	s.h.free()
}

// Next advances to the next event; false at the end, on an error (see Err) or after Close.
func (s *ObjectStream) Next() bool {
	if s.done || s.closed.Load() {
		return false
	}
	var ev ObjectEvent
	if s.pending != nil {
		ev, s.pending = *s.pending, nil
	} else {
		var ok bool
		var err error
		ev, ok, err = s.pull()
		if err != nil || !ok {
			s.err = err
			s.finish()
			return false
		}
	}
	s.cur = ev
	switch ev.Type {
	case "partial-object":
		s.partial = ev.Object
	case "finish":
		s.partial = ev.Object
		r := &ObjectResult{Object: ev.Object, FinishReason: ev.FinishReason, RawFinishReason: ev.RawFinishReason,
			Warnings: ev.Warnings, ProviderMetadata: ev.ProviderMetadata, JSON: ev.JSON}
		if ev.Usage != nil {
			r.Usage = *ev.Usage
		}
		if ev.Response != nil {
			r.Response = *ev.Response
		}
		s.result = r
	}
	return true
}

// Current is the event Next moved to.
func (s *ObjectStream) Current() ObjectEvent { return s.cur }

// Partial is the latest partial object (the final object after the finish event), or nil.
func (s *ObjectStream) Partial() json.RawMessage { return s.partial }

// Result is the validated object and call details once the finish event was read, else nil.
// Its Text is empty: the raw text arrived as text-delta events.
func (s *ObjectStream) Result() *ObjectResult { return s.result }

// Err is the error that ended the stream, or nil after a clean end.
func (s *ObjectStream) Err() error { return s.err }

// Close stops the stream and releases it. Safe to call more than once, from any goroutine.
func (s *ObjectStream) Close() error {
	s.closed.Store(true)
	s.h.free()
	return nil
}
