//! SDK feature benchmarks: partial JSON, stream protocols, the agent loop, the cache and
//! fan-out. Variants take turns in short rounds and every figure is a ratio within one run;
//! see `docs/benchmarks.md` ("SDK features").

mod fanout;
mod json;
mod mocked;
mod protocols;
mod rounds;
mod scripted;

use rounds::Rounds;
use std::time::{Duration, Instant};

/// What to run.
#[derive(Debug, Clone, Copy)]
struct Options {
    rounds: Rounds,
    /// Size of the JSON document for figure 1.
    doc_bytes: usize,
    /// Text deltas in the streams of figures 2 and 5.
    deltas: usize,
    /// Which figures to run (bit `n` = figure `n`).
    only: u8,
}

impl Options {
    fn smoke() -> Self {
        Options {
            rounds: Rounds {
                rounds: 1,
                round: Duration::from_millis(1),
            },
            doc_bytes: 16 * 1024,
            deltas: 200,
            only: ALL,
        }
    }
}

const USAGE: &str = "usage: ditto-bench-sdk [--rounds N] [--round-ms N] [--doc-kib N] [--deltas N] [--only 1,2,3,4,5] [--smoke]";

/// Every figure.
const ALL: u8 = 0b11_1110;

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        rounds: Rounds {
            rounds: 7,
            round: Duration::from_millis(200),
        },
        doc_bytes: 1024 * 1024,
        deltas: 2000,
        only: ALL,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--smoke" {
            o = Options::smoke();
            continue;
        }
        if flag == "--bench" {
            // Passed by `cargo bench`; nothing to do.
            continue;
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        if flag == "--only" {
            o.only = 0;
            for part in value.split(',') {
                match part.trim().parse::<u8>() {
                    Ok(n @ 1..=5) => o.only |= 1 << n,
                    _ => return Err(format!("--only: `{part}` is not a figure 1-5\n{USAGE}")),
                }
            }
            continue;
        }
        let n: usize = value
            .parse()
            .map_err(|_| format!("{flag}: `{value}` is not a number\n{USAGE}"))?;
        match flag.as_str() {
            "--rounds" => o.rounds.rounds = n.max(1),
            "--round-ms" => o.rounds.round = Duration::from_millis(n as u64),
            "--doc-kib" => o.doc_bytes = n.max(1) * 1024,
            "--deltas" => o.deltas = n.max(1),
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    Ok(o)
}

fn run(o: &Options) {
    let started = Instant::now();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    println!(
        "ditto-bench-sdk: {} rounds of {} ms per variant, median of per-round ratios\n",
        o.rounds.rounds,
        o.rounds.round.as_millis()
    );
    let on = |n: u8| o.only & (1 << n) != 0;
    if on(1) {
        json::run(&o.rounds, &rt, o.doc_bytes);
    }
    if on(2) {
        protocols::run(&o.rounds, o.deltas);
    }
    if on(3) || on(4) {
        let (server, ditto) = mocked::start(&rt);
        if on(3) {
            mocked::agent(&o.rounds, &rt, &server, &ditto);
        }
        if on(4) {
            mocked::cache(&o.rounds, &rt, &ditto);
        }
    }
    if on(5) {
        fanout::run(&o.rounds, &rt, o.deltas);
    }
    println!("total {:.1} s", started.elapsed().as_secs_f64());
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args) {
        Ok(o) => run(&o),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoke_run_checks_every_figure() {
        run(&parse(&["--smoke".to_owned()]).unwrap());
    }

    #[test]
    fn bad_options_are_rejected() {
        assert!(parse(&["--rounds".to_owned()]).is_err());
        assert!(parse(&["--rounds".to_owned(), "x".to_owned()]).is_err());
        assert!(parse(&["--what".to_owned(), "1".to_owned()]).is_err());
        assert!(parse(&["--only".to_owned(), "6".to_owned()]).is_err());
        assert_eq!(
            parse(&["--only".to_owned(), "1,5".to_owned()])
                .unwrap()
                .only,
            0b10_0010
        );
    }
}
