//! Scale-out for real: a SurrealDB server on loopback and two Docket replicas on it, each with
//! its own database connection, router, live queries and background jobs (as two processes
//! behind a load balancer have). One browser's cookies reach both, as through a load balancer.

use std::time::Duration as StdDuration;

use futures::StreamExt;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::common::dovecot::{self, Dovecot};
use crate::common::smtp_sink::SmtpSink;
use crate::common::surreal_server::SurrealServer;
use crate::common::{TestApp, eventually, spawn_app_on_clock, start_time};
use crate::email::{customer, open, support_mailbox};
use crate::sla::sla_entries;
use docket::server::clock::Clock;

const WAIT: StdDuration = StdDuration::from_secs(20);

/// Replica A (with the admin, signed in through A) and replica B, on one server.
async fn replicas(server: &SurrealServer, extra: &[(&str, &str)]) -> (TestApp, TestApp, Client) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn,docket::server::request=error")
        .with_test_writer()
        .try_init();
    let env = server.env();
    let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.extend_from_slice(extra);
    let clock = Clock::manual(start_time());
    let a = spawn_app_on_clock(&env, clock.clone()).await;
    // The setup link is A's: B, started later, would issue a new one.
    let admin = a.admin().await;
    let b = spawn_app_on_clock(&env, clock).await;
    (a, b, admin)
}

/// Every ticket's subject, through `app`'s all-tickets list.
async fn subjects(app: &TestApp, admin: &Client) -> Vec<String> {
    let (status, page) = app
        .rpc_body(admin, "queue_page", json!({ "query": { "filter": {} } }))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["subject"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn two_replicas_share_sessions_data_and_live_updates() {
    let server = SurrealServer::start().await;
    let (a, b, admin) = replicas(&server, &[]).await;

    // A session made on A is valid on B, and signing out on B ends it on A.
    assert_eq!(b.whoami(&admin).await["email"], "admin@example.com");
    let cora = customer(&b, "cora@example.com", "Cora Customer").await;
    assert_eq!(a.whoami(&cora).await["email"], "cora@example.com");

    // The admin's live stream on A hears a ticket opened through B.
    let stream = admin.get(a.url("/api/v1/events")).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let mut body = stream.bytes_stream();
    let number = open(&b, &cora, "Printer on fire").await;
    let wanted = format!("\"ticket\":\"{number}\"");
    let mut heard = String::new();
    let arrived = tokio::time::timeout(WAIT, async {
        while let Some(chunk) = body.next().await {
            heard.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            if heard.contains(&wanted) && heard.contains("ticket.created") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(arrived, Ok(true), "A's stream heard: {heard}");

    // What B wrote, A reads, and the other way round.
    let (status, page) = a
        .rpc_json(&admin, "agent_ticket", &[("number", &number)])
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["ticket"]["subject"], "Printer on fire");
    let second = open(&a, &cora, "Scanner jammed").await;
    let (status, _) = b
        .rpc_json(&cora, "view_ticket", &[("number", &second)])
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, _) = b.rpc_json(&cora, "sign_out", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(a.whoami(&cora).await, Value::Null, "signed out everywhere");
}

#[tokio::test]
async fn background_jobs_run_once_across_replicas() {
    let server = SurrealServer::start().await;
    let sink = SmtpSink::start().await;
    let imap = Dovecot::start().await;
    let smtp = sink.url();
    let (a, b, admin) = replicas(
        &server,
        &[
            ("DOCKET_MAIL_SMTP_URL", smtp.as_str()),
            ("DOCKET_MAIL_FROM", "Help Desk <help@example.test>"),
        ],
    )
    .await;

    // Outbox: tickets opened through both replicas; each auto-response is sent once (four: a
    // customer gets at most five auto-responses an hour).
    let cora = customer(&a, "cora@example.com", "Cora Customer").await;
    for i in 0..4 {
        let replica = if i % 2 == 0 { &a } else { &b };
        open(replica, &cora, &format!("Portal ticket {i}")).await;
    }
    let store = a.running.state.store.clone();
    eventually("the outbox empties", || async {
        let counts = store.outbox_counts().await.unwrap();
        (counts.queued == 0 && sink.messages().len() >= 4).then_some(())
    })
    .await;

    // Mail fetch: three messages in one mailbox become three tickets, not six.
    for i in 0..3 {
        imap.deliver(
            dovecot::SUPPORT,
            &format!(
                "From: Frank <frank@example.net>\r\nTo: {}\r\nSubject: Mailed ticket {i}\r\n\
                 Message-ID: <frank-{i}@example.net>\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\n\r\nHelp {i}.\r\n",
                dovecot::SUPPORT
            ),
        );
    }
    support_mailbox(&b, &admin, &imap).await;
    eventually("the mailbox is fetched and archived", || async {
        (imap.count(dovecot::SUPPORT, "INBOX") == 0 && imap.count(dovecot::SUPPORT, "Archive") == 3)
            .then_some(())
    })
    .await;
    eventually("every auto-response is sent", || async {
        let counts = store.outbox_counts().await.unwrap();
        (counts.queued == 0 && sink.messages().len() >= 7).then_some(())
    })
    .await;

    // SLA: past the first response's due time both replicas' jobs look; one breach is written.
    let number = open(&b, &cora, "Waiting for an answer").await;
    a.advance(chrono::Duration::hours(5));
    let breaches = || async { sla_entries(&a, &admin, &number).await.len() };
    eventually("the breach is written", || async {
        (breaches().await > 0).then_some(())
    })
    .await;
    // Both replicas look again, at once: nothing is left to do.
    let (x, y) = tokio::join!(
        docket::server::jobs::sla::run_once(&a.running.state),
        docket::server::jobs::sla::run_once(&b.running.state),
    );
    x.unwrap();
    y.unwrap();

    let all = subjects(&a, &admin).await;
    let mailed = all
        .iter()
        .filter(|s| s.starts_with("Mailed ticket"))
        .count();
    assert_eq!(mailed, 3, "one ticket per message: {all:?}");
    assert_eq!(
        breaches().await,
        1,
        "one breach, whichever replica wrote it"
    );
    let messages = sink.messages();
    let to = |address: &str| {
        messages
            .iter()
            .filter(|m| m.to.iter().any(|t| t == address))
            .count()
    };
    assert_eq!(
        (to("cora@example.com"), to("frank@example.net")),
        (5, 3),
        "each auto-response sent once (the fifth is the SLA ticket's)"
    );
    let mut ids: Vec<String> = messages
        .iter()
        .filter_map(|m| m.header("message-id"))
        .collect();
    let sent = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), sent, "no message sent twice");
}
