//! How long a change takes to reach an open `/api/v1/events` stream: a customer opens tickets
//! one after another through the real HTTP API while an agent's stream listens, on an on-disk
//! SurrealKV store with durable commits. Prints p50/p95/max of "request answered -> event
//! received" and of "request sent -> event received".
//!
//! `cargo run --release --example live_delay --features ssr [-- ROUNDS]`

use std::time::{Duration, Instant};

use docket::server::clock::Clock;
use docket::server::config::Settings;
use futures::StreamExt;
use reqwest::Client;

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let data = tempfile::tempdir().expect("a temporary data dir");
    let env = [
        ("DOCKET_ADDR".to_string(), "127.0.0.1:0".to_string()),
        (
            "DOCKET_DATABASE_URL".to_string(),
            format!("surrealkv://{}", data.path().join("docket.db").display()),
        ),
    ];
    let settings = Settings::from_sources("bench", None, &env).expect("settings");
    let running = docket::server::start(settings, Clock::System, std::future::pending())
        .await
        .expect("docket starts");
    let base = format!("http://{}", running.addr);
    let token = running
        .setup_link
        .clone()
        .expect("a new store has a setup link");
    let token = token.split("token=").nth(1).expect("a token");

    let admin = Client::builder().cookie_store(true).build().unwrap();
    let setup = admin
        .post(format!("{base}/rpc/complete_setup"))
        .form(&[
            ("token", token),
            ("email", "admin@bench.test"),
            ("name", "Bench Admin"),
            ("password", "correct horse battery"),
        ])
        .send()
        .await
        .unwrap();
    assert!(setup.status().is_success(), "setup: {}", setup.status());
    let customer = Client::builder().cookie_store(true).build().unwrap();
    let signup = customer
        .post(format!("{base}/rpc/sign_up"))
        .form(&[
            ("email", "cee@bench.test"),
            ("name", "Cee Bench"),
            ("password", "correct horse battery"),
        ])
        .send()
        .await
        .unwrap();
    assert!(signup.status().is_success(), "sign-up: {}", signup.status());

    let stream = admin
        .get(format!("{base}/api/v1/events"))
        .send()
        .await
        .unwrap();
    assert!(stream.status().is_success());
    let mut body = stream.bytes_stream();
    let mut buffer = String::new();

    let (mut after_answer, mut after_send) = (Vec::new(), Vec::new());
    for i in 0..rounds {
        let sent = Instant::now();
        let response = customer
            .post(format!("{base}/rpc/open_ticket"))
            .form(&[
                ("topic", "general"),
                ("subject", &format!("Bench {i}")),
                ("message", "Measuring the live delay."),
            ])
            .send()
            .await
            .unwrap();
        let answered = Instant::now();
        let number: String = response.json().await.expect("a ticket number");
        let wanted = format!("\"type\":\"ticket.created\",\"ticket\":\"{number}\"");
        let received = loop {
            if let Some(end) = buffer.find("\n\n") {
                let frame: String = buffer.drain(..end + 2).collect();
                if frame.contains(&wanted) {
                    break Instant::now();
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), body.next())
                .await
                .expect("an event within 10 s")
                .expect("the stream stays open")
                .expect("the stream reads");
            buffer.push_str(&String::from_utf8_lossy(&chunk));
        };
        after_answer.push(received.saturating_duration_since(answered));
        after_send.push(received - sent);
    }
    report("request answered -> event received", &mut after_answer);
    report("request sent -> event received", &mut after_send);
}

fn report(what: &str, samples: &mut [Duration]) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{what}: n={} p50={:.1} ms p95={:.1} ms max={:.1} ms",
        samples.len(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3,
    );
}
