//! Every account change leaves an audit event on an intact hash chain, even under concurrency.

use crate::common::datastore::{audit_verify, copy_tree, tamper};
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

    let (status, page) = app.audit_page(&admin, serde_json::json!({})).await;
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

#[tokio::test]
async fn verify_names_the_first_altered_event_however_the_trail_was_tampered_with() {
    use crate::common::{DocketProcess, PASSWORD, rpc_at};
    let original = tempfile::tempdir().unwrap();
    let db_path = original.path().join("docket.db");
    let url = format!("surrealkv://{}", db_path.display());
    let server = DocketProcess::start(&[("DOCKET_DATABASE_URL", &url)]);
    // Enough events that every chain has several.
    for n in 0..40 {
        let (status, body) = rpc_at(
            &browser(),
            &server.base,
            "sign_up",
            &[
                ("email", &format!("c{n}@example.com")),
                ("name", "Cee"),
                ("password", PASSWORD),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // Stopping writes the final checkpoints beside the datastore.
    server.terminate();
    let checkpoints = std::fs::read_to_string(format!("{}.audit-checkpoints", db_path.display()))
        .expect("a checkpoint log beside the datastore");
    assert!(checkpoints.lines().count() >= 2, "{checkpoints}");
    let (intact, said) = audit_verify(&url, &[]);
    assert!(intact, "{said}");
    assert!(said.contains("The audit trail is intact"), "{said}");

    let cases = [
        (
            "changed",
            "DEFINE FIELD OVERWRITE action ON audit_event TYPE string;
             UPDATE audit_event SET action = 'user.nothing_to_see' WHERE shard = 0 AND seq = 2;",
            "audit chain 0 at event 2: changed",
        ),
        (
            "deleted",
            "DELETE audit_event WHERE shard = 0 AND seq = 2;",
            "audit chain 0 at event 3: missing",
        ),
        (
            "swapped",
            "DEFINE FIELD OVERWRITE seq ON audit_event TYPE int;
             UPDATE audit_event SET seq = 999999 WHERE shard = 0 AND seq = 2;
             UPDATE audit_event SET seq = 2 WHERE shard = 0 AND seq = 3;
             UPDATE audit_event SET seq = 3 WHERE shard = 0 AND seq = 999999;",
            "audit chain 0 at event 2: reordered",
        ),
        (
            "truncated, with the head rewritten to match",
            "LET $last = (SELECT VALUE seq FROM audit_event WHERE shard = 0 ORDER BY seq DESC LIMIT 1)[0];
             LET $before = (SELECT VALUE hash FROM audit_event WHERE shard = 0 AND seq = $last - 1)[0];
             DELETE audit_event WHERE shard = 0 AND seq = $last;
             UPSERT audit_head:0 CONTENT { seq: $last - 1, hash: $before };",
            ": missing",
        ),
    ];
    for (name, sql, expected) in cases {
        let work = tempfile::tempdir().unwrap();
        let tampered = work.path().join("tampered.db");
        copy_tree(&db_path, &tampered);
        tamper(&format!("surrealkv://{}", tampered.display()), sql);
        let copy_path = work.path().join("docket.db");
        copy_tree(&tampered, &copy_path);
        std::fs::copy(
            format!("{}.audit-checkpoints", db_path.display()),
            format!("{}.audit-checkpoints", copy_path.display()),
        )
        .unwrap();
        let (intact, said) = audit_verify(&format!("surrealkv://{}", copy_path.display()), &[]);
        assert!(!intact, "{name}: verify passed: {said}");
        assert!(said.contains(expected), "{name}: {said}");
        assert!(said.contains("altered"), "{name}: {said}");
    }
}
