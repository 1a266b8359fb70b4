//! Two-factor sign-in (#12): set up with an authenticator app (this test computes the codes as
//! the app would, from the secret the QR code holds), asked for after the password, each code
//! and recovery code good once, wrong codes throttled like passwords; a role that must use it
//! sets it up at sign-in and its sessions without it end; an admin resets it; all audited.

use chrono::Duration;
use docket::domain::second_factor::TotpSecret;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::common::{PASSWORD, TestApp, browser, spawn_app};

/// The code the authenticator app shows now for `secret`.
fn app_code(app: &TestApp, secret: &str) -> String {
    TotpSecret::parse(secret)
        .expect("the setup's secret is base32")
        .code_at(app.clock.now())
}

/// A code that is not the current one.
fn wrong_code(app: &TestApp, secret: &str) -> String {
    let right: u32 = app_code(app, secret).parse().unwrap();
    format!("{:06}", (right + 1) % 1_000_000)
}

async fn who(app: &TestApp, client: &Client) -> Option<String> {
    app.whoami(client).await["email"]
        .as_str()
        .map(str::to_string)
}

/// Signs in with the password; answers the step the server asks for next.
async fn password_step(app: &TestApp, client: &Client, email: &str) -> Value {
    let (status, body) = app.sign_in(client, email, PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn code_step(app: &TestApp, client: &Client, code: &str) -> (StatusCode, Value) {
    app.rpc_json(client, "sign_in_second_factor", &[("code", code)])
        .await
}

async fn status_of(app: &TestApp, client: &Client) -> Value {
    let (status, body) = app.rpc_json(client, "my_second_factor", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Sets up the app on the account page; answers the secret and the recovery codes.
async fn enrol(app: &TestApp, client: &Client) -> (String, Vec<String>) {
    let (status, setup) = app.rpc_json(client, "begin_second_factor", &[]).await;
    assert_eq!(status, StatusCode::OK, "{setup}");
    let secret = setup["secret"].as_str().unwrap().to_string();
    let (status, codes) = app
        .rpc_json(
            client,
            "confirm_second_factor",
            &[("code", &app_code(app, &secret))],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{codes}");
    let codes = codes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    (secret, codes)
}

async fn events(app: &TestApp, admin: &Client, action: &str) -> Vec<Value> {
    let (status, page) = app.audit_page(admin, json!({ "action": action })).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["events"].as_array().unwrap().clone()
}

/// The step after a half-minute, so that the next code is a new one.
fn next_step(app: &TestApp) {
    app.advance(Duration::seconds(30));
}

#[tokio::test]
async fn a_second_factor_is_set_up_then_asked_for_and_every_code_works_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let ana = app.staff(&admin, "ana@example.com", "agent").await;
    assert_eq!(status_of(&app, &ana).await["enabled"], false);

    // Confirming needs a started setup, and the setup's own code.
    let (status, _) = app
        .rpc_json(&ana, "confirm_second_factor", &[("code", "123456")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, setup) = app.rpc_json(&ana, "begin_second_factor", &[]).await;
    assert_eq!(status, StatusCode::OK, "{setup}");
    let secret = setup["secret"].as_str().unwrap().to_string();
    assert!(
        setup["uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/Docket%3Aana%40example.com?secret="),
        "{setup}"
    );
    assert!(
        setup["qr_code"]
            .as_str()
            .unwrap()
            .starts_with("data:image/svg+xml;base64,")
    );
    let (status, body) = app
        .rpc_json(
            &ana,
            "confirm_second_factor",
            &[("code", &wrong_code(&app, &secret))],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "code");
    assert_eq!(status_of(&app, &ana).await["enabled"], false);
    let (status, codes) = app
        .rpc_json(
            &ana,
            "confirm_second_factor",
            &[("code", &app_code(&app, &secret))],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{codes}");
    let recovery: Vec<String> = serde_json::from_value(codes).unwrap();
    assert_eq!(recovery.len(), 10);
    let status = status_of(&app, &ana).await;
    assert_eq!(
        (
            status["enabled"].clone(),
            status["recovery_codes_left"].clone()
        ),
        (json!(true), json!(10))
    );

    // The password alone no longer signs in; the code it asks for does, once.
    let phone = browser();
    let step = password_step(&app, &phone, "ana@example.com").await;
    assert_eq!(step["step"], "code", "{step}");
    assert_eq!(
        who(&app, &phone).await,
        None,
        "not signed in before the code"
    );
    let used_at_setup = app_code(&app, &secret);
    let (status, _) = code_step(&app, &phone, &used_at_setup).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the setup's code is used up"
    );
    next_step(&app);
    let code = app_code(&app, &secret);
    let (status, body) = code_step(&app, &phone, &code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["email"], "ana@example.com");
    assert_eq!(body["recovery_codes"], json!([]));
    assert_eq!(who(&app, &phone).await.as_deref(), Some("ana@example.com"));
    // The challenge is used up with it, and the same code does not sign in a second browser.
    let (status, _) = code_step(&app, &phone, &code).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "no sign-in waits for a code any more"
    );
    let laptop = browser();
    password_step(&app, &laptop, "ana@example.com").await;
    let (status, _) = code_step(&app, &laptop, &code).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a replayed code");

    // A recovery code works once, typed in any case and with or without dashes.
    let (status, body) = code_step(&app, &laptop, &recovery[0].to_uppercase()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(status_of(&app, &laptop).await["recovery_codes_left"], 9);
    let tablet = browser();
    password_step(&app, &tablet, "ana@example.com").await;
    let (status, _) = code_step(&app, &tablet, &recovery[0].replace('-', "")).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a used recovery code"
    );

    // Without the challenge cookie there is nothing to answer.
    let (status, body) = code_step(&app, &browser(), &app_code(&app, &secret)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // New recovery codes replace the old ones.
    next_step(&app);
    let (status, renewed) = app
        .rpc_json(
            &ana,
            "renew_recovery_codes",
            &[("code", &app_code(&app, &secret))],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    let renewed: Vec<String> = serde_json::from_value(renewed).unwrap();
    assert_eq!(renewed.len(), 10);
    assert!(renewed.iter().all(|c| !recovery.contains(c)));
    let (status, _) = code_step(&app, &tablet, &recovery[1]).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an old recovery code"
    );
    let (status, body) = code_step(&app, &tablet, &renewed[0]).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Turning it off needs a current code; then the password signs in again.
    let (status, _) = app
        .rpc_json(
            &ana,
            "disable_second_factor",
            &[("code", &wrong_code(&app, &secret))],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    next_step(&app);
    let (status, body) = app
        .rpc_json(
            &ana,
            "disable_second_factor",
            &[("code", &app_code(&app, &secret))],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let step = password_step(&app, &browser(), "ana@example.com").await;
    assert_eq!(step["step"], "signed_in", "{step}");

    // Each change is in the trail, as Ana's doing.
    for action in [
        "user.two_factor_enabled",
        "user.recovery_code_used",
        "user.recovery_codes_renewed",
        "user.two_factor_disabled",
    ] {
        let found = events(&app, &admin, action).await;
        assert!(!found.is_empty(), "{action}");
        assert_eq!(found[0]["actor"], "ana@example.com", "{action}");
    }
    // Other people and anonymous callers reach none of it.
    let (status, _) = app.rpc_json(&browser(), "my_second_factor", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.rpc_json(&browser(), "begin_second_factor", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_codes_count_as_failed_sign_ins_and_end_the_attempt() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let ana = app.staff(&admin, "ana@example.com", "agent").await;
    let (secret, _) = enrol(&app, &ana).await;
    next_step(&app);

    let thief = browser();
    password_step(&app, &thief, "ana@example.com").await;
    for _ in 0..5 {
        let (status, body) = code_step(&app, &thief, &wrong_code(&app, &secret)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    // Five wrong codes end the attempt, and the account is locked for a while as after five
    // wrong passwords: even the right code and password must wait.
    let (status, _) = code_step(&app, &thief, &app_code(&app, &secret)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = app.sign_in(&browser(), "ana@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let failed = events(&app, &admin, "user.sign_in_failed").await;
    assert_eq!(
        failed
            .iter()
            .filter(|e| e["change"].as_str().unwrap().contains("wrong_code"))
            .count(),
        5
    );

    app.advance(Duration::minutes(3));
    let owner = browser();
    password_step(&app, &owner, "ana@example.com").await;
    let (status, body) = code_step(&app, &owner, &app_code(&app, &secret)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_required_second_factor_is_set_up_at_sign_in_and_sessions_without_one_end() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let ana = app.staff(&admin, "ana@example.com", "agent").await;
    let cee = browser();
    app.sign_up(&cee, "cee@example.com", "Cee").await;
    // The admin sets one up first, then requires it of all staff.
    let (admin_secret, _) = enrol(&app, &admin).await;
    let (_, page) = app
        .rpc_body(&admin, "settings_section", json!({ "section": "general" }))
        .await;
    let mut general = page["blank"].clone();
    assert_eq!(general["two_factor"], "optional");
    general["two_factor"] = json!("staff");
    let (status, body) = app
        .rpc_body(
            &admin,
            "save_settings_item",
            json!({ "section": "general", "key": null, "item": general }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Within a minute Ana's session without a second factor ends; the admin's and the
    // customer's do not.
    app.advance(Duration::seconds(61));
    assert_eq!(who(&app, &ana).await, None);
    assert_eq!(
        who(&app, &admin).await.as_deref(),
        Some("admin@example.com")
    );
    assert_eq!(who(&app, &cee).await.as_deref(), Some("cee@example.com"));

    // Her next sign-in sets the app up before anything else.
    let ana = browser();
    let step = password_step(&app, &ana, "ana@example.com").await;
    assert_eq!(step["step"], "enrol", "{step}");
    assert_eq!(who(&app, &ana).await, None);
    let secret = step["setup"]["secret"].as_str().unwrap().to_string();
    let (status, _) = code_step(&app, &ana, &wrong_code(&app, &secret)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, body) = code_step(&app, &ana, &app_code(&app, &secret)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["recovery_codes"].as_array().unwrap().len(), 10);
    assert_eq!(who(&app, &ana).await.as_deref(), Some("ana@example.com"));
    let status = status_of(&app, &ana).await;
    assert_eq!(
        (status["enabled"].clone(), status["required"].clone()),
        (json!(true), json!(true))
    );
    // Required: it cannot be turned off.
    next_step(&app);
    let (status, _) = app
        .rpc_json(
            &ana,
            "disable_second_factor",
            &[("code", &app_code(&app, &secret))],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let enabled = events(&app, &admin, "user.two_factor_enabled").await;
    assert!(enabled.iter().any(|e| e["actor"] == "ana@example.com"));

    // Ana lost her phone: the admin resets it; she sets it up again at her next sign-in.
    let ana_id = app.whoami(&ana).await["id"].as_str().unwrap().to_string();
    let (status, _) = app
        .rpc_json(&ana, "reset_second_factor", &[("user", "nobody")])
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "agents do not reset anyone's"
    );
    let (status, body) = app
        .rpc_json(&admin, "reset_second_factor", &[("user", &ana_id)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app
        .rpc_json(&admin, "reset_second_factor", &[("user", &ana_id)])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "nothing left to reset");
    let (status, _) = app
        .rpc_json(&admin, "reset_second_factor", &[("user", "nobody")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let reset = events(&app, &admin, "user.two_factor_reset").await;
    assert_eq!(reset.len(), 1);
    assert_eq!(reset[0]["object"], format!("user:{ana_id}"));
    app.advance(Duration::seconds(61));
    assert_eq!(who(&app, &ana).await, None);
    let step = password_step(&app, &browser(), "ana@example.com").await;
    assert_eq!(step["step"], "enrol", "{step}");

    // The admin signs in with their own code; customers are never asked.
    let desk = browser();
    assert_eq!(
        password_step(&app, &desk, "admin@example.com").await["step"],
        "code"
    );
    next_step(&app);
    let (status, _) = code_step(&app, &desk, &app_code(&app, &admin_secret)).await;
    assert_eq!(status, StatusCode::OK);
    let step = password_step(&app, &browser(), "cee@example.com").await;
    assert_eq!(step["step"], "signed_in");
}
