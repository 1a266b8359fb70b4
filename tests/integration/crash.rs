//! Durability under `kill -9`: several clients create tickets (osTicket API), add notes and change
//! statuses (REST) at full speed; the server is killed at a random moment, ten times. Everything
//! that was acknowledged (201, 200) is there after each restart, with its thread entry, its
//! status and its audit event, and the audit chains verify.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use docket::domain::audit::SHARDS;
use docket::server::config::DatabaseSettings;
use docket::server::store::Store;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

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

async fn create(client: &Client, base: &str, key: &str, subject: &str) -> Option<String> {
    let response = client
        .post(format!("{base}/api/tickets.json"))
        .header("X-API-Key", key)
        .json(&json!({ "name": "Crash Test", "email": "crash@example.com",
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
                match create(&client, &base, &key, &subject).await {
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
