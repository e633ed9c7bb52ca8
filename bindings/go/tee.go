package ditto

import (
	"iter"
	"sync"
)

// Tee splits a stream so it can be consumed as text deltas and as full events at once (say,
// printing text while forwarding every event to a UI). Each side buffers at most capacity
// items its consumer has not taken: a slow consumer slows the stream instead of growing
// memory, and a side that is closed no longer holds the other back. The stream is closed once both sides are closed or it ends; closing the stream ends
// both sides. Errors reach both sides. Call Tee once, before reading the stream; do not read
// the stream directly afterwards.
func (s *Stream) Tee(capacity int) (*TeeText, *TeeEvents) {
	capacity = max(capacity, 1)
	s.teeStop = make(chan struct{})
	t := &tee{src: s}
	text := &TeeText{side: newTeeSide[string](t, capacity, s.teeStop)}
	events := &TeeEvents{side: newTeeSide[StreamEvent](t, capacity, s.teeStop)}
	t.text, t.events = text.side, events.side
	go t.pump()
	return text, events
}

type tee struct {
	src    *Stream
	text   *teeSide[string]
	events *teeSide[StreamEvent]
	err    error
}

type teeSide[T any] struct {
	t      *tee
	ch     chan T
	closed chan struct{}
	stop   <-chan struct{} // closed when the source stream is closed
	once   sync.Once
	cur    T
}

func newTeeSide[T any](t *tee, capacity int, stop <-chan struct{}) *teeSide[T] {
	return &teeSide[T]{t: t, ch: make(chan T, capacity), closed: make(chan struct{}), stop: stop}
}

// send delivers v unless the side was closed; false when it was.
func (s *teeSide[T]) send(v T) bool {
	select {
	case <-s.closed:
		return false
	default:
	}
	select {
	case s.ch <- v:
		return true
	case <-s.closed:
		return false
	case <-s.stop:
		return false
	}
}

func (s *teeSide[T]) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

func (s *teeSide[T]) next() bool {
	v, ok := <-s.ch
	if ok {
		s.cur = v
	}
	return ok
}

func (s *teeSide[T]) close() { s.once.Do(func() { close(s.closed) }) }

// pump reads the stream into both sides until it ends or both sides are closed.
func (t *tee) pump() {
	defer t.src.Close()
	defer close(t.text.ch)
	defer close(t.events.ch)
	for t.src.Next() {
		ev := t.src.Current()
		if ev.Type == "text-delta" {
			t.text.send(ev.Text)
		}
		t.events.send(ev)
		if t.text.isClosed() && t.events.isClosed() {
			return
		}
	}
	// Written before the channels close, read after they are drained: no race.
	t.err = t.src.Err()
}

// TeeText is the text-delta side of Tee.
type TeeText struct{ side *teeSide[string] }

// Next advances to the next text delta, blocking; false at the end.
func (x *TeeText) Next() bool { return x.side.next() }

// Current is the delta Next moved to.
func (x *TeeText) Current() string { return x.side.cur }

// Err is the error that ended the stream (valid once Next returned false).
func (x *TeeText) Err() error { return x.side.t.err }

// Deltas iterates over the text deltas.
func (x *TeeText) Deltas() iter.Seq[string] {
	return func(yield func(string) bool) {
		for x.Next() {
			if !yield(x.Current()) {
				return
			}
		}
	}
}

// Close stops this side: the other keeps going alone. Idempotent.
func (x *TeeText) Close() error { x.side.close(); return nil }

// TeeEvents is the full-event side of Tee; it is an EventSource (ServeUIMessageStream,
// EncodeDittoV1 take it).
type TeeEvents struct{ side *teeSide[StreamEvent] }

// Next advances to the next event, blocking; false at the end.
func (x *TeeEvents) Next() bool { return x.side.next() }

// Current is the event Next moved to.
func (x *TeeEvents) Current() StreamEvent { return x.side.cur }

// Err is the error that ended the stream (valid once Next returned false).
func (x *TeeEvents) Err() error { return x.side.t.err }

// Close stops this side: the other keeps going alone. Idempotent.
func (x *TeeEvents) Close() error { x.side.close(); return nil }
