//! Outbound webhooks against a real receiver on loopback: signed deliveries of the subscribed
//! events, retried after a failure, and replayed on demand.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::routing::post;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::common::{browser, spawn_app};

const SECRET: &str = "a shared secret for the receiver";

/// One request the receiver got: its headers and body, and whether its signature was right.
#[derive(Debug)]
struct Got {
    event: String,
    delivery: String,
    signed: bool,
    body: Value,
}

/// A receiver that answers 500 to the first `fail` requests, then 200.
async fn receiver(fail: usize) -> (String, mpsc::UnboundedReceiver<Got>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let seen = Arc::new(AtomicUsize::new(0));
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: String| {
            let tx = tx.clone();
            let seen = seen.clone();
            async move {
                let header = |n: &str| {
                    headers
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string()
                };
                let timestamp: i64 = header("x-docket-timestamp").parse().unwrap_or(0);
                let expected = docket::domain::webhooks::sign(SECRET, timestamp, &body);
                let _ = tx.send(Got {
                    event: header("x-docket-event"),
                    delivery: header("x-docket-delivery"),
                    signed: header("x-docket-signature") == expected,
                    body: serde_json::from_str(&body).unwrap_or(Value::Null),
                });
                if seen.fetch_add(1, Ordering::SeqCst) < fail {
                    AxumStatus::INTERNAL_SERVER_ERROR
                } else {
                    AxumStatus::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, rx)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Got>) -> Got {
    tokio::time::timeout(std::time::Duration::from_secs(20), rx.recv())
        .await
        .expect("a delivery within 20 s")
        .expect("the receiver runs")
}

#[tokio::test]
async fn subscribed_events_arrive_signed_are_retried_after_a_500_and_can_be_replayed() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (url, mut rx) = receiver(1).await;
    let (status, body) = app
        .rpc_body(
            &admin,
            "save_settings_item",
            json!({ "section": "webhooks", "key": null, "item": {
                "name": "SOAR", "active": true, "url": url, "events": ["ticket.created", "ticket.closed"], "secret": SECRET } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let customer = browser();
    app.sign_up(&customer, "eve@example.com", "Eve").await;
    let (status, number) = app
        .rpc_json(
            &customer,
            "open_ticket",
            &[
                ("topic", "general"),
                ("subject", "Phish"),
                ("message", "Look"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{number}");
    let number = number.as_str().unwrap().to_string();

    // First attempt: the receiver answers 500.
    let first = next(&mut rx).await;
    assert_eq!(first.event, "ticket.created");
    assert!(first.signed, "the signature checks out");
    assert_eq!(first.body["event"], "ticket.created");
    assert_eq!(first.body["ticket"], number.as_str());
    // Once the failure is recorded, the retry comes after the backoff, with the same delivery id.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (_, log) = app.rpc_json(&admin, "webhook_deliveries", &[]).await;
        if log[0]["attempts"] == 1 {
            assert_eq!(
                (log[0]["status"].as_str(), log[0]["last_status"].as_u64()),
                (Some("queued"), Some(500))
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the failed attempt was not recorded: {log}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    app.advance(Duration::seconds(31));
    let second = next(&mut rx).await;
    assert_eq!(
        (second.delivery.as_str(), second.signed),
        (first.delivery.as_str(), true)
    );

    let (status, log) = app.rpc_json(&admin, "webhook_deliveries", &[]).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    assert_eq!(log[0]["status"], "delivered");
    assert_eq!(log[0]["attempts"], 2);
    assert_eq!(log[0]["last_status"], 200);

    // Closing raises ticket.closed; a reply (not subscribed) raises nothing here.
    let (_, ticket) = app
        .rpc_json(&admin, "agent_ticket", &[("number", &number)])
        .await;
    let version = ticket["ticket"]["version"].as_u64().unwrap();
    let (status, body) = app
        .rpc_body(&admin, "change_ticket", json!({ "number": number, "version": version, "change": { "change": "status", "status": "closed" } }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let closed = next(&mut rx).await;
    assert_eq!(
        (closed.event.as_str(), closed.signed),
        ("ticket.closed", true)
    );

    // Replay: the same delivery once more.
    let id = first.delivery.clone();
    let (status, body) = app.rpc_json(&admin, "replay_webhook", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let replayed = next(&mut rx).await;
    assert_eq!(
        (replayed.delivery.as_str(), replayed.event.as_str()),
        (id.as_str(), "ticket.created")
    );
    // Only admins see the log or replay.
    let (status, _) = app
        .rpc_json(&customer, "replay_webhook", &[("id", &id)])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
