package ditto

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// repoRoot is the repository root (this package is bindings/go).
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// sharedFixtures is ../shared/fixtures/ai-sdk beside the repo (or $DITTO_SHARED_FIXTURES), or
// "" when absent.
func sharedFixtures(t testing.TB) string {
	dir := os.Getenv("DITTO_SHARED_FIXTURES")
	if dir == "" {
		dir = filepath.Join(repoRoot(t), "..", "shared", "fixtures", "ai-sdk")
	}
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir
	}
	return ""
}

// mock is a ditto-mock-upstream process owned by one test.
type mock struct {
	URL string
}

// startMock runs the mock upstream binary ($DITTO_MOCK_BIN, else target/debug) on a free
// port with our fixtures and the shared recordings; it is stopped when the test ends.
func startMock(t testing.TB) *mock {
	t.Helper()
	bin := os.Getenv("DITTO_MOCK_BIN")
	if bin == "" {
		bin = filepath.Join(repoRoot(t), "target", "debug", "ditto-mock-upstream")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("mock upstream binary not found at %s (run bindings/go/scripts/test.sh, or cargo build -p ditto-mock-upstream)", bin)
	}
	args := []string{"--port", "0", "--fixtures", filepath.Join(repoRoot(t), "tests", "fixtures")}
	if dir := sharedFixtures(t); dir != "" {
		args = append(args, "--fixtures", dir)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- l
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case l := <-line:
		url, ok := strings.CutPrefix(strings.TrimSpace(l), "listening on ")
		if !ok {
			t.Fatalf("unexpected first line from the mock: %q", l)
		}
		return &mock{URL: url}
	case <-time.After(20 * time.Second):
		t.Fatal("mock upstream did not start within 20s")
		return nil
	}
}

func (m *mock) do(t testing.TB, method, path string, body any, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, m.URL+path, rd)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, data)
		}
	}
}

// scenario queues steps for key.
func (m *mock) scenario(t testing.TB, key string, steps ...map[string]any) {
	t.Helper()
	m.do(t, "POST", "/__mock/scenarios/"+key, map[string]any{"steps": steps}, nil)
}

type recorded struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Body    map[string]any    `json:"body"`
}

// requests are the recorded requests with scenario key.
func (m *mock) requests(t testing.TB, key string) []recorded {
	t.Helper()
	var out []recorded
	m.do(t, "GET", "/__mock/requests?scenario="+key, nil, &out)
	return out
}

type mockStats struct {
	RequestsTotal       int `json:"requests_total"`
	StreamsStarted      int `json:"streams_started"`
	StreamsCompleted    int `json:"streams_completed"`
	StreamsDisconnected int `json:"streams_disconnected"`
}

func (m *mock) stats(t testing.TB) mockStats {
	t.Helper()
	var s mockStats
	m.do(t, "GET", "/__mock/stats", nil, &s)
	return s
}

// adapters says how each provider prefix is configured against the mock (the "providers"
// map of tests/fixtures/ai-sdk-cases.json, shared by every language's suite).
func adapters(t testing.TB) map[string]map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "tests", "fixtures", "ai-sdk-cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Providers map[string]map[string]any `json:"providers"`
	}
	if err := json.Unmarshal(data, &manifest); err != nil {
		t.Fatal(err)
	}
	return manifest.Providers
}

// providerConfig points provider name at the mock: the manifest's adapter type, base path and
// settings; unlisted names are OpenAI-compatible at /v1.
func (m *mock) providerConfig(t testing.TB, name string) ProviderConfig {
	t.Helper()
	all := adapters(t)
	a, ok := all[name]
	if !ok {
		a = map[string]any{"type": "openai-compatible", "base_path": "/v1"}
	}
	if from, ok := a["derived_from"].(string); ok {
		a = all[from]
	}
	basePath, ok := a["base_path"].(string)
	if !ok {
		basePath = "/v1"
	}
	settings := map[string]any{}
	for k, v := range a {
		if k != "base_path" {
			settings[k] = v
		}
	}
	settings["base_url"] = m.URL + basePath
	if _, aws := settings["access_key_id"]; !aws {
		settings["api_key"] = "sk-test-secret"
	}
	var pc ProviderConfig
	data, _ := json.Marshal(settings)
	if err := json.Unmarshal(data, &pc); err != nil {
		t.Fatalf("adapter %s: %v", name, err)
	}
	return pc
}

// client makes a client whose providers all point at the mock, sending header
// x-mock-scenario: key (when key is not empty).
func (m *mock) client(t testing.TB, key string, providers ...string) *Client {
	t.Helper()
	if len(providers) == 0 {
		providers = []string{"openai"}
	}
	cfg := Config{Providers: map[string]ProviderConfig{}}
	for _, p := range providers {
		pc := m.providerConfig(t, p)
		if key != "" {
			pc.Headers = map[string]string{"x-mock-scenario": key}
		}
		cfg.Providers[p] = pc
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// eventually polls cond for up to 5 s.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 250; i++ {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func ptr[T any](v T) *T { return &v }

func mustJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprint(err))
	}
	return string(data)
}
