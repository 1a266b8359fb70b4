//! SLA clocks over HTTP with the test's controllable clock: business hours, pauses, breaches,
//! and clocks met by the first reply and the resolution.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app};
use crate::settings::{customer, open};

/// The ticket's SLA clocks as the agent page shows them, by clock name.
async fn clocks(app: &TestApp, admin: &Client, number: &str) -> (u64, Value) {
    let (status, page) = app
        .rpc_json(admin, "agent_ticket", &[("number", number)])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut by_clock = serde_json::Map::new();
    for badge in page["sla"].as_array().unwrap() {
        by_clock.insert(badge["clock"].as_str().unwrap().to_string(), badge.clone());
    }
    (
        page["ticket"]["version"].as_u64().unwrap(),
        Value::Object(by_clock),
    )
}

#[tokio::test]
async fn sla_clocks_count_business_hours_pause_while_waiting_and_breach_when_due_passes() {
    // The test clock starts on Monday 2 March 2026, 09:00 UTC. Support's plan (Standard) counts
    // Monday to Friday 09:00-17:00 UTC: a Normal ticket is due a first response in 4 business
    // hours and a resolution in 48.
    let app = spawn_app().await;
    let admin = app.admin().await;
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let (_, number) = open(&app, &alice, "Printer", "It jams").await;
    let number = number.as_str().unwrap();
    let (_, sla) = clocks(&app, &admin, number).await;
    assert_eq!(sla["first_response"]["state"], "on_track");
    assert_eq!(sla["first_response"]["due_at"], "2026-03-02T13:00:00Z");
    assert_eq!(
        sla["resolution"]["due_at"], "2026-03-09T17:00:00Z",
        "48 h: Monday to the next Monday 17:00"
    );

    app.advance(chrono::Duration::hours(3));
    let (version, sla) = clocks(&app, &admin, number).await;
    assert_eq!(
        sla["first_response"]["state"], "at_risk",
        "75 % of 4 h used"
    );

    let status = |status: &str, version: u64| json!({ "number": number, "version": version, "change": { "change": "status", "status": status } });
    let (code, body) = app
        .rpc_body(&admin, "change_ticket", status("waiting", version))
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    app.advance(chrono::Duration::days(2));
    let (version, sla) = clocks(&app, &admin, number).await;
    assert_eq!(sla["first_response"]["state"], "paused");
    assert_eq!(
        sla["first_response"]["remaining_seconds"], 3600,
        "frozen at the pause"
    );
    assert_eq!(sla["first_response"]["paused_by"], "Waiting on customer");

    // Resumed on Wednesday 12:00 with the hour that was left: due at 13:00.
    app.rpc_body(&admin, "change_ticket", status("open", version))
        .await;
    let (_, sla) = clocks(&app, &admin, number).await;
    assert_eq!(sla["first_response"]["due_at"], "2026-03-04T13:00:00Z");
    app.advance(chrono::Duration::hours(2));
    let (_, sla) = clocks(&app, &admin, number).await;
    assert_eq!(sla["first_response"]["state"], "breached");
    assert_eq!(sla["first_response"]["remaining_seconds"], -3600);
    assert_eq!(sla["resolution"]["state"], "on_track");
}

#[tokio::test]
async fn the_first_reply_meets_the_first_response_clock_and_closing_meets_resolution() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let (_, number) = open(&app, &alice, "Printer", "It jams").await;
    let number = number.as_str().unwrap();
    app.advance(chrono::Duration::hours(1));
    let (version, _) = clocks(&app, &admin, number).await;
    let version = version.to_string();
    let (status, body) = app
        .rpc_json(
            &admin,
            "post_to_ticket",
            &[
                ("number", number),
                ("version", &version),
                ("kind", "reply"),
                ("message", "On it"),
                ("status", "resolved"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app.advance(chrono::Duration::days(10));
    let (_, sla) = clocks(&app, &admin, number).await;
    assert_eq!(sla["first_response"]["state"], "met");
    assert_eq!(
        sla["resolution"]["state"], "met",
        "closed in time, however long ago"
    );
}

/// The thread's SLA entries (breaches and escalations), in order.
pub(crate) async fn sla_entries(app: &TestApp, admin: &Client, number: &str) -> Vec<String> {
    let (_, page) = app
        .rpc_json(admin, "agent_ticket", &[("number", number)])
        .await;
    page["thread"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["author_name"] == "Docket SLA")
        .map(|e| e["body"].as_str().unwrap().to_string())
        .collect()
}

/// Gives Support's plan escalation steps on the first-response clock.
pub(crate) async fn escalate(app: &TestApp, admin: &Client) {
    let (_, mut plan) = app
        .rpc_body(
            admin,
            "settings_item",
            json!({ "section": "sla_plans", "key": "standard" }),
        )
        .await;
    plan["escalations"] = json!([
        { "clock": "first_response", "offset_minutes": -30, "action": "notify_assignee", "value": "" },
        { "clock": "first_response", "offset_minutes": 60, "action": "assign_team", "value": "tier_1" }
    ]);
    let (status, body) = app
        .rpc_body(
            admin,
            "save_settings_item",
            json!({ "section": "sla_plans", "key": "standard", "item": plan }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

pub(crate) async fn run_job(app: &TestApp) {
    docket::server::jobs::sla::run_once(&app.running.state)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_ticket_breaches_once_and_each_escalation_step_runs_once_in_order() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    escalate(&app, &admin).await;
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let (_, number) = open(&app, &alice, "Printer", "It jams").await;
    let number = number.as_str().unwrap();
    run_job(&app).await;
    assert!(sla_entries(&app, &admin, number).await.is_empty());

    // 12:31: half an hour before the first response is due (13:00).
    app.advance(chrono::Duration::minutes(211));
    run_job(&app).await;
    let entries = sla_entries(&app, &admin, number).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0].contains("notify the assignee"), "{entries:?}");
    // Breach prediction: the Open queue has one ticket due within the hour; its row says when.
    let (_, nav) = app.rpc_json(&admin, "queue_nav", &[]).await;
    let open_queue = nav["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["queue"]["kind"] == "open")
        .unwrap()
        .clone();
    assert_eq!(open_queue["breaching_soon"], 1, "{open_queue}");
    let (_, page) = app
        .rpc_body(
            &admin,
            "queue_page",
            json!({ "query": { "queue": { "kind": "open" } } }),
        )
        .await;
    assert_eq!(page["rows"][0]["sla_due"], "2026-03-02T13:00:00Z", "{page}");

    // 13:01: breached.
    app.advance(chrono::Duration::minutes(30));
    run_job(&app).await;
    run_job(&app).await;
    let entries = sla_entries(&app, &admin, number).await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(
        entries[1].contains("First response SLA breached"),
        "{entries:?}"
    );

    // 14:01: an hour late, the team takes over.
    app.advance(chrono::Duration::hours(1));
    run_job(&app).await;
    run_job(&app).await;
    let entries = sla_entries(&app, &admin, number).await;
    assert_eq!(entries.len(), 3, "each step once: {entries:?}");
    let (_, page) = app
        .rpc_json(&admin, "agent_ticket", &[("number", number)])
        .await;
    assert_eq!(page["ticket"]["team_id"], "tier_1");
    let (_, audit) = app.audit_page(&admin, serde_json::json!({})).await;
    let escalations = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "ticket.sla_escalated" || e["action"] == "ticket.sla_breached")
        .count();
    assert_eq!(escalations, 3, "audited once each");
}

#[tokio::test]
async fn a_paused_ticket_does_not_breach() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let (_, number) = open(&app, &alice, "Printer", "It jams").await;
    let number = number.as_str().unwrap();
    let (version, _) = clocks(&app, &admin, number).await;
    let (status, body) = app
        .rpc_body(
            &admin,
            "change_ticket",
            json!({ "number": number, "version": version, "change": { "change": "status", "status": "waiting" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app.advance(chrono::Duration::days(3));
    run_job(&app).await;
    assert!(sla_entries(&app, &admin, number).await.is_empty());
}

#[tokio::test]
async fn two_job_runners_do_not_double_a_step() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let other = crate::common::spawn_beside(&app).await;
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let (_, number) = open(&app, &alice, "Printer", "It jams").await;
    let number = number.as_str().unwrap();
    // The two apps share one clock.
    app.advance(chrono::Duration::hours(5));
    let (a, b) = tokio::join!(
        docket::server::jobs::sla::run_once(&app.running.state),
        docket::server::jobs::sla::run_once(&other.running.state),
    );
    a.unwrap();
    b.unwrap();
    run_job(&app).await;
    let entries = sla_entries(&app, &admin, number).await;
    assert_eq!(entries.len(), 1, "one breach, whoever ran it: {entries:?}");
}

#[tokio::test]
async fn a_ticket_nothing_else_gives_a_plan_gets_the_default_plan() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let save = |section: &str, key: Option<&str>, item: Value| json!({ "section": section, "key": key, "item": item });
    let (status, body) = app
        .rpc_body(
            &admin,
            "save_settings_item",
            save(
                "departments",
                None,
                json!({ "name": "Network", "active": true, "parent": null, "manager": null, "sla_plan": null, "schedule": null }),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app.rpc_body(
        &admin,
        "save_settings_item",
        save(
            "help_topics",
            Some("general"),
            json!({ "name": "General Inquiry", "active": true, "public": true, "parent": null, "department": "network",
                "priority": null, "sla_plan": null, "forms": [], "assign_agent": null, "assign_team": null, "sort": 1 }),
        ),
    )
    .await;
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let (_, first) = open(&app, &alice, "Switch", "Down").await;
    let (_, page) = app
        .rpc_json(
            &admin,
            "agent_ticket",
            &[("number", first.as_str().unwrap())],
        )
        .await;
    assert_eq!(
        page["ticket"]["sla_plan"],
        Value::Null,
        "no plan anywhere yet"
    );

    let (_, general) = app
        .rpc_body(&admin, "settings_section", json!({ "section": "general" }))
        .await;
    let mut general = general["blank"].clone();
    general["default_sla_plan"] = json!("standard");
    let (status, body) = app
        .rpc_body(&admin, "save_settings_item", save("general", None, general))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, second) = open(&app, &alice, "Switch again", "Down").await;
    let (_, page) = app
        .rpc_json(
            &admin,
            "agent_ticket",
            &[("number", second.as_str().unwrap())],
        )
        .await;
    assert_eq!(page["ticket"]["sla_plan"], "standard");
}
