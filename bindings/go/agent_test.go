package ditto

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const weatherPlan = `What is the weather? plan: call:get_weather {"city":"Paris"} & call:get_weather {"city":"London"} | call:convert_temperature {"celsius":21,"to":"fahrenheit"} | It is 69.8 F in Paris.`

func weatherTools(calls *atomic.Int32) []Tool {
	return []Tool{
		{
			Name: "get_weather", Description: "Weather in a city",
			InputSchema: map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}, "required": []string{"city"}},
			Execute: func(ctx context.Context, input json.RawMessage) (any, error) {
				calls.Add(1)
				var in struct{ City string }
				if err := json.Unmarshal(input, &in); err != nil {
					return nil, err
				}
				return map[string]any{"city": in.City, "celsius": 21}, nil
			},
		},
		{
			Name: "convert_temperature",
			Execute: func(ctx context.Context, input json.RawMessage) (any, error) {
				calls.Add(1)
				return map[string]any{"fahrenheit": 69.8}, nil
			},
		},
	}
}

func checkNoLeaks(t *testing.T, before HandleCounts) {
	t.Helper()
	eventually(t, "handles and host calls released", func() bool {
		now := LiveHandles()
		return now.Streams == before.Streams && now.Cancels == before.Cancels &&
			now.HostCalls == before.HostCalls && now.HostFuncs == before.HostFuncs
	})
}

func TestRunAgentThreeSteps(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "")
	before := LiveHandles()
	var calls atomic.Int32
	r, err := c.RunAgent(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: weatherPlan, Tools: weatherTools(&calls)},
		AgentOptions{StopWhen: []StopCondition{StepCountIs(5)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Steps) != 3 || calls.Load() != 3 {
		t.Fatalf("steps %d, calls %d: %s", len(r.Steps), calls.Load(), r.JSON)
	}
	if r.Text != "It is 69.8 F in Paris." || r.FinishReason != "stop" {
		t.Fatalf("text %q finish %q", r.Text, r.FinishReason)
	}
	if got := r.Steps[0].ToolResults; len(got) != 2 || got[1].ToolCallID != r.Steps[0].ToolCalls[1].ToolCallID || got[0].IsError() {
		t.Fatalf("step 0 results: %+v", got)
	}
	if r.TotalUsage.InputTokens == nil || *r.TotalUsage.InputTokens == 0 {
		t.Fatalf("total usage %+v", r.TotalUsage)
	}
	if len(r.ResponseMessages) != 5 {
		t.Fatalf("response messages: %d", len(r.ResponseMessages))
	}
	checkNoLeaks(t, before)

	// The same run streamed: the same steps and total usage.
	s, err := c.StreamAgent(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: weatherPlan, Tools: weatherTools(&calls)},
		AgentOptions{StopWhen: []StopCondition{StepCountIs(5)}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var types []string
	var finish StreamEvent
	for s.Next() {
		ev := s.Current()
		if ev.Type == "tool-result" || ev.Type == "finish-step" || ev.Type == "start-step" {
			types = append(types, ev.Type)
		}
		if ev.Type == "finish" {
			finish = ev
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	want := "start-step tool-result tool-result finish-step start-step tool-result finish-step start-step finish-step"
	if strings.Join(types, " ") != want {
		t.Fatalf("events: %v", types)
	}
	if finish.TotalUsage == nil || mustJSON(*finish.TotalUsage) != mustJSON(r.TotalUsage) {
		t.Fatalf("stream usage %s, run usage %s", mustJSON(finish.TotalUsage), mustJSON(r.TotalUsage))
	}
	checkNoLeaks(t, before)
}

func TestAgentToolFailuresAreFedBack(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "")
	before := LiveHandles()
	tools := []Tool{
		{Name: "boom", Execute: func(context.Context, json.RawMessage) (any, error) { panic("kaboom") }},
		{Name: "fail", Execute: func(context.Context, json.RawMessage) (any, error) { return nil, errors.New("no such city") }},
		{Name: "weird", Execute: func(context.Context, json.RawMessage) (any, error) { return make(chan int), nil }},
	}
	prompt := `Go. plan: call:boom {} & call:fail {} & call:weird {} | done`
	r, err := c.RunAgent(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: prompt, Tools: tools},
		AgentOptions{StopWhen: []StopCondition{StepCountIs(3)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Steps) != 2 || r.Text != "done" {
		t.Fatalf("steps %d text %q", len(r.Steps), r.Text)
	}
	res := r.Steps[0].ToolResults
	if len(res) != 3 {
		t.Fatalf("results %+v", res)
	}
	for i, want := range []string{"panic: kaboom", "no such city", "cannot be encoded as JSON"} {
		if !res[i].IsError() || !strings.Contains(mustJSON(res[i].Output.Value), want) {
			t.Errorf("result %d: %+v, want an error with %q", i, res[i], want)
		}
	}
	checkNoLeaks(t, before)
}

func TestAgentStopConditions(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "")
	var calls atomic.Int32
	req := TextRequest{Model: "openai:gpt-4o-mini", Prompt: weatherPlan, Tools: weatherTools(&calls)}
	var seen atomic.Int32
	r, err := c.RunAgent(context.Background(), req, AgentOptions{StopWhen: []StopCondition{StopFunc(func(steps []StepResult) bool {
		seen.Add(1)
		return len(steps) == 2
	})}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Steps) != 2 || seen.Load() != 2 {
		t.Fatalf("custom stop: %d steps, predicate called %d times", len(r.Steps), seen.Load())
	}
	r, err = c.RunAgent(context.Background(), req, AgentOptions{StopWhen: []StopCondition{HasToolCall("convert_temperature"), StepCountIs(9)}})
	if err != nil || len(r.Steps) != 2 {
		t.Fatalf("has-tool-call: %v %d", err, len(r.Steps))
	}
	r, err = c.RunAgent(context.Background(), req, AgentOptions{StopWhen: []StopCondition{StopFunc(func([]StepResult) bool { panic("bad predicate") })}})
	if err != nil || len(r.Steps) != 1 {
		t.Fatalf("a panicking predicate stops the loop: %v %d", err, len(r.Steps))
	}
	r, err = c.RunAgent(context.Background(), req, AgentOptions{})
	if err != nil || len(r.Steps) != 1 || r.FinishReason != "tool-calls" {
		t.Fatalf("default is one step: %v %d", err, len(r.Steps))
	}
	if _, err := c.RunAgent(context.Background(), req, AgentOptions{StopWhen: []StopCondition{HasToolCall("x")}, Approvals: nil, MaxSteps: -1}); err != nil {
		t.Fatalf("negative MaxSteps means the default: %v", err)
	}
}

func TestAgentApprovalPauseAndResume(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "")
	var calls atomic.Int32
	tools := weatherTools(&calls)
	tools[0].NeedsApproval = true
	req := TextRequest{Model: "openai:gpt-4o-mini", Prompt: weatherPlan, Tools: tools}
	opts := AgentOptions{StopWhen: []StopCondition{StepCountIs(5)}}
	r, err := c.RunAgent(context.Background(), req, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.PendingApprovals) != 2 || calls.Load() != 0 {
		t.Fatalf("pending %+v, calls %d", r.PendingApprovals, calls.Load())
	}
	s, err := c.StreamAgent(context.Background(), req, opts)
	if err != nil {
		t.Fatal(err)
	}
	var asked []string
	for s.Next() {
		if ev := s.Current(); ev.Type == "tool-approval-request" {
			asked = append(asked, ev.ApprovalCall.ToolName)
			if ev.ApprovalID != "approval-"+ev.ApprovalCall.ToolCallID {
				t.Errorf("approval id %q for call %q", ev.ApprovalID, ev.ApprovalCall.ToolCallID)
			}
		}
	}
	s.Close()
	if strings.Join(asked, " ") != "get_weather get_weather" {
		t.Fatalf("stream approval requests: %v (err %v)", asked, s.Err())
	}
	opts.Approvals = []ToolApprovalResponse{
		{ApprovalID: r.PendingApprovals[0].ApprovalID, Approved: true},
		{ApprovalID: r.PendingApprovals[1].ApprovalID, Approved: false, Reason: "not London"},
	}
	resume := TextRequest{Model: req.Model, Tools: tools, Messages: append([]Message{UserMessage(weatherPlan)}, r.ResponseMessages...)}
	r2, err := c.RunAgent(context.Background(), resume, opts)
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 || r2.Text != "It is 69.8 F in Paris." {
		t.Fatalf("calls %d, text %q, %s", calls.Load(), r2.Text, r2.JSON)
	}
	if !strings.Contains(string(r2.JSON), "not London") {
		t.Fatalf("the refusal reason is fed back: %s", r2.JSON)
	}
}

func TestAgentCancelStopsTools(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "")
	before := LiveHandles()
	started := make(chan struct{}, 2)
	var exited atomic.Int32
	tools := []Tool{{Name: "slow", Execute: func(ctx context.Context, _ json.RawMessage) (any, error) {
		started <- struct{}{}
		defer exited.Add(1)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(30 * time.Second):
			return "late", nil
		}
	}}}
	req := TextRequest{Model: "openai:gpt-4o-mini", Prompt: `Go. plan: call:slow {} & call:slow {} | done`, Tools: tools}
	for _, stream := range []bool{false, true} {
		exited.Store(0)
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-started; <-started; cancel() }()
		t0 := time.Now()
		var err error
		if stream {
			var s *Stream
			s, err = c.StreamAgent(ctx, req, AgentOptions{StopWhen: []StopCondition{StepCountIs(3)}})
			if err == nil {
				for s.Next() {
				}
				err = s.Err()
				s.Close()
			}
		} else {
			_, err = c.RunAgent(ctx, req, AgentOptions{StopWhen: []StopCondition{StepCountIs(3)}})
		}
		if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
			t.Fatalf("stream=%v: %v", stream, err)
		}
		if time.Since(t0) > 10*time.Second {
			t.Fatal("cancel was not prompt")
		}
		if exited.Load() != 2 {
			t.Fatalf("stream=%v: %d tools still running after the call returned", stream, 2-exited.Load())
		}
		checkNoLeaks(t, before)
	}
}

func TestAgentRepairHook(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "")
	var calls atomic.Int32
	tools := weatherTools(&calls)
	req := TextRequest{Model: "openai:gpt-4o-mini", Prompt: `Go. plan: call:get_weather "Paris" | ok`, Tools: tools}
	var repaired atomic.Int32
	r, err := c.RunAgent(context.Background(), req, AgentOptions{StopWhen: []StopCondition{StepCountIs(2)},
		RepairToolCall: func(ctx context.Context, call ToolCall, problem string, tools []Tool) (*ToolCall, error) {
			repaired.Add(1)
			call.Input = json.RawMessage(`{"city":"Paris"}`)
			return &call, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if repaired.Load() != 1 || calls.Load() != 1 || r.Steps[0].ToolResults[0].IsError() {
		t.Fatalf("repaired %d, calls %d: %s", repaired.Load(), calls.Load(), r.JSON)
	}
	r, err = c.RunAgent(context.Background(), req, AgentOptions{StopWhen: []StopCondition{StepCountIs(2)},
		RepairToolCall: func(context.Context, ToolCall, string, []Tool) (*ToolCall, error) { panic("repair bug") }})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Steps[0].ToolResults[0].IsError() || calls.Load() != 1 {
		t.Fatalf("a panicking repair hook leaves a tool error: %s", r.JSON)
	}
}

func TestAgentCancelMidCallClosesUpstream(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "slow-agent")
	before := LiveHandles()
	ran := make(chan struct{}, 1)
	tools := []Tool{{Name: "lookup", Execute: func(context.Context, json.RawMessage) (any, error) {
		ran <- struct{}{}
		return "ok", nil
	}}}
	prompt := `Go. plan: call:lookup {} | one two three four five six seven eight nine ten eleven twelve`
	for _, stream := range []bool{false, true} {
		// The first model call answers the plan at once; the second is slow: RunAgent's
		// (non-streaming) waits before its headers, StreamAgent's streams slowly.
		slow := map[string]any{"latency_ms": 5000}
		if stream {
			slow = map[string]any{"chunk_delay_ms": 300}
		}
		m.scenario(t, "slow-agent", map[string]any{}, slow)
		stats := m.stats(t)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-ran
			eventually(t, "the second model call", func() bool { return m.stats(t).RequestsTotal >= stats.RequestsTotal+2 })
			if stream {
				eventually(t, "its stream", func() bool { return m.stats(t).StreamsStarted >= stats.StreamsStarted+2 })
			}
			cancel()
		}()
		req := TextRequest{Model: "openai:gpt-4o-mini", Prompt: prompt, Tools: tools}
		opts := AgentOptions{StopWhen: []StopCondition{StepCountIs(3)}}
		t0 := time.Now()
		var err error
		if stream {
			_, err = drain(c.StreamAgent(ctx, req, opts))
		} else {
			_, err = c.RunAgent(ctx, req, opts)
		}
		if !errors.Is(err, ErrCancelled) || time.Since(t0) > 4*time.Second {
			t.Fatalf("stream=%v: %v after %v", stream, err, time.Since(t0))
		}
		if stream {
			eventually(t, "the upstream stream closed", func() bool {
				return m.stats(t).StreamsDisconnected >= stats.StreamsDisconnected+1
			})
		}
		checkNoLeaks(t, before)
	}
}

func TestAgentMaxStepsAndParallelism(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "")
	var running, peak atomic.Int32
	tools := []Tool{{Name: "work", Execute: func(context.Context, json.RawMessage) (any, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond)
		return "done", nil
	}}}
	// The plan ends in a call, so it loops until a cap stops it.
	req := TextRequest{Model: "openai:gpt-4o-mini", Prompt: `Go. plan: call:work {"a":1} & call:work {"a":2} & call:work {"a":3}`, Tools: tools}
	r, err := c.RunAgent(context.Background(), req, AgentOptions{StopWhen: []StopCondition{StepCountIs(10)}, MaxSteps: 2, MaxParallelTools: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Steps) != 2 || r.FinishReason != "tool-calls" || peak.Load() != 1 {
		t.Fatalf("steps %d, finish %q, peak parallelism %d", len(r.Steps), r.FinishReason, peak.Load())
	}
	peak.Store(0)
	if _, err := c.RunAgent(context.Background(), req, AgentOptions{MaxParallelTools: 3}); err != nil {
		t.Fatal(err)
	}
	if peak.Load() != 3 {
		t.Fatalf("peak parallelism %d, want 3", peak.Load())
	}
}

func TestToolsMayCallDittoThemselves(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "")
	tools := []Tool{{Name: "ask", Execute: func(ctx context.Context, _ json.RawMessage) (any, error) {
		r, err := c.GenerateText(ctx, TextRequest{Model: "openai:gpt-4o-mini", Prompt: "nested call"})
		if err != nil {
			return nil, err
		}
		var streamed string
		for ev, err := range c.StreamTextSeq(ctx, TextRequest{Model: "openai:gpt-4o-mini", Prompt: "nested stream"}) {
			if err != nil {
				return nil, err
			}
			streamed += ev.Text
		}
		return map[string]string{"text": r.Text, "streamed": streamed}, nil
	}}}
	r, err := c.RunAgent(context.Background(), TextRequest{Model: "openai:gpt-4o-mini", Prompt: `Go. plan: call:ask {} | ok`, Tools: tools},
		AgentOptions{StopWhen: []StopCondition{StepCountIs(2)}})
	if err != nil {
		t.Fatal(err)
	}
	if res := r.Steps[0].ToolResults[0]; res.IsError() || !strings.Contains(mustJSON(res.Output.Value), "streamed") {
		t.Fatalf("nested calls from a tool: %s", mustJSON(res))
	}
}
