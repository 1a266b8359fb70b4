//! Rate limits beyond sign-in's: guest links and password resets per address, API keys, alert
//! sources; each answers 429 with `Retry-After`, and the limit lifts with time.

use chrono::Duration;
use reqwest::{Response, StatusCode};

use crate::common::{TestApp, browser, spawn_app_with};

fn retry_after(response: &Response) -> u64 {
    response
        .headers()
        .get("retry-after")
        .expect("a Retry-After header")
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Calls the server function `name` `allowed` times (each must pass), then once more: that one
/// must be refused with a `Retry-After`, returned.
async fn exhaust(
    app: &TestApp,
    name: &str,
    allowed: usize,
    form: impl Fn(usize) -> Vec<(String, String)>,
) -> u64 {
    let client = browser();
    for i in 0..allowed {
        let response = client
            .post(app.url(&format!("/rpc/{name}")))
            .form(&form(i))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{name} #{i}");
    }
    let refused = client
        .post(app.url(&format!("/rpc/{name}")))
        .form(&form(allowed))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS, "{name}");
    retry_after(&refused)
}

fn pairs(list: &[(&str, String)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[tokio::test]
async fn guest_links_are_limited_per_address_and_per_email() {
    let app = spawn_app_with(&[]).await;
    // Ten a hour from one address, whatever the emails and numbers (none of them exists).
    let wait = exhaust(&app, "request_guest_link", 10, |i| {
        pairs(&[
            ("email", format!("g{i}@example.com")),
            ("number", format!("{i}00")),
        ])
    })
    .await;
    assert_eq!(wait, 6 * 60, "one more every six minutes");
    app.advance(Duration::minutes(6));
    let again = browser()
        .post(app.url("/rpc/request_guest_link"))
        .form(&[("email", "later@example.com"), ("number", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK, "the limit lifts with time");
}

#[tokio::test]
async fn password_resets_are_limited_per_address() {
    let app = spawn_app_with(&[]).await;
    let wait = exhaust(&app, "request_password_reset", 10, |i| {
        pairs(&[("email", format!("r{i}@example.com"))])
    })
    .await;
    assert_eq!(wait, 6 * 60);
}

#[tokio::test]
async fn an_api_key_and_an_alert_source_get_their_rate() {
    let app = spawn_app_with(&[
        ("DOCKET_LIMITS_API_PER_MINUTE", "4"),
        ("DOCKET_LIMITS_ALERTS_PER_MINUTE", "2"),
    ])
    .await;
    let admin = app.admin().await;
    let (_, key) = app
        .api_key(&admin, &["tickets:create", "alerts:create"], "127.0.0.1")
        .await;
    let alert = std::fs::read_to_string(format!(
        "{}/tests/fixtures/alerts/alertmanager-v4-firing.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    // Two alerts from Alertmanager, then its source is over its rate; the key is not.
    for _ in 0..2 {
        let response = app
            .post_with_key(&key, "/api/v1/alerts/alertmanager", &alert)
            .await;
        assert!(response.status().is_success(), "{:?}", response.status());
    }
    let refused = app
        .post_with_key(&key, "/api/v1/alerts/alertmanager", &alert)
        .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(&refused), 30);
    assert!(refused.text().await.unwrap().contains("Too many"));
    // The refused alert still counted against the key (4 a minute): one more request passes.
    let ticket = serde_json::json!({
        "name": "Ann", "email": "ann@example.com", "subject": "Printer", "message": "Jammed"
    })
    .to_string();
    let created = app.post_with_key(&key, "/api/tickets.json", &ticket).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let refused = app.post_with_key(&key, "/api/tickets.json", &ticket).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(&refused), 15, "four a minute: one every 15 s");
    app.advance(Duration::seconds(15));
    let created = app.post_with_key(&key, "/api/tickets.json", &ticket).await;
    assert_eq!(
        created.status(),
        StatusCode::CREATED,
        "the limit lifts with time"
    );
}
