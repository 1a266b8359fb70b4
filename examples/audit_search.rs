//! The audit page's searches at scale: seeds N synthetic audit events into a fresh datastore and
//! times the first page and the next 19 pages (cursor) of each kind of search.
//!
//! `cargo run --release --example audit_search --features ssr -- [N] [DATABASE_URL]`
//! (N defaults to 200000; the URL to a SurrealKV directory in a temporary folder, with durable
//! commits).

use std::time::{Duration, Instant};

use chrono::Utc;
use docket::domain::audit::filter::AuditFilter;
use docket::server::config::DatabaseSettings;
use docket::server::store::Store;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = args
        .next()
        .unwrap_or_else(|| format!("surrealkv://{}/audit", dir.path().display()));
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
    store
        .seed_audit_events_for_benchmark(n)
        .await
        .expect("the events are written");
    println!("seeded {n} events into {url} in {:.1?}", started.elapsed());

    let yesterday = (Utc::now() - chrono::Duration::days(1)).date_naive();
    let searches = [
        ("everything", AuditFilter::default()),
        (
            "one ticket (object)",
            AuditFilter::for_object("ticket", "100042"),
        ),
        (
            "one day (date range)",
            AuditFilter {
                from: Some(yesterday),
                to: Some(yesterday),
                ..AuditFilter::default()
            },
        ),
        (
            "common event type",
            AuditFilter {
                action: "ticket.priority_changed".into(),
                ..AuditFilter::default()
            },
        ),
        (
            "one actor of 50",
            AuditFilter {
                actor: "agent7@example.com".into(),
                ..AuditFilter::default()
            },
        ),
        (
            "address prefix",
            AuditFilter {
                ip: "10.0.3.".into(),
                ..AuditFilter::default()
            },
        ),
        (
            "rare event type (1 in 997)",
            AuditFilter {
                action: "user.password_reset".into(),
                ..AuditFilter::default()
            },
        ),
    ];
    println!("| search at {n} events | first page | each next page (mean of up to 19) |");
    println!("| --- | ---: | ---: |");
    for (name, filter) in searches {
        let t = Instant::now();
        let page = store.audit_search(&filter, None, 50).await.expect("a page");
        let first = t.elapsed();
        let mut cursor = page.older;
        let (mut pages, mut spent) = (0u32, Duration::ZERO);
        while let Some(after) = cursor.take() {
            if pages == 19 {
                break;
            }
            let t = Instant::now();
            let next = store
                .audit_search(&filter, Some(&after), 50)
                .await
                .expect("a page");
            spent += t.elapsed();
            pages += 1;
            cursor = next.older;
        }
        let next = if pages == 0 {
            "-".to_string()
        } else {
            format!("{:.1?}", spent / pages)
        };
        println!("| {name} | {first:.1?} | {next} |");
    }
}
