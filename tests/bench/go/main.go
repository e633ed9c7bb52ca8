// Benchmark: the same 2,000-chunk stream from ditto-mock-upstream, consumed through the Go
// binding (ditto) and through the official openai-go client. Prints per-client timings and the
// ratio. Run it with tests/bench/go/run.sh (it builds release binaries first).
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	ditto "github.com/ditto-llm/ditto-llm/bindings/go"
	"github.com/openai/openai-go"
	"github.com/openai/openai-go/option"
)

type sample struct {
	total, ttft time.Duration
	chunks      int
}

func main() {
	bin := flag.String("mock", "", "path to the ditto-mock-upstream binary")
	words := flag.Int("chunks", 2000, "text chunks per stream (one word each)")
	runs := flag.Int("runs", 20, "measured streams per client")
	warmup := flag.Int("warmup", 3, "unmeasured streams per client first")
	flag.Parse()
	if *bin == "" {
		fail("-mock is required")
	}
	url, stop := startMock(*bin)
	defer stop()

	prompt := strings.TrimSpace(strings.Repeat("tok ", *words-1)) // the mock echoes "echo: " + prompt
	want := "echo: " + prompt
	ctx := context.Background()

	dc, err := ditto.New(ditto.Config{Providers: map[string]ditto.ProviderConfig{
		"openai": {APIKey: "sk-bench", BaseURL: url + "/v1"}}})
	if err != nil {
		fail(err.Error())
	}
	defer dc.Close()
	oc := openai.NewClient(option.WithBaseURL(url+"/v1/"), option.WithAPIKey("sk-bench"), option.WithMaxRetries(0))

	viaDitto := func() sample {
		start := time.Now()
		var s sample
		var text strings.Builder
		for ev, err := range dc.StreamTextSeq(ctx, ditto.TextRequest{Model: "openai:gpt-4o-mini", Prompt: prompt}) {
			if err != nil {
				fail("ditto: " + err.Error())
			}
			if ev.Type == "text-delta" {
				if s.chunks == 0 {
					s.ttft = time.Since(start)
				}
				s.chunks++
				text.WriteString(ev.Text)
			}
		}
		s.total = time.Since(start)
		check("ditto", text.String(), want)
		return s
	}
	viaOpenAI := func() sample {
		start := time.Now()
		var s sample
		var text strings.Builder
		stream := oc.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{
			Model:         "gpt-4o-mini",
			Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage(prompt)},
			StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
		})
		for stream.Next() {
			chunk := stream.Current()
			if len(chunk.Choices) > 0 && chunk.Choices[0].Delta.Content != "" {
				if s.chunks == 0 {
					s.ttft = time.Since(start)
				}
				s.chunks++
				text.WriteString(chunk.Choices[0].Delta.Content)
			}
		}
		if err := stream.Err(); err != nil {
			fail("openai-go: " + err.Error())
		}
		stream.Close()
		s.total = time.Since(start)
		check("openai-go", text.String(), want)
		return s
	}

	for i := 0; i < *warmup; i++ {
		viaDitto()
		viaOpenAI()
	}
	var ds, os_ []sample
	for i := 0; i < *runs; i++ { // interleaved, so both see the same machine load
		ds = append(ds, viaDitto())
		os_ = append(os_, viaOpenAI())
	}
	fmt.Printf("stream of %d text chunks from ditto-mock-upstream, %d runs each (after %d warm-up)\n", ds[0].chunks, *runs, *warmup)
	dm, om := report("ditto (Go binding)", ds), report("openai-go v1", os_)
	fmt.Printf("ratio ditto / openai-go (median total): %.2f\n", float64(dm)/float64(om))
}

func report(name string, xs []sample) time.Duration {
	totals := make([]time.Duration, len(xs))
	ttfts := make([]time.Duration, len(xs))
	for i, x := range xs {
		totals[i], ttfts[i] = x.total, x.ttft
	}
	med := median(totals)
	fmt.Printf("%-20s median %8.2f ms  min %8.2f ms  max %8.2f ms  ttft median %6.2f ms  %8.0f chunks/s\n",
		name, ms(med), ms(minOf(totals)), ms(maxOf(totals)), ms(median(ttfts)), float64(xs[0].chunks)/med.Seconds())
	return med
}

func median(xs []time.Duration) time.Duration {
	s := append([]time.Duration(nil), xs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func minOf(xs []time.Duration) time.Duration {
	m := xs[0]
	for _, x := range xs {
		m = min(m, x)
	}
	return m
}

func maxOf(xs []time.Duration) time.Duration {
	m := xs[0]
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func check(who, got, want string) {
	if got != want {
		fail(fmt.Sprintf("%s: got %d bytes of text, want %d", who, len(got), len(want)))
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "bench:", msg)
	os.Exit(1)
}

// startMock runs the mock upstream on a free port and returns its URL.
func startMock(bin string) (string, func()) {
	cmd := exec.Command(bin, "--port", "0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		fail(err.Error())
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		fail(err.Error())
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if err != nil || !ok {
		_ = cmd.Process.Kill()
		fail(fmt.Sprintf("mock did not start: %q %v", line, err))
	}
	return url, func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
}
