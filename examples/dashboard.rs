//! The reports dashboard at scale: counts N synthetic tickets (spread over two years, with
//! departments, priorities, agents, alert rules, observables, replies, reopenings and SLA
//! outcomes) into the rollups of a fresh datastore, then times building the dashboard the way the
//! server does: read the rollups of the range, read the catalogue, build every chart.
//!
//! `cargo run --release --example dashboard --features ssr -- [N] [DATABASE_URL]`
//! (N defaults to 100000; the URL to a SurrealKV directory in a temporary folder, with durable
//! commits).

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use docket::domain::metrics::facts::{AlertOrigin, Period, TicketFacts};
use docket::domain::metrics::filter::{Granularity, ReportFilter};
use docket::domain::metrics::report::{self, Rollups};
use docket::domain::metrics::tally::{Tallies, contribution};
use docket::domain::ticket::Source;
use docket::server::config::DatabaseSettings;
use docket::server::store::Store;

const DAYS: i64 = 730;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

/// One synthetic ticket: most closed within hours, some waiting on the customer, some reopened.
fn ticket(rng: &mut Rng) -> TicketFacts {
    let start = Utc.from_utc_datetime(
        &(today() - chrono::Duration::days(DAYS))
            .and_hms_opt(0, 0, 0)
            .unwrap(),
    );
    let created = start + chrono::Duration::seconds(rng.below(DAYS as u64 * 86_400) as i64);
    let minutes = |rng: &mut Rng, max: u64| chrono::Duration::minutes(1 + rng.below(max) as i64);
    let alert = rng.below(10) < 4;
    let acknowledged = created + minutes(rng, 240);
    let open = created + chrono::Duration::days(30)
        > Utc.from_utc_datetime(&today().and_hms_opt(0, 0, 0).unwrap())
        && rng.below(3) == 0;
    let mut periods = vec![Period {
        at: created,
        open: true,
        pauses: false,
    }];
    let mut closed_at: Option<DateTime<Utc>> = None;
    if rng.below(5) == 0 {
        periods.push(Period {
            at: acknowledged,
            open: true,
            pauses: true,
        });
        periods.push(Period {
            at: acknowledged + minutes(rng, 2_000),
            open: true,
            pauses: false,
        });
    }
    if !open {
        let at = periods.last().unwrap().at + minutes(rng, 3_000);
        periods.push(Period {
            at,
            open: false,
            pauses: false,
        });
        closed_at = Some(at);
    }
    let agent = format!("agent{}", rng.below(40));
    TicketFacts {
        created_at: created,
        department: format!("dept{}", rng.below(8)),
        source: if alert {
            Source::Alert
        } else {
            [Source::Web, Source::Email, Source::Api][rng.below(3) as usize]
        },
        priority: ["low", "normal", "high", "emergency"][rng.below(4) as usize].to_string(),
        status: if open {
            ["open", "waiting"][rng.below(2) as usize]
        } else {
            "closed"
        }
        .to_string(),
        open,
        assignee: (rng.below(5) > 0).then(|| agent.clone()),
        alert: alert.then(|| AlertOrigin {
            source: ["wazuh", "elastic", "grafana"][rng.below(3) as usize].to_string(),
            rule: Some(format!("{}", 5_000 + rng.below(60))),
        }),
        resolution: (alert && !open).then(|| {
            [
                "true_positive_impact",
                "true_positive",
                "false_positive",
                "benign",
                "duplicate",
            ][rng.below(5) as usize]
                .to_string()
        }),
        first_response_at: Some(acknowledged),
        acknowledged_at: Some(acknowledged),
        closed_at,
        closed_by: closed_at.map(|_| agent.clone()),
        periods,
        first_response_met: Some(rng.below(10) < 9),
        resolution_met: closed_at.map(|_| rng.below(10) < 8),
        observables: if alert {
            vec![
                format!("ip:10.0.{}.{}", rng.below(20), rng.below(250)),
                format!("host:web-{}", rng.below(200)),
            ]
        } else {
            Vec::new()
        },
        replies: vec![(agent, acknowledged)],
    }
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = args
        .next()
        .unwrap_or_else(|| format!("surrealkv://{}/reports", dir.path().display()));
    let store = Store::connect(&DatabaseSettings {
        url: url.clone(),
        namespace: "docket".into(),
        database: "bench".into(),
        username: None,
        password: None,
    })
    .await
    .expect("the datastore opens");

    let started = Instant::now();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut sum = Tallies::default();
    for i in 0..n {
        sum.merge(&contribution(&ticket(&mut rng), chrono_tz::UTC), 1);
        if i % 100_000 == 99_999 {
            eprintln!("counted {} tickets", i + 1);
        }
    }
    let days: Vec<_> = sum.days.keys().cloned().collect();
    let weeks: Vec<_> = sum.weeks.keys().cloned().collect();
    let scopes: Vec<_> = sum.open.keys().cloned().collect();
    for chunk in days.chunks(200) {
        let mut docs = store.metric_docs(chunk, &[], &[]).await.expect("read");
        for (key, doc) in docs.days.iter_mut() {
            doc.tallies = sum.days[key].clone();
        }
        assert!(store.save_counts(0, &[], &docs).await.expect("write"));
    }
    for chunk in weeks.chunks(200) {
        let mut docs = store.metric_docs(&[], chunk, &[]).await.expect("read");
        for (key, doc) in docs.weeks.iter_mut() {
            doc.tallies = sum.weeks[key].clone();
        }
        assert!(store.save_counts(0, &[], &docs).await.expect("write"));
    }
    let mut docs = store.metric_docs(&[], &[], &scopes).await.expect("read");
    for (scope, doc) in docs.open.iter_mut() {
        doc.tallies = sum.open[scope].clone();
    }
    assert!(store.save_counts(0, &[], &docs).await.expect("write"));
    println!(
        "counted {n} tickets into {} day rollups in {:.1?} ({url})",
        days.len(),
        started.elapsed()
    );

    let catalog_scopes = |all: bool| -> Vec<String> {
        if all {
            vec!["*".to_string()]
        } else {
            (0..3).map(|d| format!("dept{d}")).collect()
        }
    };
    let views = [
        ("last 30 days, all departments", 30, Granularity::Day, true),
        ("last 30 days, 3 departments", 30, Granularity::Day, false),
        ("last 90 days by week, all", 90, Granularity::Week, true),
        ("last 365 days by week, all", 365, Granularity::Week, true),
    ];
    println!("| view | p50 | p95 | max | of which reading the rollups (p50) |");
    println!("|---|---|---|---|---|");
    for (name, days, by, all) in views {
        let filter = ReportFilter {
            from: Some(today() - chrono::Duration::days(days - 1)),
            to: Some(today()),
            by,
            department: None,
        };
        let range = filter.settle(today()).unwrap();
        let scopes = catalog_scopes(all);
        let mut times = Vec::new();
        let mut reads = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let (days, open) = store
                .metric_range(&scopes, range.from, range.to, range.by)
                .await
                .expect("range");
            reads.push(t.elapsed());
            let catalog = store.catalog().await.expect("catalog");
            let uncounted = store.uncounted_count(1000).await.expect("count");
            let dashboard = report::dashboard(&range, &Rollups { days, open }, &catalog, today());
            assert_eq!(uncounted, 0);
            assert!(!dashboard.charts.is_empty());
            times.push(t.elapsed());
        }
        times.sort();
        reads.sort();
        println!(
            "| {name} | {:.1?} | {:.1?} | {:.1?} | {:.1?} |",
            percentile(&times, 50),
            percentile(&times, 95),
            times.last().unwrap(),
            percentile(&reads, 50)
        );
    }
}
