//! `docket backup` while the server serves its embedded datastore (through the operator token),
//! then `docket restore` into an empty data directory: the same tickets, accounts, API keys and
//! settings, and an audit chain that verifies.

use std::path::Path;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{DocketProcess, PASSWORD, browser, console, console_text, eventually, rpc_at};

fn store_url(dir: &Path) -> String {
    format!("surrealkv://{}", dir.join("docket.db").display())
}

/// A server function that takes JSON, on any base URL.
async fn rpc_json_at(client: &reqwest::Client, base: &str, name: &str, body: Value) -> Value {
    let response = client
        .post(format!("{base}/rpc/{name}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{name}");
    response.json().await.unwrap()
}

/// What a restore must bring back, read through the running server.
async fn snapshot(server: &DocketProcess, key: &str) -> Value {
    let client = reqwest::Client::new();
    let tickets: Value = client
        .get(format!("{}/api/v1/tickets", server.base))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let admin = browser();
    let (status, body) = rpc_at(
        &admin,
        &server.base,
        "sign_in",
        &[("email", "admin@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let section = |name: &str| json!({ "section": name });
    let general = rpc_json_at(&admin, &server.base, "settings_section", section("general")).await;
    let keys = rpc_json_at(
        &admin,
        &server.base,
        "settings_section",
        section("api_keys"),
    )
    .await;
    json!({ "tickets": tickets, "general": general, "api_keys": keys })
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_into_an_empty_data_directory() {
    let first_dir = tempfile::tempdir().unwrap();
    let first_url = store_url(first_dir.path());
    let server = DocketProcess::start(&[("DOCKET_DATABASE_URL", &first_url)]);
    let admin = server.admin().await;
    // A setting the admin changed must come back.
    let general = rpc_json_at(
        &admin,
        &server.base,
        "settings_section",
        json!({ "section": "general" }),
    )
    .await;
    let mut item = general["blank"].clone();
    item["helpdesk_name"] = json!("Backed-up Desk");
    item["public_url"] = json!("https://help.example.com");
    let body = json!({ "section": "general", "key": "general", "item": item });
    rpc_json_at(&admin, &server.base, "save_settings_item", body).await;
    let key = {
        let item = json!({ "name": "Backup check", "active": true,
            "scopes": ["tickets:create", "tickets:read"], "allowed": "127.0.0.1",
            "acts_as": "admin@example.com" });
        let body = json!({ "section": "api_keys", "key": null, "item": item });
        let saved = rpc_json_at(&admin, &server.base, "save_settings_item", body).await;
        saved["secret"]
            .as_str()
            .expect("the new key's secret")
            .to_string()
    };
    for i in 0..5 {
        let response = reqwest::Client::new()
            .post(format!("{}/api/tickets.json", server.base))
            .header("X-API-Key", &key)
            .json(&json!({ "name": "Ann", "email": "ann@example.com",
                "subject": format!("Backup me {i}"), "message": "Keep this." }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    // The SLA job gives each new ticket its due time in the background: wait for it, so the
    // backup and the comparison see the same tickets.
    let before = eventually("every ticket has its SLA due time", || async {
        let before = snapshot(&server, &key).await;
        let tickets = before["tickets"]["tickets"].as_array()?;
        (tickets.len() == 5 && tickets.iter().all(|t| !t["sla_due"].is_null())).then_some(before)
    })
    .await;

    // The server holds the datastore: the command goes through it.
    let file = first_dir.path().join("backup.surql");
    let made = console(&first_url, &["backup", file.to_str().unwrap()], "");
    assert!(made.status.success(), "{}", console_text(&made));
    assert!(
        console_text(&made).contains("running server"),
        "{}",
        console_text(&made)
    );
    // Anyone without the token is refused.
    let refused = reqwest::Client::new()
        .post(format!("{}/operator/backup", server.base))
        .bearer_auth("guess")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    server.terminate();

    let second_dir = tempfile::tempdir().unwrap();
    let second_url = store_url(second_dir.path());
    let restored = console(&second_url, &["restore", file.to_str().unwrap()], "");
    assert!(restored.status.success(), "{}", console_text(&restored));
    // Never over a help desk: a second restore into the same place is refused.
    let again = console(&second_url, &["restore", file.to_str().unwrap()], "");
    assert!(!again.status.success());
    assert!(
        console_text(&again).contains("already holds a help desk"),
        "{}",
        console_text(&again)
    );
    let verified = console(&second_url, &["audit", "verify"], "");
    assert!(verified.status.success(), "{}", console_text(&verified));
    assert!(
        console_text(&verified).contains("intact"),
        "{}",
        console_text(&verified)
    );

    let server = DocketProcess::start(&[("DOCKET_DATABASE_URL", &second_url)]);
    assert!(server.setup_link.is_none(), "the admin came back");
    let after = snapshot(&server, &key).await;
    assert_eq!(before["tickets"], after["tickets"]);
    assert_eq!(before["general"], after["general"]);
    assert!(after["general"].to_string().contains("Backed-up Desk"));
    assert_eq!(before["api_keys"], after["api_keys"]);
    assert_eq!(
        after["tickets"]["tickets"].as_array().map(Vec::len),
        Some(5),
        "{after}"
    );
    // The backup itself is in the restored trail.
    let admin = browser();
    rpc_at(
        &admin,
        &server.base,
        "sign_in",
        &[("email", "admin@example.com"), ("password", PASSWORD)],
    )
    .await;
    let filter = json!({ "actor": "", "object": "", "action": "database.backed_up", "ip": "",
        "from": null, "to": null });
    let events = rpc_json_at(
        &admin,
        &server.base,
        "audit_page",
        json!({ "filter": filter, "after": null }),
    )
    .await;
    assert!(
        events.to_string().contains("database.backed_up"),
        "{events}"
    );
    server.terminate();
}

#[test]
fn restoring_a_missing_file_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let output = console(
        &store_url(dir.path()),
        &["restore", "/nonexistent/backup.surql"],
        "",
    );
    assert!(!output.status.success());
    assert!(
        console_text(&output).contains("no backup at"),
        "{}",
        console_text(&output)
    );
}
