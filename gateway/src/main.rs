//! `ditto-gateway`: see `docs/gateway.md`.

use clap::Parser;

/// mimalloc (its v2 line, transparent huge pages off): about 5k fewer instructions per request
/// than glibc's allocator; v2 without huge pages keeps an open stream at about 16 KiB of RSS
/// (v3: 30 KiB) and the idle process smaller. See docs/benchmarks.md.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = ditto_gateway::cli::Cli::parse();
    // This runtime only accepts connections, reaps reservations and waits for signals: the
    // requests are served by the request threads (see `server.workers`).
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    let code = rt.block_on(ditto_gateway::cli::run(cli));
    std::process::exit(code);
}
