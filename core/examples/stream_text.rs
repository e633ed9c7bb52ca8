//! `cargo run -p ditto-llm --example stream_text -- <model> <prompt>`
//!
//! Prints text deltas to stdout as they arrive (flushing each) and a newline at the end.
//! On failure prints `error: <kind>: <message>` to stderr and exits 1 (2 for bad usage).

use ditto_llm::{Ditto, StreamEvent, TextRequest};
use futures_util::StreamExt;
use std::io::Write;
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, prompt @ ..] = args.as_slice() else {
        eprintln!("usage: stream_text <provider:model> <prompt>");
        return ExitCode::from(2);
    };
    if prompt.is_empty() {
        eprintln!("usage: stream_text <provider:model> <prompt>");
        return ExitCode::from(2);
    }
    let result = async {
        let ditto = Ditto::from_env()?;
        let mut stream = ditto
            .stream_text(TextRequest::new(model.as_str()).prompt(prompt.join(" ")))
            .await?;
        let mut out = std::io::stdout().lock();
        while let Some(event) = stream.next().await {
            if let StreamEvent::TextDelta { text, .. } = event? {
                // A closed stdout (e.g. `| head`) is not an error worth reporting.
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
            }
        }
        let _ = writeln!(out);
        Ok::<_, ditto_llm::Error>(())
    }
    .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            println!();
            eprintln!("error: {}: {}", e.kind(), e.message());
            ExitCode::FAILURE
        }
    }
}
