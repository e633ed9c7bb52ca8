package ditto

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The same cases and snapshot files as core/tests/conformance.rs: recordings served by the
// mock upstream, the normalized outcome compared with expected.json / ai-sdk-snapshots.

type confCase struct {
	name    string
	fixture string
	status  int
	headers map[string]string
	request map[string]any
	stream  bool
	embed   []string
	// configure names the provider to set up when it differs from the model prefix
	// (azure for azure-responses:).
	configure string
}

// errorOutcome is the part of an error every language compares.
func errorOutcome(err error) map[string]any {
	var e *Error
	if !errors.As(err, &e) {
		return map[string]any{"kind": "not a ditto error", "message": err.Error()}
	}
	out := map[string]any{"kind": string(e.Kind), "status": nil, "code": nil}
	if e.Status != 0 {
		out["status"] = e.Status
	}
	if e.Code != "" {
		out["code"] = e.Code
	}
	return out
}

// normalize drops response.headers (they vary between runs and languages).
func normalize(v any) any {
	if m, ok := v.(map[string]any); ok {
		if r, ok := m["response"].(map[string]any); ok {
			delete(r, "headers")
		}
	}
	return v
}

func rawJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("bad JSON %s: %v", data, err)
	}
	return v
}

// requestFromCase turns the case's TextRequest JSON into the Go request type (rejecting fields
// the Go type lacks), so the comparison covers the Go types too.
func requestFromCase(t *testing.T, raw map[string]any) TextRequest {
	t.Helper()
	var req TextRequest
	dec := json.NewDecoder(strings.NewReader(mustJSON(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		t.Fatalf("case request %s: %v", mustJSON(raw), err)
	}
	return req
}

// runCase replays one case and checks that its requests reached the mock with credentials.
func runCase(t *testing.T, m *mock, c confCase) map[string]any {
	out := replay(t, m, c)
	sent := m.requests(t, c.name)
	if len(sent) == 0 {
		t.Fatalf("%s: no request reached the mock", c.name)
	}
	for _, r := range sent {
		authed := false
		for _, h := range []string{"authorization", "x-api-key", "x-goog-api-key", "api-key"} {
			authed = authed || r.Headers[h] != ""
		}
		if r.Method != "POST" || !authed {
			t.Fatalf("%s: %s %s without credentials (%v)", c.name, r.Method, r.Path, r.Headers)
		}
	}
	return out
}

func replay(t *testing.T, m *mock, c confCase) map[string]any {
	step := map[string]any{"fixture": c.fixture}
	if c.status != 0 {
		step["status"] = c.status
	}
	if len(c.headers) > 0 {
		step["headers"] = c.headers
	}
	m.scenario(t, c.name, step)
	model := c.request["model"].(string)
	provider, _, _ := strings.Cut(model, ":")
	if c.configure != "" {
		provider = c.configure
	}
	client := m.client(t, c.name, provider)
	ctx := context.Background()
	if c.embed != nil {
		r, err := client.Embed(ctx, EmbedRequest{Model: model, Input: c.embed})
		if err != nil {
			return map[string]any{"error": errorOutcome(err)}
		}
		// Rust's snapshot holds the f32 values widened to f64; widen the same way.
		wide := make([][]float64, len(r.Embeddings))
		for i, v := range r.Embeddings {
			for _, x := range v {
				wide[i] = append(wide[i], float64(x))
			}
		}
		data, _ := json.Marshal(map[string]any{"embeddings": wide, "usage": r.Usage})
		return rawJSON(t, data).(map[string]any)
	}
	req := requestFromCase(t, c.request)
	if !c.stream {
		r, err := client.GenerateText(ctx, req)
		if err != nil {
			return map[string]any{"error": errorOutcome(err)}
		}
		return map[string]any{"result": normalize(rawJSON(t, r.JSON))}
	}
	events := []any{}
	out := map[string]any{}
	for ev, err := range client.StreamTextSeq(ctx, req) {
		if err != nil {
			out["error"] = errorOutcome(err)
			break
		}
		events = append(events, normalize(rawJSON(t, ev.JSON)))
	}
	out["events"] = events
	return out
}

func compareSnapshot(t *testing.T, path string, actual map[string]any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing snapshot %s (the Rust suite writes it): %v", path, err)
	}
	expected := rawJSON(t, data)
	actualNorm := rawJSON(t, []byte(mustJSON(actual)))
	if !reflect.DeepEqual(expected, actualNorm) {
		pretty, _ := json.MarshalIndent(actualNorm, "", "  ")
		t.Errorf("snapshot mismatch for %s\nactual: %s", path, pretty)
	}
}

// ownFolders are the folders of our own recordings, as in core/tests/conformance.rs: OpenAI
// (at least 10 cases) and the native wire formats (at least 2 each).
var ownFolders = map[string]int{
	"openai": 10, "anthropic": 2, "google": 2, "cohere": 2, "bedrock": 2, "openai-responses": 2,
}

func TestConformanceOwnRecordings(t *testing.T) {
	m := startMock(t)
	folders := make([]string, 0, len(ownFolders))
	for f := range ownFolders {
		folders = append(folders, f)
	}
	sort.Strings(folders)
	for _, folder := range folders {
		root := filepath.Join(repoRoot(t), "tests", "fixtures", folder)
		entries, err := os.ReadDir(root)
		if err != nil {
			t.Fatalf("%s: %v", folder, err)
		}
		names := []string{}
		for _, e := range entries {
			if _, err := os.Stat(filepath.Join(root, e.Name(), "case.json")); err == nil {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		if len(names) < ownFolders[folder] {
			t.Fatalf("%s: expected at least %d cases, found %d", folder, ownFolders[folder], len(names))
		}
		for _, name := range names {
			t.Run(folder+"/"+name, func(t *testing.T) {
				data, err := os.ReadFile(filepath.Join(root, name, "case.json"))
				if err != nil {
					t.Fatal(err)
				}
				var spec struct {
					Request   map[string]any    `json:"request"`
					Fixture   string            `json:"fixture"`
					Status    int               `json:"status"`
					Headers   map[string]string `json:"headers"`
					Stream    bool              `json:"stream"`
					Configure string            `json:"configure"`
				}
				if err := json.Unmarshal(data, &spec); err != nil {
					t.Fatal(err)
				}
				c := confCase{name: folder + "-" + name, fixture: fmt.Sprintf("%s/%s/%s", folder, name, spec.Fixture),
					status: spec.Status, headers: spec.Headers, request: spec.Request, stream: spec.Stream,
					configure: spec.Configure}
				compareSnapshot(t, filepath.Join(root, name, "expected.json"), runCase(t, m, c))
			})
		}
	}
}

func TestConformanceAISDKRecordings(t *testing.T) {
	if sharedFixtures(t) == "" {
		t.Skip("SKIPPED: ../shared/fixtures/ai-sdk is not present; AI SDK conformance not run")
	}
	m := startMock(t)
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "tests", "fixtures", "ai-sdk-cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Cases []struct {
			Name      string   `json:"name"`
			File      string   `json:"file"`
			Status    int      `json:"status"`
			Model     string   `json:"model"`
			Stream    bool     `json:"stream"`
			Embed     []string `json:"embed"`
			Configure string   `json:"configure"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(data, &manifest); err != nil {
		t.Fatal(err)
	}
	if len(manifest.Cases) == 0 {
		t.Fatal("no AI SDK cases")
	}
	for _, mc := range manifest.Cases {
		t.Run(mc.Name, func(t *testing.T) {
			c := confCase{name: mc.Name, fixture: mc.File, status: mc.Status, stream: mc.Stream, embed: mc.Embed, configure: mc.Configure,
				request: map[string]any{"model": mc.Model, "prompt": "replayed", "max_retries": 0}}
			snap := filepath.Join(repoRoot(t), "tests", "fixtures", "ai-sdk-snapshots", mc.Name+".json")
			compareSnapshot(t, snap, runCase(t, m, c))
		})
	}
}
