//! `ditto-mock-upstream`: runs the mock server until SIGINT/SIGTERM.
//!
//! Prints exactly one line, `listening on http://HOST:PORT`, once bound.

use std::io::Write;
use std::process::ExitCode;

use ditto_mock_upstream::cli::{parse_args, Command, USAGE};
use ditto_mock_upstream::MockServer;

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Run(args)) => args,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("ditto-mock-upstream: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let server = match MockServer::start_on(args.addr(), args.config()).await {
        Ok(server) => server,
        Err(err) => {
            eprintln!(
                "ditto-mock-upstream: cannot listen on {}: {err}",
                args.addr()
            );
            return ExitCode::from(1);
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on {}", server.base_url());
    let _ = stdout.flush();
    wait_for_signal().await;
    server.shutdown().await;
    ExitCode::SUCCESS
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM.
async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => ctrl_c.await,
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}
