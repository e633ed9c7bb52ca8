//! Turn-taking measurement: every variant of a figure runs for one short round, then the next
//! variant, and so on for several rounds, so machine noise hits all variants alike. Ratios are
//! taken within a round and the median over rounds is reported.

use std::time::{Duration, Instant};

/// How long to measure.
#[derive(Debug, Clone, Copy)]
pub struct Rounds {
    /// Rounds per figure.
    pub rounds: usize,
    /// Length of one variant's turn in a round.
    pub round: Duration,
}

/// One variant: a name and one iteration of work.
pub type Variant<'a> = (&'a str, Box<dyn FnMut() + 'a>);

/// Box one iteration of work as a [`Variant`]'s closure.
pub fn bx<'a>(f: impl FnMut() + 'a) -> Box<dyn FnMut() + 'a> {
    Box::new(f)
}

/// Per-variant results: nanoseconds per iteration in each round.
#[derive(Debug)]
pub struct Measured {
    /// Variant names, in the order given.
    pub names: Vec<String>,
    /// `ns[v][r]`: ns per iteration of variant `v` in round `r`.
    pub ns: Vec<Vec<f64>>,
}

impl Rounds {
    /// Run `variants` in turns (the first variant of each round rotates) after one warm-up
    /// iteration each.
    pub fn measure(&self, mut variants: Vec<Variant<'_>>) -> Measured {
        let n = variants.len();
        for (_, f) in variants.iter_mut() {
            f();
        }
        let mut ns = vec![Vec::with_capacity(self.rounds); n];
        for r in 0..self.rounds {
            for k in 0..n {
                let v = (r + k) % n;
                let f = &mut variants[v].1;
                let start = Instant::now();
                let mut iters = 0u64;
                while iters == 0 || start.elapsed() < self.round {
                    f();
                    iters += 1;
                }
                ns[v].push(start.elapsed().as_nanos() as f64 / iters as f64);
            }
        }
        Measured {
            names: variants.iter().map(|(name, _)| name.to_string()).collect(),
            ns,
        }
    }
}

impl Measured {
    /// Median ns per iteration of variant `v`.
    pub fn median_ns(&self, v: usize) -> f64 {
        median(self.ns[v].clone())
    }

    /// Median over rounds of variant `v`'s time divided by variant `base`'s in the same round.
    pub fn ratio(&self, v: usize, base: usize) -> f64 {
        median(
            self.ns[v]
                .iter()
                .zip(&self.ns[base])
                .map(|(a, b)| a / b)
                .collect(),
        )
    }
}

/// The median (the mean of the middle two for an even count); 0 for no values.
pub fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// Print a markdown table.
pub fn table(title: &str, header: &[&str], rows: &[Vec<String>]) {
    println!("#### {title}\n");
    println!("| {} |", header.join(" | "));
    println!("|{}", "---|".repeat(header.len()));
    for row in rows {
        println!("| {} |", row.join(" | "));
    }
    println!();
}
