//! The UI message stream encoder against the real AI SDK reader: every recorded stream is
//! encoded with `encode_ui_stream` and read by `tests/ui-reader/read.mjs` (the `ai` package's
//! `parseJsonEventStream` + `uiMessageChunkSchema` + `readUIMessageStream`, plus a check that
//! no chunk carries a field outside the ai 5.x schema); the assembled `UIMessage` must hold
//! exactly the recorded text, reasoning, tool calls and results, sources, files and steps.
//!
//! Needs Node and `tests/ui-reader/ensure.sh` (run by `make test`). Without them the test
//! prints why and passes, unless `DITTO_REQUIRE_UI_READER=1`.

mod common;

use common::recordings::recordings;
use common::ui_reader::{check, read, reader_ready};
use ditto_llm::protocol::ui_message::{encode_ui_stream, UiStreamOptions};
use ditto_llm::{Error, StreamEvent};
use futures_util::StreamExt;

#[tokio::test]
async fn the_ai_sdk_reader_assembles_every_recorded_stream() {
    if !reader_ready("ai") {
        return;
    }
    let opts = UiStreamOptions {
        message_id: Some("msg-1".into()),
        send_sources: true,
        ..Default::default()
    };
    for r in recordings() {
        let mut items: Vec<ditto_llm::Result<StreamEvent>> =
            r.events.iter().cloned().map(Ok).collect();
        if let Some(kind) = r.error {
            items.push(Err(Error::new(kind, "recorded failure")));
        }
        let body: Vec<u8> = encode_ui_stream(futures_util::stream::iter(items), opts.clone())
            .collect::<Vec<_>>()
            .await
            .concat();
        let (code, msg, stderr) = read(&body, &[]);
        let want = if r.error.is_some() { 3 } else { 0 };
        assert_eq!(code, want, "{}: {stderr}", r.name);
        assert_eq!(msg["id"], "msg-1", "{}", r.name);
        assert_eq!(msg["role"], "assistant", "{}", r.name);
        check(&r, &msg);
    }
}
