//! `cargo run -p ditto-llm --example stream_text -- <model> <prompt>`
//!
//! Prints text deltas to stdout as they arrive (flushing each) and a newline at the end.
//! On failure prints `error: <kind>: <message>` to stderr and exits 1 (2 for bad usage).

mod common;

use ditto_llm::{Ditto, StreamEvent, TextRequest};
use futures_util::StreamExt;
use std::io::Write;
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let (model, prompt) = match common::model_and_prompt("stream_text") {
        Ok(args) => args,
        Err(code) => return code,
    };
    let mut out = std::io::stdout().lock();
    let result = async {
        let ditto = Ditto::from_env()?;
        let mut stream = ditto
            .stream_text(TextRequest::new(model).prompt(prompt))
            .await?;
        while let Some(event) = stream.next().await {
            if let StreamEvent::TextDelta { text, .. } = event? {
                // A closed stdout (e.g. `| head`) is not an error worth reporting.
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
            }
        }
        Ok::<_, ditto_llm::Error>(())
    }
    .await;
    let _ = writeln!(out);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => common::fail(&e),
    }
}
