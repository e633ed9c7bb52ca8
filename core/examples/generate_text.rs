//! `cargo run -p ditto-llm --example generate_text -- <model> <prompt>`
//!
//! Prints the generated text and exits 0. On failure prints `error: <kind>: <message>` to stderr
//! and exits 1 (2 for bad usage). Reads `<PROVIDER>_API_KEY` / `<PROVIDER>_BASE_URL`.

mod common;

use ditto_llm::{Ditto, TextRequest};
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let (model, prompt) = match common::model_and_prompt("generate_text") {
        Ok(args) => args,
        Err(code) => return code,
    };
    let result = async {
        let ditto = Ditto::from_env()?;
        ditto
            .generate_text(TextRequest::new(model).prompt(prompt))
            .await
    }
    .await;
    match result {
        Ok(r) => {
            println!("{}", r.text);
            ExitCode::SUCCESS
        }
        Err(e) => common::fail(&e),
    }
}
