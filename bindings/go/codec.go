package ditto

/*
#include <stdint.h>
#include <stdlib.h>
#include "ditto.h"
*/
import "C"

import (
	"sync"
	"unsafe"
)

// codec owns a native DittoCodec (Ditto v1 encoder/decoder, UI message encoder). The public
// types holding one register a cleanup that closes it.
type codec struct {
	mu  sync.Mutex
	ptr *C.DittoCodec
}

func newCodec(spec map[string]any) (*codec, error) {
	cs, err := cString(spec)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cs))
	var ptr *C.DittoCodec
	var out *C.char
	rc := C.ditto_codec_new(cs, &ptr, &out)
	data := takeString(out)
	if rc != C.DITTO_OK {
		return nil, failure(nil, rc, data)
	}
	return &codec{ptr: ptr}, nil
}

// feed passes data (an event JSON for encoders, stream bytes for the decoder).
func (c *codec) feed(data []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return nil, &Error{Kind: KindInvalidRequest, Message: "the codec is closed"}
	}
	var p *C.uint8_t
	if len(data) > 0 {
		p = (*C.uint8_t)(unsafe.Pointer(&data[0]))
	}
	var out *C.char
	rc := C.ditto_codec_feed(c.ptr, p, C.size_t(len(data)), &out)
	res := takeString(out)
	if rc != C.DITTO_OK {
		return nil, failure(nil, rc, res)
	}
	return res, nil
}

// finish ends the stream: the terminator for encoders, the last events for the decoder.
func (c *codec) finish() ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return nil, &Error{Kind: KindInvalidRequest, Message: "the codec is closed"}
	}
	var out *C.char
	rc := C.ditto_codec_finish(c.ptr, &out)
	res := takeString(out)
	if rc != C.DITTO_OK {
		return nil, failure(nil, rc, res)
	}
	return res, nil
}

// close releases the native codec. Idempotent.
func (c *codec) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr != nil {
		C.ditto_codec_free(c.ptr)
		c.ptr = nil
	}
}
