//! Audit retention: old events are pruned behind signed tombstones, the pruning is audited, the
//! trail still verifies, and tampering with a tombstone or the events behind it is named.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use docket::domain::audit::{AuditEvent, SHARDS};
use docket::server::jobs::audit_retention::run_once;
use docket::server::state::AppState;
use docket::server::use_cases::audit_trail;
use reqwest::StatusCode;

use crate::common::datastore::{audit_verify, copy_tree, tamper};
use crate::common::{TestApp, browser, spawn_app_with, spawn_beside};

const RETAIN: (&str, &str) = ("DOCKET_AUDIT_RETAIN", "30d");

async fn sign_ups(app: &TestApp, prefix: &str, n: usize) {
    for i in 0..n {
        let (status, body) = app
            .sign_up(&browser(), &format!("{prefix}{i}@example.com"), "Cee")
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

/// Every event of every chain, by shard.
async fn trail(state: &AppState) -> Vec<Vec<AuditEvent>> {
    let mut shards = Vec::new();
    for shard in 0..SHARDS {
        shards.push(state.store.audit_shard(shard).await.unwrap());
    }
    shards
}

fn positions(trail: &[Vec<AuditEvent>]) -> BTreeSet<(u8, u64)> {
    trail.iter().flatten().map(|e| (e.shard, e.seq)).collect()
}

/// Events made before the clock moves on past the retention, then some after it.
async fn old_and_new_events(app: &TestApp) {
    sign_ups(app, "old", 12).await;
    app.advance(Duration::days(31));
    sign_ups(app, "new", 12).await;
}

/// How many events are older than `cutoff`.
fn older_than(trail: &[Vec<AuditEvent>], cutoff: DateTime<Utc>) -> u64 {
    trail
        .iter()
        .flatten()
        .filter(|e| e.record.at < cutoff)
        .count() as u64
}

#[tokio::test]
async fn pruning_replaces_old_events_with_signed_tombstones_and_the_trail_still_verifies() {
    let app = spawn_app_with(&[RETAIN]).await;
    let state = &app.running.state;
    old_and_new_events(&app).await;
    let cutoff = app.clock.now() - Duration::days(30);
    let before = trail(state).await;
    let old = older_than(&before, cutoff);

    let removed = run_once(state).await.unwrap();

    let after = trail(state).await;
    let gone = positions(&before).difference(&positions(&after)).count() as u64;
    assert!(
        removed > 0 && removed + u64::from(SHARDS) >= old,
        "all old events went but a chain's head: {removed} of {old}"
    );
    assert_eq!(removed, gone, "each pruned event is counted once");
    for events in &after {
        // The chain as the prune found it: the prunes' own events are appended after it, to any
        // chain, so an old head stays followed by them.
        let found = events
            .iter()
            .rposition(|e| e.record.action != "audit.pruned")
            .map_or(0, |head| head + 1);
        for (i, event) in events[..found].iter().enumerate() {
            assert!(
                event.record.at >= cutoff || i == found - 1,
                "only a chain's head may outlive the retention: {event:?}"
            );
        }
    }
    let pruned_events: Vec<&AuditEvent> = after
        .iter()
        .flatten()
        .filter(|e| e.record.action == "audit.pruned")
        .collect();
    let tombstones = state.store.audit_tombstones().await.unwrap();
    assert_eq!(pruned_events.len(), tombstones.len());
    let audited: u64 = pruned_events
        .iter()
        .map(|e| {
            assert_eq!(e.record.object_kind, "audit_chain");
            assert_eq!(e.record.actor.label, "Docket");
            e.record.after.as_ref().unwrap()["pruned"].as_u64().unwrap()
        })
        .sum();
    assert_eq!(audited, removed, "each prune is audited with its count");

    let verification = audit_trail::verify_from_console(state).await.unwrap();
    assert!(verification.breaks.is_empty(), "{verification:?}");
    assert_eq!(verification.pruned, removed);
    assert_eq!(
        verification.events,
        after.iter().map(|e| e.len() as u64).sum::<u64>()
    );
    // A second run may take only the old heads the first one had to keep, once its own records
    // were appended after them.
    let old_heads: BTreeSet<(u8, u64)> = after
        .iter()
        .flatten()
        .filter(|e| e.record.at < cutoff)
        .map(|e| (e.shard, e.seq))
        .collect();
    let again = run_once(state).await.unwrap();
    let after_again = positions(&trail(state).await);
    let gone_again: BTreeSet<(u8, u64)> = positions(&after)
        .difference(&after_again)
        .copied()
        .collect();
    assert!(
        gone_again.is_subset(&old_heads) && again == gone_again.len() as u64,
        "the second run took {gone_again:?}, the old heads were {old_heads:?}"
    );
}

#[tokio::test]
async fn without_a_retention_nothing_is_pruned() {
    let app = spawn_app_with(&[]).await;
    let state = &app.running.state;
    old_and_new_events(&app).await;
    app.advance(Duration::days(3650));
    assert_eq!(run_once(state).await.unwrap(), 0);
    let verification = audit_trail::verify_from_console(state).await.unwrap();
    let all = trail(state).await.iter().map(|e| e.len() as u64).sum();
    assert_eq!((verification.events, verification.pruned), (all, 0));
    assert!(state.store.audit_tombstones().await.unwrap().is_empty());
}

#[tokio::test]
async fn events_a_siem_has_not_taken_yet_are_kept_past_the_retention() {
    // A collector that is never there (nothing listens on port 9 of loopback): its cursors stay.
    let app = spawn_app_with(&[RETAIN, ("DOCKET_AUDIT_STREAM", "syslog+tcp://127.0.0.1:9")]).await;
    let state = &app.running.state;
    old_and_new_events(&app).await;
    let before = positions(&trail(state).await);
    assert_eq!(run_once(state).await.unwrap(), 0);
    assert_eq!(positions(&trail(state).await), before);
    assert!(state.store.audit_tombstones().await.unwrap().is_empty());
}

#[tokio::test]
async fn two_processes_pruning_at_once_remove_each_event_once() {
    let app = spawn_app_with(&[RETAIN]).await;
    let other = spawn_beside(&app).await;
    // The second process reads its own settings: give it the same retention.
    let mut settings = (*other.running.state.settings).clone();
    settings.audit.retain = Some(Duration::days(30));
    let other_state = AppState {
        settings: std::sync::Arc::new(settings),
        ..other.running.state.clone()
    };
    let state = &app.running.state;
    old_and_new_events(&app).await;
    let before = positions(&trail(state).await);

    let (one, two) = tokio::join!(run_once(state), run_once(&other_state));

    let removed = one.unwrap() + two.unwrap();
    let gone = before.difference(&positions(&trail(state).await)).count() as u64;
    assert!(removed > 0);
    assert_eq!(removed, gone, "no event was counted by both");
    let verification = audit_trail::verify_from_console(state).await.unwrap();
    assert!(verification.breaks.is_empty(), "{verification:?}");
    assert_eq!(verification.pruned, removed);
}

const SECRET_KEY: &str = "retention test key, kept outside the database";

/// `docket audit verify` on the datastore at `path` with `key`: whether it passed, and its output.
fn verify(path: &std::path::Path, key: &str) -> (bool, String) {
    let url = format!("surrealkv://{}", path.display());
    audit_verify(&url, &[("DOCKET_SECURITY_SECRET_KEY", key)])
}

/// [`tamper`] on the datastore at `path`.
fn tamper_at(path: &std::path::Path, sql: &str) {
    tamper(&format!("surrealkv://{}", path.display()), sql);
}

/// What the in-process server left: how many events it pruned, and per pruned shard its
/// tombstone's `through_seq` and the sequence numbers that remain.
struct Pruned {
    removed: u64,
    chains: HashMap<u8, (u64, Vec<u64>)>,
}

/// Runs a server with a hand-moved clock on an on-disk datastore at `path`, prunes, and checks
/// the result in process. Its own runtime ends before returning, so nothing writes any more.
fn prune_on_disk(path: &std::path::Path) -> Pruned {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let pruned = runtime.block_on(async {
        let url = format!("surrealkv://{}", path.display());
        let app = spawn_app_with(&[
            RETAIN,
            ("DOCKET_DATABASE_URL", &url),
            ("DOCKET_SECURITY_SECRET_KEY", SECRET_KEY),
        ])
        .await;
        let state = &app.running.state;
        sign_ups(&app, "old", 16).await;
        // Checkpoints of heads that are then pruned: at or behind the tombstones.
        audit_trail::write_checkpoints(state, &mut HashMap::new())
            .await
            .unwrap();
        app.advance(Duration::days(31));
        sign_ups(&app, "new", 24).await;
        let removed = run_once(state).await.unwrap();
        audit_trail::write_checkpoints(state, &mut HashMap::new())
            .await
            .unwrap();
        let verification = audit_trail::verify_from_console(state).await.unwrap();
        assert!(verification.breaks.is_empty(), "{verification:?}");
        assert_eq!(verification.pruned, removed);
        let mut chains = HashMap::new();
        for tombstone in state.store.audit_tombstones().await.unwrap() {
            let events = state.store.audit_shard(tombstone.shard).await.unwrap();
            let seqs = events.iter().map(|e| e.seq).collect();
            chains.insert(tombstone.shard, (tombstone.through_seq, seqs));
        }
        Pruned { removed, chains }
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    pruned
}

#[test]
fn verify_names_a_forged_tombstone_and_events_deleted_behind_one() {
    let original = tempfile::tempdir().unwrap();
    let db_path = original.path().join("docket.db");
    let Pruned { removed, chains } = prune_on_disk(&db_path);
    let checkpoints = format!("{}.audit-checkpoints", db_path.display());

    let (_work, copy) = copy_of(&db_path, &checkpoints, None);
    let (intact, said) = verify(&copy, SECRET_KEY);
    assert!(intact, "{said}");
    assert!(
        said.contains(&format!(
            "{removed} pruned events covered by signed tombstones"
        )),
        "{said}"
    );
    let (intact, said) = verify(&copy, "another key");
    assert!(!intact && said.contains(": forged tombstone"), "{said}");

    // A pruned chain with at least two events left after its tombstone.
    let (&shard, (through, remaining)) = chains
        .iter()
        .find(|(_, (_, seqs))| seqs.len() >= 2)
        .expect("a pruned chain that goes on");
    assert_eq!(remaining[..2], [through + 1, through + 2]);
    let cases = [
        (
            "one more event pruned quietly, the tombstone edited to match",
            format!(
                "LET $next = (SELECT VALUE hash FROM audit_event WHERE shard = {shard} AND seq = {next})[0];
                 DELETE audit_event WHERE shard = {shard} AND seq = {next};
                 UPDATE audit_tombstone:{shard} SET through_seq = {next}, hash = $next, pruned += 1;",
                next = through + 1
            ),
            format!("audit chain {shard} at event {}: forged tombstone", through + 1),
        ),
        (
            "the event right after the tombstone deleted",
            format!(
                "DELETE audit_event WHERE shard = {shard} AND seq = {};",
                through + 1
            ),
            format!("audit chain {shard} at event {}: missing", through + 2),
        ),
        (
            "the tombstone deleted",
            format!("DELETE audit_tombstone:{shard};"),
            format!("audit chain {shard} at event {}: missing", through + 1),
        ),
    ];
    for (name, sql, expected) in cases {
        let (_work, copy) = copy_of(&db_path, &checkpoints, Some(&sql));
        let (intact, said) = verify(&copy, SECRET_KEY);
        assert!(!intact, "{name}: verify passed: {said}");
        assert!(said.contains(&expected), "{name}: {said}");
    }
}

/// A fresh copy of the datastore (tampered with `sql` when given) beside its checkpoint log, in
/// a directory that lives as long as the returned guard.
fn copy_of(
    db_path: &std::path::Path,
    checkpoints: &str,
    sql: Option<&str>,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let work = tempfile::tempdir().unwrap();
    let mut source = db_path.to_path_buf();
    if let Some(sql) = sql {
        source = work.path().join("tampered.db");
        copy_tree(db_path, &source);
        tamper_at(&source, sql);
    }
    let copy = work.path().join("docket.db");
    copy_tree(&source, &copy);
    std::fs::copy(checkpoints, format!("{}.audit-checkpoints", copy.display())).unwrap();
    (work, copy)
}
