//! The embedded on-disk store (SurrealKV) keeps what was committed across restarts, and the
//! console can create an administrator in it.

mod common;

use common::{PASSWORD, browser, spawn_app_with};
use reqwest::StatusCode;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

/// A `docket` process of its own, as an operator starts it.
struct DocketProcess {
    child: std::process::Child,
    base: String,
    setup_link: Option<String>,
}

impl DocketProcess {
    fn start(database_url: &str) -> DocketProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_docket"))
            .env("DOCKET_CONFIG", "/nonexistent")
            .env("DOCKET_ADDR", format!("127.0.0.1:{port}"))
            .env("DOCKET_DATABASE_URL", database_url)
            .env("DOCKET_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut setup_link = None;
        let stdout = BufReader::new(child.stdout.take().unwrap());
        for line in stdout.lines() {
            let line = line.unwrap();
            if let Some(at) = line.find("http")
                && line.contains("/setup?token=")
            {
                setup_link = Some(line[at..].trim().to_string());
            }
            if line.starts_with("Docket is ready") {
                break;
            }
        }
        DocketProcess {
            child,
            base: format!("http://127.0.0.1:{port}"),
            setup_link,
        }
    }

    /// SIGTERM, as a service manager would send; Docket must finish and exit cleanly.
    fn terminate(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "docket exited with {exit}");
    }
}

async fn rpc(
    client: &reqwest::Client,
    base: &str,
    name: &str,
    form: &[(&str, &str)],
) -> (StatusCode, serde_json::Value) {
    let response = client
        .post(format!("{base}/rpc/{name}"))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn accounts_and_the_audit_chain_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("docket.db").display());

    let first = DocketProcess::start(&url);
    let link = first
        .setup_link
        .clone()
        .expect("a new datastore prints a setup link");
    let token = link.split("token=").nth(1).unwrap();
    let admin = browser();
    let (status, body) = rpc(
        &admin,
        &first.base,
        "complete_setup",
        &[
            ("token", token),
            ("email", "admin@example.com"),
            ("name", "Ada"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = rpc(
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

    let second = DocketProcess::start(&url);
    assert!(
        second.setup_link.is_none(),
        "an admin exists, so no setup link"
    );
    let (status, body) = rpc(
        &browser(),
        &second.base,
        "sign_in",
        &[("email", "cee@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let admin = browser();
    let (status, _) = rpc(
        &admin,
        &second.base,
        "sign_in",
        &[("email", "admin@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, verification) = rpc(&admin, &second.base, "verify_audit", &[]).await;
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
    assert_eq!(body["role"], "admin");
}
