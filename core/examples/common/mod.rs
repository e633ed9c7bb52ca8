//! What both examples share: argument parsing and the error exit.

use std::process::ExitCode;

/// `<provider:model> <prompt...>` from the command line, or the usage exit code.
pub fn model_and_prompt(example: &str) -> Result<(String, String), ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [model, prompt @ ..] if !prompt.is_empty() => Ok((model.clone(), prompt.join(" "))),
        _ => {
            eprintln!("usage: {example} <provider:model> <prompt>");
            Err(ExitCode::from(2))
        }
    }
}

/// Report an error the documented way: `error: <kind>: <message>` on stderr, exit 1.
pub fn fail(e: &ditto_llm::Error) -> ExitCode {
    eprintln!("error: {}: {}", e.kind(), e.message());
    ExitCode::FAILURE
}
