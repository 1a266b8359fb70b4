//! Liveness and readiness probes, and start-up refusing bad settings.

use crate::common::spawn_app;
use reqwest::StatusCode;

#[tokio::test]
async fn healthz_answers_while_the_process_lives() {
    let app = spawn_app().await;
    let response = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn readyz_answers_when_the_database_answers() {
    let app = spawn_app().await;
    let response = reqwest::get(app.url("/readyz")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ready");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let response = reqwest::get(app.url("/healthz")).await.unwrap();
    let id = response
        .headers()
        .get("x-request-id")
        .expect("request id header");
    assert_eq!(id.to_str().unwrap().len(), 36);
}

#[tokio::test]
async fn pages_render_on_the_server_and_unknown_ones_are_404() {
    let app = spawn_app().await;
    let home = reqwest::get(app.url("/")).await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().await.unwrap().contains("/pkg/docket.js"));
    let missing = reqwest::get(app.url("/no/such/page")).await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("Page not found"));
}

fn docket(env: &[(&str, &str)]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_docket"));
    command
        .env("DOCKET_CONFIG", "/nonexistent/Leptos.toml")
        .env("DOCKET_DATABASE_URL", "mem://");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("docket runs")
}

#[test]
fn bad_settings_stop_start_up_naming_the_key() {
    for (var, value, expected) in [
        ("DOCKET_ADDR", "not-an-address", "host:port"),
        ("DOCKET_DATABASE_URL", "rocksdb://data", "surrealkv://"),
        ("DOCKET_SESSIONS_LIFETIME", "forever", "duration"),
        ("DOCKET_ACCOUNTS_REGISTRATION", "maybe", "guest-only"),
    ] {
        let output = docket(&[(var, value)]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{var}={value}: {stderr}");
        assert!(
            stderr.contains(var) && stderr.contains(expected),
            "{var}={value}: {stderr}"
        );
    }
}

#[test]
fn a_settings_file_with_an_unknown_key_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Leptos.toml");
    std::fs::write(&path, "[server]\nadress = \"127.0.0.1:1\"\n").unwrap();
    let output = docket(&[("DOCKET_CONFIG", path.to_str().unwrap())]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("server.adress"), "{stderr}");
}
