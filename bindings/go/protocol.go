package ditto

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
)

// Framing is how Ditto stream protocol v1 events are framed on the wire.
type Framing string

// The framings: SSE (`data: {...}\n\n`, ending with `data: [DONE]`) and NDJSON (one event
// per line).
const (
	FramingSSE    Framing = "sse"
	FramingNDJSON Framing = "ndjson"
)

// ContentType is the HTTP Content-Type of the framing.
func (f Framing) ContentType() string {
	if f == FramingNDJSON {
		return "application/x-ndjson"
	}
	return "text/event-stream"
}

// EventSource is a stream of events read with Next / Current / Err: *Stream, the event side of
// Tee, *DittoV1Decoder, or SliceEvents.
type EventSource interface {
	Next() bool
	Current() StreamEvent
	Err() error
}

type sliceEvents struct {
	evs []StreamEvent
	i   int
}

func (s *sliceEvents) Next() bool {
	if s.i >= len(s.evs) {
		return false
	}
	s.i++
	return true
}
func (s *sliceEvents) Current() StreamEvent { return s.evs[s.i-1] }
func (s *sliceEvents) Err() error           { return nil }

// SliceEvents is an EventSource over events already in memory.
func SliceEvents(events ...StreamEvent) EventSource { return &sliceEvents{evs: events} }

// errorEventJSON is the "error" event for err ({"type": "error", "error": ErrorInfo}).
func errorEventJSON(err error) []byte {
	info := errorInfo{Kind: KindInternal, Message: err.Error()}
	var de *Error
	if errors.As(err, &de) {
		info = errorInfo{Kind: de.Kind, Message: de.Message, Status: de.Status, Provider: de.Provider, Code: de.Code}
	}
	m := map[string]any{"kind": info.Kind, "message": info.Message}
	if info.Status != 0 {
		m["status"] = info.Status
	}
	if info.Provider != "" {
		m["provider"] = info.Provider
	}
	if info.Code != "" {
		m["code"] = info.Code
	}
	data, _ := json.Marshal(map[string]any{"type": "error", "error": m})
	return data
}

// DittoV1Encoder writes events in the Ditto stream protocol v1 (each event's JSON plus
// "v": 1; see docs/stream-protocol.md).
type DittoV1Encoder struct {
	w      io.Writer
	c      *codec
	closed bool
}

// NewDittoV1Encoder writes v1 frames to w. Close writes the terminator (SSE) and releases it.
func NewDittoV1Encoder(w io.Writer, framing Framing) (*DittoV1Encoder, error) {
	c, err := newCodec(map[string]any{"type": "ditto-v1-encoder", "framing": string(framing)})
	if err != nil {
		return nil, err
	}
	e := &DittoV1Encoder{w: w, c: c}
	runtime.AddCleanup(e, func(c *codec) { c.close() }, c)
	return e, nil
}

func (e *DittoV1Encoder) write(eventJSON []byte) error {
	frame, err := e.c.feed(eventJSON)
	if err != nil {
		return err
	}
	_, err = e.w.Write(frame)
	return err
}

// Encode writes one event.
func (e *DittoV1Encoder) Encode(ev StreamEvent) error {
	data, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	return e.write(data)
}

// EncodeError writes an "error" event for err (a *ditto.Error keeps its kind and status).
func (e *DittoV1Encoder) EncodeError(err error) error { return e.write(errorEventJSON(err)) }

// Close writes the terminator (data: [DONE] for SSE, nothing for NDJSON) and releases the
// encoder. Idempotent.
func (e *DittoV1Encoder) Close() error {
	if e.closed {
		return nil
	}
	e.closed = true
	defer e.c.close()
	end, err := e.c.finish()
	if err != nil {
		return err
	}
	if len(end) > 0 {
		_, err = e.w.Write(end)
	}
	return err
}

// EncodeDittoV1 writes every event of events to w in the Ditto stream protocol v1, then the
// terminator. An error ending events is written as an "error" event (and returned as nil: it
// was delivered); a write error stops it and is returned.
func EncodeDittoV1(w io.Writer, events EventSource, framing Framing) error {
	e, err := NewDittoV1Encoder(w, framing)
	if err != nil {
		return err
	}
	defer e.c.close()
	for events.Next() {
		if err := e.Encode(events.Current()); err != nil {
			return err
		}
		if f, ok := w.(interface{ Flush() }); ok {
			f.Flush()
		}
	}
	if err := events.Err(); err != nil {
		if werr := e.EncodeError(err); werr != nil {
			return werr
		}
	}
	return e.Close()
}

// DittoV1Decoder reads Ditto stream protocol v1 events from a reader (bounded: 1 MiB per
// line, 4 MiB per event; other versions are rejected). Use it like Stream:
//
//	d := ditto.NewDittoV1Decoder(resp.Body)
//	for d.Next() { ev := d.Current() ... }   // an "error" event carries Err
//	if err := d.Err(); err != nil { ... }    // ErrStream: malformed, v != 1, truncated
type DittoV1Decoder struct {
	r       *bufio.Reader
	framing Framing
	c       *codec
	buf     []StreamEvent
	chunk   []byte
	cur     StreamEvent
	err     error
	done    bool
}

// NewDittoV1Decoder reads v1 events from r, detecting the framing from the first bytes (an
// SSE field or comment, or a JSON object line).
func NewDittoV1Decoder(r io.Reader) *DittoV1Decoder {
	return NewDittoV1DecoderFraming(r, "")
}

// NewDittoV1DecoderFraming reads v1 events in the given framing ("" detects it).
func NewDittoV1DecoderFraming(r io.Reader, framing Framing) *DittoV1Decoder {
	return &DittoV1Decoder{r: bufio.NewReaderSize(r, 16*1024), framing: framing}
}

func (d *DittoV1Decoder) detect() (Framing, error) {
	for n := 1; n <= 64; n++ {
		peek, err := d.r.Peek(n)
		trimmed := strings.TrimLeft(string(peek), " \t\r\n")
		if trimmed != "" {
			if trimmed[0] == '{' {
				return FramingNDJSON, nil
			}
			return FramingSSE, nil
		}
		if err != nil {
			return FramingSSE, nil
		}
	}
	return FramingSSE, nil
}

func (d *DittoV1Decoder) fail(err error) bool {
	d.err = err
	d.done = true
	if d.c != nil {
		d.c.close()
	}
	return false
}

// Next advances to the next event; false at the end of the input or on an error (see Err).
func (d *DittoV1Decoder) Next() bool {
	for len(d.buf) == 0 {
		if d.done {
			return false
		}
		if d.c == nil {
			framing := d.framing
			if framing == "" {
				var err error
				if framing, err = d.detect(); err != nil {
					return d.fail(err)
				}
			}
			c, err := newCodec(map[string]any{"type": "ditto-v1-decoder", "framing": string(framing)})
			if err != nil {
				return d.fail(err)
			}
			d.c = c
			runtime.AddCleanup(d, func(c *codec) { c.close() }, c)
		}
		if d.chunk == nil {
			d.chunk = make([]byte, 16*1024)
		}
		n, rerr := d.r.Read(d.chunk)
		var out []byte
		var err error
		if n > 0 {
			out, err = d.c.feed(d.chunk[:n])
		} else if rerr == io.EOF {
			out, err = d.c.finish()
			d.done = true
		} else if rerr != nil {
			return d.fail(&Error{Kind: KindConnection, Message: rerr.Error(), cause: rerr})
		}
		if err != nil {
			return d.fail(err)
		}
		if len(out) > 0 {
			if err := json.Unmarshal(out, &d.buf); err != nil {
				return d.fail(&Error{Kind: KindInternal, Message: fmt.Sprintf("cannot decode events: %v", err), cause: err})
			}
		}
		if d.done {
			d.c.close()
		}
	}
	d.cur, d.buf = d.buf[0], d.buf[1:]
	return true
}

// Current is the event Next moved to.
func (d *DittoV1Decoder) Current() StreamEvent { return d.cur }

// Err is the error that ended decoding, or nil after a clean end.
func (d *DittoV1Decoder) Err() error { return d.err }

// Close releases the decoder (it does not close the reader). Idempotent.
func (d *DittoV1Decoder) Close() error {
	d.done = true
	if d.c != nil {
		d.c.close()
	}
	return nil
}
