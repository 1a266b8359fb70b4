//! One's own sessions: listed with this one marked, signed out one by one or all but this one,
//! never another account's; and sessions end after going unused for the idle timeout.

use chrono::Duration;
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::common::{PASSWORD, TestApp, browser, spawn_app, spawn_app_with};

async fn signed_in_as(app: &TestApp, email: &str) -> Client {
    let client = browser();
    let (status, body) = app
        .rpc_json(
            &client,
            "sign_in",
            &[("email", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    client
}

async fn who(app: &TestApp, client: &Client) -> Option<String> {
    let (status, body) = app.rpc_json(client, "current_session", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["user"]["email"].as_str().map(str::to_string)
}

async fn sessions(app: &TestApp, client: &Client) -> Vec<Value> {
    let (status, body) = app.rpc_json(client, "my_sessions", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().unwrap().clone()
}

#[tokio::test]
async fn one_s_sessions_are_listed_and_signed_out_one_by_one_but_never_another_s() {
    let app = spawn_app().await;
    let laptop = browser();
    app.sign_up(&laptop, "ann@example.com", "Ann").await;
    let phone = signed_in_as(&app, "ann@example.com").await;
    let other = browser();
    app.sign_up(&other, "bob@example.com", "Bob").await;

    let listed = sessions(&app, &laptop).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed.iter().filter(|s| s["current"] == true).count(), 1);
    let phone_key = listed.iter().find(|s| s["current"] == false).unwrap()["key"]
        .as_str()
        .unwrap()
        .to_string();

    // Bob cannot sign out Ann's phone, and learns nothing of it.
    let (status, _) = app
        .rpc_json(&other, "end_my_session", &[("key", &phone_key)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(who(&app, &phone).await.as_deref(), Some("ann@example.com"));
    // Anonymous callers are told to sign in.
    let (status, _) = app.rpc_json(&browser(), "my_sessions", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, body) = app
        .rpc_json(&laptop, "end_my_session", &[("key", &phone_key)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(who(&app, &phone).await, None, "the phone is signed out");
    assert_eq!(who(&app, &laptop).await.as_deref(), Some("ann@example.com"));
    assert_eq!(sessions(&app, &laptop).await.len(), 1);
    assert_eq!(who(&app, &other).await.as_deref(), Some("bob@example.com"));
}

#[tokio::test]
async fn signing_out_all_others_keeps_only_this_one() {
    let app = spawn_app().await;
    let here = browser();
    app.sign_up(&here, "cy@example.com", "Cy").await;
    let elsewhere = [
        signed_in_as(&app, "cy@example.com").await,
        signed_in_as(&app, "cy@example.com").await,
    ];
    let (status, body) = app.rpc_json(&here, "end_my_other_sessions", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for client in &elsewhere {
        assert_eq!(who(&app, client).await, None);
    }
    assert_eq!(who(&app, &here).await.as_deref(), Some("cy@example.com"));
    let listed = sessions(&app, &here).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["current"], true);
}

#[tokio::test]
async fn a_session_unused_for_the_idle_timeout_ends_and_a_used_one_does_not() {
    let app = spawn_app_with(&[("DOCKET_SESSIONS_IDLE_TIMEOUT", "8h")]).await;
    let used = browser();
    app.sign_up(&used, "di@example.com", "Di").await;
    let idle = signed_in_as(&app, "di@example.com").await;
    // Eight hours by default: using a session keeps it.
    for _ in 0..3 {
        app.advance(Duration::hours(5));
        assert_eq!(who(&app, &used).await.as_deref(), Some("di@example.com"));
    }
    assert_eq!(who(&app, &idle).await, None, "fifteen hours unused");
    let listed = sessions(&app, &used).await;
    assert!(listed[0]["last_used_at"] != listed[0]["started_at"]);
}
