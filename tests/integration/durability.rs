//! The embedded on-disk store (SurrealKV) keeps what was committed across restarts, and the
//! console can create an administrator in it.

use crate::common::{DocketProcess, PASSWORD, browser, rpc_at, spawn_app_with};
use reqwest::StatusCode;
use std::io::Write;
use std::process::{Command, Stdio};

#[tokio::test]
async fn accounts_and_the_audit_chain_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("docket.db").display());

    let first = DocketProcess::start(&[("DOCKET_DATABASE_URL", &url)]);
    first.admin().await;
    let (status, body) = rpc_at(
        &browser(),
        &first.base,
        "sign_up",
        &[
            ("email", "cee@example.com"),
            ("name", "Cee"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    first.terminate();

    let second = DocketProcess::start(&[("DOCKET_DATABASE_URL", &url)]);
    assert!(
        second.setup_link.is_none(),
        "an admin exists, so no setup link"
    );
    let (status, body) = rpc_at(
        &browser(),
        &second.base,
        "sign_in",
        &[("email", "cee@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let admin = browser();
    let (status, _) = rpc_at(
        &admin,
        &second.base,
        "sign_in",
        &[("email", "admin@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, verification) = rpc_at(&admin, &second.base, "verify_audit", &[]).await;
    assert_eq!(
        verification["breaks"].as_array().unwrap().len(),
        0,
        "{verification}"
    );
    // link issued, setup, admin signed in, sign-up, its sign-in, then the two sign-ins after restart
    assert_eq!(verification["events"], 7, "{verification}");
    second.terminate();
}

#[tokio::test]
async fn the_console_creates_an_administrator_who_can_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("docket.db").display());
    let create = |password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_docket"))
            .args([
                "admin",
                "create",
                "--email",
                "Ops@Example.com",
                "--name",
                "Ops Lead",
            ])
            .env("DOCKET_CONFIG", "/nonexistent")
            .env("DOCKET_DATABASE_URL", &url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };

    let weak = create("short");
    assert!(!weak.status.success());
    assert!(
        String::from_utf8_lossy(&weak.stderr).contains("password"),
        "{}",
        String::from_utf8_lossy(&weak.stderr)
    );

    let created = create(PASSWORD);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(String::from_utf8_lossy(&created.stdout).contains("ops@example.com"));

    let app = spawn_app_with(&[("DOCKET_DATABASE_URL", url.as_str())]).await;
    assert!(app.setup_link.is_none());
    let client = browser();
    let (status, body) = app.sign_in(&client, "ops@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["role"], "admin");
}

/// A service manager's stop (SIGTERM) while browsers hold the live event stream open: the
/// streams end and Docket exits, instead of waiting on them until it is killed.
#[tokio::test]
async fn a_graceful_stop_ends_open_event_streams() {
    use futures::StreamExt;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("docket.db").display());
    let server = DocketProcess::start(&[("DOCKET_DATABASE_URL", &url)]);
    let agent = server.admin().await;
    let response = agent
        .get(format!("{}/api/v1/events", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut stream = response.bytes_stream();

    assert!(
        server
            .terminates_within(std::time::Duration::from_secs(15))
            .await,
        "Docket exits cleanly within 15 s of SIGTERM with a stream open"
    );
    let ended = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while let Some(chunk) = stream.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream ended with the server");
}
