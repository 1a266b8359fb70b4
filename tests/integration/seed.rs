//! The benchmark's bulk seed (`Store::seed_*`) writes tickets already counted for the reports:
//! the rollups it writes equal a full recount, the metrics job finds nothing left to count, the
//! queues count them and new tickets are numbered after them.

use chrono::{Duration, Utc};
use docket::domain::metrics::DEFINITIONS_VERSION;
use docket::domain::metrics::tally::{Tallies, contribution};
use docket::server::store::{SeedAlert, SeedEntry, SeedTicket, SeedUser};
use docket::server::use_cases::reports;

use crate::common::spawn_app;

fn entry(seq: usize, kind: &'static str, author: &str, at: chrono::DateTime<Utc>) -> SeedEntry {
    SeedEntry {
        seq,
        kind,
        author: author.into(),
        author_name: author.to_uppercase(),
        body: format!("entry {seq}"),
        at,
    }
}

/// A ticket opened `days_ago`, in `status`, answered by agent a0 unless `answered` is false.
fn ticket(n: u64, status: &'static str, days_ago: i64, answered: bool) -> SeedTicket {
    let created = Utc::now() - Duration::days(days_ago);
    let mut entries = vec![entry(1, "customer_message", "c0", created)];
    if answered {
        entries.push(entry(2, "agent_reply", "a0", created + Duration::hours(3)));
    }
    SeedTicket {
        number: format!("S{n:05}"),
        subject: format!("Seeded ticket {n}"),
        requester: "c0".into(),
        department: "support".into(),
        priority: ["normal", "high"][n as usize % 2],
        status,
        assignee: answered.then(|| "a0".into()),
        source: ["web", "alert", "email"][n as usize % 3],
        tags: Vec::new(),
        fields: "{}".into(),
        search_text: format!("Seeded ticket {n}"),
        sla_plan: None,
        sla_due: Some(created + Duration::hours(8)),
        count_shard: (n % 8) as u8,
        alert: (n % 3 == 1).then(|| SeedAlert {
            source: "wazuh".into(),
            fingerprint: format!("seed-{n}"),
            rule: "5710".into(),
            observables: r#"[{"kind":"ip","value":"10.0.0.7"}]"#.into(),
        }),
        created_at: created,
        updated_at: entries.last().map_or(created, |e| e.at),
        first_response_at: answered.then(|| created + Duration::hours(3)),
        entries,
    }
}

#[tokio::test]
async fn seeded_tickets_are_counted_as_the_metrics_job_counts_them() {
    let app = spawn_app().await;
    let state = &app.running.state;
    let store = &state.store;
    let user = |id: &str, role: &'static str, departments: Vec<String>| SeedUser {
        id: id.into(),
        email: format!("{id}@seed.test"),
        name: id.to_uppercase(),
        role,
        password_hash: "!".into(),
        departments,
    };
    store
        .seed_users(
            &[
                user("a0", "agent", vec!["support".into()]),
                user("c0", "customer", Vec::new()),
            ],
            Utc::now(),
        )
        .await
        .unwrap();
    let tickets = [
        ticket(1, "open", 0, false),
        ticket(2, "waiting", 1, true),
        ticket(3, "closed", 40, true),
        ticket(4, "resolved", 400, true),
        ticket(5, "open", 3, true),
    ];

    let basis = store
        .recount_metrics(DEFINITIONS_VERSION, "UTC")
        .await
        .unwrap();
    let statuses = store.every_status().await.unwrap();
    let facts = store
        .seed_tickets(&tickets, &statuses, &basis)
        .await
        .unwrap();
    let mut rollups = Tallies::default();
    for facts in &facts {
        rollups.merge(&contribution(facts, chrono_tz::UTC), 1);
    }
    store.seed_rollups(&rollups).await.unwrap();
    store.seed_ticket_sequence(5).await.unwrap();

    assert_eq!(
        reports::count_changed(state).await.unwrap(),
        0,
        "a seeded ticket was left for the metrics job to count"
    );
    let mut recount = Tallies::default();
    for facts in store.every_ticket_facts(&statuses).await.unwrap() {
        recount.merge(&contribution(&facts, chrono_tz::UTC), 1);
    }
    assert!(!recount.is_empty(), "the seeded tickets were counted");
    assert_eq!(store.stored_tallies().await.unwrap(), recount);

    // The queues count them, and the next ticket is numbered after them.
    let counted: u64 = store
        .queue_counts()
        .await
        .unwrap()
        .iter()
        .map(|row| row.tickets)
        .sum();
    assert_eq!(counted, 5);
    assert_eq!(store.next_ticket_sequence().await.unwrap(), 6);
}
