package ditto

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestStreamText(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "stream")
	s, err := c.StreamText(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: "one two three"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var types []string
	var text strings.Builder
	var finish StreamEvent
	for s.Next() {
		ev := s.Current()
		types = append(types, ev.Type)
		switch ev.Type {
		case "text-delta":
			text.WriteString(ev.Text)
		case "finish":
			finish = ev
		}
	}
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	if text.String() != "echo: one two three" {
		t.Fatalf("text %q", text.String())
	}
	want := "start start-step text-start text-delta text-delta text-delta text-delta text-end finish-step finish"
	if strings.Join(types, " ") != want {
		t.Fatalf("types %v", types)
	}
	if finish.FinishReason != "stop" || finish.TotalUsage == nil || *finish.TotalUsage.OutputTokens != 4 {
		t.Fatalf("finish %s", finish.JSON)
	}
	if st := m.stats(t); st.StreamsCompleted != 1 || st.StreamsDisconnected != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestStreamTextSeqBreakClosesUpstream(t *testing.T) {
	m := startMock(t)
	m.scenario(t, "seq", map[string]any{"chunk_delay_ms": 20})
	c := m.client(t, "seq")
	n := 0
	for ev, err := range c.StreamTextSeq(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: strings.Repeat("w ", 200)}) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Type == "text-delta" {
			n++
			if n == 3 {
				break
			}
		}
	}
	eventually(t, "the upstream to see the disconnect", func() bool { return m.stats(t).StreamsDisconnected == 1 })
}

func TestCancelContextStopsStreamAndClosesUpstream(t *testing.T) {
	m := startMock(t)
	m.scenario(t, "cancel", map[string]any{"chunk_delay_ms": 50})
	c := m.client(t, "cancel")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := c.StreamText(ctx, TextRequest{Model: "openai:gpt-4o-mini", Prompt: strings.Repeat("word ", 500)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	deltas := 0
	start := time.Now()
	for s.Next() {
		if s.Current().Type == "text-delta" {
			deltas++
			if deltas == 2 {
				cancel()
			}
		}
	}
	if !errors.Is(s.Err(), ErrCancelled) || !errors.Is(s.Err(), context.Canceled) {
		t.Fatalf("err %v", s.Err())
	}
	if deltas > 3 || time.Since(start) > 5*time.Second {
		t.Fatalf("%d deltas after cancel, %s", deltas, time.Since(start))
	}
	eventually(t, "streams_disconnected", func() bool { return m.stats(t).StreamsDisconnected == 1 })
	if st := m.stats(t); st.StreamsCompleted != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestCancelWhileWaitingForFirstByte(t *testing.T) {
	m := startMock(t)
	m.scenario(t, "slow", map[string]any{"latency_ms": 10000})
	c := m.client(t, "slow")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.StreamText(ctx, TextRequest{Model: "openai:gpt-4o-mini", Prompt: "hi"})
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Fatalf("took %s", time.Since(start))
	}
	m.scenario(t, "slow2", map[string]any{"latency_ms": 10000})
	c2 := m.client(t, "slow2")
	ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	_, err = c2.GenerateText(ctx2, TextRequest{Model: "openai:gpt-4o-mini", Prompt: "hi"})
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 6*time.Second {
		t.Fatalf("generate err %v after %s", err, time.Since(start))
	}
	// Already-cancelled contexts fail before any request.
	_, err = c.Embed(ctx, EmbedRequest{Model: "openai:text-embedding-3-small", Input: []string{"x"}})
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("embed err %v", err)
	}
}

func TestCloseFromAnotherGoroutineWakesNext(t *testing.T) {
	m := startMock(t)
	m.scenario(t, "stall", map[string]any{"chunk_delay_ms": 3000})
	c := m.client(t, "stall")
	s, err := c.StreamText(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: "a b c"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	go func() {
		for s.Next() {
		}
		done <- true
	}()
	time.Sleep(100 * time.Millisecond)
	s.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Next did not return after Close")
	}
	s.Close()
	eventually(t, "streams_disconnected", func() bool { return m.stats(t).StreamsDisconnected == 1 })
}

func TestHundredConcurrentStreams(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "")
	const n = 100
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			prompt := fmt.Sprintf("stream %d says %s", i, strings.Repeat("hi ", 20))
			var text strings.Builder
			for ev, err := range c.StreamTextSeq(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: prompt}) {
				if err != nil {
					errs <- err
					return
				}
				if ev.Type == "text-delta" {
					text.WriteString(ev.Text)
				}
			}
			if want := "echo: " + prompt; text.String() != want {
				errs <- fmt.Errorf("stream %d: %q", i, text.String())
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if st := m.stats(t); st.StreamsCompleted != n {
		t.Fatalf("stats %+v", st)
	}
}

func TestHandlesAreFreedExactlyOnce(t *testing.T) {
	m := startMock(t)
	before := LiveHandles()
	c := m.client(t, "")
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s, err := c.StreamText(ctx, TextRequest{Model: "openai:gpt-4o-mini", Prompt: "a b c d e f"})
			if err != nil {
				t.Error(err)
				return
			}
			switch i % 4 {
			case 0: // drained
				for s.Next() {
				}
			case 1: // cancelled midway
				s.Next()
				cancel()
				for s.Next() {
				}
			case 2: // closed twice, concurrently
				go s.Close()
				s.Close()
			case 3: // closed after a cancel: Next reports nothing more
				cancel()
				s.Close()
				if s.Next() {
					t.Error("Next after Close returned true")
				}
			}
			s.Close()
			if _, err := c.GenerateText(ctx, TextRequest{Model: "openai:gpt-4o-mini", Prompt: "x"}); err != nil && !errors.Is(err, ErrCancelled) {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	c.Close()
	after := LiveHandles()
	if after != before {
		t.Fatalf("live handles before %+v, after %+v", before, after)
	}
}
