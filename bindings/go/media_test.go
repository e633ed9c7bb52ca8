package ditto

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// rawRecorded is a recorded request whose body may be JSON or (multipart uploads) a string.
type rawRecorded struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

func (m *mock) rawRequests(t testing.TB, key string) []rawRecorded {
	t.Helper()
	var out []rawRecorded
	m.do(t, "GET", "/__mock/requests?scenario="+key, nil, &out)
	return out
}

// checkReachedWithCredentials fails unless every request of scenario key was an authenticated
// POST, and there was at least one.
func checkReachedWithCredentials(t *testing.T, m *mock, key string) []rawRecorded {
	t.Helper()
	sent := m.rawRequests(t, key)
	if len(sent) == 0 {
		t.Fatalf("%s: no request reached the mock", key)
	}
	for _, r := range sent {
		if r.Method != "POST" || r.Headers["authorization"] != "Bearer sk-test-secret" {
			t.Fatalf("%s: %s %s without credentials (%v)", key, r.Method, r.Path, r.Headers)
		}
	}
	return sent
}

// The cases of tests/fixtures/ai-sdk-media-cases.json, compared with the same snapshots as
// core/tests/conformance.rs (ai_sdk_media_recordings). The outcome is the Go result written
// back as JSON, so the comparison covers the Go types.
func TestConformanceAISDKMediaRecordings(t *testing.T) {
	if sharedFixtures(t) == "" {
		t.Skip("SKIPPED: ../shared/fixtures/ai-sdk is not present; media conformance not run")
	}
	m := startMock(t)
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "tests", "fixtures", "ai-sdk-media-cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Cases []struct {
			Name  string `json:"name"`
			File  string `json:"file"`
			Model string `json:"model"`
			Kind  string `json:"kind"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(data, &manifest); err != nil {
		t.Fatal(err)
	}
	if len(manifest.Cases) == 0 {
		t.Fatal("no AI SDK media cases")
	}
	for _, mc := range manifest.Cases {
		t.Run(mc.Name, func(t *testing.T) {
			m.scenario(t, mc.Name, map[string]any{"fixture": mc.File})
			provider, _, _ := strings.Cut(mc.Model, ":")
			client := m.client(t, mc.Name, provider)
			ctx := context.Background()
			var outcome map[string]any
			switch mc.Kind {
			case "image":
				r, err := client.GenerateImage(ctx, ImageRequest{Model: mc.Model, Prompt: "replayed", MaxRetries: ptr(0)})
				if err != nil {
					outcome = map[string]any{"error": errorOutcome(err)}
					break
				}
				for i, img := range r.Images {
					if b, err := img.Data(); err != nil || len(b) == 0 {
						t.Fatalf("image %d: %d bytes, %v", i, len(b), err)
					}
				}
				outcome = map[string]any{"result": rawJSON(t, []byte(mustJSON(r)))}
			case "transcription":
				r, err := client.Transcribe(ctx, TranscriptionRequest{Model: mc.Model, Audio: []byte("RIFF"),
					MediaType: "audio/wav", MaxRetries: ptr(0)})
				if err != nil {
					outcome = map[string]any{"error": errorOutcome(err)}
					break
				}
				result := rawJSON(t, []byte(mustJSON(r))).(map[string]any)
				if r.Language == "" {
					result["language"] = nil // the core writes an unknown language as null
				}
				outcome = map[string]any{"result": result}
			default:
				t.Fatalf("unknown media case kind %q", mc.Kind)
			}
			checkReachedWithCredentials(t, m, mc.Name)
			snap := filepath.Join(repoRoot(t), "tests", "fixtures", "ai-sdk-snapshots", mc.Name+".json")
			compareSnapshot(t, snap, outcome)
		})
	}
}

func TestRerankAgainstMock(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "rerank", "cohere")
	docs := []string{"Paris is in France", "The cat sat on the mat", "A cat in Paris", "Bread and butter"}
	r, err := c.Rerank(context.Background(), RerankRequest{
		Model: "cohere:rerank-v3.5", Query: "cat paris", Documents: docs, TopN: 3,
		Headers: map[string]string{"x-trace": "r1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	// The mock scores the share of query words found (ties keep input order).
	want := []RankedDocument{{2, 1, docs[2]}, {0, 0.5, docs[0]}, {1, 0.5, docs[1]}}
	if mustJSON(r.Results) != mustJSON(want) {
		t.Fatalf("results %s", mustJSON(r.Results))
	}
	if len(r.Warnings) != 0 || !strings.Contains(string(r.ProviderMetadata), "search_units") {
		t.Fatalf("result %s", mustJSON(r))
	}
	sent := m.requests(t, "rerank")
	if len(sent) != 1 || sent[0].Path != "/v2/rerank" || sent[0].Headers["authorization"] != "Bearer sk-test-secret" ||
		sent[0].Headers["x-trace"] != "r1" {
		t.Fatalf("requests %s", mustJSON(sent))
	}
	body := sent[0].Body
	if body["model"] != "rerank-v3.5" || body["query"] != "cat paris" || body["top_n"] != 3.0 || len(body["documents"].([]any)) != 4 {
		t.Fatalf("body %s", mustJSON(body))
	}

	// All documents without TopN; none at all without a request.
	all, err := c.Rerank(context.Background(), RerankRequest{Model: "cohere:rerank-v3.5", Query: "bread", Documents: docs})
	if err != nil || len(all.Results) != 4 || all.Results[0].Index != 3 || all.Results[0].RelevanceScore != 1 {
		t.Fatalf("all %s %v", mustJSON(all), err)
	}
	none, err := c.Rerank(context.Background(), RerankRequest{Model: "cohere:rerank-v3.5", Query: "q"})
	if err != nil || len(none.Results) != 0 || len(m.requests(t, "rerank")) != 2 {
		t.Fatalf("none %s %v", mustJSON(none), err)
	}
}

func TestGenerateImageAgainstMock(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "image")
	r, err := c.GenerateImage(context.Background(), ImageRequest{
		Model: "openai:dall-e-3", Prompt: "a lighthouse", N: 2, Size: "1024x1024",
		ProviderOptions: map[string]map[string]any{"openai": {"quality": "hd"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Images) != 2 {
		t.Fatalf("images %s", mustJSON(r))
	}
	for _, img := range r.Images {
		data, err := img.Data()
		if err != nil || !bytes.HasPrefix(data, []byte("\x89PNG")) || img.MediaType != "image/png" ||
			img.RevisedPrompt != "mock: a lighthouse" {
			t.Fatalf("image %s: %v", mustJSON(img), err)
		}
	}
	sent := m.requests(t, "image")
	body := sent[0].Body
	if sent[0].Path != "/v1/images/generations" || body["model"] != "dall-e-3" || body["n"] != 2.0 ||
		body["size"] != "1024x1024" || body["quality"] != "hd" || body["response_format"] != "b64_json" {
		t.Fatalf("request %s %s", sent[0].Path, mustJSON(body))
	}
	if _, err := (GeneratedImage{Base64: "not base64!"}).Data(); !errors.Is(err, ErrProvider) {
		t.Fatalf("bad base64: %v", err)
	}
}

func TestTranscribeAgainstMock(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "transcribe")
	audio := append([]byte("RIFF"), make([]byte, 60)...)
	r, err := c.Transcribe(context.Background(), TranscriptionRequest{
		Model: "openai:whisper-1", Audio: audio, MediaType: "audio/wav", Language: "en", Prompt: "Ditto",
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != "mock transcript of 64 bytes" {
		t.Fatalf("text %q", r.Text)
	}
	if len(r.Segments) > 0 && (r.Segments[0].Text != r.Text || r.Segments[0].End != 1.5) {
		t.Fatalf("segments %s", mustJSON(r.Segments))
	}
	if r.DurationSeconds != nil && *r.DurationSeconds != 1.5 {
		t.Fatalf("duration %v", *r.DurationSeconds)
	}
	sent := checkReachedWithCredentials(t, m, "transcribe")
	var body string
	if err := json.Unmarshal(sent[0].Body, &body); err != nil {
		t.Fatalf("multipart body recorded as %s", sent[0].Body)
	}
	if sent[0].Path != "/v1/audio/transcriptions" || !strings.Contains(sent[0].Headers["content-type"], "multipart/form-data") ||
		!strings.Contains(body, "whisper-1") || !strings.Contains(body, "Ditto") || !strings.Contains(body, "RIFF") {
		t.Fatalf("request %s %v %q", sent[0].Path, sent[0].Headers, body)
	}
}

func TestGenerateSpeechAgainstMock(t *testing.T) {
	m := startMock(t)
	c := m.client(t, "speech")
	r, err := c.GenerateSpeech(context.Background(), SpeechRequest{
		Model: "openai:gpt-4o-mini-tts", Text: "Hello from Go", Voice: "nova", OutputFormat: "mp3",
		Speed: 1.25, Instructions: "cheerful",
	})
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Audio) != "ID3Hello from Go" || r.MediaType != "audio/mpeg" || len(r.Warnings) != 0 {
		t.Fatalf("speech %q %s %v", r.Audio, r.MediaType, r.Warnings)
	}
	sent := m.requests(t, "speech")
	body := sent[0].Body
	if sent[0].Path != "/v1/audio/speech" || body["model"] != "gpt-4o-mini-tts" || body["input"] != "Hello from Go" ||
		body["voice"] != "nova" || body["response_format"] != "mp3" || body["speed"] != 1.25 || body["instructions"] != "cheerful" {
		t.Fatalf("request %s %s", sent[0].Path, mustJSON(body))
	}
	// Settings the core checks come back as ErrInvalidRequest without a request.
	_, err = c.GenerateSpeech(context.Background(), SpeechRequest{Model: "openai:tts-1", Text: "x", OutputFormat: "midi"})
	if !errors.Is(err, ErrInvalidRequest) || len(m.requests(t, "speech")) != 1 {
		t.Fatalf("midi: %v", err)
	}
}

func TestMediaErrorsMapToSentinels(t *testing.T) {
	m := startMock(t)
	ctx := context.Background()
	calls := []struct {
		name     string
		status   int
		sentinel error
		provider string
		call     func(c *Client) error
	}{
		{"rerank-429", 429, ErrRateLimited, "cohere", func(c *Client) error {
			_, err := c.Rerank(ctx, RerankRequest{Model: "cohere:rerank-v3.5", Query: "q", Documents: []string{"a"}, MaxRetries: ptr(0)})
			return err
		}},
		{"image-400", 400, ErrInvalidRequest, "openai", func(c *Client) error {
			_, err := c.GenerateImage(ctx, ImageRequest{Model: "openai:gpt-image-1", Prompt: "p", MaxRetries: ptr(0)})
			return err
		}},
		{"transcribe-500", 500, ErrProvider, "openai", func(c *Client) error {
			_, err := c.Transcribe(ctx, TranscriptionRequest{Model: "openai:whisper-1", Audio: []byte("RIFF"), MediaType: "audio/wav", MaxRetries: ptr(0)})
			return err
		}},
		{"speech-401", 401, ErrAuthentication, "openai", func(c *Client) error {
			_, err := c.GenerateSpeech(ctx, SpeechRequest{Model: "openai:tts-1", Text: "hi", MaxRetries: ptr(0)})
			return err
		}},
	}
	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) {
			m.scenario(t, tc.name, map[string]any{"status": tc.status})
			err := tc.call(m.client(t, tc.name, tc.provider))
			var de *Error
			if !errors.Is(err, tc.sentinel) || !errors.As(err, &de) || de.Status != tc.status || de.Body == "" {
				t.Fatalf("got %v (%#v), want %v", err, de, tc.sentinel)
			}
			if n := len(m.rawRequests(t, tc.name)); n != 1 {
				t.Fatalf("%d requests with MaxRetries 0", n)
			}
		})
	}
	// A provider that is not configured, and one without speech models.
	c := m.client(t, "", "openai")
	if _, err := c.Rerank(ctx, RerankRequest{Model: "cohere:rerank-v3.5", Query: "q", Documents: []string{"a"}}); !errors.Is(err, ErrConfig) {
		t.Fatalf("unconfigured provider: %v", err)
	}
	if _, err := c.GenerateSpeech(ctx, SpeechRequest{Model: "mock:echo", Text: "hi"}); err == nil {
		t.Fatal("speech from the mock provider succeeded")
	}
	// A closed client.
	c.Close()
	if _, err := c.GenerateImage(ctx, ImageRequest{Model: "openai:gpt-image-1", Prompt: "p"}); !errors.Is(err, ErrConfig) {
		t.Fatalf("closed client: %v", err)
	}
}

func TestMediaCancellation(t *testing.T) {
	m := startMock(t)
	m.scenario(t, "slow-speech", map[string]any{"latency_ms": 10000})
	c := m.client(t, "slow-speech")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GenerateSpeech(ctx, SpeechRequest{Model: "openai:tts-1", Text: "hi"})
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("speech err %v", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Fatalf("speech took %s", time.Since(start))
	}

	// Cancelled from another goroutine while the rerank request waits for the mock.
	m.scenario(t, "slow-rerank", map[string]any{"latency_ms": 10000})
	cr := m.client(t, "slow-rerank", "cohere")
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() {
		time.Sleep(150 * time.Millisecond)
		cancel2()
	}()
	start = time.Now()
	_, err = cr.Rerank(ctx2, RerankRequest{Model: "cohere:rerank-v3.5", Query: "q", Documents: []string{"a", "b"}})
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) || time.Since(start) > 3*time.Second {
		t.Fatalf("rerank err %v after %s", err, time.Since(start))
	}
	eventually(t, "the rerank request to reach the mock", func() bool { return len(m.rawRequests(t, "slow-rerank")) == 1 })

	// Already-cancelled contexts fail before any request.
	before := m.stats(t).RequestsTotal
	if _, err := c.GenerateImage(ctx2, ImageRequest{Model: "openai:gpt-image-1", Prompt: "p"}); !errors.Is(err, ErrCancelled) {
		t.Fatalf("image err %v", err)
	}
	if _, err := c.Transcribe(ctx2, TranscriptionRequest{Model: "openai:whisper-1", Audio: []byte("x"), MediaType: "audio/wav"}); !errors.Is(err, ErrCancelled) {
		t.Fatalf("transcribe err %v", err)
	}
	if after := m.stats(t).RequestsTotal; after != before {
		t.Fatalf("requests went out after cancellation: %d -> %d", before, after)
	}
	counts := LiveHandles()
	if counts.Cancels != 0 {
		t.Fatalf("cancel tokens leaked: %+v", counts)
	}
}
