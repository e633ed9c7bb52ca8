package ditto

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The cross-language agent fixture: the same tools, steps and usage in every language.
type agentFixture struct {
	Model  string `json:"model"`
	Prompt string `json:"prompt"`
	Tools  []struct {
		Name        string         `json:"name"`
		Description string         `json:"description"`
		InputSchema map[string]any `json:"input_schema"`
	} `json:"tools"`
	ToolOutputs map[string][]struct {
		Input  json.RawMessage `json:"input"`
		Output json.RawMessage `json:"output"`
	} `json:"tool_outputs"`
	Options struct {
		StopWhen []struct {
			Type  string `json:"type"`
			Count int    `json:"count"`
		} `json:"stop_when"`
	} `json:"options"`
	Expected struct {
		ModelCalls int `json:"model_calls"`
		Steps      []struct {
			FinishReason string `json:"finish_reason"`
			Text         string `json:"text"`
			ToolCalls    []struct {
				ToolName string          `json:"tool_name"`
				Input    json.RawMessage `json:"input"`
			} `json:"tool_calls"`
			ToolResults []struct {
				ToolName string          `json:"tool_name"`
				Output   json.RawMessage `json:"output"`
			} `json:"tool_results"`
			Usage json.RawMessage `json:"usage"`
		} `json:"steps"`
		Text                 string          `json:"text"`
		FinishReason         string          `json:"finish_reason"`
		TotalUsage           json.RawMessage `json:"total_usage"`
		ResponseMessageRoles []string        `json:"response_message_roles"`
		EventTypes           []string        `json:"event_types"`
	} `json:"expected"`
}

func loadAgentFixture(t *testing.T) agentFixture {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "tests", "fixtures", "agent", "two-tools-three-steps.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx agentFixture
	if err := json.Unmarshal(data, &fx); err != nil {
		t.Fatal(err)
	}
	return fx
}

// fixtureTools implements each tool as a lookup in tool_outputs.
func (fx agentFixture) tools(t *testing.T) []Tool {
	var tools []Tool
	for _, def := range fx.Tools {
		outputs := fx.ToolOutputs[def.Name]
		tools = append(tools, Tool{Name: def.Name, Description: def.Description, InputSchema: def.InputSchema,
			Execute: func(_ context.Context, input json.RawMessage) (any, error) {
				for _, o := range outputs {
					if jsonEqual(t, o.Input, input) {
						return o.Output, nil
					}
				}
				return nil, errors.New("unknown input")
			}})
	}
	return tools
}

func (fx agentFixture) options() AgentOptions {
	var opts AgentOptions
	for _, c := range fx.Options.StopWhen {
		if c.Type == "step-count" {
			opts.StopWhen = append(opts.StopWhen, StepCountIs(c.Count))
		}
	}
	return opts
}

func TestAgentFixtureTwoToolsThreeSteps(t *testing.T) {
	fx := loadAgentFixture(t)
	m := startMock(t)
	c := m.client(t, "")
	req := TextRequest{Model: fx.Model, Prompt: fx.Prompt, Tools: fx.tools(t)}

	calls := m.stats(t).RequestsTotal
	r, err := c.RunAgent(context.Background(), req, fx.options())
	if err != nil {
		t.Fatal(err)
	}
	if got := m.stats(t).RequestsTotal - calls; got != fx.Expected.ModelCalls {
		t.Fatalf("model calls %d, want %d", got, fx.Expected.ModelCalls)
	}
	if len(r.Steps) != len(fx.Expected.Steps) {
		t.Fatalf("steps %d, want %d", len(r.Steps), len(fx.Expected.Steps))
	}
	for i, want := range fx.Expected.Steps {
		got := r.Steps[i]
		if got.FinishReason != want.FinishReason || got.Text != want.Text || !jsonEqual(t, []byte(mustJSON(got.Usage)), want.Usage) {
			t.Fatalf("step %d: %s", i, mustJSON(got))
		}
		if len(got.ToolCalls) != len(want.ToolCalls) || len(got.ToolResults) != len(want.ToolResults) {
			t.Fatalf("step %d calls/results: %s", i, mustJSON(got))
		}
		for j, call := range want.ToolCalls {
			if got.ToolCalls[j].ToolName != call.ToolName || !jsonEqual(t, got.ToolCalls[j].Input, call.Input) {
				t.Fatalf("step %d call %d: %s", i, j, mustJSON(got.ToolCalls[j]))
			}
		}
		for j, res := range want.ToolResults {
			g := got.ToolResults[j]
			if g.ToolName != res.ToolName || g.Output.Type != "json" || !jsonEqual(t, []byte(mustJSON(g.Output.Value)), res.Output) {
				t.Fatalf("step %d result %d: %s", i, j, mustJSON(g))
			}
		}
	}
	if r.Text != fx.Expected.Text || r.FinishReason != fx.Expected.FinishReason || !jsonEqual(t, []byte(mustJSON(r.TotalUsage)), fx.Expected.TotalUsage) {
		t.Fatalf("result: %q %q %s", r.Text, r.FinishReason, mustJSON(r.TotalUsage))
	}
	var roles []string
	for _, msg := range r.ResponseMessages {
		roles = append(roles, msg.Role)
	}
	if !reflect.DeepEqual(roles, fx.Expected.ResponseMessageRoles) {
		t.Fatalf("roles %v", roles)
	}

	// Streamed: the same event sequence, steps and total usage.
	calls = m.stats(t).RequestsTotal
	s, err := c.StreamAgent(context.Background(), req, fx.options())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var types []string
	var stepUsage []string
	var total *Usage
	for s.Next() {
		ev := s.Current()
		// Consecutive events of one type count once (deltas depend on chunking).
		if len(types) == 0 || types[len(types)-1] != ev.Type {
			types = append(types, ev.Type)
		}
		switch ev.Type {
		case "finish-step":
			stepUsage = append(stepUsage, mustJSON(ev.Usage))
		case "finish":
			total = ev.TotalUsage
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(types, fx.Expected.EventTypes) {
		t.Fatalf("event types %v", types)
	}
	for i, want := range fx.Expected.Steps {
		if !jsonEqual(t, []byte(stepUsage[i]), want.Usage) {
			t.Fatalf("stream step %d usage %s", i, stepUsage[i])
		}
	}
	if total == nil || !jsonEqual(t, []byte(mustJSON(total)), fx.Expected.TotalUsage) {
		t.Fatalf("stream total usage %s", mustJSON(total))
	}
	if got := m.stats(t).RequestsTotal - calls; got != fx.Expected.ModelCalls {
		t.Fatalf("stream model calls %d", got)
	}
}
