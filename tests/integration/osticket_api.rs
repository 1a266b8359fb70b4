//! The osTicket-compatible ticket API (`../shared/OSTICKET_API.md`) over real HTTP: the shared
//! fixtures, each row of the contract, and a real external client.

use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::common::{TestApp, spawn_app, spawn_app_with};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/osticket/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the shared fixture")
}

async fn post(app: &TestApp, key: &str, path: &str, body: &str) -> (StatusCode, String, String) {
    let response = app.post_with_key(key, path, body).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

async fn desk() -> (TestApp, Client, String) {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, secret) = app.api_key(&admin, &["tickets:create"], "127.0.0.1").await;
    (app, admin, secret)
}

#[tokio::test]
async fn the_shared_json_fixtures_open_tickets_field_by_field() {
    let (app, _admin, secret) = desk().await;
    let store = app.running.state.store.clone();

    let (status, content_type, number) = post(
        &app,
        &secret,
        "/api/tickets.json",
        &fixture("create-minimal.json"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    assert_eq!(content_type, "text/html; charset=UTF-8");
    assert!(number.parse::<u64>().is_ok(), "a bare number: {number}");
    let ticket = store.ticket(&number).await.unwrap().unwrap();
    assert_eq!(ticket.subject, "VPN drops every hour");
    assert_eq!(
        (
            ticket.requester_name.as_str(),
            ticket.requester_email.as_str()
        ),
        ("Dana Reyes", "dana.reyes@example.org")
    );
    assert_eq!(ticket.source.as_str(), "api");
    let thread = store.thread(&number, false).await.unwrap();
    assert_eq!(
        thread[0].body,
        "Since Monday my VPN session ends every hour on the hour."
    );
    assert!(
        thread.iter().any(|e| e.body.contains("for 10.0.0.9")),
        "the client's address is noted"
    );

    let (status, _, number) = post(
        &app,
        &secret,
        "/api/tickets.json",
        &fixture("create-full.json"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    let ticket = store.ticket(&number).await.unwrap().unwrap();
    assert_eq!(ticket.subject, "Phishing mail reported by finance");
    assert_eq!(
        ticket.priority, "high",
        "priority 3 is the third by urgency"
    );
    let thread = store.thread(&number, false).await.unwrap();
    assert_eq!(
        thread[0].body,
        "Finance forwarded a suspicious invoice mail."
    );
    assert_eq!(
        thread[0].rich.as_deref(),
        Some("Finance forwarded a <b>suspicious invoice</b> mail.")
    );
    let names: Vec<&str> = thread[0]
        .attachments
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["notes.txt", "pixel.gif"]);
    let note = thread
        .iter()
        .find(|e| e.body.contains("Opened through the ticket API"))
        .unwrap();
    assert!(
        note.body.contains("for 192.0.2.41") && note.body.contains("Phone: 318-555-0142 ext. 27"),
        "{}",
        note.body
    );
}

#[tokio::test]
async fn the_shared_xml_fixtures_open_tickets_under_any_prefix() {
    let (app, _admin, secret) = desk().await;
    let store = app.running.state.store.clone();
    let (status, _, number) = post(
        &app,
        &secret,
        "/osticket/upload/api/tickets.xml",
        &fixture("create-lab.xml"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    let ticket = store.ticket(&number).await.unwrap().unwrap();
    assert_eq!(
        (ticket.subject.as_str(), ticket.requester_name.as_str()),
        ("mydocket-lab-test", "SOC Lab")
    );
    let thread = store.thread(&number, false).await.unwrap();
    assert_eq!(thread[0].body, "Message content for the lab test");
    let files = &thread[0].attachments;
    assert_eq!(files.len(), 2);
    let evidence = files.iter().find(|a| a.name == "evidence.txt").unwrap();
    let text = String::from_utf8(store.attachment_data(&evidence.id).await.unwrap()).unwrap();
    assert_eq!(text, "Evidence text that is trimmed on the way in");
    assert!(
        thread
            .iter()
            .any(|e| e.body.contains("Phone: 318-555-0199 ext. 12"))
    );

    let (status, _, number) = post(
        &app,
        &secret,
        "/api/http.php/tickets.xml",
        &fixture("kibana-rule-action.xml"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    let thread = store.thread(&number, false).await.unwrap();
    assert!(thread[0].body.starts_with("Alert: SSH Brute Force Attempt"));
    assert!(thread[0].body.contains("Source IP: 198.51.100.23"));
}

#[tokio::test]
async fn the_contract_row_by_row() {
    let (app, admin, secret) = desk().await;
    let (_, elsewhere) = app.api_key(&admin, &["tickets:create"], "10.0.0.0/8").await;
    let (_, email_only) = app.api_key(&admin, &["tickets:email"], "127.0.0.1").await;
    let (disabled_key, disabled) = app.api_key(&admin, &["tickets:create"], "127.0.0.1").await;
    let (status, body) = app
        .rpc_body(
            &admin,
            "set_settings_active",
            json!({ "section": "api_keys", "key": disabled_key, "active": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let minimal = fixture("create-minimal.json");
    for (presented, expected) in [
        ("", "Valid API key required"),
        ("nope", "Valid API key required"),
        (elsewhere.as_str(), "Valid API key required"),
        (
            disabled.as_str(),
            "API key not found/active or source IP not authorized",
        ),
        (email_only.as_str(), "API key not authorized"),
    ] {
        let (status, content_type, body) =
            post(&app, presented, "/api/tickets.json", &minimal).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::UNAUTHORIZED, expected),
            "key {presented:?}"
        );
        assert_eq!(content_type, "text/html; charset=UTF-8");
    }
    // Auth comes before the body: a bad key with a broken body is still a 401.
    let (status, _, _) = post(&app, "nope", "/api/tickets.json", "{broken").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    for (path, body, expected) in [
        ("/api/tickets.json", "", "Syntax error, malformed JSON"),
        (
            "/api/tickets.json",
            "{\"email\": ",
            "Syntax error, malformed JSON",
        ),
        (
            "/api/tickets.json",
            "[1, 2]",
            "Syntax error, the JSON body must be an object",
        ),
    ] {
        let (status, _, text) = post(&app, &secret, path, body).await;
        assert_eq!(
            (status, text.as_str()),
            (StatusCode::BAD_REQUEST, expected),
            "{body:?}"
        );
    }
    let (status, _, text) = post(&app, &secret, "/api/tickets.xml", "<ticket><name>x</name>").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.starts_with("XML error: "), "{text}");

    let (status, _, text) = post(
        &app,
        &secret,
        "/api/tickets.json",
        "{\"email\": \"a@example.org\", \"name\": \"A\", \"message\": \"m\"}",
    )
    .await;
    assert_eq!(
        (status, text.as_str()),
        (
            StatusCode::BAD_REQUEST,
            "Unable to create new ticket :subject\nSubject is required"
        )
    );

    // Unknown fields and typos never fail a request; a broken attachment is dropped.
    let body = json!({ "email": "b@example.org", "name": "B", "subject": "s", "message": "m",
        "topicid": 99, "n": "typo", "meta": { "x": 1 },
        "attachments": [{ "bad.txt": "data:text/plain;base64,@@@" }] });
    let (status, _, number) = post(&app, &secret, "/api/tickets.json", &body.to_string()).await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    let thread = app
        .running
        .state
        .store
        .thread(&number, false)
        .await
        .unwrap();
    assert!(thread[0].attachments.is_empty());
    assert!(
        thread
            .iter()
            .any(|e| e.body.contains("1 attachment(s) could not be decoded"))
    );

    // Other paths and methods under /api/, and the case of the suffix.
    for (method, path) in [
        ("POST", "/api/tickets.JSON"),
        ("GET", "/api/tickets.json"),
        ("POST", "/api/users.json"),
    ] {
        let response = Client::new()
            .request(method.parse().unwrap(), app.url(path))
            .header("x-api-key", &secret)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{method} {path}"
        );
        assert_eq!(response.text().await.unwrap(), "URL not supported");
    }
}

#[tokio::test]
async fn custom_fields_by_name_and_the_topic_by_id() {
    let (app, _admin, secret) = desk().await;
    let body = json!({ "email": "c@example.org", "name": "C", "subject": "Laptop", "message": "Broken",
        "topicId": "2", "affected_device": "LAPTOP-042", "impact": "team" });
    let (status, _, number) = post(&app, &secret, "/api/tickets.json", &body.to_string()).await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    let ticket = app
        .running
        .state
        .store
        .ticket(&number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ticket.help_topic.as_deref(), Some("problem"));
    let fields = serde_json::to_value(&ticket.fields).unwrap();
    assert!(fields.to_string().contains("LAPTOP-042"), "{fields}");
    assert!(fields.to_string().contains("team"), "{fields}");
    let bad = json!({ "email": "c@example.org", "subject": "x", "message": "y", "topicId": "2", "impact": "galaxy" });
    let (status, _, text) = post(&app, &secret, "/api/tickets.json", &bad.to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        text.starts_with("Unable to create new ticket :fields\nimpact:"),
        "{text}"
    );
}

#[tokio::test]
async fn xml_with_external_entities_is_refused_and_nothing_is_fetched() {
    let (app, _admin, secret) = desk().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let body = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE ticket [<!ENTITY x SYSTEM \"http://127.0.0.1:{port}/secret\">]>\
         <ticket><email>x@example.org</email><name>X</name><subject>&x;</subject><message>&x;</message></ticket>"
    );
    let (status, _, text) = post(&app, &secret, "/api/tickets.xml", &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.starts_with("XML error: "), "{text}");
    let fetched =
        tokio::time::timeout(std::time::Duration::from_millis(300), listener.accept()).await;
    assert!(fetched.is_err(), "the entity's URL was fetched");
    let billion = "<!DOCTYPE t [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><ticket><subject>&b;</subject></ticket>";
    let (status, _, _) = post(&app, &secret, "/api/tickets.xml", billion).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_rejecting_filter_answers_ticket_denied_and_opens_nothing() {
    let (app, admin, secret) = desk().await;
    let filter = json!({ "name": "No spam", "active": true, "order": 10, "channel": "any",
        "matching": "any", "stop_on_match": true,
        "conditions": [{ "subject": "subject", "header": "", "operator": "contains", "value": "casino" }],
        "actions": [{ "kind": "reject", "value": "" }] });
    let (status, saved) = app
        .rpc_body(
            &admin,
            "save_settings_item",
            json!({ "section": "filters", "key": null, "item": filter }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (status, _, text) = post(
        &app,
        &secret,
        "/api/tickets.json",
        r#"{"email": "a@example.org", "name": "A", "subject": "Free casino chips", "message": "Click"}"#,
    )
    .await;
    assert_eq!(
        (status, text.as_str()),
        (StatusCode::FORBIDDEN, "Ticket denied")
    );
    let (_, audit) = app.audit_page(&admin, serde_json::json!({})).await;
    let actions: Vec<&str> = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"ticket.rejected"), "{actions:?}");
    assert!(!actions.contains(&"ticket.created"), "{actions:?}");
}

#[tokio::test]
async fn validation_errors_can_answer_500_as_osticket_does() {
    let app = spawn_app_with(&[("DOCKET_API_VALIDATION_ERROR_STATUS", "500")]).await;
    let admin = app.admin().await;
    let (_, secret) = app.api_key(&admin, &["tickets:create"], "127.0.0.1").await;
    let (status, _, text) = post(
        &app,
        &secret,
        "/api/tickets.json",
        "{\"email\": \"a@example.org\", \"name\": \"A\", \"subject\": \"s\"}",
    )
    .await;
    assert_eq!(
        (status, text.as_str()),
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Unable to create new ticket :message\nMessage content is required"
        )
    );
}

#[tokio::test]
async fn a_real_external_client_posts_like_kibana_and_wazuh_and_reads_integers() {
    let (app, _admin, secret) = desk().await;
    let base = app.base.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/clients/osticket_client.py"
            ))
            .args([&base, &secret])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let numbers: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(numbers.len(), 2);
    let store = &app.running.state.store;
    let kibana = store
        .ticket(&format!("{:0>6}", numbers[0]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kibana.subject, "SSH Brute Force Attempt");
    let wazuh = store
        .ticket(&format!("{:0>6}", numbers[1]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(wazuh.requester_email, "wazuh@example.org");
}

fn docket(args: &[&str], url: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
        .args(args)
        .env("DOCKET_CONFIG", "/nonexistent")
        .env("DOCKET_DATABASE_URL", url)
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_api_key_command_prints_a_key_once_that_the_server_then_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("docket.db").display());
    let args = [
        "api-key",
        "create",
        "--name",
        "Wazuh",
        "--allow",
        "127.0.0.1",
        "--allow",
        "10.0.0.0/8",
        "--scope",
        "tickets:create",
    ];
    let out = tokio::task::spawn_blocking({
        let url = url.clone();
        move || docket(&args, &url)
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(secret.starts_with("dk_"), "{secret}");
    let bad = tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            docket(
                &[
                    "api-key",
                    "create",
                    "--name",
                    "X",
                    "--allow",
                    "not-an-ip",
                    "--scope",
                    "tickets:create",
                ],
                &url,
            )
        }
    })
    .await
    .unwrap();
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("allowed"),
        "names the bad input"
    );
    // A REST scope needs the account it acts as, and it must exist.
    let unnamed = tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            docket(
                &[
                    "api-key",
                    "create",
                    "--name",
                    "SOAR",
                    "--allow",
                    "127.0.0.1",
                    "--scope",
                    "tickets:read",
                    "--acts-as",
                    "nobody@example.com",
                ],
                &url,
            )
        }
    })
    .await
    .unwrap();
    assert!(!unnamed.status.success());
    assert!(
        String::from_utf8_lossy(&unnamed.stderr).contains("acts_as"),
        "{}",
        String::from_utf8_lossy(&unnamed.stderr)
    );

    let server = crate::common::DocketProcess::start(&[("DOCKET_DATABASE_URL", &url)]);
    let response = Client::new()
        .post(format!("{}/api/tickets.json", server.base))
        .header("x-api-key", &secret)
        .body(fixture("create-minimal.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    // While the server holds the embedded store, the command says to use the admin page.
    let held = tokio::task::spawn_blocking({
        let url = url.clone();
        move || docket(&args, &url)
    })
    .await
    .unwrap();
    assert!(!held.status.success());
    assert!(
        String::from_utf8_lossy(&held.stderr).contains("admin pages"),
        "{}",
        String::from_utf8_lossy(&held.stderr)
    );
    server.terminate();
}
