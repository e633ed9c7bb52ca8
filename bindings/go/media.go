package ditto

import (
	"context"
	"encoding/base64"
	"encoding/json"
)

// RerankRequest is what Rerank takes.
type RerankRequest struct {
	// Model is "<provider>:<model>", e.g. "cohere:rerank-v3.5".
	Model string `json:"model"`
	// Query is what the documents are ranked against.
	Query string `json:"query"`
	// Documents are the texts to rank.
	Documents []string `json:"documents"`
	// TopN returns only the best TopN documents (0: all).
	TopN int `json:"top_n,omitempty"`
	// ProviderOptions are per-provider extras.
	ProviderOptions map[string]map[string]any `json:"provider_options,omitempty"`
	// Headers are extra HTTP headers for this call.
	Headers map[string]string `json:"headers,omitempty"`
	// MaxRetries overrides the client's retries for this call.
	MaxRetries *int `json:"max_retries,omitempty"`
}

// RankedDocument is one document of a RerankResult.
type RankedDocument struct {
	// Index is the document's position in RerankRequest.Documents.
	Index int `json:"index"`
	// RelevanceScore is the provider's score (higher is more relevant).
	RelevanceScore float64 `json:"relevance_score"`
	// Document is the document text.
	Document string `json:"document"`
}

// RerankResult is what Rerank returns: documents, most relevant first.
type RerankResult struct {
	Results  []RankedDocument `json:"results"`
	Usage    Usage            `json:"usage"`
	Warnings []Warning        `json:"warnings"`
	// ProviderMetadata holds provider-specific details (Cohere's billed units, ...).
	ProviderMetadata json.RawMessage `json:"provider_metadata,omitempty"`
}

// ImageRequest is what GenerateImage takes.
type ImageRequest struct {
	// Model is "<provider>:<model>", e.g. "openai:gpt-image-1".
	Model string `json:"model"`
	// Prompt says what to draw.
	Prompt string `json:"prompt"`
	// N is how many images (0: the provider's default).
	N int `json:"n,omitempty"`
	// Size is "WIDTHxHEIGHT", e.g. "1024x1024" ("": the provider's default).
	Size string `json:"size,omitempty"`
	// ProviderOptions are per-provider extras: {"openai": {"quality": "high"}}.
	ProviderOptions map[string]map[string]any `json:"provider_options,omitempty"`
	// Headers are extra HTTP headers for this call.
	Headers map[string]string `json:"headers,omitempty"`
	// MaxRetries overrides the client's retries for this call.
	MaxRetries *int `json:"max_retries,omitempty"`
}

// GeneratedImage is one image of an ImageResult.
type GeneratedImage struct {
	// Base64 is the image bytes, standard base64 (Data decodes them).
	Base64 string `json:"base64"`
	// MediaType is "image/png", ...
	MediaType string `json:"media_type"`
	// RevisedPrompt is the prompt the provider actually used, when it rewrote it.
	RevisedPrompt string `json:"revised_prompt,omitempty"`
}

// Data decodes the image bytes.
func (g GeneratedImage) Data() ([]byte, error) {
	data, err := base64.StdEncoding.DecodeString(g.Base64)
	if err != nil {
		return nil, &Error{Kind: KindProvider, Message: "the image is not valid base64: " + err.Error(), cause: err}
	}
	return data, nil
}

// ImageResult is what GenerateImage returns.
type ImageResult struct {
	Images   []GeneratedImage `json:"images"`
	Usage    Usage            `json:"usage"`
	Warnings []Warning        `json:"warnings"`
	// ProviderMetadata holds provider-specific details.
	ProviderMetadata json.RawMessage `json:"provider_metadata,omitempty"`
}

// TranscriptionRequest is what Transcribe takes.
type TranscriptionRequest struct {
	// Model is "<provider>:<model>", e.g. "openai:whisper-1".
	Model string
	// Audio is the audio file's bytes.
	Audio []byte
	// MediaType is the audio's type: "audio/mpeg", "audio/wav", ...
	MediaType string
	// Language is an ISO-639-1 hint ("": none).
	Language string
	// Prompt gives context or spelling hints ("": none).
	Prompt string
	// ProviderOptions are per-provider extras.
	ProviderOptions map[string]map[string]any
	// Headers are extra HTTP headers for this call.
	Headers map[string]string
	// MaxRetries overrides the client's retries for this call.
	MaxRetries *int
}

// MarshalJSON writes the core's TranscriptionRequest JSON (the audio as {"base64": ...}).
func (r TranscriptionRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Model           string                    `json:"model"`
		Audio           map[string]string         `json:"audio"`
		MediaType       string                    `json:"media_type"`
		Language        string                    `json:"language,omitempty"`
		Prompt          string                    `json:"prompt,omitempty"`
		ProviderOptions map[string]map[string]any `json:"provider_options,omitempty"`
		Headers         map[string]string         `json:"headers,omitempty"`
		MaxRetries      *int                      `json:"max_retries,omitempty"`
	}{
		Model: r.Model, Audio: map[string]string{"base64": base64.StdEncoding.EncodeToString(r.Audio)},
		MediaType: r.MediaType, Language: r.Language, Prompt: r.Prompt,
		ProviderOptions: r.ProviderOptions, Headers: r.Headers, MaxRetries: r.MaxRetries,
	})
}

// TranscriptSegment is a timed piece of a transcript (seconds).
type TranscriptSegment struct {
	Text  string  `json:"text"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// TranscriptionResult is what Transcribe returns.
type TranscriptionResult struct {
	// Text is the transcript.
	Text string `json:"text"`
	// Segments are timed words or segments, when the provider returned them.
	Segments []TranscriptSegment `json:"segments"`
	// Language is the detected language ("" when not reported).
	Language string `json:"language"`
	// DurationSeconds is the audio's length (nil when not reported).
	DurationSeconds *float64  `json:"duration_seconds"`
	Warnings        []Warning `json:"warnings"`
	// ProviderMetadata holds provider-specific details (OpenAI's billed seconds, ...).
	ProviderMetadata json.RawMessage `json:"provider_metadata,omitempty"`
}

// SpeechRequest is what GenerateSpeech takes.
type SpeechRequest struct {
	// Model is "<provider>:<model>", e.g. "openai:gpt-4o-mini-tts".
	Model string `json:"model"`
	// Text is what to say.
	Text string `json:"text"`
	// Voice ("": the provider's default), e.g. "alloy".
	Voice string `json:"voice,omitempty"`
	// OutputFormat is "mp3", "wav", "opus", ... ("": the provider's default).
	OutputFormat string `json:"output_format,omitempty"`
	// Speed is a speaking speed multiplier (0: the provider's default).
	Speed float64 `json:"speed,omitempty"`
	// Instructions give the style, for models that take them.
	Instructions string `json:"instructions,omitempty"`
	// ProviderOptions are per-provider extras.
	ProviderOptions map[string]map[string]any `json:"provider_options,omitempty"`
	// Headers are extra HTTP headers for this call.
	Headers map[string]string `json:"headers,omitempty"`
	// MaxRetries overrides the client's retries for this call.
	MaxRetries *int `json:"max_retries,omitempty"`
}

// SpeechResult is what GenerateSpeech returns.
type SpeechResult struct {
	// Audio is the audio file's bytes.
	Audio []byte `json:"audio_base64"`
	// MediaType is the audio's type: "audio/mpeg", ...
	MediaType string    `json:"media_type"`
	Warnings  []Warning `json:"warnings"`
}

// Rerank orders req.Documents by relevance to req.Query, most relevant first. Cancelling ctx
// aborts the request.
func (c *Client) Rerank(ctx context.Context, req RerankRequest) (*RerankResult, error) {
	if req.Documents == nil {
		req.Documents = []string{} // JSON [], not null
	}
	return callDecode[RerankResult](ctx, c, opRerank, req, "rerank result")
}

// GenerateImage generates images from req.Prompt. Cancelling ctx aborts the request.
func (c *Client) GenerateImage(ctx context.Context, req ImageRequest) (*ImageResult, error) {
	return callDecode[ImageResult](ctx, c, opGenerateImage, req, "image result")
}

// Transcribe turns req.Audio into text. Cancelling ctx aborts the request.
func (c *Client) Transcribe(ctx context.Context, req TranscriptionRequest) (*TranscriptionResult, error) {
	return callDecode[TranscriptionResult](ctx, c, opTranscribe, req, "transcription")
}

// GenerateSpeech turns req.Text into audio. Cancelling ctx aborts the request.
func (c *Client) GenerateSpeech(ctx context.Context, req SpeechRequest) (*SpeechResult, error) {
	return callDecode[SpeechResult](ctx, c, opGenerateSpeech, req, "speech result")
}
