package ditto

/*
#include <stdlib.h>
#include "ditto.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Stream is an open text stream:
//
//	for s.Next() { ev := s.Current(); ... }
//	if err := s.Err(); err != nil { ... }
//	s.Close()
//
// Next, Current and Err are for one goroutine; Close may be called from any goroutine, also
// while Next is blocked (it then returns false). Cancelling the context given to StreamText
// stops the stream and closes the upstream connection.
type Stream struct {
	h       *streamHandle
	ctx     context.Context
	cur     StreamEvent
	pending *StreamEvent
	err     error
	done    bool
	closed  atomic.Bool
	// teeStop is closed by Close to unblock a Tee pump (nil without Tee).
	teeStop  chan struct{}
	teeClose sync.Once
}

// streamHandle owns the native stream; it is separate from Stream so a cleanup can free it
// when a Stream is garbage collected without Close.
type streamHandle struct {
	mu    sync.RWMutex // read: next or cancel is using ptr; write: freeing it
	ptr   *C.DittoStream
	watch *ctxWatch
	scope *hostScope // the Go functions the stream calls (nil: none)
}

func (h *streamHandle) cancel() {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.ptr != nil {
		C.ditto_stream_cancel(h.ptr)
	}
}

// free stops the context watch, cancels (waking a blocked next), then frees the native stream
// once no call is using it. Idempotent.
func (h *streamHandle) free() {
	h.watch.stop()
	h.cancel()
	h.mu.Lock()
	if h.ptr != nil {
		C.ditto_stream_free(h.ptr)
		h.ptr = nil
	}
	h.mu.Unlock()
	h.scope.close()
}

// next pulls one item, blocking until it arrives.
func (h *streamHandle) next() (C.int32_t, []byte) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.ptr == nil {
		return C.DITTO_DONE, nil
	}
	var out *C.char
	rc := C.ditto_stream_next(h.ptr, -1, &out)
	return rc, takeString(out)
}

// StreamText opens a text stream. Errors the provider answers before the first byte (a wrong
// key, a rate limit, an unknown model) are returned here; later ones end the stream and come
// from Err.
func (c *Client) StreamText(ctx context.Context, req TextRequest) (*Stream, error) {
	return c.openStream(ctx, req, nil, streamText)
}

type streamKind int

const (
	streamText streamKind = iota
	streamAgent
	streamObject
)

// openHandle opens a native stream of kind for the JSON of req; scope (may be nil) holds the
// Go functions it calls and is closed with the stream (or here, on failure).
func (c *Client) openHandle(ctx context.Context, req any, scope *hostScope, kind streamKind) (*streamHandle, error) {
	if err := ctx.Err(); err != nil {
		scope.close()
		return nil, cancelledError(err)
	}
	creq, err := cString(req)
	if err != nil {
		scope.close()
		return nil, err
	}
	defer C.free(unsafe.Pointer(creq))
	var ptr *C.DittoStream
	err = c.use(func(h *C.DittoClient) error {
		var out *C.char
		var rc C.int32_t
		switch kind {
		case streamAgent:
			rc = C.ditto_agent_stream_open(h, creq, &ptr, &out)
		case streamObject:
			rc = C.ditto_object_stream_open(h, creq, &ptr, &out)
		default:
			rc = C.ditto_stream_open(h, creq, &ptr, &out)
		}
		data := takeString(out)
		if rc != C.DITTO_OK {
			return failure(ctx, rc, data)
		}
		return nil
	})
	if err != nil {
		scope.close()
		return nil, err
	}
	h := &streamHandle{ptr: ptr, scope: scope}
	h.watch = watch(ctx, h.cancel)
	return h, nil
}

// openStream opens an event stream (text or agent) and reads its first event, so errors the
// provider answers before the first byte are returned here.
func (c *Client) openStream(ctx context.Context, req any, scope *hostScope, kind streamKind) (*Stream, error) {
	h, err := c.openHandle(ctx, req, scope, kind)
	if err != nil {
		return nil, err
	}
	s := &Stream{h: h, ctx: ctx}
	runtime.AddCleanup(s, func(h *streamHandle) { h.free() }, h)
	if err := readFirst(s, &s.pending); err != nil {
		return nil, err
	}
	return s, nil
}

// readFirst reads the first event of the freshly opened stream s (a *Stream or an
// *ObjectStream) into *pending, so errors the provider answers before the first byte are
// returned at open; s is closed on an error and finished when it is already over.
func readFirst[E any, S interface {
	pull() (E, bool, error)
	finish()
	Close() error
}](s S, pending **E) error {
	ev, ok, err := s.pull()
	if err != nil {
		s.Close()
		return err
	}
	if ok {
		*pending = &ev
	} else {
		s.finish()
	}
	return nil
}

// pull reads one event; ok is false at the end of the stream.
func (s *Stream) pull() (ev StreamEvent, ok bool, err error) {
	rc, data := s.h.next()
	switch rc {
	case C.DITTO_OK:
		if err := json.Unmarshal(data, &ev); err != nil {
			return ev, false, &Error{Kind: KindInternal, Message: fmt.Sprintf("cannot decode a stream event: %v", err), cause: err}
		}
		return ev, true, nil
	case C.DITTO_DONE:
		return ev, false, nil
	default:
		return ev, false, failure(s.ctx, rc, data)
	}
}

func (s *Stream) finish() {
	s.done = true
	s.h.free()
}

// Next advances to the next event, blocking until it arrives. It returns false at the end of
// the stream, on an error (see Err), after the context is cancelled, or after Close.
func (s *Stream) Next() bool {
	if s.done || s.closed.Load() {
		return false
	}
	if s.pending != nil {
		s.cur, s.pending = *s.pending, nil
		return true
	}
	ev, ok, err := s.pull()
	if err != nil || !ok {
		s.err = err
		s.finish()
		return false
	}
	s.cur = ev
	return true
}

// Current is the event Next moved to.
func (s *Stream) Current() StreamEvent { return s.cur }

// Err is the error that ended the stream, or nil after a clean end. After the context was
// cancelled it matches both ditto.ErrCancelled and context.Canceled (or DeadlineExceeded).
func (s *Stream) Err() error { return s.err }

// Close stops the stream (closing the upstream connection if it is still open) and releases
// it. Safe to call more than once and from any goroutine.
func (s *Stream) Close() error {
	s.closed.Store(true)
	if s.teeStop != nil {
		s.teeClose.Do(func() { close(s.teeStop) })
	}
	s.h.free()
	return nil
}

// StreamTextSeq is StreamText as an iterator: each event with a nil error, then at most one
// (zero-value event, error) pair. Breaking out of the loop closes the stream.
func (c *Client) StreamTextSeq(ctx context.Context, req TextRequest) iter.Seq2[StreamEvent, error] {
	return func(yield func(StreamEvent, error) bool) {
		s, err := c.StreamText(ctx, req)
		if err != nil {
			yield(StreamEvent{}, err)
			return
		}
		defer s.Close()
		for s.Next() {
			if !yield(s.Current(), nil) {
				return
			}
		}
		if err := s.Err(); err != nil {
			yield(StreamEvent{}, err)
		}
	}
}
