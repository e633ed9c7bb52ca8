package ditto

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ditto.h"
*/
import "C"

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"
)

// The host-function bridge: Go functions (tool Execute, stop predicates, repair hooks) that
// the Rust core calls with JSON. A hostScope registers the functions of one native call under
// numeric ids it sends in the request JSON; Rust calls them from its worker threads through
// dittoGoHostCall and cancels them through dittoGoHostCancel.

// hostFunc runs one host-function invocation: JSON in, JSON out, or an error whose message
// goes back to the core.
type hostFunc func(ctx context.Context, input []byte) ([]byte, error)

// hostScope owns the host functions of one native call. Its context carries the call
// context's values but not its cancellation: an invocation is cancelled by the core (which
// first stops the loop, so a cancelled tool's result is never used) or by close, which also
// waits for the invocations still running.
type hostScope struct {
	ctx    context.Context
	cancel context.CancelFunc
	ids    []uint64

	mu       sync.Mutex
	inflight int
	closed   bool
	idle     *sync.Cond
}

type hostEntry struct {
	scope *hostScope
	fn    hostFunc
}

var (
	hostFuncs     sync.Map // fn id -> *hostEntry
	hostCalls     sync.Map // call id -> context.CancelFunc
	nextHostFn    atomic.Uint64
	liveHostFuncs atomic.Int64
)

func newHostScope(ctx context.Context) *hostScope {
	s := &hostScope{}
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	s.idle = sync.NewCond(&s.mu)
	return s
}

// add registers fn and returns its id for the request JSON.
func (s *hostScope) add(fn hostFunc) uint64 {
	id := nextHostFn.Add(1)
	hostFuncs.Store(id, &hostEntry{scope: s, fn: fn})
	liveHostFuncs.Add(1)
	s.ids = append(s.ids, id)
	return id
}

// enter counts an invocation in; false once the scope is closed.
func (s *hostScope) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.inflight++
	return true
}

func (s *hostScope) leave() {
	s.mu.Lock()
	s.inflight--
	if s.inflight == 0 {
		s.idle.Broadcast()
	}
	s.mu.Unlock()
}

// close cancels the scope's context, unregisters its functions and waits until none of its
// invocations is running. Idempotent; nil-safe.
func (s *hostScope) close() {
	if s == nil {
		return
	}
	s.cancel()
	s.mu.Lock()
	first := !s.closed
	s.closed = true
	for s.inflight > 0 {
		s.idle.Wait()
	}
	s.mu.Unlock()
	if first {
		for _, id := range s.ids {
			hostFuncs.Delete(id)
			liveHostFuncs.Add(-1)
		}
	}
}

// runHost runs fn, turning a panic into an error.
func runHost(ctx context.Context, fn hostFunc, input []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return fn(ctx, input)
}

func hostReply(call *C.DittoHostCall, status C.int32_t, data []byte) {
	var p *C.uint8_t
	if len(data) > 0 {
		p = (*C.uint8_t)(unsafe.Pointer(&data[0]))
	}
	C.ditto_host_call_reply(call, status, p, C.size_t(len(data)))
}

//export dittoGoHostCall
func dittoGoHostCall(fnID C.uint64_t, callID C.uint64_t, input *C.char, call *C.DittoHostCall) {
	v, ok := hostFuncs.Load(uint64(fnID))
	if !ok {
		hostReply(call, C.DITTO_ERROR, []byte(fmt.Sprintf("host function %d is not registered (its call has ended)", uint64(fnID))))
		return
	}
	e := v.(*hostEntry)
	if !e.scope.enter() {
		hostReply(call, C.DITTO_ERROR, []byte("the call that registered this host function has ended"))
		return
	}
	defer e.scope.leave()
	ctx, cancel := context.WithCancel(e.scope.ctx)
	defer cancel()
	id := uint64(callID)
	hostCalls.Store(id, cancel)
	defer hostCalls.Delete(id)
	// A cancel that came before the Store above found nothing to cancel: check for it.
	if C.ditto_host_call_cancelled(call) {
		cancel()
	}
	in := C.GoBytes(unsafe.Pointer(input), C.int(C.strlen(input)))
	out, err := runHost(ctx, e.fn, in)
	if err != nil {
		hostReply(call, C.DITTO_ERROR, []byte(err.Error()))
		return
	}
	hostReply(call, C.DITTO_OK, out)
}

//export dittoGoHostCancel
func dittoGoHostCancel(callID C.uint64_t) {
	if v, ok := hostCalls.Load(uint64(callID)); ok {
		v.(context.CancelFunc)()
	}
}
