//! Customers open, follow, reply to, close and reopen tickets over HTTP; nobody else's are reachable.

use crate::common::{TestApp, browser, spawn_app, spawn_app_with};
use reqwest::{Client, StatusCode};
use serde_json::Value;

async fn customer(app: &TestApp, email: &str) -> Client {
    customer_named(app, email, "Cee Customer").await
}

async fn customer_named(app: &TestApp, email: &str, name: &str) -> Client {
    let client = browser();
    let (status, body) = app.sign_up(&client, email, name).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    client
}

async fn open_incident(app: &TestApp, client: &Client, subject: &str) -> String {
    let (status, body) = app
        .rpc_json(
            client,
            "open_ticket",
            &[
                ("topic", "security_incident"),
                ("subject", subject),
                ("message", "Odd outbound traffic from web-01 since 09:00."),
                ("fields[affected_host][0]", "web-01"),
                ("fields[observed_at][0]", "2026-03-02T08:55"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_str().expect("the ticket number").to_string()
}

#[tokio::test]
async fn customers_choose_from_the_seeded_help_topics_and_their_fields() {
    let app = spawn_app().await;
    let (status, _) = app.rpc_json(&browser(), "help_topics", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let client = customer(&app, "cee@example.com").await;
    let (status, topics) = app.rpc_json(&client, "help_topics", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = topics
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["General Inquiry", "Report a Problem", "Security Incident"]
    );
    let incident_fields: Vec<&str> = topics[2]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(incident_fields, ["affected_host", "observed_at"]);
}

#[tokio::test]
async fn a_customer_opens_a_ticket_with_custom_fields_and_follows_it() {
    let app = spawn_app().await;
    let client = customer(&app, "cee@example.com").await;
    let number = open_incident(&app, &client, "Suspicious traffic").await;
    assert_eq!(number.len(), 6, "six random digits: {number}");
    assert!(number.chars().all(|c| c.is_ascii_digit()));

    let (status, list) = app.rpc_json(&client, "my_tickets", &[("search", "")]).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["tickets"][0]["number"], number.as_str());
    assert_eq!(list["tickets"][0]["status"], "Open");

    let (status, ticket) = app
        .rpc_json(&client, "view_ticket", &[("number", &number)])
        .await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    assert_eq!(
        ticket["summary"]["priority"], "High",
        "the topic's priority"
    );
    assert_eq!(ticket["summary"]["department"], "Security Operations");
    assert_eq!(ticket["help_topic"], "Security Incident");
    assert_eq!(
        ticket["fields"][0],
        serde_json::json!(["Affected host", "web-01"])
    );
    assert_eq!(
        ticket["fields"][1],
        serde_json::json!(["First observed", "2026-03-02 08:55"])
    );
    assert_eq!(ticket["thread"][0]["kind"], "customer_message");
    assert_eq!(ticket["thread"][0]["author_name"], "Cee Customer");
}

#[tokio::test]
async fn bad_input_is_reported_per_field_and_creates_nothing() {
    let app = spawn_app().await;
    let client = customer(&app, "cee@example.com").await;
    let (status, body) = app
        .rpc_json(
            &client,
            "open_ticket",
            &[
                ("topic", "security_incident"),
                ("subject", "  "),
                ("message", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["subject", "message", "field.affected_host"]);

    let (status, body) = app
        .rpc_json(
            &client,
            "open_ticket",
            &[
                ("topic", "no_such_topic"),
                ("subject", "Hi"),
                ("message", "Hello"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "topic");

    let (_, list) = app.rpc_json(&client, "my_tickets", &[("search", "")]).await;
    assert_eq!(list["tickets"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn another_customer_cannot_read_reply_to_or_close_the_ticket() {
    let app = spawn_app().await;
    let alice = customer(&app, "alice@example.com").await;
    let number = open_incident(&app, &alice, "Alice's incident").await;
    let mallory = customer(&app, "mallory@example.com").await;

    let attempts: [(&str, Vec<(&str, &str)>); 3] = [
        ("view_ticket", vec![("number", &number)]),
        (
            "reply_to_ticket",
            vec![("number", &number), ("message", "mine now")],
        ),
        (
            "change_ticket_status",
            vec![("number", &number), ("change", "Close")],
        ),
    ];
    for (name, form) in attempts {
        let (status, body) = app.rpc_json(&mallory, name, &form).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{name}: {body}");
        let (missing, _) = app
            .rpc_json(
                &mallory,
                name,
                &form
                    .iter()
                    .map(|(k, v)| (*k, if *k == "number" { "000000" } else { v }))
                    .collect::<Vec<_>>(),
            )
            .await;
        assert_eq!(
            missing,
            StatusCode::NOT_FOUND,
            "{name}: indistinguishable from a missing ticket"
        );
    }
    let (_, list) = app
        .rpc_json(&mallory, "my_tickets", &[("search", "")])
        .await;
    assert_eq!(list["tickets"].as_array().unwrap().len(), 0);
    let (status, _) = app
        .rpc_json(&browser(), "view_ticket", &[("number", &number)])
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_customer_replies_closes_and_reopens() {
    let app = spawn_app().await;
    let client = customer(&app, "cee@example.com").await;
    let number = open_incident(&app, &client, "Reply flow").await;

    let (status, body) = app
        .rpc_json(
            &client,
            "reply_to_ticket",
            &[("number", &number), ("message", "It stopped at 10:00.")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app
        .rpc_json(
            &client,
            "change_ticket_status",
            &[("number", &number), ("change", "Close")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let ticket = fetch_ticket(&app, &client, &number).await;
    assert_eq!(ticket["summary"]["state"], "closed");
    assert_eq!(ticket["can_reopen"], true);
    let (status, _) = app
        .rpc_json(
            &client,
            "reply_to_ticket",
            &[("number", &number), ("message", "again")],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "closed tickets are reopened before replying"
    );

    let (status, _) = app
        .rpc_json(
            &client,
            "change_ticket_status",
            &[("number", &number), ("change", "Reopen")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let ticket = fetch_ticket(&app, &client, &number).await;
    assert_eq!(ticket["summary"]["state"], "open");
    let kinds: Vec<&str> = ticket["thread"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "customer_message",
            "customer_message",
            "system_event",
            "system_event"
        ]
    );

    let (_, closed) = app
        .rpc_json(
            &client,
            "my_tickets",
            &[("state_filter", "closed"), ("search", "")],
        )
        .await;
    assert_eq!(closed["tickets"].as_array().unwrap().len(), 0);
    let (_, found) = app
        .rpc_json(&client, "my_tickets", &[("search", "reply")])
        .await;
    assert_eq!(found["tickets"].as_array().unwrap().len(), 1);
}

async fn fetch_ticket(app: &TestApp, client: &Client, number: &str) -> Value {
    let (status, ticket) = app
        .rpc_json(client, "view_ticket", &[("number", number)])
        .await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    ticket
}

#[tokio::test]
async fn a_mask_numbers_tickets_in_sequence() {
    let app = spawn_app_with(&[("DOCKET_TICKETS_NUMBER_FORMAT", "SOC-####")]).await;
    let client = customer(&app, "cee@example.com").await;
    assert_eq!(open_incident(&app, &client, "One").await, "SOC-0001");
    assert_eq!(open_incident(&app, &client, "Two").await, "SOC-0002");
}

#[tokio::test]
async fn opening_and_viewing_a_ticket_is_audited() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let client = customer(&app, "cee@example.com").await;
    let number = open_incident(&app, &client, "Audited").await;
    fetch_ticket(&app, &client, &number).await;
    let (_, page) = app.audit_page(&admin, serde_json::json!({})).await;
    let object = format!("ticket:{number}");
    let mut actions: Vec<&str> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["object"] == object.as_str())
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    actions.sort_unstable();
    assert_eq!(actions, ["ticket.created", "ticket.viewed"], "{page}");
}

#[tokio::test]
async fn my_tickets_are_sorted_and_paged() {
    let app = spawn_app_with(&[("DOCKET_TICKETS_NUMBER_FORMAT", "T-###")]).await;
    let client = customer(&app, "cee@example.com").await;
    for n in 1..=27 {
        app.advance(chrono::Duration::minutes(1));
        open_incident(&app, &client, &format!("Incident {n:02}")).await;
    }
    let page = |order: &'static str, page: &'static str| {
        let client = client.clone();
        let app = &app;
        async move {
            let (status, list) = app
                .rpc_json(
                    &client,
                    "my_tickets",
                    &[("search", ""), ("order", order), ("page", page)],
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{list}");
            list
        }
    };
    let first = page("newest", "0").await;
    assert_eq!(first["tickets"].as_array().unwrap().len(), 25);
    assert_eq!(first["has_more"], true);
    assert_eq!(first["tickets"][0]["number"], "T-027");
    let second = page("newest", "1").await;
    assert_eq!(second["tickets"].as_array().unwrap().len(), 2);
    assert_eq!(second["has_more"], false);
    assert_eq!(second["tickets"][1]["number"], "T-001");
    let oldest = page("oldest", "0").await;
    assert_eq!(oldest["tickets"][0]["subject"], "Incident 01");
    let by_subject = page("subject", "1").await;
    assert_eq!(by_subject["tickets"][1]["subject"], "Incident 27");
}

#[tokio::test]
async fn random_numbers_stay_unique_when_draws_collide() {
    // 60 tickets among 900 possible numbers: collisions (and so redraws) are all but certain.
    let app = spawn_app_with(&[("DOCKET_TICKETS_NUMBER_FORMAT", "random:3")]).await;
    let client = customer(&app, "cee@example.com").await;
    let mut numbers = std::collections::BTreeSet::new();
    for n in 0..60 {
        let number = open_incident(&app, &client, &format!("Incident {n}")).await;
        assert_eq!(number.len(), 3);
        assert!(numbers.insert(number), "a number was handed out twice");
    }
}

#[tokio::test]
async fn copied_customers_follow_the_ticket_and_strangers_do_not() {
    let app = spawn_app().await;
    let alice = customer(&app, "alice@example.com").await;
    let bob = customer_named(&app, "bob@example.com", "Bob").await;
    let mallory = customer(&app, "mallory@example.com").await;
    let form = [
        ("topic", "general"),
        ("subject", "Team laptop order"),
        ("message", "Three laptops, please."),
    ];

    let mut unknown = form.to_vec();
    unknown.push(("cc", "nobody@example.com"));
    let (status, body) = app.rpc_json(&alice, "open_ticket", &unknown).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "cc");

    let mut copied = form.to_vec();
    copied.push(("cc", "BOB@example.com, alice@example.com"));
    let (status, number) = app.rpc_json(&alice, "open_ticket", &copied).await;
    assert_eq!(status, StatusCode::OK, "{number}");
    let number = number.as_str().unwrap();

    let (_, list) = app.rpc_json(&bob, "my_tickets", &[("search", "")]).await;
    assert_eq!(list["tickets"][0]["number"], number);
    let (status, _) = app
        .rpc_json(
            &bob,
            "reply_to_ticket",
            &[("number", number), ("message", "Make it four.")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, ticket) = app
        .rpc_json(&alice, "view_ticket", &[("number", number)])
        .await;
    assert_eq!(
        ticket["thread"][1]["author_name"], "Bob",
        "a copied customer writes as themselves"
    );
    let (status, _) = app
        .rpc_json(&mallory, "view_ticket", &[("number", number)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
