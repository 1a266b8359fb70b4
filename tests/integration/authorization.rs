//! Every server function checks its caller itself: calling one directly does not get around it.

use crate::common::{PASSWORD, browser, spawn_app};
use reqwest::StatusCode;

#[tokio::test]
async fn anonymous_callers_must_sign_in_for_staff_functions() {
    let app = spawn_app().await;
    let anonymous = browser();
    for (name, form) in staff_calls() {
        let (status, body) = app.rpc_json(&anonymous, name, &form).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{name}: {body}");
        assert_eq!(body["kind"], "unauthenticated");
    }
}

#[tokio::test]
async fn a_customer_calling_agent_or_admin_functions_is_forbidden() {
    let app = spawn_app().await;
    let customer = browser();
    app.sign_up(&customer, "cee@example.com", "Cee").await;
    for (name, form) in staff_calls() {
        let (status, body) = app.rpc_json(&customer, name, &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {body}");
    }
}

#[tokio::test]
async fn an_agent_may_look_people_up_but_not_administer() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let agent = app.staff(&admin, "agent@example.com", "agent").await;
    let (status, body) = app
        .rpc_json(&agent, "find_accounts", &[("search", "")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for (name, form) in admin_calls() {
        let (status, body) = app.rpc_json(&agent, name, &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {body}");
    }
}

#[tokio::test]
async fn an_admin_may_call_every_staff_function() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let customer = browser();
    let (_, cee) = app.sign_up(&customer, "cee@example.com", "Cee").await;
    let (status, body) = app
        .rpc_json(
            &admin,
            "find_accounts",
            &[("role", "customer"), ("search", "cee")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().unwrap().len(), 1);
    let (status, body) = app
        .rpc_json(
            &admin,
            "set_account_active",
            &[("id", cee["id"].as_str().unwrap()), ("active", "false")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["active"], false);
    // Deactivation ends the customer's session and blocks sign-in.
    assert!(app.whoami(&customer).await.is_null());
    let (status, _) = app.sign_in(&customer, "cee@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.audit_page(&admin, serde_json::json!({})).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn an_admin_cannot_deactivate_themselves() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let me = app.whoami(&admin).await;
    let (status, _) = app
        .rpc_json(
            &admin,
            "set_account_active",
            &[("id", me["id"].as_str().unwrap()), ("active", "false")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn staff_accounts_must_be_agents_or_admins() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (status, body) = app
        .rpc_json(
            &admin,
            "create_staff",
            &[
                ("email", "x@example.com"),
                ("name", "X"),
                ("role", "customer"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "role");
}

#[tokio::test]
async fn the_setup_link_works_once_and_only_with_its_token() {
    let app = spawn_app().await;
    let wrong = app
        .rpc_json(
            &browser(),
            "complete_setup",
            &[
                ("token", "0".repeat(64).as_str()),
                ("email", "m@example.com"),
                ("name", "M"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.0, StatusCode::CONFLICT, "{}", wrong.1);
    let admin = app.admin().await;
    assert_eq!(app.whoami(&admin).await["role"], "admin");
    let token = app
        .setup_link
        .as_ref()
        .unwrap()
        .split("token=")
        .nth(1)
        .unwrap();
    let again = app
        .rpc_json(
            &browser(),
            "complete_setup",
            &[
                ("token", token),
                ("email", "m@example.com"),
                ("name", "M"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.0, StatusCode::CONFLICT, "{}", again.1);
}

fn staff_calls() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let mut calls = vec![("find_accounts", vec![("search", "")])];
    calls.extend(admin_calls());
    calls
}

fn admin_calls() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            "create_staff",
            vec![
                ("email", "new@example.com"),
                ("name", "New"),
                ("role", "agent"),
                ("password", PASSWORD),
            ],
        ),
        (
            "set_account_active",
            vec![("id", "someone"), ("active", "false")],
        ),
        ("verify_audit", vec![]),
    ]
}
