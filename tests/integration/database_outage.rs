//! Docket on a SurrealDB server that goes away (`kill -9`) and comes back: while it is away,
//! `/readyz` fails and requests are answered 503 at once with a clear message; when it returns,
//! Docket reconnects by itself, signs in again and serves, live updates included.

use std::time::{Duration, Instant};

use futures::StreamExt;
use reqwest::StatusCode;

use crate::common::surreal_server::SurrealServer;
use crate::common::{DocketProcess, PASSWORD, browser, eventually, rpc_at};

async fn ready(base: &str) -> StatusCode {
    reqwest::get(format!("{base}/readyz")).await.unwrap().status()
}

#[tokio::test]
async fn a_database_outage_answers_503_quickly_and_docket_reconnects_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let mut database = SurrealServer::start_on_disk(dir.path()).await;
    let env = database.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let docket = DocketProcess::start(&env);
    let customer = browser();
    let sign_up = [
        ("email", "outage@example.com"),
        ("name", "Olly"),
        ("password", PASSWORD),
    ];
    let (status, body) = rpc_at(&customer, &docket.base, "sign_up", &sign_up).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ready(&docket.base).await, StatusCode::OK);

    database.kill();
    eventually("/readyz says the database is gone", || async {
        (ready(&docket.base).await == StatusCode::SERVICE_UNAVAILABLE).then_some(())
    })
    .await;
    let asked = Instant::now();
    let response = browser()
        .post(format!("{}/rpc/sign_in", docket.base))
        .form(&[("email", "outage@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(asked.elapsed() < Duration::from_secs(1), "{:?}", asked.elapsed());
    assert_eq!(response.headers()["retry-after"], "5");
    assert!(response.text().await.unwrap().contains("cannot reach its database"));

    database.restart().await;
    eventually("Docket reconnects and is ready again", || async {
        (ready(&docket.base).await == StatusCode::OK).then_some(())
    })
    .await;
    // Signed in again on the database: what was written before is there, new writes work.
    let again = browser();
    let signed_in = [("email", "outage@example.com"), ("password", PASSWORD)];
    let (status, body) = rpc_at(&again, &docket.base, "sign_in", &signed_in).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The live stream works again: it hears the ticket opened next.
    let stream = again
        .get(format!("{}/api/v1/events", docket.base))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let mut events = stream.bytes_stream();
    let (status, body) = rpc_at(
        &again,
        &docket.base,
        "open_ticket",
        &[("topic", "general"), ("subject", "After the outage"), ("message", "Still here?")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let number = body.as_str().expect("the ticket number").to_string();
    let mut heard = String::new();
    let arrived = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(chunk) = events.next().await {
            heard.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            if heard.contains(&format!("\"ticket\":\"{number}\"")) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(arrived, Ok(true), "the stream heard: {heard}");
    docket.terminate();
}
