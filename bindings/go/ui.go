package ditto

/*
#include <stdlib.h>
#include "ditto.h"
*/
import "C"

import (
	"encoding/json"
	"net/http"
	"runtime"
	"unsafe"
)

// UIStreamOptions configures ServeUIMessageStream (the AI SDK UI message stream, v1 protocol).
type UIStreamOptions struct {
	// Version is "v5" (default: only the chunk fields every ai 5.x client accepts) or "v6".
	Version string
	// MessageID is sent in the start chunk.
	MessageID string
	// OmitReasoning drops reasoning blocks; SendSources adds source chunks.
	OmitReasoning bool
	SendSources   bool
	// OmitStart / OmitFinish drop the start / finish chunks (when joining several streams).
	OmitStart  bool
	OmitFinish bool
	// MaskErrors replaces error details with "An error occurred." like the AI SDK's default.
	MaskErrors bool
}

func (o UIStreamOptions) spec() map[string]any {
	m := map[string]any{"type": "ui-encoder", "send_reasoning": !o.OmitReasoning, "send_sources": o.SendSources,
		"send_start": !o.OmitStart, "send_finish": !o.OmitFinish, "mask_errors": o.MaskErrors}
	if o.Version != "" {
		m["version"] = o.Version
	}
	if o.MessageID != "" {
		m["message_id"] = o.MessageID
	}
	return m
}

// UIMessageStreamHeader is the header (and value) that marks a UI message stream response.
const UIMessageStreamHeader, UIMessageStreamVersion = "x-vercel-ai-ui-message-stream", "v1"

// ServeUIMessageStream answers an AI SDK useChat request from a net/http handler: it sets the
// headers (text/event-stream, no caching, x-vercel-ai-ui-message-stream: v1), converts each
// event of stream (a text or agent *Stream, a Tee's event side, ...) into UI chunks, flushing
// after each, and ends with data: [DONE]. An error ending the stream is sent as an error
// chunk. It returns the first write error (the client went away) — the caller still closes
// stream.
func ServeUIMessageStream(w http.ResponseWriter, stream EventSource, opts UIStreamOptions) error {
	c, err := newCodec(opts.spec())
	if err != nil {
		return err
	}
	defer c.close()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no")
	h.Set(UIMessageStreamHeader, UIMessageStreamVersion)
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	write := func(frame []byte) error {
		if len(frame) == 0 {
			return nil
		}
		if _, err := w.Write(frame); err != nil {
			return err
		}
		if flusher != nil {
			flusher.Flush()
		}
		return nil
	}
	encode := func(eventJSON []byte) error {
		frame, err := c.feed(eventJSON)
		if err != nil {
			return err
		}
		return write(frame)
	}
	for stream.Next() {
		data, err := json.Marshal(stream.Current())
		if err != nil {
			return err
		}
		if err := encode(data); err != nil {
			return err
		}
	}
	if err := stream.Err(); err != nil {
		if werr := encode(errorEventJSON(err)); werr != nil {
			return werr
		}
	}
	end, err := c.finish()
	if err != nil {
		return err
	}
	return write(end)
}

// UIChatRequest is the body useChat posts, with its messages converted to Messages.
type UIChatRequest struct {
	// ID is the chat id; Trigger "submit-message" or "regenerate-message"; MessageID the
	// message to regenerate; Model the model the app sent, if any.
	ID        string `json:"id"`
	Trigger   string `json:"trigger"`
	MessageID string `json:"message_id"`
	Model     string `json:"model"`
	// Extra holds the body's other fields (what the app added with body: {...}).
	Extra map[string]json.RawMessage `json:"extra"`
	// Messages is the conversation in Ditto's shape (text, reasoning, files, tool calls and
	// their results as tool messages).
	Messages []Message `json:"messages"`
}

// UIChatRequestToMessages reads a useChat request body (UIMessage parts) into a
// UIChatRequest whose Messages can go straight into a TextRequest. Malformed bodies are
// ErrInvalidRequest.
func UIChatRequestToMessages(body []byte) (*UIChatRequest, error) {
	cs := C.CString(string(body))
	defer C.free(unsafe.Pointer(cs))
	var out *C.char
	rc := C.ditto_ui_chat_request(cs, &out)
	data := takeString(out)
	runtime.KeepAlive(body)
	if rc != C.DITTO_OK {
		return nil, failure(nil, rc, data)
	}
	return decode[UIChatRequest](data, "UI chat request")
}
