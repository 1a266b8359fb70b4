//! Docket's benchmark: seeds datastores of N tickets, serves each with the release `docket`
//! binary on loopback (SurrealKV on disk, durable commits) and measures it with real HTTP clients:
//! ticket creation through `/api/tickets.json` at 1, 8 and 32 clients, the agent queue (first
//! page, a deep page, counts), full-text search, the live update delay on `/api/v1/events`, the
//! reports dashboard, memory, start-up time and the browser bundle. Prints one table and, with
//! `--record`, writes it into BENCHMARKS.md with the machine and commit.
//!
//! ```sh
//! scripts/bench.sh                         # 10k, 100k and 1M tickets, then two replicas
//! scripts/bench.sh --sizes '' --replicas   # the two replicas only
//! cargo run --release --example bench --features ssr -- [--sizes 10000,100000] [--replicas]
//!     [--data DIR] [--record]
//! ```
//!
//! `--data DIR` keeps each seeded datastore in DIR/N and reuses it next time (the measured
//! creations then add to it). `--replicas` also serves one datastore from a SurrealDB server
//! (`tools/surreal-server`) through two Docket processes and measures creation and the live delay
//! across them.

mod measure;
mod report;
mod seed;
mod server;

use std::path::PathBuf;

use report::Column;

pub struct Options {
    sizes: Vec<u64>,
    replicas: bool,
    data: Option<PathBuf>,
    record: bool,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        sizes: vec![10_000, 100_000, 1_000_000],
        replicas: false,
        data: None,
        record: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sizes" => {
                let list = args
                    .next()
                    .ok_or("--sizes needs a list like 10000,100000")?;
                // An empty list measures no size (with `--replicas`: the replicas only).
                options.sizes = list
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| s.trim().replace('_', "").parse::<u64>())
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("--sizes: {e}"))?;
            }
            "--replicas" => options.replicas = true,
            "--data" => options.data = Some(args.next().ok_or("--data needs a folder")?.into()),
            "--record" => options.record = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() {
    // The seeding half runs in its own process: the embedded datastore admits one process.
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("seed") {
        let url = args.get(2).expect("seed URL N");
        let n: u64 = args
            .get(3)
            .and_then(|n| n.parse().ok())
            .expect("seed URL N");
        seed::run(url, n).await;
        return;
    }
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("bench: {message}");
            std::process::exit(2);
        }
    };
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let data = options
        .data
        .clone()
        .unwrap_or_else(|| scratch.path().to_path_buf());
    let mut columns = Vec::new();
    for &n in &options.sizes {
        eprintln!("== {n} tickets");
        columns.push(Column::of(
            n,
            measure::size(&data.join(n.to_string()), n).await,
        ));
    }
    let replicas = if options.replicas {
        eprintln!("== two replicas on one SurrealDB server");
        Some(measure::replicas(&data.join("replicas")).await)
    } else {
        None
    };
    let table = report::render(&columns, replicas.as_ref(), &measure::bundle());
    println!("{table}");
    if options.record {
        report::record(&table).expect("BENCHMARKS.md is written");
        eprintln!("written to BENCHMARKS.md");
    }
}
