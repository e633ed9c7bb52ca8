//! `cargo run -p ditto-llm --example generate_text -- <model> <prompt>`
//!
//! Prints the generated text and exits 0. On failure prints `error: <kind>: <message>` to stderr
//! and exits 1 (2 for bad usage). Reads `<PROVIDER>_API_KEY` / `<PROVIDER>_BASE_URL`.

use ditto_llm::{Ditto, TextRequest};
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, prompt @ ..] = args.as_slice() else {
        eprintln!("usage: generate_text <provider:model> <prompt>");
        return ExitCode::from(2);
    };
    if prompt.is_empty() {
        eprintln!("usage: generate_text <provider:model> <prompt>");
        return ExitCode::from(2);
    }
    let result = async {
        let ditto = Ditto::from_env()?;
        ditto
            .generate_text(TextRequest::new(model.as_str()).prompt(prompt.join(" ")))
            .await
    }
    .await;
    match result {
        Ok(r) => {
            println!("{}", r.text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {}", e.kind(), e.message());
            ExitCode::FAILURE
        }
    }
}
