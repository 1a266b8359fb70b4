//! Agents work tickets over HTTP: live events, queues and counts, search, changes with versions,
//! merges, bulk changes, and department boundaries.

use std::time::Duration;

use crate::common::{PASSWORD, TestApp, browser, spawn_app, spawn_beside};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// Live events must arrive within this (the bar is 1 s).
const LIVE: Duration = Duration::from_secs(1);

struct Desk {
    app: TestApp,
    admin: Client,
    /// An agent of Support.
    support: Client,
    support_id: String,
    /// An agent of Security Operations only.
    security: Client,
    customer: Client,
}

async fn agent(
    app: &TestApp,
    admin: &Client,
    email: &str,
    name: &str,
    departments: &[&str],
) -> (Client, String) {
    let memberships: Vec<(&str, &str)> = departments.iter().map(|d| (*d, "expanded")).collect();
    app.agent(admin, email, name, &memberships).await
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (support, support_id) =
        agent(&app, &admin, "sam@example.com", "Sam Support", &["support"]).await;
    let (security, _) = agent(
        &app,
        &admin,
        "sofia@example.com",
        "Sofia Soc",
        &["security_operations"],
    )
    .await;
    let customer = browser();
    let (status, body) = app
        .sign_up(&customer, "alice@example.com", "Alice Liddell")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    Desk {
        app,
        admin,
        support,
        support_id,
        security,
        customer,
    }
}

async fn open(app: &TestApp, customer: &Client, subject: &str, message: &str) -> String {
    let (status, body) = app
        .rpc_json(
            customer,
            "open_ticket",
            &[
                ("topic", "general"),
                ("subject", subject),
                ("message", message),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_str().unwrap().to_string()
}

async fn open_incident(app: &TestApp, customer: &Client, subject: &str) -> String {
    let (status, body) = app
        .rpc_json(
            customer,
            "open_ticket",
            &[
                ("topic", "security_incident"),
                ("subject", subject),
                ("message", "Beaconing from web-01."),
                ("fields[affected_host][0]", "web-01"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_str().unwrap().to_string()
}

async fn ticket(app: &TestApp, client: &Client, number: &str) -> (StatusCode, Value) {
    app.rpc_json(client, "agent_ticket", &[("number", number)])
        .await
}

async fn version(app: &TestApp, client: &Client, number: &str) -> u64 {
    let (status, body) = ticket(app, client, number).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["ticket"]["version"].as_u64().unwrap()
}

async fn change(
    app: &TestApp,
    client: &Client,
    number: &str,
    version: u64,
    change: Value,
) -> (StatusCode, Value) {
    app.rpc_body(
        client,
        "change_ticket",
        json!({ "number": number, "version": version, "change": change }),
    )
    .await
}

async fn post(
    app: &TestApp,
    client: &Client,
    number: &str,
    version: u64,
    kind: &str,
    message: &str,
) -> (StatusCode, Value) {
    let version = version.to_string();
    app.rpc_json(
        client,
        "post_to_ticket",
        &[
            ("number", number),
            ("version", &version),
            ("kind", kind),
            ("message", message),
        ],
    )
    .await
}

fn is_ticket(event: &Value, kind: &str, number: &str) -> bool {
    event["type"] == kind && event["ticket"] == number
}

#[tokio::test]
async fn a_ticket_opened_by_a_customer_reaches_its_departments_agents_live_and_no_one_else() {
    let d = desk().await;
    let mut support = d.app.events(&d.support).await;
    let mut security = d.app.events(&d.security).await;
    let mut admin = d.app.events(&d.admin).await;

    let number = open(
        &d.app,
        &d.customer,
        "Printer jams",
        "Floor 3 printer jams on every job.",
    )
    .await;
    let (event, _, delay) = support
        .until(LIVE, |e| is_ticket(e, "ticket.created", &number))
        .await;
    assert!(
        event["version"].as_u64().is_some() && event["at"].is_string(),
        "{event}"
    );
    println!("live delay (integration): {delay:?}");
    admin
        .until(LIVE, |e| is_ticket(e, "ticket.created", &number))
        .await;

    // Security sees its own department's ticket first: nothing about the Support ticket leaked.
    let incident = open_incident(&d.app, &d.customer, "Beaconing").await;
    let (_, before, _) = security
        .until(LIVE, |e| is_ticket(e, "ticket.created", &incident))
        .await;
    assert!(
        before.iter().all(|e| e["ticket"] != number),
        "security saw {before:?}"
    );
}

#[tokio::test]
async fn the_customer_hears_about_replies_but_never_about_internal_notes() {
    let d = desk().await;
    let number = open(
        &d.app,
        &d.customer,
        "VPN down",
        "Cannot connect since this morning.",
    )
    .await;
    let mut customer = d.app.events(&d.customer).await;

    let v = version(&d.app, &d.support, &number).await;
    let (status, body) = post(
        &d.app,
        &d.support,
        &number,
        v,
        "note",
        "Probably the MFA outage.",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = post(
        &d.app,
        &d.support,
        &number,
        v + 1,
        "reply",
        "We are on it, Alice.",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (event, before, _) = customer
        .until(LIVE, |e| is_ticket(e, "ticket.updated", &number))
        .await;
    assert!(before.is_empty(), "{before:?}");
    assert_eq!(
        event["version"],
        v + 2,
        "the first event the customer hears is the reply: {event}"
    );
    assert!(
        event["changed"]
            .as_array()
            .unwrap()
            .contains(&json!("thread"))
    );

    let (_, view) = d
        .app
        .rpc_json(&d.customer, "view_ticket", &[("number", &number)])
        .await;
    let bodies: Vec<&str> = view["thread"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["body"].as_str().unwrap())
        .collect();
    assert!(bodies.contains(&"We are on it, Alice."));
    assert!(
        !bodies.iter().any(|b| b.contains("MFA outage")),
        "{bodies:?}"
    );
}

#[tokio::test]
async fn changes_made_through_another_docket_on_the_same_database_arrive_live() {
    let d = desk().await;
    let second = spawn_beside(&d.app).await;
    let mut support = d.app.events(&d.support).await;
    // The customer works through the second server; the agent listens on the first.
    let customer = browser();
    let (status, body) = second
        .sign_in(&customer, "alice@example.com", PASSWORD)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let number = open(
        &second,
        &customer,
        "Second server",
        "Opened through the other process.",
    )
    .await;
    support
        .until(LIVE, |e| is_ticket(e, "ticket.created", &number))
        .await;
}

#[tokio::test]
async fn the_event_stream_needs_a_session_or_a_guest_link() {
    let d = desk().await;
    let response = browser()
        .get(d.app.url("/api/v1/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = browser()
        .get(d.app.url("/api/v1/events?guest=forged"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_change_based_on_a_stale_version_is_refused_with_what_changed() {
    let d = desk().await;
    let number = open(
        &d.app,
        &d.customer,
        "Laptop slow",
        "Takes ten minutes to boot.",
    )
    .await;
    let seen = version(&d.app, &d.support, &number).await;
    let (status, body) = change(
        &d.app,
        &d.admin,
        &number,
        seen,
        json!({ "change": "priority", "priority": "high" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, body) = change(
        &d.app,
        &d.support,
        &number,
        seen,
        json!({ "change": "status", "status": "waiting" }),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("Ada Admin changed the priority from Normal to High"),
        "{message}"
    );
    let (_, now) = ticket(&d.app, &d.support, &number).await;
    assert_eq!(now["ticket"]["status"]["key"], "open", "nothing was saved");

    // Based on the current version, the same change goes through and is in the thread.
    let (status, body) = change(
        &d.app,
        &d.support,
        &number,
        seen + 1,
        json!({ "change": "status", "status": "waiting" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, now) = ticket(&d.app, &d.support, &number).await;
    let last = now["thread"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["body"],
        "Sam Support changed the status from Open to Waiting on customer."
    );
    assert_eq!(last["kind"], "system_event");
}

#[tokio::test]
async fn agents_reach_only_their_departments_tickets_until_one_is_referred() {
    let d = desk().await;
    let number = open(&d.app, &d.customer, "Password reset", "Locked out.").await;
    let (status, _) = ticket(&d.app, &d.security, &number).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = change(
        &d.app,
        &d.security,
        &number,
        1,
        json!({ "change": "priority", "priority": "low" }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let v = version(&d.app, &d.support, &number).await;
    let (status, body) = change(
        &d.app,
        &d.support,
        &number,
        v,
        json!({ "change": "refer", "department": "security_operations" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = ticket(&d.app, &d.security, &number).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Referral is internal: the customer's thread does not mention it.
    let (_, view) = d
        .app
        .rpc_json(&d.customer, "view_ticket", &[("number", &number)])
        .await;
    assert!(!view.to_string().contains("referred"), "{view}");
}

#[tokio::test]
async fn queues_count_and_page_through_tickets() {
    let d = desk().await;
    for i in 0..53 {
        d.app.advance(chrono::Duration::minutes(1));
        open(&d.app, &d.customer, &format!("Request {i}"), "Please help.").await;
    }
    let (status, nav) = d.app.rpc_json(&d.support, "queue_nav", &[]).await;
    assert_eq!(status, StatusCode::OK, "{nav}");
    let count = |nav: &Value, kind: &str| -> u64 {
        nav["queues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["queue"]["kind"] == kind)
            .unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(count(&nav, "open"), 53);
    assert_eq!(count(&nav, "unassigned"), 53);
    assert_eq!(count(&nav, "mine"), 0);

    let (status, first) = d
        .app
        .rpc_body(
            &d.support,
            "queue_page",
            json!({ "query": { "queue": { "kind": "open" } } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["rows"].as_array().unwrap().len(), 50);
    assert_eq!(
        first["rows"][0]["subject"], "Request 52",
        "most recently updated first"
    );
    let cursor = first["next"].as_str().unwrap();
    let (_, second) = d
        .app
        .rpc_body(
            &d.support,
            "queue_page",
            json!({ "query": { "queue": { "kind": "open" }, "cursor": cursor } }),
        )
        .await;
    let subjects: Vec<&str> = second["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["Request 2", "Request 1", "Request 0"]);
    assert!(second["next"].is_null());

    // Claiming moves a ticket from Unassigned to Mine.
    let number = first["rows"][0]["number"].as_str().unwrap();
    let v = first["rows"][0]["version"].as_u64().unwrap();
    let (status, body) = change(
        &d.app,
        &d.support,
        number,
        v,
        json!({ "change": "assign", "agent": d.support_id }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, nav) = d.app.rpc_json(&d.support, "queue_nav", &[]).await;
    assert_eq!(count(&nav, "mine"), 1);
    assert_eq!(count(&nav, "unassigned"), 52);

    // Security's queues hold none of Support's tickets.
    let (_, nav) = d.app.rpc_json(&d.security, "queue_nav", &[]).await;
    assert_eq!(count(&nav, "open"), 0);
    let (status, _) = d
        .app
        .rpc_body(
            &d.security,
            "queue_page",
            json!({ "query": { "queue": { "kind": "department", "key": "support" } } }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn search_finds_thread_text_with_the_match_marked_within_what_the_agent_may_see() {
    let d = desk().await;
    let number = open(
        &d.app,
        &d.customer,
        "Odd noise",
        "The projector in room Kepler makes a grinding noise.",
    )
    .await;
    open(&d.app, &d.customer, "Other", "Nothing to see.").await;
    let (status, page) = d
        .app
        .rpc_body(
            &d.support,
            "queue_page",
            json!({ "query": { "queue": { "kind": "open" }, "search": "grinding" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{page}");
    assert_eq!(rows[0]["number"], number.as_str());
    assert!(
        rows[0]["matched"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["matched"] == true && s["text"] == "grinding"),
        "{}",
        rows[0]
    );

    let (_, page) = d
        .app
        .rpc_body(
            &d.support,
            "queue_page",
            json!({ "query": { "queue": { "kind": "open" }, "search": "alice" } }),
        )
        .await;
    assert_eq!(
        page["rows"].as_array().unwrap().len(),
        2,
        "the requester's name is searchable"
    );

    let (_, page) = d
        .app
        .rpc_body(
            &d.security,
            "queue_page",
            json!({ "query": { "queue": { "kind": "open" }, "search": "grinding" } }),
        )
        .await;
    assert!(page["rows"].as_array().unwrap().is_empty(), "{page}");
}

#[tokio::test]
async fn merging_combines_threads_and_undo_restores_both() {
    let d = desk().await;
    let first = open(&d.app, &d.customer, "Email down", "Outlook cannot connect.").await;
    let second = open(
        &d.app,
        &d.customer,
        "Email still down",
        "Webmail fails too.",
    )
    .await;
    let v = version(&d.app, &d.support, &second).await;
    let (status, body) = d
        .app
        .rpc_json(
            &d.support,
            "merge_ticket",
            &[
                ("number", &second),
                ("version", &v.to_string()),
                ("target", &first),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (_, target) = ticket(&d.app, &d.support, &first).await;
    let bodies = target["thread"].to_string();
    assert!(
        bodies.contains("Webmail fails too.") && bodies.contains("Outlook cannot connect."),
        "{bodies}"
    );
    assert_eq!(target["merged_here"], json!([second]));
    let (_, source) = ticket(&d.app, &d.support, &second).await;
    assert_eq!(source["ticket"]["merged_into"], first.as_str());
    assert_eq!(source["ticket"]["status"]["state"], "closed");

    // Merging again, or into itself, is refused.
    let (status, _) = d
        .app
        .rpc_json(
            &d.support,
            "merge_ticket",
            &[("number", &first), ("version", "99"), ("target", &first)],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, body) = d
        .app
        .rpc_json(&d.support, "unmerge_ticket", &[("number", &second)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, target) = ticket(&d.app, &d.support, &first).await;
    assert!(!target["thread"].to_string().contains("Webmail fails too."));
    let (_, source) = ticket(&d.app, &d.support, &second).await;
    assert!(source["ticket"]["merged_into"].is_null());
    assert_eq!(source["ticket"]["status"]["key"], "open");
}

#[tokio::test]
async fn bulk_changes_apply_per_ticket_and_report_each_result() {
    let d = desk().await;
    let a = open(&d.app, &d.customer, "One", "First.").await;
    let b = open(&d.app, &d.customer, "Two", "Second.").await;
    let foreign = open_incident(&d.app, &d.customer, "Not yours").await;
    let (status, outcomes) = d
        .app
        .rpc_body(
            &d.support,
            "bulk_change",
            json!({ "numbers": [a, foreign, b, "000000"], "change": { "change": "priority", "priority": "high" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{outcomes}");
    let errors: Vec<&Value> = outcomes
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["error"])
        .collect();
    assert!(errors[0].is_null() && errors[2].is_null(), "{outcomes}");
    assert_eq!(errors[1], "Not found.");
    assert_eq!(errors[3], "Not found.");
    for number in [&a, &b] {
        let (_, t) = ticket(&d.app, &d.support, number).await;
        assert_eq!(t["ticket"]["priority"], "high");
    }
    let (_, t) = ticket(&d.app, &d.admin, &foreign).await;
    assert_eq!(
        t["ticket"]["priority"], "high",
        "the incident topic's own priority, untouched"
    );
    assert_eq!(t["ticket"]["version"], 1);
}

#[tokio::test]
async fn colleagues_on_the_same_ticket_see_each_others_presence() {
    let d = desk().await;
    let number = open(&d.app, &d.customer, "Shared", "Two agents look at this.").await;
    let mut admin_events = d.app.events(&d.admin).await;
    let (status, body) = d
        .app
        .rpc_json(
            &d.support,
            "announce_presence",
            &[("number", &number), ("activity", "typing")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (event, _, _) = admin_events.until(LIVE, |e| e["type"] == "presence").await;
    assert_eq!(event["ticket"], number.as_str());
    assert_eq!(event["name"], "Sam Support");
    assert_eq!(event["activity"], "typing");
    let (_, view) = ticket(&d.app, &d.admin, &number).await;
    assert_eq!(view["colleagues"][0]["name"], "Sam Support");
    // A second tab of the same person is a presence of its own: one viewing does not hide the
    // other typing.
    let (status, body) = d
        .app
        .rpc_json(
            &d.support,
            "announce_presence",
            &[("number", &number), ("activity", "viewing"), ("tab", "b2")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, view) = ticket(&d.app, &d.admin, &number).await;
    let activities: Vec<&str> = view["colleagues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["activity"].as_str().unwrap())
        .collect();
    assert_eq!(activities.len(), 2, "{view}");
    assert!(
        activities.contains(&"typing") && activities.contains(&"viewing"),
        "{activities:?}"
    );
    // A tab that left stays gone, even if a heartbeat sent before it closed arrives afterwards.
    for activity in ["left", "viewing"] {
        let (status, body) = d
            .app
            .rpc_json(
                &d.support,
                "announce_presence",
                &[("number", &number), ("activity", activity), ("tab", "b2")],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (_, view) = ticket(&d.app, &d.admin, &number).await;
    assert_eq!(
        view["colleagues"].as_array().unwrap().len(),
        1,
        "only the typing tab: {view}"
    );
    let (status, _) = d
        .app
        .rpc_json(
            &d.support,
            "announce_presence",
            &[
                ("number", &number),
                ("activity", "viewing"),
                ("tab", "not a tab!"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // The customer cannot announce anything.
    let (status, _) = d
        .app
        .rpc_json(
            &d.customer,
            "announce_presence",
            &[("number", &number), ("activity", "viewing")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_open_event_stream_ends_once_its_session_is_signed_out() {
    let d = desk().await;
    let number = open(&d.app, &d.customer, "Signed out", "Then what?").await;
    let mut customer = d.app.events(&d.customer).await;
    let mut agent = d.app.events(&d.support).await;
    let (status, _) = d.app.rpc_json(&d.customer, "sign_out", &[]).await;
    assert_eq!(status, StatusCode::OK);
    d.app.advance(chrono::Duration::minutes(1));

    let v = version(&d.app, &d.support, &number).await;
    let (status, body) = post(
        &d.app,
        &d.support,
        &number,
        v,
        "reply",
        "Are you still there?",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    agent
        .until(LIVE, |e| is_ticket(e, "ticket.updated", &number))
        .await;
    assert!(
        customer.ended_within(LIVE).await,
        "the signed-out stream was closed, not fed"
    );
}

#[tokio::test]
async fn agents_save_their_own_queues_and_only_they_see_them() {
    let d = desk().await;
    let a = open(&d.app, &d.customer, "Tagged", "One.").await;
    open(&d.app, &d.customer, "Untagged", "Two.").await;
    let v = version(&d.app, &d.support, &a).await;
    let (status, body) = change(
        &d.app,
        &d.support,
        &a,
        v,
        json!({ "change": "tags", "tags": ["vip"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let filter = json!({ "state": "open", "tags": ["vip"] });
    let (status, id) = d
        .app
        .rpc_body(&d.support, "save_queue", json!({ "name": "VIP", "filter": filter, "columns": ["subject", "tags"], "sort": "newest" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{id}");
    let (status, body) = d
        .app
        .rpc_body(
            &d.support,
            "save_queue",
            json!({ "name": "vip", "filter": filter, "columns": ["subject"], "sort": "newest" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "names are unique per agent: {body}"
    );

    let (_, nav) = d.app.rpc_json(&d.support, "queue_nav", &[]).await;
    assert!(nav.to_string().contains("\"VIP\""), "{nav}");
    let saved = json!({ "query": { "queue": { "kind": "saved", "key": id } } });
    let (status, page) = d
        .app
        .rpc_body(&d.support, "queue_page", saved.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["title"], "VIP");
    assert_eq!(page["columns"], json!(["subject", "tags"]));
    let numbers: Vec<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, [a.as_str()]);

    // Another agent can neither open nor delete it.
    let (status, _) = d
        .app
        .rpc_body(&d.security, "queue_page", saved.clone())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = d
        .app
        .rpc_json(&d.security, "delete_queue", &[("id", id.as_str().unwrap())])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = d
        .app
        .rpc_json(&d.support, "delete_queue", &[("id", id.as_str().unwrap())])
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, nav) = d.app.rpc_json(&d.support, "queue_nav", &[]).await;
    assert!(!nav.to_string().contains("\"VIP\""));
}

#[tokio::test]
async fn agents_edit_custom_fields_and_search_finds_the_new_value() {
    let d = desk().await;
    let number = open_incident(&d.app, &d.customer, "Beacon").await;
    let (_, view) = ticket(&d.app, &d.admin, &number).await;
    let host = view["form"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["def"]["name"] == "affected_host")
        .unwrap()
        .clone();
    assert_eq!(host["inputs"], json!(["web-01"]));

    let v = view["ticket"]["version"].as_u64().unwrap();
    let edit = |host: &str| json!({ "change": "fields", "values": { "affected_host": [host] } });
    let (status, body) = change(&d.app, &d.admin, &number, v, edit("")).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "agents must fill it too: {body}"
    );
    assert_eq!(body["fields"][0]["field"], "field.affected_host");
    let (status, body) = change(&d.app, &d.admin, &number, v, edit("db-07.corp")).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (_, view) = ticket(&d.app, &d.admin, &number).await;
    assert!(view["fields"].to_string().contains("db-07.corp"));
    let last = view["thread"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["body"],
        "Ada Admin changed Affected host from web-01 to db-07.corp."
    );
    let (_, page) = d
        .app
        .rpc_body(
            &d.admin,
            "queue_page",
            json!({ "query": { "queue": { "kind": "open" }, "search": "db-07.corp" } }),
        )
        .await;
    assert_eq!(page["rows"][0]["number"], number.as_str(), "{page}");
}

#[tokio::test]
async fn tickets_are_assigned_to_teams_and_queues_filter_by_team() {
    let d = desk().await;
    let number = open(&d.app, &d.customer, "Team work", "Needs Tier 1.").await;
    open(&d.app, &d.customer, "Solo", "No team.").await;
    let v = version(&d.app, &d.support, &number).await;
    let (status, body) = change(
        &d.app,
        &d.support,
        &number,
        v,
        json!({ "change": "assign_team", "team": "nonexistent" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = change(
        &d.app,
        &d.support,
        &number,
        v,
        json!({ "change": "assign_team", "team": "tier_1" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (_, view) = ticket(&d.app, &d.support, &number).await;
    assert_eq!(view["ticket"]["team"], "Tier 1");
    assert_eq!(view["ticket"]["team_id"], "tier_1");
    let filter = json!({ "query": { "queue": { "kind": "open" }, "filter": { "state": "open", "teams": ["tier_1"] } } });
    let (_, page) = d.app.rpc_body(&d.support, "queue_page", filter).await;
    let numbers: Vec<&str> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, [number.as_str()]);
    assert_eq!(page["rows"][0]["team"], "Tier 1");
    // The customer sees which team works on it.
    let (_, customer_view) = d
        .app
        .rpc_json(&d.customer, "view_ticket", &[("number", &number)])
        .await;
    assert_eq!(customer_view["team"], "Tier 1");
}
