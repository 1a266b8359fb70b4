//! Durability under `kill -9`: several clients create tickets (osTicket API), add notes and change
//! statuses (REST) at full speed; the server is killed at a random moment, ten times. Everything
//! that was acknowledged (201, 200) is there after each restart, with its thread entry, its
//! status and its audit event, and the audit chains verify. And the outboxes: every acknowledged
//! ticket's mail and webhook delivery arrives at least once, however the kills cut their delivery.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use docket::domain::audit::SHARDS;
use docket::server::config::DatabaseSettings;
use docket::server::store::Store;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::common::smtp_sink::SmtpSink;
use crate::common::{DocketProcess, PASSWORD, console, console_text, eventually};

const ROUNDS: usize = 10;
const CREATORS: usize = 4;
const CHANGERS: usize = 2;
/// Tickets each round acknowledges at least before its kill.
const PER_ROUND_AT_LEAST: usize = 3;

/// What the server acknowledged, by ticket number.
#[derive(Default)]
struct Acknowledged {
    /// The subject of each created ticket.
    created: BTreeMap<String, String>,
    /// The notes each ticket got.
    notes: BTreeMap<String, Vec<String>>,
    /// The last status each ticket was acknowledged in (with the version it answered).
    status: BTreeMap<String, (u64, String)>,
}

/// A console command that must succeed; its standard output.
fn docket(url: &str, args: &[&str], stdin: &str) -> String {
    let output = console(url, args, stdin);
    assert!(
        output.status.success(),
        "docket {args:?}: {}",
        console_text(&output)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// A small deterministic generator (no dependency): where in each round the kill lands.
fn kill_after(round: usize) -> Duration {
    let x = (round as u64 + 1)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(17);
    Duration::from_millis(300 + x % 1200)
}

async fn create(
    client: &Client,
    base: &str,
    key: &str,
    email: &str,
    subject: &str,
) -> Option<String> {
    let response = client
        .post(format!("{base}/api/tickets.json"))
        .header("X-API-Key", key)
        .json(&json!({ "name": "Crash Test", "email": email,
            "subject": subject, "message": format!("Body of {subject}") }))
        .send()
        .await
        .ok()?;
    if response.status() != StatusCode::CREATED {
        return None;
    }
    response.text().await.ok().map(|n| n.trim().to_string())
}

async fn note(client: &Client, base: &str, key: &str, number: &str, text: &str) -> bool {
    let response = client
        .post(format!("{base}/api/v1/tickets/{number}/messages"))
        .bearer_auth(key)
        .json(&json!({ "kind": "note", "message": text }))
        .send()
        .await;
    matches!(response, Ok(r) if r.status() == StatusCode::CREATED)
}

async fn set_status(
    client: &Client,
    base: &str,
    key: &str,
    number: &str,
    status: &str,
) -> Option<u64> {
    let response = client
        .patch(format!("{base}/api/v1/tickets/{number}"))
        .bearer_auth(key)
        .json(&json!({ "status": status }))
        .send()
        .await
        .ok()?;
    if response.status() != StatusCode::OK {
        return None;
    }
    let detail: Value = response.json().await.ok()?;
    detail["version"].as_u64()
}

/// Drives load at `base` until the server dies; records what it acknowledged.
async fn load(base: String, key: String, round: usize, acked: Arc<Mutex<Acknowledged>>) {
    let mut tasks = Vec::new();
    for c in 0..CREATORS {
        let (base, key, acked) = (base.clone(), key.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            let client = Client::new();
            for i in 0.. {
                let subject = format!("Crash round {round} client {c} ticket {i}");
                match create(&client, &base, &key, "crash@example.com", &subject).await {
                    Some(number) => {
                        acked.lock().unwrap().created.insert(number, subject);
                    }
                    // The server is gone (or refused): the round is over for this client.
                    None => return,
                }
            }
        }));
    }
    for c in 0..CHANGERS {
        let (base, key, acked) = (base.clone(), key.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            let client = Client::new();
            for i in 0usize.. {
                let target = {
                    let acked = acked.lock().unwrap();
                    let numbers: Vec<&String> = acked.created.keys().collect();
                    if numbers.is_empty() {
                        None
                    } else {
                        Some(numbers[(i * 7 + c) % numbers.len()].clone())
                    }
                };
                let Some(number) = target else {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    if i > 2000 {
                        return;
                    }
                    continue;
                };
                if i % 2 == 0 {
                    let text = format!("Note {i} of changer {c} in round {round}");
                    if !note(&client, &base, &key, &number, &text).await {
                        return;
                    }
                    acked
                        .lock()
                        .unwrap()
                        .notes
                        .entry(number)
                        .or_default()
                        .push(text);
                } else {
                    let status = if i % 4 == 1 { "waiting" } else { "open" };
                    let Some(version) = set_status(&client, &base, &key, &number, status).await
                    else {
                        return;
                    };
                    // Two changers may race on one ticket: the later version is the truth.
                    let mut acked = acked.lock().unwrap();
                    let entry = acked.status.entry(number).or_insert((0, String::new()));
                    if version > entry.0 {
                        *entry = (version, status.to_string());
                    }
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
}

/// Checks through the API that everything acknowledged is there (of the tickets whose subject
/// starts with `prefix`).
async fn check_everything_is_there(base: &str, key: &str, acked: &Acknowledged, prefix: &str) {
    let client = Client::new();
    for (number, subject) in acked.created.iter().filter(|(_, s)| s.starts_with(prefix)) {
        let response = client
            .get(format!("{base}/api/v1/tickets/{number}"))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "ticket {number} was lost"
        );
        let detail: Value = response.json().await.unwrap();
        assert_eq!(detail["subject"], json!(subject));
        let bodies: HashSet<String> = detail["thread"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["body"].as_str().map(str::to_string))
            .collect();
        assert!(
            bodies.contains(&format!("Body of {subject}")),
            "{number}: {detail}"
        );
        for text in acked.notes.get(number).into_iter().flatten() {
            assert!(
                bodies.contains(text),
                "{number} lost the note {text:?}: {detail}"
            );
        }
        if let Some((version, status)) = acked.status.get(number) {
            let now = detail["version"].as_u64().unwrap();
            assert!(
                now >= *version,
                "{number} went back from version {version} to {now}"
            );
            if now == *version {
                assert_eq!(detail["status"], json!(status), "{number}: {detail}");
            }
        }
    }
}

#[tokio::test]
async fn kill_9_at_random_moments_loses_nothing_that_was_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("docket.db").display());
    docket(
        &url,
        &[
            "admin",
            "create",
            "--email",
            "ops@example.com",
            "--name",
            "Ops",
        ],
        &format!("{PASSWORD}\n"),
    );
    let key = docket(
        &url,
        &[
            "api-key",
            "create",
            "--name",
            "crash",
            "--allow",
            "127.0.0.1",
            "--scope",
            "tickets:create",
            "--scope",
            "tickets:read",
            "--scope",
            "tickets:write",
            "--acts-as",
            "ops@example.com",
        ],
        "",
    )
    .trim()
    .to_string();
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    for round in 0..ROUNDS {
        let server = DocketProcess::start(&[("DOCKET_DATABASE_URL", &url)]);
        // What the last round had acknowledged when it was killed.
        let last = format!("Crash round {} ", round.wrapping_sub(1));
        let snapshot = std::mem::take(&mut *acked.lock().unwrap());
        check_everything_is_there(&server.base, &key, &snapshot, &last).await;
        *acked.lock().unwrap() = snapshot;
        let driving = tokio::spawn(load(server.base.clone(), key.clone(), round, acked.clone()));
        let before = acked.lock().unwrap().created.len();
        tokio::time::sleep(kill_after(round)).await;
        // On a busy machine the random moment may come before anything was acknowledged: the
        // kill waits for a few tickets of this round, so every round tests something.
        eventually("this round's first tickets", || async {
            (acked.lock().unwrap().created.len() >= before + PER_ROUND_AT_LEAST).then_some(())
        })
        .await;
        server.kill();
        driving.await.unwrap();
    }
    let acked = Arc::try_unwrap(acked).ok().unwrap().into_inner().unwrap();
    let server = DocketProcess::start(&[("DOCKET_DATABASE_URL", &url)]);
    check_everything_is_there(&server.base, &key, &acked, "").await;
    server.terminate();
    assert!(acked.created.len() >= ROUNDS * PER_ROUND_AT_LEAST);
    assert!(!acked.notes.is_empty() && !acked.status.is_empty());

    // The chains verify (before this test opens the datastore itself: it admits one process).
    docket(&url, &["audit", "verify"], "");
    // Every acknowledged change has its audit event.
    let store = Store::connect(&DatabaseSettings {
        url: url.clone(),
        namespace: "docket".into(),
        database: "main".into(),
        username: None,
        password: None,
    })
    .await
    .unwrap();
    let mut events: BTreeSet<(String, String)> = BTreeSet::new();
    let mut notes_audited: BTreeMap<String, usize> = BTreeMap::new();
    for shard in 0..SHARDS {
        for event in store.audit_shard(shard).await.unwrap() {
            let r = event.record;
            if r.action == "ticket.noted" {
                *notes_audited.entry(r.object_id.clone()).or_default() += 1;
            }
            events.insert((r.action, r.object_id));
        }
    }
    for number in acked.created.keys() {
        assert!(
            events.contains(&("ticket.created".into(), number.clone())),
            "{number}"
        );
    }
    for (number, notes) in &acked.notes {
        assert!(
            notes_audited.get(number).copied().unwrap_or(0) >= notes.len(),
            "{number}"
        );
    }
    // Tickets start open, so one acknowledged in "waiting" was changed at least once.
    let waiting = acked.status.iter().filter(|(_, (_, s))| s == "waiting");
    for (number, _) in waiting {
        assert!(
            events.contains(&("ticket.status_changed".into(), number.clone())),
            "{number}"
        );
    }
    eprintln!(
        "crash test: {ROUNDS} kills, {} tickets, {} notes, {} status changes acknowledged, 0 lost",
        acked.created.len(),
        acked.notes.values().map(Vec::len).sum::<usize>(),
        acked.status.len()
    );
}

/// Kills of the outbox test.
const OUTBOX_ROUNDS: usize = 5;
/// How long the SMTP server and the webhook receiver take to answer each message: deliveries are
/// in flight most of the time, so a kill lands between claiming a message and marking it done.
const SLOW_ANSWER: Duration = Duration::from_millis(40);

/// What arrived, by the requester's address (mail) and by ticket number (webhooks), every copy.
type Arrivals = Arc<Mutex<BTreeMap<String, usize>>>;

/// A webhook receiver on loopback, outliving Docket's restarts: counts the `ticket.created`
/// deliveries of each ticket and answers 200 only after [`SLOW_ANSWER`].
async fn slow_receiver() -> (String, Arrivals) {
    let arrivals = Arrivals::default();
    let seen = arrivals.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: String| {
            let seen = seen.clone();
            async move {
                let body: Value = serde_json::from_str(&body).unwrap_or_default();
                if let (Some("ticket.created"), Some(number)) =
                    (body["event"].as_str(), body["ticket"].as_str())
                {
                    *seen.lock().unwrap().entry(number.to_string()).or_default() += 1;
                }
                tokio::time::sleep(SLOW_ANSWER).await;
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, arrivals)
}

/// Mail the sink holds, by recipient, every copy.
fn mail_by_recipient(sink: &SmtpSink) -> BTreeMap<String, usize> {
    let mut arrived = BTreeMap::new();
    for message in sink.messages() {
        for to in message.to {
            *arrived.entry(to).or_default() += 1;
        }
    }
    arrived
}

/// Saves an admin settings item (as the admin pages do); the saved item.
async fn save_setting(admin: &Client, base: &str, section: &str, item: Value) -> Value {
    let response = admin
        .post(format!("{base}/rpc/save_settings_item"))
        .json(&json!({ "section": section, "key": null, "item": item }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "saving {section}");
    response.json().await.unwrap()
}

/// One ticket the API acknowledged: its number and its requester (who alone gets its mail).
struct Opened {
    number: String,
    requester: String,
}

/// Creates tickets from several clients at `base` until the server dies. Each ticket has a
/// requester of its own, so each gets an auto-response (they are limited per address and hour).
async fn open_tickets(base: String, key: String, round: usize, opened: Arc<Mutex<Vec<Opened>>>) {
    let mut tasks = Vec::new();
    for c in 0..CREATORS {
        let (base, key, opened) = (base.clone(), key.clone(), opened.clone());
        tasks.push(tokio::spawn(async move {
            let client = Client::new();
            for i in 0.. {
                let requester = format!("r{round}.c{c}.t{i}@example.com");
                let subject = format!("Outbox round {round} client {c} ticket {i}");
                let Some(number) = create(&client, &base, &key, &requester, &subject).await else {
                    return;
                };
                opened.lock().unwrap().push(Opened { number, requester });
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
}

/// How many of `opened` have nothing in `mail` or in `hooks`.
fn undelivered(
    opened: &[Opened],
    mail: &BTreeMap<String, usize>,
    hooks: &BTreeMap<String, usize>,
) -> (usize, usize) {
    let mail = opened
        .iter()
        .filter(|o| !mail.contains_key(&o.requester))
        .count();
    let hooks = opened
        .iter()
        .filter(|o| !hooks.contains_key(&o.number))
        .count();
    (mail, hooks)
}

#[tokio::test]
async fn kill_9_loses_no_mail_or_webhook_delivery() {
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("docket.db").display());
    let sink = SmtpSink::start_slow(SLOW_ANSWER).await;
    let smtp = sink.url();
    let (hook_url, hooks) = slow_receiver().await;
    let env = [
        ("DOCKET_DATABASE_URL", url.as_str()),
        ("DOCKET_MAIL_SMTP_URL", smtp.as_str()),
    ];

    // The first round runs on the server that is set up here.
    let mut first = Some(DocketProcess::start(&env));
    let server = first.as_ref().unwrap();
    let admin = server.admin().await;
    let webhook = json!({ "name": "SOAR", "active": true, "url": hook_url,
        "events": ["ticket.created"], "secret": "outbox crash test" });
    save_setting(&admin, &server.base, "webhooks", webhook).await;
    let key = json!({ "name": "outbox crash", "active": true, "scopes": ["tickets:create"],
        "allowed": "127.0.0.1", "acts_as": "" });
    let saved = save_setting(&admin, &server.base, "api_keys", key).await;
    let key = saved["secret"].as_str().unwrap().to_string();

    let opened: Arc<Mutex<Vec<Opened>>> = Arc::default();
    for round in 0..OUTBOX_ROUNDS {
        let server = first.take().unwrap_or_else(|| DocketProcess::start(&env));
        let before = opened.lock().unwrap().len();
        let driving = tokio::spawn(open_tickets(
            server.base.clone(),
            key.clone(),
            round,
            opened.clone(),
        ));
        tokio::time::sleep(kill_after(round)).await;
        // The kill must cut deliveries short: it waits for this round's first tickets and for
        // mail and webhooks to be behind (then the workers hold claimed messages not yet done).
        eventually(
            "this round's tickets, with deliveries behind them",
            || async {
                let opened = opened.lock().unwrap();
                let (mail, webhooks) =
                    undelivered(&opened, &mail_by_recipient(&sink), &hooks.lock().unwrap());
                (opened.len() >= before + PER_ROUND_AT_LEAST && mail >= 2 && webhooks >= 2)
                    .then_some((mail, webhooks))
            },
        )
        .await;
        server.kill();
        driving.await.unwrap();
    }

    let server = DocketProcess::start(&env);
    let opened = Arc::try_unwrap(opened).ok().unwrap().into_inner().unwrap();
    let missing = || undelivered(&opened, &mail_by_recipient(&sink), &hooks.lock().unwrap());
    let behind = missing();
    let what = format!(
        "every acknowledged ticket's mail and webhook delivery ({} mails and {} deliveries of {} \
         tickets were due at the last restart)",
        behind.0,
        behind.1,
        opened.len()
    );
    eventually(&what, || async { (missing() == (0, 0)).then_some(()) }).await;
    server.terminate();

    let mail = mail_by_recipient(&sink);
    let hooks = hooks.lock().unwrap();
    let tickets = opened.len();
    let mails: usize = opened.iter().map(|o| mail[&o.requester]).sum();
    let deliveries: usize = opened.iter().map(|o| hooks[&o.number]).sum();
    eprintln!(
        "outbox crash test: {OUTBOX_ROUNDS} kills, {tickets} tickets acknowledged; {mails} mails \
         and {deliveries} webhook deliveries arrived ({} and {} duplicates); {} mails and {} \
         deliveries were still due at the last restart; 0 missing; {:.1?}",
        mails - tickets,
        deliveries - tickets,
        behind.0,
        behind.1,
        started.elapsed(),
    );
}
