//! What the bench measures, against real processes over loopback HTTP.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use docket::domain::queue::Queue;
use futures::StreamExt;
use reqwest::Client;
use serde_json::{Value, json};

use crate::seed::{self, COMMON_TERM, FREQUENT_TERM, PASSWORD, RARE_TERM};
use crate::server::{Docket, Surreal, docket_command, status_kb};

const ADMIN: &str = "admin@bench.test";

/// Timings of one measure, sorted.
#[derive(Clone, Debug, Default)]
pub struct Samples(Vec<Duration>);

impl Samples {
    fn of(mut samples: Vec<Duration>) -> Samples {
        samples.sort();
        Samples(samples)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// The nearest-rank percentile, in milliseconds.
    pub fn p(&self, q: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        let rank = ((q / 100.0) * self.0.len() as f64).ceil() as usize;
        self.0[rank.clamp(1, self.0.len()) - 1].as_secs_f64() * 1e3
    }
}

/// Prints a measure as soon as it is taken (a long run shows its progress).
fn show(what: &str, samples: &Samples) {
    eprintln!(
        "  {what}: p50 {:.1} ms, p95 {:.1} ms",
        samples.p(50.0),
        samples.p(95.0)
    );
}

/// Ticket creation at one concurrency.
#[derive(Clone, Debug)]
pub struct Load {
    /// Tickets created (201) per second.
    pub per_second: f64,
    /// Latency of every request, answered 201 or not.
    pub latency: Samples,
    /// Requests not answered 201, each with its status and body.
    pub failed: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct SizeResult {
    /// Seeding time when this run seeded the datastore.
    pub seeded: Option<Duration>,
    /// First start after seeding: to ready, and until every seeded ticket was counted for reports.
    pub first_ready: Option<Duration>,
    pub first_count: Option<Duration>,
    pub ready: Duration,
    pub rss_rest_kb: u64,
    pub rss_load_kb: u64,
    pub disk_bytes: u64,
    pub creation: Vec<Load>,
    pub queue_first: Samples,
    pub queue_first_agent: Samples,
    pub queue_deep: Samples,
    pub counts: Samples,
    pub search_common: Samples,
    pub search_frequent: Samples,
    pub search_rare: Samples,
    pub live: Samples,
    pub dashboard: Samples,
}

#[derive(Clone, Debug)]
pub struct ReplicaResult {
    pub tickets: u64,
    pub one: Load,
    pub two: Load,
    pub live_across: Samples,
}

struct Keys {
    create: String,
    events: String,
}

/// Seeds (unless `dir` holds a seeded datastore already), creates the admin and the API keys.
fn prepare(dir: &Path, url: &str, n: u64) -> (Keys, Option<Duration>) {
    let marker = dir.join("seeded.json");
    if let Ok(text) = std::fs::read_to_string(&marker) {
        let saved: Value = serde_json::from_str(&text).expect("seeded.json");
        let key = |k: &str| saved[k].as_str().expect("a key").to_string();
        return (
            Keys {
                create: key("create"),
                events: key("events"),
            },
            None,
        );
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("the data folder");
    let started = Instant::now();
    let status = std::process::Command::new(std::env::current_exe().expect("the bench"))
        .args(["seed", url, &n.to_string()])
        .status()
        .expect("the seeder runs");
    assert!(status.success(), "seeding failed");
    let seeded = started.elapsed();
    let keys = create_accounts(url);
    std::fs::write(
        &marker,
        json!({ "create": keys.create, "events": keys.events }).to_string(),
    )
    .expect("seeded.json");
    (keys, Some(seeded))
}

/// The admin and the two API keys, through Docket's own commands.
fn create_accounts(url: &str) -> Keys {
    docket_command(
        url,
        &["admin", "create", "--email", ADMIN, "--name", "Bench Admin"],
        &format!("{PASSWORD}\n"),
    );
    let key = |name: &str, scopes: &[&str], acts_as: Option<&str>| {
        let mut args = vec![
            "api-key",
            "create",
            "--name",
            name,
            "--allow",
            "127.0.0.0/8",
        ];
        for scope in scopes {
            args.extend(["--scope", scope]);
        }
        if let Some(email) = acts_as {
            args.extend(["--acts-as", email]);
        }
        docket_command(url, &args, "")
    };
    Keys {
        create: key("bench-create", &["tickets:create"], None),
        events: key("bench-events", &["events:read"], Some(ADMIN)),
    }
}

fn folder_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            total += if meta.is_dir() {
                folder_bytes(&entry.path())
            } else {
                meta.len()
            };
        }
    }
    total
}

async fn signed_in(base: &str, email: &str) -> Client {
    let client = Client::builder().cookie_store(true).build().unwrap();
    let response = client
        .post(format!("{base}/rpc/sign_in"))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "sign-in {email}: {}",
        response.status()
    );
    client
}

async fn rpc(client: &Client, base: &str, name: &str, body: &Value) -> Value {
    let response = client
        .post(format!("{base}/rpc/{name}"))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{name}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// `rounds` timed calls of `name` after 5 untimed ones (connection, caches).
/// Samples a call `rounds` times after a warm-up, or for at most a minute when it is slow (at
/// least ten samples): a slow measure at 1M tickets must not take an hour.
async fn timed(client: &Client, base: &str, name: &str, body: &Value, rounds: usize) -> Samples {
    const BUDGET: Duration = Duration::from_secs(60);
    const AT_LEAST: usize = 10;
    let warm_up = Instant::now();
    for _ in 0..5 {
        rpc(client, base, name, body).await;
        if warm_up.elapsed() > BUDGET / 4 {
            break;
        }
    }
    let started = Instant::now();
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        rpc(client, base, name, body).await;
        samples.push(t.elapsed());
        if samples.len() >= AT_LEAST && started.elapsed() > BUDGET {
            break;
        }
    }
    Samples::of(samples)
}

fn queue(queue: Queue) -> Value {
    json!({ "query": { "queue": queue } })
}

fn new_ticket(i: u64) -> Value {
    json!({
        "name": format!("Load Client {}", i % 500),
        "email": format!("load{}@clients.test", i % 500),
        "subject": format!("Load test ticket {i}: printer offline"),
        "message": "The printer on the third floor shows offline since this morning.",
    })
}

/// Creates tickets through `/api/tickets.json` from `clients` concurrent clients spread over
/// `bases`, up to `per_client` each; records each request's latency. Clients start no new
/// request after `LOAD_BUDGET`, so a slow datastore ends the phase with fewer samples rather
/// than taking an hour.
async fn create_load(bases: &[String], key: &str, clients: usize, per_client: usize) -> Load {
    const LOAD_BUDGET: Duration = Duration::from_secs(90);
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let base = bases[c % bases.len()].clone();
        let key = key.to_string();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let client = Client::new();
            let mut latencies = Vec::with_capacity(per_client);
            let mut failed = Vec::new();
            for _ in 0..per_client {
                if started.elapsed() > LOAD_BUDGET {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                let response = client
                    .post(format!("{base}/api/tickets.json"))
                    .header("X-API-Key", &key)
                    .json(&new_ticket(i))
                    .send()
                    .await
                    .expect("the request is answered");
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                latencies.push(t.elapsed());
                if status.as_u16() != 201 {
                    failed.push(format!("{status}: {body}"));
                }
            }
            (latencies, failed)
        }));
    }
    let mut all = Vec::new();
    let mut failed = Vec::new();
    for task in tasks {
        let (latencies, refusals) = task.await.expect("a client finishes");
        all.extend(latencies);
        failed.extend(refusals);
    }
    let elapsed = started.elapsed();
    Load {
        per_second: (all.len() - failed.len()) as f64 / elapsed.as_secs_f64(),
        latency: Samples::of(all),
        failed,
    }
}

/// Opens the event stream on `listen`, creates `rounds` tickets one by one on `create`, and
/// times request sent -> `ticket.created` received.
async fn live_delay(listen: &str, create: &str, keys: &Keys, rounds: u64) -> Samples {
    let client = Client::new();
    let stream = client
        .get(format!("{listen}/api/v1/events"))
        .header("X-API-Key", &keys.events)
        .send()
        .await
        .unwrap();
    assert!(stream.status().is_success(), "events: {}", stream.status());
    let mut body = stream.bytes_stream();
    let mut buffer = String::new();
    let mut samples = Vec::new();
    for i in 0..rounds {
        let sent = Instant::now();
        let response = client
            .post(format!("{create}/api/tickets.json"))
            .header("X-API-Key", &keys.create)
            .json(&new_ticket(1_000_000 + i))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201);
        let number = response.text().await.unwrap().trim().to_string();
        let wanted = format!("\"ticket\":\"{number}\"");
        loop {
            if let Some(end) = buffer.find("\n\n") {
                let frame: String = buffer.drain(..end + 2).collect();
                if frame.contains(&wanted) && frame.contains("ticket.created") {
                    break;
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), body.next())
                .await
                .expect("an event within 10 s")
                .expect("the stream stays open")
                .expect("the stream reads");
            buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
        samples.push(sent.elapsed());
    }
    Samples::of(samples)
}

/// Samples a process's resident memory every 50 ms until stopped; returns the highest (kB).
fn watch_memory(pid: u32) -> (Arc<AtomicBool>, tokio::task::JoinHandle<u64>) {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let handle = tokio::spawn(async move {
        let mut high = 0;
        while !flag.load(Ordering::Relaxed) {
            high = high.max(status_kb(pid, "VmRSS:"));
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        high
    });
    (stop, handle)
}

/// Everything at one size, on the datastore in `dir`.
pub async fn size(dir: &Path, n: u64) -> SizeResult {
    let url = format!("surrealkv://{}", dir.join("docket.db").display());
    let (keys, seeded) = prepare(dir, &url, n);
    let mut result = SizeResult {
        seeded,
        ..SizeResult::default()
    };

    if seeded.is_some() {
        eprintln!("  first start: counting every ticket for the reports");
        let first = Docket::start(&url).await;
        result.first_ready = Some(first.ready_after);
        let admin = signed_in(&first.base, ADMIN).await;
        let counting = Instant::now();
        loop {
            let dashboard = rpc(
                &admin,
                &first.base,
                "load_dashboard",
                &json!({ "filter": {} }),
            )
            .await;
            if dashboard["uncounted"].as_u64() == Some(0) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        result.first_count = Some(first.ready_after + counting.elapsed());
        eprintln!(
            "  every ticket counted {:.1?} after the start",
            result.first_count.unwrap_or_default()
        );
        first.stop();
    }

    let docket = Docket::start(&url).await;
    result.ready = docket.ready_after;
    tokio::time::sleep(Duration::from_secs(2)).await;
    result.rss_rest_kb = docket.rss_kb();
    let (stop_watch, watch) = watch_memory(docket.child.id());
    let base = docket.base.clone();
    let admin = signed_in(&base, ADMIN).await;
    let agent = signed_in(&base, &seed::agent_email(0)).await;

    eprintln!("  queue, counts, search, dashboard");
    result.queue_first = timed(&admin, &base, "queue_page", &queue(Queue::Open), 200).await;
    show("queue first page", &result.queue_first);
    result.queue_first_agent = timed(&agent, &base, "queue_page", &queue(Queue::Open), 200).await;
    show("queue first page, agent", &result.queue_first_agent);
    let mut cursor = Value::Null;
    for _ in 0..50 {
        let page = rpc(
            &admin,
            &base,
            "queue_page",
            &json!({ "query": { "queue": Queue::Open, "cursor": cursor } }),
        )
        .await;
        if page["next"].is_null() {
            break;
        }
        cursor = page["next"].clone();
    }
    let deep = json!({ "query": { "queue": Queue::Open, "cursor": cursor } });
    result.queue_deep = timed(&admin, &base, "queue_page", &deep, 100).await;
    show("queue page 51", &result.queue_deep);
    result.counts = timed(&admin, &base, "queue_nav", &json!({}), 100).await;
    show("queue counts", &result.counts);
    let search = |term: &str| json!({ "query": { "search": term } });
    result.search_common = timed(&admin, &base, "queue_page", &search(COMMON_TERM), 100).await;
    show("search, common term", &result.search_common);
    result.search_frequent = timed(&admin, &base, "queue_page", &search(FREQUENT_TERM), 100).await;
    show("search, frequent term", &result.search_frequent);
    result.search_rare = timed(&admin, &base, "queue_page", &search(RARE_TERM), 100).await;
    show("search, rare term", &result.search_rare);
    result.dashboard = timed(
        &admin,
        &base,
        "load_dashboard",
        &json!({ "filter": {} }),
        50,
    )
    .await;
    show("dashboard", &result.dashboard);

    eprintln!("  live delay");
    result.live = live_delay(&base, &base, &keys, 200).await;
    show("live delay", &result.live);

    eprintln!("  creation at 1, 8 and 32 clients");
    for (clients, per_client) in [(1, 300), (8, 150), (32, 100)] {
        let load = create_load(
            std::slice::from_ref(&base),
            &keys.create,
            clients,
            per_client,
        )
        .await;
        eprintln!(
            "  creation, {clients} clients: {:.0} tickets/s, {} failed{}",
            load.per_second,
            load.failed.len(),
            load.failed
                .first()
                .map_or(String::new(), |f| format!(" (first: {f})"))
        );
        show("  latency", &load.latency);
        result.creation.push(load);
    }
    stop_watch.store(true, Ordering::Relaxed);
    result.rss_load_kb = watch.await.unwrap_or(0);
    docket.stop();
    result.disk_bytes = folder_bytes(dir);
    result
}

/// Two Docket processes on one SurrealDB server holding `TICKETS` seeded tickets.
pub async fn replicas(dir: &Path) -> ReplicaResult {
    const TICKETS: u64 = 10_000;
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("the data folder");
    let surreal = Surreal::start(&dir.join("surreal")).await;
    let (keys, _) = prepare(&dir.join("seed"), &surreal.url, TICKETS);
    let a = Docket::start(&surreal.url).await;
    let b = Docket::start(&surreal.url).await;
    eprintln!("  live delay across replicas");
    let live_across = live_delay(&a.base, &b.base, &keys, 200).await;
    show("live delay across replicas", &live_across);
    eprintln!("  creation at 32 clients: one replica, then two");
    let one = create_load(std::slice::from_ref(&a.base), &keys.create, 32, 100).await;
    let two = create_load(&[a.base.clone(), b.base.clone()], &keys.create, 32, 100).await;
    a.stop();
    b.stop();
    drop(surreal);
    ReplicaResult {
        tickets: TICKETS,
        one,
        two,
        live_across,
    }
}

/// The browser bundle's files: raw, gzip -9 and brotli -9 bytes (brotli when installed).
pub fn bundle() -> Vec<(String, u64, Option<u64>, Option<u64>)> {
    let site = std::env::var("DOCKET_SITE_ROOT")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| "target".into())
                .join("site")
        });
    let compressed = |tool: &str, path: &Path| {
        std::process::Command::new(tool)
            .args(["-9", "-c"])
            .arg(path)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| o.stdout.len() as u64)
    };
    ["docket.wasm", "docket.js", "docket.css"]
        .iter()
        .filter_map(|file| {
            let path = site.join("pkg").join(file);
            let raw = std::fs::metadata(&path).ok()?.len();
            Some((
                file.to_string(),
                raw,
                compressed("gzip", &path),
                compressed("brotli", &path),
            ))
        })
        .collect()
}
