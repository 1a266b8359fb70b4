//! The bench's table (Markdown, one column per size, the targets beside), and its place in
//! BENCHMARKS.md between two markers.

use crate::measure::{ReplicaResult, SizeResult};

pub struct Column {
    n: u64,
    r: SizeResult,
}

impl Column {
    pub fn of(n: u64, r: SizeResult) -> Column {
        Column { n, r }
    }
}

const START: &str = "<!-- bench:start -->";
const END: &str = "<!-- bench:end -->";

fn count(n: u64) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

fn ms(v: f64) -> String {
    if v.is_nan() {
        "-".into()
    } else if v < 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

fn mb(kb: u64) -> String {
    format!("{} MB", kb / 1024)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()?
                .split_whitespace()
                .nth(1)?
                .parse::<u64>()
                .ok()
        })
        .map_or("?".into(), |kb| format!("{} GiB", kb / 1024 / 1024));
    format!("{cores} cores ({cpu}), {memory}")
}

fn commit() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let dirty = if git(&["status", "--porcelain", "--untracked-files=no"]).is_empty() {
        ""
    } else {
        " with uncommitted changes"
    };
    format!("{}{dirty}", git(&["rev-parse", "--short", "HEAD"]))
}

pub fn render(
    columns: &[Column],
    replicas: Option<&ReplicaResult>,
    bundle: &[(String, u64, Option<u64>, Option<u64>)],
) -> String {
    let mut out = format!(
        "Measured {} on {}, commit {}; release build, SurrealKV on disk with durable commits \
         (`sync=every`), load from the bench's own HTTP clients on loopback.\n\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        machine(),
        commit()
    );
    let header: Vec<String> = columns
        .iter()
        .map(|c| format!("{} tickets", count(c.n)))
        .collect();
    out.push_str(&format!("| measure | {} | target |\n", header.join(" | ")));
    out.push_str(&format!(
        "| --- |{} --- |\n",
        " ---: |".repeat(columns.len())
    ));
    let mut row = |name: &str, cell: &dyn Fn(&SizeResult) -> String, target: &str| {
        let cells: Vec<String> = columns.iter().map(|c| cell(&c.r)).collect();
        out.push_str(&format!("| {name} | {} | {target} |\n", cells.join(" | ")));
    };
    let p50_95 = |s: &crate::measure::Samples| format!("{} / {} ms", ms(s.p(50.0)), ms(s.p(95.0)));
    for i in 0..3 {
        let clients = [1, 8, 32][i];
        row(
            &format!(
                "API ticket creation, {clients} client{}: tickets/s",
                if clients == 1 { "" } else { "s" }
            ),
            &|r| {
                r.creation.get(i).map_or("-".into(), |l| {
                    if l.failed.is_empty() {
                        format!("{:.0}", l.per_second)
                    } else {
                        let total = l.latency.len();
                        format!("{:.0} ({} of {total} failed)", l.per_second, l.failed.len())
                    }
                })
            },
            if clients == 32 { ">= 1,000" } else { "" },
        );
        row(
            &format!("  latency p50 / p95 / p99, {clients}"),
            &|r| {
                r.creation.get(i).map_or("-".into(), |l| {
                    format!(
                        "{} / {} / {} ms",
                        ms(l.latency.p(50.0)),
                        ms(l.latency.p(95.0)),
                        ms(l.latency.p(99.0))
                    )
                })
            },
            if clients == 32 { "p99 <= 100 ms" } else { "" },
        );
    }
    row(
        "queue first page (open, admin) p50 / p95",
        &|r| p50_95(&r.queue_first),
        "p95 <= 20 ms",
    );
    row(
        "queue first page (agent of 3 departments)",
        &|r| p50_95(&r.queue_first_agent),
        "",
    );
    row("queue page 51 (cursor)", &|r| p50_95(&r.queue_deep), "");
    row(
        "queue counts (sidebar)",
        &|r| p50_95(&r.counts),
        "p95 <= 20 ms",
    );
    row(
        &format!("search, common term (`{}`)", crate::seed::COMMON_TERM),
        &|r| p50_95(&r.search_common),
        "p95 <= 50 ms",
    );
    row(
        &format!(
            "search, word in most threads (`{}`)",
            crate::seed::FREQUENT_TERM
        ),
        &|r| p50_95(&r.search_frequent),
        "",
    );
    row(
        &format!("search, rare term (`{}`)", crate::seed::RARE_TERM),
        &|r| p50_95(&r.search_rare),
        "p95 <= 50 ms",
    );
    row(
        "live update delay (sent -> event)",
        &|r| p50_95(&r.live),
        "p95 <= 100 ms",
    );
    row(
        "reports dashboard (30 days)",
        &|r| p50_95(&r.dashboard),
        "p95 <= 300 ms",
    );
    row("RSS at rest", &|r| mb(r.rss_rest_kb), "");
    row(
        "RSS under load (highest)",
        &|r| mb(r.rss_load_kb),
        "<= 300 MB",
    );
    row(
        "start-up to ready",
        &|r| format!("{} ms", r.ready.as_millis()),
        "<= 2 s",
    );
    row(
        "first start after seeding: ready / all counted for reports",
        &|r| match (r.first_ready, r.first_count) {
            (Some(a), Some(b)) => format!("{} ms / {:.1} s", a.as_millis(), b.as_secs_f64()),
            _ => "-".into(),
        },
        "",
    );
    row(
        "seeding (bulk path)",
        &|r| {
            r.seeded
                .map_or("reused".into(), |d| format!("{:.0} s", d.as_secs_f64()))
        },
        "",
    );
    row(
        "datastore on disk",
        &|r| format!("{} MB", r.disk_bytes / 1024 / 1024),
        "",
    );

    if let Some(rep) = replicas {
        out.push_str(&format!(
            "\nTwo replicas: one SurrealDB 3.3 server (`tools/surreal-server`, SurrealKV, `sync=every`) \
             holding {} seeded tickets, two Docket processes on it, all on this machine.\n\n",
            count(rep.tickets)
        ));
        out.push_str("| measure | value |\n| --- | ---: |\n");
        for (name, load) in [("one replica", &rep.one), ("two replicas", &rep.two)] {
            out.push_str(&format!(
                "| API ticket creation, 32 clients, {name}: tickets/s (p50 / p95 / p99) | {:.0} ({} / {} / {} ms){} |\n",
                load.per_second,
                ms(load.latency.p(50.0)),
                ms(load.latency.p(95.0)),
                ms(load.latency.p(99.0)),
                if load.failed.is_empty() {
                    String::new()
                } else {
                    format!(", {} of {} failed", load.failed.len(), load.latency.len())
                }
            ));
        }
        out.push_str(&format!(
            "| live delay, created on replica B -> event on replica A's stream, p50 / p95 | {} / {} ms |\n",
            ms(rep.live_across.p(50.0)),
            ms(rep.live_across.p(95.0))
        ));
    }

    out.push_str("\nBrowser bundle (bytes):\n\n| file | raw | gzip -9 | brotli -9 |\n| --- | ---: | ---: | ---: |\n");
    let opt = |v: &Option<u64>| v.map_or("n/a".into(), |v| v.to_string());
    for (file, raw, gzip, brotli) in bundle {
        out.push_str(&format!(
            "| {file} | {raw} | {} | {} |\n",
            opt(gzip),
            opt(brotli)
        ));
    }
    out
}

/// Replaces the table between the markers in BENCHMARKS.md (appends the markers when missing).
pub fn record(table: &str) -> std::io::Result<()> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
    let text = std::fs::read_to_string(&path)?;
    let block = format!("{START}\n{table}{END}");
    let text = match (text.find(START), text.find(END)) {
        (Some(s), Some(e)) if s < e => format!("{}{block}{}", &text[..s], &text[e + END.len()..]),
        _ => format!("{text}\n{block}\n"),
    };
    std::fs::write(path, text)
}
