//! Every account change leaves an audit event on an intact hash chain, even under concurrency.

use crate::common::{browser, spawn_app};
use reqwest::StatusCode;

#[tokio::test]
async fn account_changes_are_audited_with_who_what_and_where() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let customer = browser();
    app.sign_up(&customer, "cee@example.com", "Cee").await;
    // Five failures, then one refused by throttling.
    for _ in 0..6 {
        app.sign_in(&browser(), "cee@example.com", "wrong horse battery")
            .await;
    }
    app.rpc(&customer, "sign_out", &[]).await;

    let (status, page) = app.rpc_json(&admin, "audit_page", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let events = page["events"].as_array().unwrap();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "setup.link_issued",
        "setup.completed",
        "user.signed_up",
        "user.signed_in",
        "user.sign_in_failed",
        "user.sign_in_throttled",
        "user.signed_out",
    ] {
        assert!(
            actions.contains(&expected),
            "missing {expected} in {actions:?}"
        );
    }
    let failed = events
        .iter()
        .find(|e| e["action"] == "user.sign_in_failed")
        .unwrap();
    assert_eq!(failed["ip"], "127.0.0.1");
    assert!(
        failed["change"]
            .as_str()
            .unwrap()
            .contains("wrong_password")
    );
    let signed_up = events
        .iter()
        .find(|e| e["action"] == "user.signed_up")
        .unwrap();
    assert!(
        signed_up["change"]
            .as_str()
            .unwrap()
            .contains("cee@example.com")
    );
    let object = signed_up["object"].as_str().unwrap();
    let signed_in = events
        .iter()
        .find(|e| e["action"] == "user.signed_in" && e["object"] == object);
    assert!(
        object.starts_with("user:") && signed_in.is_some(),
        "sign-up and sign-in name the same account: {object}"
    );
}

#[tokio::test]
async fn the_chain_stays_intact_under_concurrent_writers() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let sign_ups = (0..24).map(|n| {
        let app = &app;
        async move {
            let (status, body) = app
                .sign_up(&browser(), &format!("c{n}@example.com"), "Concurrent")
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    });
    futures_join_all(sign_ups).await;
    let (status, verification) = app.rpc_json(&admin, "verify_audit", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        verification["breaks"].as_array().unwrap().len(),
        0,
        "{verification}"
    );
    // link issued, setup completed, admin signed in, then a sign-up and a sign-in each.
    assert_eq!(verification["events"], 3 + 24 * 2);
}

async fn futures_join_all<F: std::future::Future<Output = ()>>(futures: impl Iterator<Item = F>) {
    let handles: Vec<_> = futures.collect();
    let mut set = Vec::new();
    for f in handles {
        set.push(f);
    }
    // Poll all together on this task.
    let mut pinned: Vec<_> = set.into_iter().map(Box::pin).collect();
    std::future::poll_fn(|cx| {
        pinned.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        if pinned.is_empty() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
}
