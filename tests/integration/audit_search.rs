//! Reading the trail: the admin audit page's filters and cursor, the CSV and JSON lines exports
//! (re-verified on their own), and a ticket's History tab.

use std::collections::{BTreeMap, HashSet};

use docket::domain::audit::export::ExportedEvent;
use docket::domain::audit::filter::AuditFilter;
use docket::domain::audit::{AuditEvent, verify_shard};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestApp, browser, spawn_app};

/// A customer's ticket that agent Priya (Support) raised from Normal to High priority.
async fn changed_ticket(app: &TestApp) -> (Client, Client, String) {
    let admin = app.admin().await;
    let (priya, _) = app
        .agent(
            &admin,
            "priya@example.com",
            "Priya Shah",
            &[("support", "expanded")],
        )
        .await;
    let customer = browser();
    app.sign_up(&customer, "cee@example.com", "Cee").await;
    let (status, number) = app
        .rpc_json(
            &customer,
            "open_ticket",
            &[
                ("topic", "general"),
                ("subject", "VPN drops"),
                ("message", "Every hour."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{number}");
    let number = number.as_str().unwrap().to_string();
    // Each step a second apart, as people work (the test clock otherwise stands still).
    app.advance(chrono::Duration::seconds(1));
    let (status, ticket) = app
        .rpc_json(&priya, "agent_ticket", &[("number", &number)])
        .await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    app.advance(chrono::Duration::seconds(1));
    let (status, body) = app
        .rpc_body(
            &priya,
            "change_ticket",
            json!({ "number": number, "version": ticket["ticket"]["version"],
                "change": { "change": "priority", "priority": "high" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (admin, priya, number)
}

fn actions(page: &Value) -> Vec<String> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_auditor_finds_who_changed_a_ticket_by_actor_object_type_address_and_date() {
    let app = spawn_app().await;
    let (admin, _priya, number) = changed_ticket(&app).await;

    let object = format!("ticket:{number}");
    let (status, page) = app.audit_page(&admin, json!({ "object": object })).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let found = actions(&page);
    for expected in ["ticket.created", "ticket.viewed", "ticket.priority_changed"] {
        assert!(found.contains(&expected.to_string()), "{found:?}");
    }
    assert!(found.iter().all(|a| a.starts_with("ticket.")), "{found:?}");

    // Who changed it: one filter on the actor (part of the email, any case) and the type.
    let (_, page) = app
        .audit_page(
            &admin,
            json!({ "actor": "PRIYA@", "action": "ticket.priority", "object": object }),
        )
        .await;
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{page}");
    assert_eq!(events[0]["actor"], "priya@example.com");
    assert_eq!(
        events[0]["change"],
        r#"{"priority":"normal"} → {"priority":"high"}"#
    );
    assert_eq!(events[0]["ip"], "127.0.0.1");

    // The address, as a prefix, and the day (the test clock's): found; another day: nothing.
    let today = app.clock.now().date_naive().to_string();
    let (_, page) = app
        .audit_page(
            &admin,
            json!({ "ip": "127.0.", "from": today, "to": today, "action": "ticket.priority_changed" }),
        )
        .await;
    assert_eq!(actions(&page), ["ticket.priority_changed"]);
    let (_, page) = app
        .audit_page(&admin, json!({ "from": "2020-01-01", "to": "2020-01-02" }))
        .await;
    assert!(actions(&page).is_empty(), "{page}");
    let (_, page) = app.audit_page(&admin, json!({ "ip": "10.9." })).await;
    assert!(actions(&page).is_empty(), "{page}");

    // A malformed search is refused at its fields.
    let (status, body) = app
        .audit_page(
            &admin,
            json!({ "object": "Ticket 12", "from": "2026-03-05", "to": "2026-03-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["to", "object"]);
}

#[tokio::test]
async fn the_cursor_pages_through_every_event_once_even_when_times_are_equal() {
    let app = spawn_app().await;
    let (admin, priya, number) = changed_ticket(&app).await;
    // The test clock stands still: many events share one instant.
    for _ in 0..130 {
        let (status, _) = app
            .rpc_json(&priya, "agent_ticket", &[("number", &number)])
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let store = &app.running.state.store;
    let total = store
        .audit_count(&AuditFilter::default(), None)
        .await
        .unwrap();
    assert!(total > 130);
    let mut seen = HashSet::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let (status, page) = app
            .rpc_body(
                &admin,
                "audit_page",
                json!({ "filter": {}, "after": after }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        for event in page["events"].as_array().unwrap() {
            assert!(
                seen.insert(event["hash"].as_str().unwrap().to_string()),
                "an event came twice"
            );
        }
        after = page["older"].clone();
        if after.is_null() {
            break;
        }
    }
    // Reading the page is not audited, so the count did not move while paging.
    assert_eq!(seen.len() as u64, total);
    assert!(pages >= 3);
}

async fn export(app: &TestApp, client: &Client, query: &str) -> (StatusCode, u64, String) {
    let response = client
        .get(app.url(&format!("/admin/audit/export?{query}")))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let total = response
        .headers()
        .get("x-total-count")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    (status, total, response.text().await.unwrap())
}

#[tokio::test]
async fn an_export_holds_every_matching_event_and_verifies_on_its_own() {
    let app = spawn_app().await;
    let (admin, priya, _number) = changed_ticket(&app).await;
    app.advance(chrono::Duration::seconds(1));

    let (status, total, text) = export(&app, &admin, "format=jsonl").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let events: Vec<AuditEvent> = text
        .lines()
        .map(|line| AuditEvent::from(serde_json::from_str::<ExportedEvent>(line).unwrap()))
        .collect();
    assert_eq!(events.len() as u64, total);
    // The export is itself audited, and exported (it is written before the first line).
    assert_eq!(events[0].record.action, "audit.exported");
    // Every chain is whole in the file: its hashes verify without the database.
    let mut shards: BTreeMap<u8, Vec<AuditEvent>> = BTreeMap::new();
    for event in events {
        shards.entry(event.shard).or_default().push(event);
    }
    let mut verified = 0;
    for (shard, mut chain) in shards {
        chain.sort_by_key(|e| e.seq);
        verified += verify_shard(shard, &chain).expect("the exported chain verifies");
    }
    assert_eq!(verified, total);

    // CSV of one search: a header and one row per event, read back by a real CSV reader.
    let (status, total, text) = export(
        &app,
        &admin,
        "format=csv&actor=priya%40example.com&action=ticket.",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(header.len(), 15);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len() as u64, total);
    assert!(total >= 2, "a view and a change");
    let action = header.iter().position(|h| h == "action").unwrap();
    let actor = header.iter().position(|h| h == "actor_label").unwrap();
    assert!(rows.iter().all(|r| &r[actor] == "priya@example.com"));
    assert!(rows.iter().any(|r| &r[action] == "ticket.priority_changed"));

    // Only those who may read the trail may export it; a bad format is refused.
    let (status, _, _) = export(&app, &priya, "format=csv").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = export(&app, &browser(), "format=csv").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, body) = export(&app, &admin, "format=xlsx").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn a_tickets_history_tells_who_did_what_in_sentences() {
    let app = spawn_app().await;
    let (admin, priya, number) = changed_ticket(&app).await;
    let (status, history) = app
        .rpc_body(
            &priya,
            "ticket_history",
            json!({ "number": number, "after": null }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let sentences: Vec<&str> = history["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["sentence"].as_str().unwrap())
        .collect();
    assert_eq!(
        sentences[0], "Priya Shah changed priority from Normal to High.",
        "{sentences:?}"
    );
    assert!(sentences.contains(&"Priya Shah viewed the ticket in the agent workspace."));
    assert!(
        sentences
            .iter()
            .any(|s| s.starts_with("cee@example.com opened the ticket")),
        "{sentences:?}"
    );
    // Customers and agents of other departments learn nothing, not even that it exists.
    let (other, _) = app
        .agent(
            &admin,
            "olga@example.com",
            "Olga",
            &[("security_operations", "expanded")],
        )
        .await;
    let (status, _) = app
        .rpc_body(
            &other,
            "ticket_history",
            json!({ "number": number, "after": null }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let customer = browser();
    app.sign_in(&customer, "cee@example.com", crate::common::PASSWORD)
        .await;
    let (status, _) = app
        .rpc_body(
            &customer,
            "ticket_history",
            json!({ "number": number, "after": null }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
