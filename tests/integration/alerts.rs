//! SIEM alerts over real HTTP: every shared fixture becomes a ticket mapped field by field;
//! repeats de-duplicate by fingerprint; recoveries act per the source's settings.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestApp, spawn_app};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/alerts/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the shared fixture")
}

async fn desk() -> (TestApp, Client, String) {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, secret) = app.api_key(&admin, &["alerts:create"], "127.0.0.1").await;
    (app, admin, secret)
}

async fn send(app: &TestApp, key: &str, path: &str, body: &str) -> (StatusCode, Value) {
    let response = app.post_with_key(key, path, body).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_fixture_becomes_a_ticket_mapped_field_by_field() {
    let (app, _admin, key) = desk().await;
    let store = app.running.state.store.clone();
    let cases = [
        (
            "wazuh",
            "wazuh-sshd-bruteforce.json",
            "sshd: brute force trying to get access to the system. Non existent user. (web-frontend-2)",
            "high",
            "wazuh:5712:web-frontend-2:198.51.100.23",
            "198.51.100.23",
        ),
        (
            "elastic",
            "elastic-json-template.json",
            "SSH Brute Force Attempt on web-frontend-2",
            "high",
            "elastic:f1c9a4d2e7b3",
            "oracle",
        ),
        (
            "alertmanager",
            "alertmanager-v4-firing.json",
            "HostDiskFull: Disk almost full on db-3",
            "emergency",
            "alertmanager:9d2b41f3a0c7e611",
            "db-3",
        ),
        (
            "grafana",
            "grafana-firing.json",
            "Failed logins spike: Failed VPN logins above 200/min",
            "normal",
            "grafana:4f0e2ab9d1c35a77",
            "vpn-gw-1",
        ),
        (
            "splunk",
            "splunk-webhook.json",
            "Excessive failed logins (203.0.113.77)",
            "normal",
            "splunk:Excessive failed logins:203.0.113.77",
            "svc_backup",
        ),
        (
            "thehive",
            "thehive-alert.json",
            "SSH brute force on web-frontend-2",
            "high",
            "thehive:siem:elastic:5712-web-frontend-2-198.51.100.23",
            "198.51.100.23",
        ),
    ];
    for (source, file, subject, priority, fingerprint, observable) in cases {
        let raw = fixture(file);
        let (status, body) = send(&app, &key, &format!("/api/v1/alerts/{source}"), &raw).await;
        assert_eq!(status, StatusCode::CREATED, "{source}: {body}");
        assert_eq!(body["result"], "created");
        let number = body["ticket"].as_str().unwrap().to_string();
        let ticket = store.ticket(&number).await.unwrap().unwrap();
        assert_eq!(ticket.subject, subject, "{source}");
        assert_eq!(ticket.priority, priority, "{source}");
        assert_eq!(ticket.source.as_str(), "alert");
        let alert = store.alert_record(&number).await.unwrap().unwrap();
        assert_eq!(
            (
                alert.source.as_str(),
                alert.fingerprint.as_str(),
                alert.occurrences
            ),
            (source, fingerprint, 1)
        );
        assert!(
            alert.observables.unwrap().contains(observable),
            "{source} observables"
        );
        let thread = store.thread(&number, false).await.unwrap();
        let payload = thread[0]
            .attachments
            .iter()
            .find(|a| a.name == format!("alert-{source}.json"))
            .expect("the raw payload");
        let kept = store.attachment_data(&payload.id).await.unwrap();
        assert_eq!(
            kept,
            raw.as_bytes(),
            "{source}: the payload is kept as it came"
        );
        assert!(
            thread
                .iter()
                .any(|e| e.body.contains(&format!("Fingerprint: {fingerprint}")))
        );
    }
}

#[tokio::test]
async fn a_repeat_counts_on_the_same_ticket_and_reopens_it_when_closed() {
    let (app, admin, key) = desk().await;
    let store = app.running.state.store.clone();
    let raw = fixture("wazuh-sshd-bruteforce.json");
    let (_, first) = send(&app, &key, "/api/v1/alerts/wazuh", &raw).await;
    let number = first["ticket"].as_str().unwrap().to_string();
    let (status, again) = send(&app, &key, "/api/v1/alerts/wazuh", &raw).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        (
            again["result"].as_str(),
            again["ticket"].as_str(),
            again["occurrences"].as_u64()
        ),
        (Some("updated"), Some(number.as_str()), Some(2))
    );
    let alert = store.alert_record(&number).await.unwrap().unwrap();
    assert_eq!(alert.occurrences, 2);

    // Closed, then fired again: reopened (the default for every source).
    let (_, ticket) = app
        .rpc_json(&admin, "agent_ticket", &[("number", &number)])
        .await;
    let version = ticket["ticket"]["version"].as_u64().unwrap();
    let (status, body) = app
        .rpc_body(
            &admin,
            "change_ticket",
            json!({ "number": number, "version": version,
            "change": { "change": "status", "status": "closed", "resolution": "true_positive" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, third) = send(&app, &key, "/api/v1/alerts/wazuh", &raw).await;
    assert_eq!(third["occurrences"], 3);
    let ticket = store.ticket(&number).await.unwrap().unwrap();
    assert_eq!(ticket.status.key, "open");
    let thread = store.thread(&number, false).await.unwrap();
    let timeline: Vec<&str> = thread
        .iter()
        .filter(|e| e.body.starts_with("Alert fired again"))
        .map(|e| e.body.as_str())
        .collect();
    assert_eq!(timeline.len(), 2, "{timeline:?}");
    assert!(timeline[1].contains("occurrence 3") && timeline[1].contains("reopened"));
}

#[tokio::test]
async fn a_recovery_is_noted_and_resolves_when_the_source_says_so() {
    let (app, admin, key) = desk().await;
    let store = app.running.state.store.clone();
    let (_, fired) = send(
        &app,
        &key,
        "/api/v1/alerts/alertmanager",
        &fixture("alertmanager-v4-firing.json"),
    )
    .await;
    let number = fired["ticket"].as_str().unwrap().to_string();
    let resolved = fixture("alertmanager-v4-resolved.json");
    let (status, body) = send(&app, &key, "/api/v1/alerts/alertmanager", &resolved).await;
    assert_eq!(
        (status, body["result"].as_str()),
        (StatusCode::OK, Some("resolved")),
        "{body}"
    );
    assert_eq!(
        store.ticket(&number).await.unwrap().unwrap().status.key,
        "open",
        "noted only, by default"
    );

    let mut settings = serde_json::to_value(
        docket::domain::alerts::settings::AlertSourceDef::default_for(
            docket::domain::alerts::AlertSource::Alertmanager,
        ),
    )
    .unwrap();
    settings["resolve_on_recovery"] = json!(true);
    let (status, saved) = app
        .rpc_body(
            &admin,
            "save_settings_item",
            json!({ "section": "alert_sources", "key": null, "item": settings }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    send(&app, &key, "/api/v1/alerts/alertmanager", &resolved).await;
    assert_eq!(
        store.ticket(&number).await.unwrap().unwrap().status.key,
        "resolved"
    );
    let thread = store.thread(&number, false).await.unwrap();
    assert_eq!(
        thread
            .iter()
            .filter(|e| e.body.contains("reports the alert resolved"))
            .count(),
        2
    );
    // A recovery with no ticket opens nothing.
    let mut other = serde_json::from_str::<Value>(&resolved).unwrap();
    other["alerts"][0]["fingerprint"] = json!("0000");
    let (status, body) = send(
        &app,
        &key,
        "/api/v1/alerts/alertmanager",
        &other.to_string(),
    )
    .await;
    assert_eq!(
        (status, body["result"].as_str()),
        (StatusCode::OK, Some("ignored"))
    );
}

#[tokio::test]
async fn an_admins_fingerprint_rule_decides_what_counts_as_a_repeat() {
    let (app, admin, key) = desk().await;
    let mut settings = serde_json::to_value(
        docket::domain::alerts::settings::AlertSourceDef::default_for(
            docket::domain::alerts::AlertSource::Wazuh,
        ),
    )
    .unwrap();
    settings["fingerprint"] = json!("rule.id; drop");
    let save = |settings: Value| {
        app.rpc_body(
            &admin,
            "save_settings_item",
            json!({ "section": "alert_sources", "key": null, "item": settings }),
        )
    };
    let (status, refused) = save(settings.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused.to_string().contains("fingerprint"), "{refused}");
    // One ticket per rule, whichever agent raised it.
    settings["fingerprint"] = json!("rule.id");
    let (status, saved) = save(settings).await;
    assert_eq!(status, StatusCode::OK, "{saved}");

    let mut alert: Value = serde_json::from_str(&fixture("wazuh-sshd-bruteforce.json")).unwrap();
    let (status, first) = send(&app, &key, "/api/v1/alerts/wazuh", &alert.to_string()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["alerts"][0]["fingerprint"], "wazuh:5712");
    alert["agent"]["name"] = json!("another-host");
    let (status, second) = send(&app, &key, "/api/v1/alerts/wazuh", &alert.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["ticket"], first["ticket"]);
    assert_eq!(second["occurrences"], 2);
}

#[tokio::test]
async fn keys_by_header_bearer_or_splunk_token_and_problems_for_bad_requests() {
    let (app, _admin, key) = desk().await;
    let splunk = fixture("splunk-webhook.json");
    let response = Client::new()
        .post(app.url(&format!("/api/v1/alerts/splunk?token={key}")))
        .body(splunk.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    // The URL token is Splunk's only.
    let response = Client::new()
        .post(app.url(&format!("/api/v1/alerts/generic?token={key}")))
        .body(json!({ "title": "x" }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    assert_eq!(
        (problem["status"].as_u64(), problem["detail"].as_str()),
        (Some(401), Some("Valid API key required"))
    );
    // TheHive's clients: Bearer, on TheHive's own paths.
    for path in ["/api/alert", "/api/v1/alert"] {
        let mut thehive: Value = serde_json::from_str(&fixture("thehive-alert.json")).unwrap();
        thehive["sourceRef"] = json!(format!("ref-{path}"));
        let response = Client::new()
            .post(app.url(path))
            .bearer_auth(&key)
            .json(&thehive)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "{path}");
    }
    let (status, body) = send(&app, &key, "/api/v1/alerts/wazuh", "{not json").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("not JSON"));
    let (status, body) = send(&app, &key, "/api/v1/alerts/wazuh", "{}").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("rule.description")
    );
    let (status, body) = send(&app, &key, "/api/v1/alerts/nagios", "{}").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[tokio::test]
async fn the_queue_finds_an_alert_ticket_by_its_fingerprint() {
    let (app, admin, key) = desk().await;
    let (_, body) = send(
        &app,
        &key,
        "/api/v1/alerts/grafana",
        &fixture("grafana-firing.json"),
    )
    .await;
    let number = body["ticket"].as_str().unwrap().to_string();
    let (status, page) = app
        .rpc_body(
            &admin,
            "queue_page",
            json!({ "query": { "queue": { "kind": "open" }, "search": "4f0e2ab9d1c35a77" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{page}");
    assert_eq!(rows[0]["number"], number.as_str());
}

#[tokio::test]
async fn each_recipe_delivers_its_tools_payload() {
    use docket::domain::alerts::AlertSource;
    use docket::domain::alerts::recipes::recipe;
    let (app, _admin, key) = desk().await;
    let payloads = [
        (AlertSource::Elastic, fixture("elastic-json-template.json")),
        (AlertSource::Wazuh, fixture("wazuh-sshd-bruteforce.json")),
        (
            AlertSource::Alertmanager,
            fixture("alertmanager-v4-firing.json"),
        ),
        (AlertSource::Grafana, fixture("grafana-firing.json")),
        (AlertSource::Splunk, fixture("splunk-webhook.json")),
        (
            AlertSource::Generic,
            json!({ "title": "Disk full on db-3", "fingerprint": "disk-db-3" }).to_string(),
        ),
        (AlertSource::TheHive, fixture("thehive-alert.json")),
    ];
    for (source, payload) in payloads {
        let r = recipe(source, &app.base, &key);
        let mut request = Client::new().post(&r.url).body(payload);
        // Each tool authenticates as its recipe says.
        request = match source {
            AlertSource::Splunk => request,
            AlertSource::Alertmanager | AlertSource::Grafana | AlertSource::TheHive => {
                request.bearer_auth(&key)
            }
            _ => request.header("X-API-Key", &key),
        };
        let response = request.send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{source:?} via {}",
            r.url
        );
    }
    // The Wazuh recipe's integration script, run as Wazuh runs it (alert file, key, hook URL).
    let r = recipe(AlertSource::Wazuh, &app.base, &key);
    let script = r
        .snippet
        .split("\n\n")
        .nth(1)
        .expect("the script follows the block");
    let dir = tempfile::tempdir().unwrap();
    let script_path = dir.path().join("custom-docket");
    std::fs::write(&script_path, script).unwrap();
    let mut alert: Value = serde_json::from_str(&fixture("wazuh-sshd-bruteforce.json")).unwrap();
    alert["agent"]["name"] = json!("db-7");
    let alert_path = dir.path().join("alert.json");
    std::fs::write(&alert_path, alert.to_string()).unwrap();
    let url = r.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3")
            .arg(&script_path)
            .arg(&alert_path)
            .arg(&key)
            .arg(&url)
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
    let store = &app.running.state.store;
    assert!(
        store
            .ticket_by_fingerprint("wazuh:5712:db-7:198.51.100.23")
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn the_same_alert_arriving_many_times_at_once_opens_one_ticket() {
    let (app, _admin, key) = desk().await;
    let raw = fixture("grafana-firing.json");
    let sends = (0..6).map(|_| send(&app, &key, "/api/v1/alerts/grafana", &raw));
    let answers = futures::future::join_all(sends).await;
    let created = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|(status, body)| status.is_success() && body["ticket"] == answers[0].1["ticket"]),
        "{answers:?}"
    );
    let number = answers[0].1["ticket"].as_str().unwrap();
    let alert = app
        .running
        .state
        .store
        .alert_record(number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(alert.occurrences, 6);
}
