package ditto

import (
	"context"
	"encoding/json"
	"fmt"
)

// StopCondition says when RunAgent and StreamAgent stop even though the model asked for
// tools: StepCountIs, HasToolCall or StopFunc. Several conditions stop the loop when any holds.
type StopCondition struct {
	spec map[string]any
	fn   func(steps []StepResult) bool
}

// StepCountIs stops once n steps (model calls) ran, like the AI SDK's stepCountIs.
func StepCountIs(n int) StopCondition {
	return StopCondition{spec: map[string]any{"type": "step-count", "count": n}}
}

// HasToolCall stops after a step in which the model called the tool named name.
func HasToolCall(name string) StopCondition {
	return StopCondition{spec: map[string]any{"type": "has-tool-call", "tool_name": name}}
}

// StopFunc stops when f returns true for the steps so far. A panic in f stops the loop.
func StopFunc(f func(steps []StepResult) bool) StopCondition {
	return StopCondition{fn: f}
}

// ToolApprovalRequest is a call waiting for the caller's approval (a tool with NeedsApproval).
type ToolApprovalRequest struct {
	ApprovalID string   `json:"approval_id"`
	ToolCall   ToolCall `json:"tool_call"`
}

// ToolApprovalResponse answers a ToolApprovalRequest; pass it in AgentOptions.Approvals with
// the earlier messages to resume the run.
type ToolApprovalResponse struct {
	ApprovalID string `json:"approval_id"`
	Approved   bool   `json:"approved"`
	Reason     string `json:"reason,omitempty"`
}

// AgentOptions configures RunAgent and StreamAgent. Zero values take the defaults.
type AgentOptions struct {
	// StopWhen stops the loop when any condition holds (nil: after one step, like the AI SDK).
	StopWhen []StopCondition
	// MaxSteps is a hard cap on model calls (0: 20).
	MaxSteps int
	// MaxParallelTools bounds how many of one step's tool calls run at once (0: 8).
	MaxParallelTools int
	// MaxToolOutputBytes caps one tool result's JSON; bigger results become tool errors
	// (0: 1 MiB).
	MaxToolOutputBytes int
	// Approvals answer the approval requests of an earlier run.
	Approvals []ToolApprovalResponse
	// RepairToolCall fixes a call whose input is not JSON or does not match the tool's schema:
	// return the corrected call, or nil to let the call fail as a tool error. problem says
	// what was wrong. A returned error or a panic also makes the call a tool error.
	RepairToolCall func(ctx context.Context, call ToolCall, problem string, tools []Tool) (*ToolCall, error)
}

// ToolResult is the result of one executed tool call. Output.Type is "error-text" or
// "error-json" when the tool failed.
type ToolResult struct {
	ToolCallID string     `json:"tool_call_id"`
	ToolName   string     `json:"tool_name"`
	Output     ToolOutput `json:"output"`
}

// IsError reports whether the tool failed.
func (r ToolResult) IsError() bool {
	return r.Output.Type == "error-text" || r.Output.Type == "error-json"
}

// StepResult is one model call of an agent run and the tools executed after it.
type StepResult struct {
	// Step counts from 0.
	Step int `json:"step"`
	// Content holds the model's parts, then one tool-result part per executed call.
	Content         []Part           `json:"content"`
	Text            string           `json:"text"`
	ToolCalls       []ToolCall       `json:"tool_calls"`
	ToolResults     []ToolResult     `json:"tool_results"`
	FinishReason    string           `json:"finish_reason"`
	RawFinishReason string           `json:"raw_finish_reason"`
	Usage           Usage            `json:"usage"`
	Warnings        []Warning        `json:"warnings"`
	Response        ResponseMetadata `json:"response"`
}

// AgentResult is what RunAgent returns.
type AgentResult struct {
	// Text is the last step's text.
	Text  string       `json:"text"`
	Steps []StepResult `json:"steps"`
	// TotalUsage sums the steps' usage.
	TotalUsage Usage `json:"total_usage"`
	// FinishReason is the last step's ("tool-calls" when the run stopped on a call it did not
	// execute: a tool without Execute, a pending approval, a stop condition or MaxSteps).
	FinishReason string `json:"finish_reason"`
	// ResponseMessages are the assistant and tool messages the run produced: append them to
	// the conversation for the next turn or a resume after approvals.
	ResponseMessages []Message `json:"response_messages"`
	// PendingApprovals are calls waiting for approval.
	PendingApprovals []ToolApprovalRequest `json:"pending_approvals"`
	// JSON is the result exactly as the core produced it.
	JSON json.RawMessage `json:"-"`
}

// toolInput is what the core sends a tool's host function.
type toolInput struct {
	ToolCall ToolCall `json:"tool_call"`
	Step     int      `json:"step"`
}

// toolHost wraps a tool's Execute as a host function: its error (or panic, or an output that
// cannot be encoded as JSON) becomes the tool error the model sees.
func toolHost(t Tool) hostFunc {
	return func(ctx context.Context, input []byte) ([]byte, error) {
		var in toolInput
		if err := json.Unmarshal(input, &in); err != nil {
			return nil, fmt.Errorf("cannot decode the tool call: %w", err)
		}
		out, err := t.Execute(ctx, in.ToolCall.Input)
		if err != nil {
			return nil, err
		}
		data, err := json.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("tool %s returned a value that cannot be encoded as JSON: %w", t.Name, err)
		}
		return data, nil
	}
}

func stopHost(f func([]StepResult) bool) hostFunc {
	return func(_ context.Context, input []byte) ([]byte, error) {
		var in struct {
			Steps []StepResult `json:"steps"`
		}
		if err := json.Unmarshal(input, &in); err != nil {
			return nil, fmt.Errorf("cannot decode the steps: %w", err)
		}
		return json.Marshal(f(in.Steps))
	}
}

func repairHost(f func(context.Context, ToolCall, string, []Tool) (*ToolCall, error)) hostFunc {
	return func(ctx context.Context, input []byte) ([]byte, error) {
		var in struct {
			ToolCall ToolCall        `json:"tool_call"`
			Error    string          `json:"error"`
			Tools    json.RawMessage `json:"tools"`
		}
		if err := json.Unmarshal(input, &in); err != nil {
			return nil, fmt.Errorf("cannot decode the repair input: %w", err)
		}
		tools, err := ToolsFromJSON(in.Tools)
		if err != nil {
			return nil, err
		}
		fixed, err := f(ctx, in.ToolCall, in.Error, tools)
		if err != nil {
			return nil, err
		}
		return json.Marshal(fixed)
	}
}

// agentRequest builds the native agent request JSON, registering the Go functions in scope.
func agentRequest(req TextRequest, opts AgentOptions, scope *hostScope) map[string]any {
	var provider []Tool
	var tools []map[string]any
	var approval []string
	for _, t := range req.Tools {
		if t.ID != "" {
			provider = append(provider, t)
			continue
		}
		entry := map[string]any{"tool": t}
		if t.Execute != nil {
			entry["host_fn"] = scope.add(toolHost(t))
		}
		if t.NeedsApproval {
			approval = append(approval, t.Name)
		}
		tools = append(tools, entry)
	}
	req.Tools = provider
	options := map[string]any{}
	if opts.StopWhen != nil {
		conds := make([]map[string]any, 0, len(opts.StopWhen))
		for _, c := range opts.StopWhen {
			switch {
			case c.fn != nil:
				conds = append(conds, map[string]any{"type": "host", "host_fn": scope.add(stopHost(c.fn))})
			case c.spec != nil:
				conds = append(conds, c.spec)
			}
		}
		options["stop_when"] = conds
	}
	if opts.MaxSteps > 0 {
		options["max_steps"] = opts.MaxSteps
	}
	if opts.MaxParallelTools > 0 {
		options["max_parallel_tools"] = opts.MaxParallelTools
	}
	if opts.MaxToolOutputBytes > 0 {
		options["max_tool_output_bytes"] = opts.MaxToolOutputBytes
	}
	if len(opts.Approvals) > 0 {
		options["approvals"] = opts.Approvals
	}
	if len(approval) > 0 {
		options["needs_approval"] = approval
	}
	if opts.RepairToolCall != nil {
		options["repair_host_fn"] = scope.add(repairHost(opts.RepairToolCall))
	}
	return map[string]any{"request": req, "tools": tools, "options": options}
}

// RunAgent runs the agent loop: it calls the model, runs the tools it asks for (their Execute
// functions, up to MaxParallelTools at once, each with a context derived from ctx), feeds the
// results back and calls it again until a stop condition holds. A tool's error or panic is
// fed back to the model as a tool error, not returned. Tools without Execute end the loop
// when called (the call is in the last step's ToolCalls); tools with NeedsApproval pause it
// (see AgentResult.PendingApprovals). Cancelling ctx stops the loop, cancels the running
// tools' contexts and waits for them to return.
func (c *Client) RunAgent(ctx context.Context, req TextRequest, opts AgentOptions) (*AgentResult, error) {
	scope := newHostScope(ctx)
	defer scope.close()
	body := agentRequest(req, opts, scope)
	data, err := c.call(ctx, opRunAgent, body)
	if err != nil {
		return nil, err
	}
	r, err := decode[AgentResult](data, "agent result")
	if err != nil {
		return nil, err
	}
	r.JSON = data
	return r, nil
}

// StreamAgent runs the agent loop as a stream of events: "start", per step "start-step", the
// model's events, "tool-result" / "tool-error" / "tool-approval-request" for the step's
// calls, "finish-step"; then "finish" with the total usage. Closing the stream or cancelling
// ctx stops the loop and cancels the running tools (Close waits for them to return).
func (c *Client) StreamAgent(ctx context.Context, req TextRequest, opts AgentOptions) (*Stream, error) {
	scope := newHostScope(ctx)
	return c.openStream(ctx, agentRequest(req, opts, scope), scope, streamAgent)
}
