//! Signing up, in and out over HTTP, with throttling and session rotation.

use crate::common::{PASSWORD, browser, session_cookie, spawn_app, spawn_app_with};
use chrono::Duration;
use reqwest::StatusCode;

#[tokio::test]
async fn a_customer_signs_up_and_is_signed_in() {
    let app = spawn_app().await;
    let client = browser();
    let (status, body) = app
        .sign_up(&client, " Cee@Example.COM ", "Cee Customer")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["role"], "customer");
    let me = app.whoami(&client).await;
    assert_eq!(me["email"], "cee@example.com");
    assert_eq!(me["name"], "Cee Customer");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_lax() {
    let app = spawn_app().await;
    let response = app
        .rpc(
            &browser(),
            "sign_up",
            &[
                ("email", "c@example.com"),
                ("name", "C"),
                ("password", PASSWORD),
            ],
        )
        .await;
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.starts_with("docket_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http base URL: {cookie}");
}

#[tokio::test]
async fn an_email_can_only_have_one_account_whatever_its_case() {
    let app = spawn_app().await;
    app.sign_up(&browser(), "cee@example.com", "Cee").await;
    let (status, body) = app
        .sign_up(&browser(), "CEE@example.com", "Cee Again")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "email");
}

#[tokio::test]
async fn sign_up_reports_every_bad_field_at_once_and_creates_nothing() {
    let app = spawn_app().await;
    let client = browser();
    let (status, body) = app
        .rpc_json(
            &client,
            "sign_up",
            &[("email", "nope"), ("name", " "), ("password", "short")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "name", "password"]);
    assert!(app.whoami(&client).await.is_null());
}

#[tokio::test]
async fn a_malformed_request_is_a_client_error() {
    let app = spawn_app().await;
    let (status, body) = app
        .rpc_json(&browser(), "sign_up", &[("email", "x@example.com")])
        .await;
    assert!(status.is_client_error(), "{status} {body}");
}

#[tokio::test]
async fn sign_up_is_refused_when_registration_is_closed() {
    let app = spawn_app_with(&[("DOCKET_ACCOUNTS_REGISTRATION", "closed")]).await;
    let (status, body) = app.sign_up(&browser(), "cee@example.com", "Cee").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("does not accept new accounts")
    );
}

#[tokio::test]
async fn sign_in_with_the_right_password_works_and_a_wrong_one_does_not() {
    let app = spawn_app().await;
    app.sign_up(&browser(), "cee@example.com", "Cee").await;

    let client = browser();
    let (status, body) = app
        .sign_in(&client, "cee@example.com", "wrong horse battery")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["kind"], "bad_credentials");
    assert!(app.whoami(&client).await.is_null());

    let (status, _) = app.sign_in(&client, "CEE@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.whoami(&client).await["email"], "cee@example.com");
}

#[tokio::test]
async fn an_unknown_account_gets_the_same_answer_as_a_wrong_password() {
    let app = spawn_app().await;
    let (status, body) = app
        .sign_in(&browser(), "nobody@example.com", PASSWORD)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["kind"], "bad_credentials");
}

#[tokio::test]
async fn throttling_kicks_in_after_five_failures_and_lifts_after_two_minutes() {
    let app = spawn_app().await;
    app.sign_up(&browser(), "cee@example.com", "Cee").await;
    let client = browser();
    for _ in 0..5 {
        let (status, _) = app
            .sign_in(&client, "cee@example.com", "wrong horse battery")
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused while the lock holds.
    let response = app
        .rpc(
            &client,
            "sign_in",
            &[("email", "cee@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers().get("retry-after").unwrap(), "120");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["kind"], "throttled");

    app.advance(Duration::seconds(119));
    let (status, _) = app.sign_in(&client, "cee@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    app.advance(Duration::seconds(1));
    let (status, body) = app.sign_in(&client, "cee@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn throttling_also_applies_to_one_address_trying_many_accounts() {
    let app = spawn_app().await;
    app.sign_up(&browser(), "cee@example.com", "Cee").await;
    let client = browser();
    for n in 0..5 {
        app.sign_in(
            &client,
            &format!("guess{n}@example.com"),
            "wrong horse battery",
        )
        .await;
    }
    let (status, _) = app.sign_in(&client, "cee@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn sign_out_revokes_the_session_on_the_server() {
    let app = spawn_app().await;
    let cookie = app.sign_up_cookie("cee@example.com").await;
    // A client that keeps presenting the old cookie no matter what the server says.
    let me = app.who_has(&cookie).await;
    assert_eq!(me["email"], "cee@example.com");

    let out = app.rpc_with_cookie("sign_out", &cookie, &[]).await;
    assert_eq!(out.status(), StatusCode::OK);
    let cleared = out.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    let me = app.who_has(&cookie).await;
    assert!(me.is_null(), "the old cookie must be dead: {me}");
}

#[tokio::test]
async fn signing_in_rotates_the_session() {
    let app = spawn_app().await;
    let old = app.sign_up_cookie("cee@example.com").await;
    let second = app
        .rpc_with_cookie(
            "sign_in",
            &old,
            &[("email", "cee@example.com"), ("password", PASSWORD)],
        )
        .await;
    let new = session_cookie(&second);
    assert_ne!(old, new);
    assert!(
        app.who_has(&old).await.is_null(),
        "the replaced session must be dead"
    );
    assert_eq!(app.who_has(&new).await["email"], "cee@example.com");
}

#[tokio::test]
async fn sessions_expire_after_their_lifetime() {
    let app = spawn_app_with(&[("DOCKET_SESSIONS_LIFETIME", "30m")]).await;
    let client = browser();
    app.sign_up(&client, "cee@example.com", "Cee").await;
    app.advance(Duration::minutes(29));
    assert!(!app.whoami(&client).await.is_null());
    app.advance(Duration::minutes(1));
    assert!(app.whoami(&client).await.is_null());
}
