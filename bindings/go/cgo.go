package ditto

/*
#cgo CFLAGS: -I${SRCDIR}/../ffi/include
#cgo LDFLAGS: -L${SRCDIR}/lib -lditto_ffi
#cgo linux LDFLAGS: -lgcc_s -lutil -lrt -lpthread -lm -ldl
#cgo darwin LDFLAGS: -framework CoreFoundation -framework Security -liconv -lm
#include <stdlib.h>
#include <string.h>
#include "ditto.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"unsafe"
)

// Version is the version of the Rust core this package links.
func Version() string {
	return C.GoString(C.ditto_version())
}

// HandleCounts reports how many native handles are alive; tests use it as a leak check.
type HandleCounts struct {
	Clients, Streams, Cancels int64
	// Codecs are live protocol encoders and decoders.
	Codecs int64
	// HostCalls are invocations of Go functions (tools, hooks) the core has not seen finish.
	HostCalls int64
	// HostFuncs are Go functions registered for calls still in progress.
	HostFuncs int64
}

// LiveHandles returns the number of native clients, streams, cancel tokens and codecs not yet
// freed, host-function invocations still running and Go functions still registered.
func LiveHandles() HandleCounts {
	c := C.ditto_handle_counts()
	return HandleCounts{
		Clients: int64(c.clients), Streams: int64(c.streams), Cancels: int64(c.cancels),
		Codecs: int64(c.codecs), HostCalls: int64(c.host_calls), HostFuncs: liveHostFuncs.Load(),
	}
}

// takeString copies a string returned by the library into Go memory and frees it.
func takeString(p *C.char) []byte {
	if p == nil {
		return nil
	}
	defer C.ditto_string_free(p)
	return C.GoBytes(unsafe.Pointer(p), C.int(C.strlen(p)))
}

// cString marshals v to JSON as a C string; the caller frees it with C.free.
func cString(v any) (*C.char, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, &Error{Kind: KindInvalidRequest, Message: fmt.Sprintf("cannot encode the request: %v", err), cause: err}
	}
	return C.CString(string(data)), nil
}

// failure turns a non-OK status and its ErrorInfo JSON into an *Error; a cancelled error that
// follows ctx being done carries ctx.Err() as its cause.
func failure(ctx context.Context, rc C.int32_t, data []byte) error {
	e := errorFromJSON(data)
	if e == nil {
		e = &Error{Kind: KindInternal, Message: fmt.Sprintf("native call failed with status %d and no details", int32(rc))}
	}
	if e.Kind == KindCancelled && ctx != nil && ctx.Err() != nil {
		e.cause = ctx.Err()
	}
	return e
}

// ctxWatch runs f once when ctx is done, until stop returns; after stop, f is neither running
// nor will it run.
type ctxWatch struct {
	mu      sync.Mutex
	stopped bool
	stopFn  func() bool
}

func watch(ctx context.Context, f func()) *ctxWatch {
	w := &ctxWatch{}
	w.stopFn = context.AfterFunc(ctx, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if !w.stopped {
			f()
		}
	})
	return w
}

func (w *ctxWatch) stop() {
	w.stopFn()
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
}

type callOp int

const (
	opGenerateText callOp = iota
	opEmbed
	opRerank
	opGenerateImage
	opTranscribe
	opGenerateSpeech
	opRunAgent
	opGenerateObject
)

// callJSON runs one blocking JSON call on the native client h. Cancelling ctx triggers a native
// cancel token, so the call returns promptly and the request is dropped.
func callJSON(ctx context.Context, h *C.DittoClient, op callOp, req any) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, cancelledError(err)
	}
	creq, err := cString(req)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(creq))
	tok := C.ditto_cancel_new()
	w := watch(ctx, func() { C.ditto_cancel_trigger(tok) })
	var out *C.char
	var rc C.int32_t
	switch op {
	case opGenerateText:
		rc = C.ditto_generate_text(h, creq, tok, &out)
	case opEmbed:
		rc = C.ditto_embed(h, creq, tok, &out)
	case opRerank:
		rc = C.ditto_rerank(h, creq, tok, &out)
	case opGenerateImage:
		rc = C.ditto_generate_image(h, creq, tok, &out)
	case opTranscribe:
		rc = C.ditto_transcribe(h, creq, tok, &out)
	case opGenerateSpeech:
		rc = C.ditto_generate_speech(h, creq, tok, &out)
	case opRunAgent:
		rc = C.ditto_run_agent(h, creq, tok, &out)
	case opGenerateObject:
		rc = C.ditto_generate_object(h, creq, tok, &out)
	}
	w.stop()
	C.ditto_cancel_free(tok)
	data := takeString(out)
	if rc != C.DITTO_OK {
		return nil, failure(ctx, rc, data)
	}
	return data, nil
}
