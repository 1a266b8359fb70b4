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
