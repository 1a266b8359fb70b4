//! Docket on a SurrealDB server that goes away (`kill -9`): `/readyz` fails and requests are
//! answered 503 at once with a clear message instead of waiting; when the server is back on the
//! same address and data, Docket serves again by itself.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::common::surreal_server::SurrealServer;
use crate::common::{DocketProcess, PASSWORD, browser, eventually, rpc_at};

async fn ready(base: &str) -> StatusCode {
    reqwest::get(format!("{base}/readyz"))
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_database_outage_answers_503_at_once_and_docket_serves_again_when_it_returns() {
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
    // The health check notices within about two seconds; from then on nothing waits. (A request
    // that arrived before it waits for the database to return, so these give up after a second.)
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    eventually("requests are refused at once", || async {
        let response = quick
            .post(format!("{}/rpc/current_session", docket.base))
            .send()
            .await
            .ok()?;
        (response.status() == StatusCode::SERVICE_UNAVAILABLE).then_some(())
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
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "{:?}",
        asked.elapsed()
    );
    assert_eq!(response.headers()["retry-after"], "5");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("cannot reach its database")
    );

    // The database returns on the same address and data: Docket serves again by itself, signs in
    // the customer it had and takes a new ticket. Every request has a deadline, so a Docket that
    // never recovers fails here rather than hanging.
    database.restart().await;
    let back = Instant::now();
    let patient = reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    eventually("Docket serves again", || async {
        let response = patient
            .post(format!("{}/rpc/sign_in", docket.base))
            .form(&[("email", "outage@example.com"), ("password", PASSWORD)])
            .send()
            .await
            .ok()?;
        (response.status() == StatusCode::OK).then_some(())
    })
    .await;
    println!(
        "serving again {:?} after the database returned",
        back.elapsed()
    );
    assert_eq!(ready(&docket.base).await, StatusCode::OK);
    let (status, body) = rpc_at(
        &patient,
        &docket.base,
        "open_ticket",
        &[
            ("topic", "general"),
            ("subject", "After the outage"),
            ("message", "Still there?"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    docket.kill();
}
