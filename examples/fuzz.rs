//! The long fuzz run (README, "Hostile input"): the same targets as the CI-sized test
//! (`tests/integration/fuzz`), CASES mutants per target, spread over every core in chunks with
//! their own seeds. A panic or a case slower than a second stops the run with the case that
//! caused it (exit status 1).
//!
//! `cargo run --release --features ssr --example fuzz [-- CASES_PER_TARGET]` (default 1,250,000:
//! 10 million cases over the 8 targets).

#[path = "../tests/integration/fuzz/targets.rs"]
mod targets;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use targets::{Report, TARGETS};

/// Cases per job: small enough to keep every core busy to the end.
const CHUNK: usize = 25_000;

fn main() {
    let per_target: usize = std::env::args()
        .nth(1)
        .map(|a| {
            a.replace([',', '_'], "")
                .parse()
                .expect("CASES_PER_TARGET is a number")
        })
        .unwrap_or(1_250_000);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    // (target, first seed, cases): each chunk has its own seed, so no two mutate alike.
    let jobs: Vec<(usize, u64, usize)> = (0..TARGETS.len())
        .flat_map(|t| {
            (0..per_target.div_ceil(CHUNK)).map(move |c| {
                let cases = CHUNK.min(per_target - c * CHUNK);
                (t, 1_000 + c as u64, cases)
            })
        })
        .collect();
    eprintln!(
        "fuzzing {} targets x {per_target} cases on {threads} threads ({} jobs)",
        TARGETS.len(),
        jobs.len()
    );

    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let totals: Mutex<Vec<Report>> = Mutex::new(
        (0..TARGETS.len())
            .map(|_| Report {
                cases: 0,
                slowest: Duration::ZERO,
                slowest_bytes: 0,
            })
            .collect(),
    );
    let started = Instant::now();
    let outcome = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    while let Some(&(t, seed, cases)) =
                        jobs.get(next.fetch_add(1, Ordering::SeqCst))
                    {
                        let report = (TARGETS[t].1)(cases, seed);
                        let mut totals = totals.lock().expect("totals");
                        let total = &mut totals[t];
                        total.cases += report.cases;
                        if report.slowest > total.slowest {
                            total.slowest = report.slowest;
                            total.slowest_bytes = report.slowest_bytes;
                        }
                        let finished = done.fetch_add(1, Ordering::SeqCst) + 1;
                        if finished.is_multiple_of(20) {
                            eprintln!(
                                "{finished}/{} jobs, {:.0} s",
                                jobs.len(),
                                started.elapsed().as_secs_f64()
                            );
                        }
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join()).collect::<Vec<_>>()
    });
    let took = started.elapsed();

    let totals = totals.into_inner().expect("totals");
    println!("| target | cases | slowest case |");
    println!("| --- | ---: | --- |");
    for ((name, _), report) in TARGETS.iter().zip(&totals) {
        println!(
            "| {name} | {} | {:.1} ms ({} bytes) |",
            report.cases,
            report.slowest.as_secs_f64() * 1000.0,
            report.slowest_bytes
        );
    }
    let cases: usize = totals.iter().map(|r| r.cases).sum();
    let panicked = outcome.iter().filter(|o| o.is_err()).count();
    println!(
        "{cases} cases in {:.0} s on {threads} threads: {}",
        took.as_secs_f64(),
        if panicked == 0 {
            "0 panics, 0 hangs".to_string()
        } else {
            format!("{panicked} worker(s) stopped on a panic or hang: see above")
        }
    );
    if panicked > 0 {
        std::process::exit(1);
    }
}
