//! Issue #9, "every use case emits an event": each server function is classified here as one that
//! leaves an audit event (and which) or as a read, a new one fails until it is classified, and one
//! journey calls every emitting function over HTTP and sees its event appear.

use std::collections::BTreeSet;
use std::future::Future;

use docket::domain::audit::filter::AuditFilter;
use docket::domain::audit::{ActorKind, AuditEvent};
use docket::domain::second_factor::TotpSecret;
use docket::server::store::Store;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::common::smtp_sink::SmtpSink;
use crate::common::{PASSWORD, TestApp, browser, eventually, spawn_app_with, token_after};

/// What a successful call of a server function leaves in the audit trail.
enum Audit {
    /// Event types (or prefixes ending in '.'), at least one of which every successful call adds.
    Emits(&'static [&'static str]),
    /// Why the function changes nothing worth auditing.
    Reads(&'static str),
}

use Audit::{Emits, Reads};

/// Every `ticket.<field>_changed` an agent's property change can leave.
const TICKET_CHANGED: &[&str] = &[
    "ticket.assignee_changed",
    "ticket.team_changed",
    "ticket.department_changed",
    "ticket.referred_changed",
    "ticket.status_changed",
    "ticket.priority_changed",
    "ticket.help_topic_changed",
    "ticket.due_at_changed",
    "ticket.tags_changed",
    "ticket.collaborators_changed",
    "ticket.fields_changed",
];

/// Every server function the binary registers, by path.
const SERVER_FNS: &[(&str, Audit)] = &[
    // Accounts.
    ("/rpc/sign_up", Emits(&["user.signed_up"])),
    ("/rpc/sign_in", Emits(&["user.signed_in"])),
    ("/rpc/sign_out", Emits(&["user.signed_out"])),
    (
        "/rpc/request_password_reset",
        Emits(&["user.password_link_sent.reset"]),
    ),
    (
        "/rpc/set_password_with_link",
        Emits(&["user.password_set_by_link"]),
    ),
    ("/rpc/complete_setup", Emits(&["setup.completed"])),
    ("/rpc/current_session", Reads("says who the caller is")),
    ("/rpc/my_sessions", Reads("lists the caller's own sessions")),
    ("/rpc/end_my_session", Emits(&["user.sessions_ended"])),
    (
        "/rpc/end_my_other_sessions",
        Emits(&["user.sessions_ended"]),
    ),
    (
        "/rpc/password_link",
        Reads("says whose password a link sets; using it is set_password_with_link"),
    ),
    // Two-factor sign-in.
    ("/rpc/sign_in_second_factor", Emits(&["user.signed_in"])),
    (
        "/rpc/my_second_factor",
        Reads("says whether the caller's second factor is on"),
    ),
    (
        "/rpc/begin_second_factor",
        Reads("only starts a setup; switching it on is confirm_second_factor"),
    ),
    (
        "/rpc/confirm_second_factor",
        Emits(&["user.two_factor_enabled"]),
    ),
    (
        "/rpc/renew_recovery_codes",
        Emits(&["user.recovery_codes_renewed"]),
    ),
    (
        "/rpc/disable_second_factor",
        Emits(&["user.two_factor_disabled"]),
    ),
    (
        "/rpc/reset_second_factor",
        Emits(&["user.two_factor_reset"]),
    ),
    // Staff accounts.
    ("/rpc/create_staff", Emits(&["user.created"])),
    (
        "/rpc/set_account_active",
        Emits(&["user.deactivated", "user.activated"]),
    ),
    ("/rpc/set_memberships", Emits(&["user.memberships_changed"])),
    (
        "/rpc/set_organization",
        Emits(&["user.organization_changed"]),
    ),
    ("/rpc/reset_password", Emits(&["user.password_reset"])),
    ("/rpc/find_accounts", Reads("searches accounts")),
    // Customers' tickets.
    ("/rpc/open_ticket", Emits(&["ticket.created"])),
    ("/rpc/view_ticket", Emits(&["ticket.viewed"])),
    ("/rpc/reply_to_ticket", Emits(&["ticket.replied"])),
    (
        "/rpc/change_ticket_status",
        Emits(&["ticket.closed", "ticket.reopened"]),
    ),
    (
        "/rpc/help_topics",
        Reads("lists the topics the new-ticket form offers"),
    ),
    (
        "/rpc/my_tickets",
        Reads("lists the customer's tickets; opening one is view_ticket"),
    ),
    // Guest links.
    (
        "/rpc/request_guest_link",
        Emits(&["ticket.guest_link_issued"]),
    ),
    ("/rpc/guest_ticket", Emits(&["ticket.viewed"])),
    ("/rpc/guest_reply", Emits(&["ticket.replied"])),
    (
        "/rpc/revoke_guest_link",
        Emits(&["ticket.guest_link_revoked"]),
    ),
    // The agent's ticket.
    ("/rpc/agent_ticket", Emits(&["ticket.viewed"])),
    (
        "/rpc/post_to_ticket",
        Emits(&["ticket.replied", "ticket.noted"]),
    ),
    ("/rpc/change_ticket", Emits(TICKET_CHANGED)),
    ("/rpc/merge_ticket", Emits(&["ticket.merged"])),
    ("/rpc/unmerge_ticket", Emits(&["ticket.unmerged"])),
    ("/rpc/link_ticket", Emits(&["ticket.linked"])),
    (
        "/rpc/announce_presence",
        Reads("tells colleagues who is on the page now; presence expires"),
    ),
    // The agent's queues.
    ("/rpc/save_queue", Emits(&["queue.saved"])),
    ("/rpc/delete_queue", Emits(&["queue.deleted"])),
    ("/rpc/bulk_change", Emits(TICKET_CHANGED)),
    ("/rpc/queue_nav", Reads("counts the queues for the sidebar")),
    (
        "/rpc/queue_page",
        Reads("lists a page of a queue or a search"),
    ),
    (
        "/rpc/workspace",
        Reads("lists the statuses, agents and canned responses to choose from"),
    ),
    ("/rpc/sla_compliance", Reads("reports SLA compliance")),
    // Settings.
    ("/rpc/save_settings_item", Emits(&["settings."])),
    ("/rpc/set_settings_active", Emits(&["settings."])),
    ("/rpc/settings_section", Reads("reads a settings section")),
    ("/rpc/settings_item", Reads("reads one settings item")),
    (
        "/rpc/dry_run_filters",
        Reads("runs the filters against samples, changing nothing"),
    ),
    (
        "/rpc/integrations_base_url",
        Reads("reads the help desk's public URL"),
    ),
    // Mail and webhooks.
    ("/rpc/resend_mail", Emits(&["email.resent"])),
    (
        "/rpc/email_overview",
        Reads("lists the outbox and the mailboxes"),
    ),
    (
        "/rpc/fetch_mailbox_now",
        Reads("only wakes the mailbox job; what it fetches is audited as email.received"),
    ),
    ("/rpc/replay_webhook", Emits(&["webhook.replayed"])),
    ("/rpc/webhook_deliveries", Reads("lists the delivery log")),
    // The trail itself.
    (
        "/rpc/audit_page",
        Reads("reads the trail; taking a copy away is the audited export"),
    ),
    ("/rpc/ticket_history", Reads("reads a ticket's trail")),
    // Reports.
    (
        "/rpc/load_dashboard",
        Reads("reads counts and response times; no ticket's content"),
    ),
    (
        "/rpc/verify_audit",
        Reads("recomputes the hash chains, changing nothing"),
    ),
];

#[test]
fn every_registered_server_function_is_classified_and_nothing_else() {
    let registered: BTreeSet<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    let classified: BTreeSet<&str> = SERVER_FNS.iter().map(|(path, _)| *path).collect();
    assert_eq!(
        classified.len(),
        SERVER_FNS.len(),
        "a server function is classified twice"
    );
    let unclassified: Vec<_> = registered.difference(&classified).collect();
    let unknown: Vec<_> = classified.difference(&registered).collect();
    assert!(
        unclassified.is_empty() && unknown.is_empty(),
        "classify these in SERVER_FNS: {unclassified:?}; no such server function: {unknown:?}"
    );
    for (path, audit) in SERVER_FNS {
        match audit {
            Emits(actions) => assert!(!actions.is_empty(), "{path} emits something"),
            Reads(why) => assert!(!why.trim().is_empty(), "{path} says why it is not audited"),
        }
    }
}

/// How many events of each type (or prefix) the trail holds.
async fn counts(store: &Store, actions: &[&str]) -> Vec<u64> {
    let mut counts = Vec::with_capacity(actions.len());
    for action in actions {
        let filter = AuditFilter {
            action: action.to_string(),
            ..AuditFilter::default()
        };
        counts.push(store.audit_count(&filter, None).await.unwrap());
    }
    counts
}

/// Runs `request` and returns its answer with the events matching `filter` that it added.
async fn new_events<T>(
    store: &Store,
    filter: &AuditFilter,
    request: impl Future<Output = T>,
) -> (T, Vec<AuditEvent>) {
    let hashes = |events: &[AuditEvent]| -> BTreeSet<String> {
        events.iter().map(|e| e.hash.clone()).collect()
    };
    let before = hashes(
        &store
            .audit_search(filter, None, 10_000)
            .await
            .unwrap()
            .events,
    );
    let answer = request.await;
    let after = store
        .audit_search(filter, None, 10_000)
        .await
        .unwrap()
        .events;
    let added = after
        .into_iter()
        .filter(|e| !before.contains(&e.hash))
        .collect();
    (answer, added)
}

fn of_type(action: &str) -> AuditFilter {
    AuditFilter {
        action: action.into(),
        ..AuditFilter::default()
    }
}

/// Calls server functions that `SERVER_FNS` says emit, checking each call adds its events, and
/// remembers which were called.
struct Journey<'a> {
    app: &'a TestApp,
    store: Store,
    covered: BTreeSet<&'static str>,
}

impl<'a> Journey<'a> {
    fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            store: app.running.state.store.clone(),
            covered: BTreeSet::new(),
        }
    }

    /// A form-encoded server function call, as the UI makes it.
    async fn rpc(&mut self, client: &Client, name: &'static str, form: &[(&str, &str)]) -> Value {
        let app = self.app;
        self.emits(name, app.rpc_json(client, name, form)).await
    }

    /// A call of a server function that takes JSON.
    async fn rpc_body(&mut self, client: &Client, name: &'static str, body: Value) -> Value {
        let app = self.app;
        self.emits(name, app.rpc_body(client, name, body)).await
    }

    async fn emits(
        &mut self,
        name: &'static str,
        call: impl Future<Output = (StatusCode, Value)>,
    ) -> Value {
        let path = format!("/rpc/{name}");
        let Some((_, Emits(actions))) = SERVER_FNS.iter().find(|(p, _)| *p == path) else {
            panic!("{path} is not classified as emitting in SERVER_FNS");
        };
        let before = counts(&self.store, actions).await;
        let (status, body) = call.await;
        assert!(status.is_success(), "{name} answered {status}: {body}");
        let after = counts(&self.store, actions).await;
        assert!(
            before.iter().zip(&after).any(|(b, a)| a > b),
            "{name} succeeded but added none of {actions:?} (counts {before:?} -> {after:?})"
        );
        self.covered.insert(name);
        body
    }

    /// The ticket's version as the agent sees it now.
    async fn version(&self, agent: &Client, number: &str) -> String {
        let (status, body) = self
            .app
            .rpc_json(agent, "agent_ticket", &[("number", number)])
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["ticket"]["version"].as_u64().unwrap().to_string()
    }
}

/// A webhook receiver on loopback that accepts every delivery.
async fn webhook_receiver() -> String {
    let app = axum::Router::new().route("/hook", axum::routing::post(|| async { "" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// A GET with an API key in `X-API-Key`.
async fn get_with_key(app: &TestApp, key: &str, path: &str) -> StatusCode {
    Client::new()
        .get(app.url(path))
        .header("x-api-key", key)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn every_use_case_that_changes_something_leaves_its_audit_event() {
    // The SMTP server is down at first and one attempt is all a message gets, so the first mail
    // becomes a dead letter to resend.
    let sink = SmtpSink::start().await;
    sink.stop().await;
    let smtp = sink.url();
    let app = spawn_app_with(&[
        ("DOCKET_MAIL_SMTP_URL", &smtp),
        ("DOCKET_MAIL_MAX_ATTEMPTS", "1"),
    ])
    .await;
    let store = app.running.state.store.clone();
    let mut j = Journey::new(&app);

    // First run and staff.
    let admin = browser();
    let link = app.setup_link.clone().expect("a new app has a setup link");
    let setup_token = token_after(&link, "token=");
    j.rpc(
        &admin,
        "complete_setup",
        &[
            ("token", &setup_token),
            ("email", "admin@example.com"),
            ("name", "Ada Admin"),
            ("password", PASSWORD),
        ],
    )
    .await;
    let sam = j
        .rpc(
            &admin,
            "create_staff",
            &[
                ("email", "sam@example.com"),
                ("name", "Sam Support"),
                ("role", "agent"),
                ("password", PASSWORD),
            ],
        )
        .await;
    let sam_id = sam["id"].as_str().unwrap().to_string();
    j.rpc_body(
        &admin,
        "set_memberships",
        json!({ "id": sam_id, "memberships": [{ "department": "support", "role": "expanded" }] }),
    )
    .await;
    let agent = browser();
    j.rpc(
        &agent,
        "sign_in",
        &[("email", "sam@example.com"), ("password", PASSWORD)],
    )
    .await;
    let ((status, body), failed) = new_events(
        &store,
        &of_type("user.sign_in_failed"),
        app.sign_in(&browser(), "sam@example.com", "wrong horse battery"),
    )
    .await;
    assert!(status.is_client_error(), "{status}: {body}");
    assert_eq!(failed.len(), 1, "a wrong password is audited");

    // Settings: a webhook for new tickets, an organization.
    let receiver = webhook_receiver().await;
    let hook = j
        .rpc_body(
            &admin,
            "save_settings_item",
            json!({ "section": "webhooks", "key": null, "item": { "name": "SOAR", "active": true,
                "url": receiver, "events": ["ticket.created"], "secret": "a shared secret for the receiver" } }),
        )
        .await;
    let hook_key = hook["key"].as_str().unwrap().to_string();
    j.rpc_body(
        &admin,
        "save_settings_item",
        json!({ "section": "organizations", "key": null, "item": { "name": "Acme", "active": true,
            "sharing": "none", "domains": "acme.test" } }),
    )
    .await;

    // A customer's ticket with a file, while the mail server is down.
    let alice = browser();
    j.rpc(
        &alice,
        "sign_up",
        &[
            ("email", "alice@example.com"),
            ("name", "Alice Liddell"),
            ("password", PASSWORD),
        ],
    )
    .await;
    let (upload, uploaded) = new_events(
        &store,
        &of_type("attachment.uploaded"),
        alice
            .post(app.url("/files"))
            .multipart(Form::new().part(
                "file",
                Part::bytes(b"paper path diagram".to_vec()).file_name("jam.txt"),
            ))
            .send(),
    )
    .await;
    let upload = upload.unwrap();
    assert_eq!(upload.status(), StatusCode::OK);
    assert_eq!(uploaded.len(), 1);
    let files: Value = upload.json().await.unwrap();
    let file_id = files[0]["id"].as_str().unwrap().to_string();
    let first = j
        .rpc(
            &alice,
            "open_ticket",
            &[
                ("topic", "general"),
                ("subject", "Printer jam"),
                ("message", "The 3rd floor printer jams."),
                ("attachments[0]", &file_id),
            ],
        )
        .await;
    let first = first.as_str().unwrap().to_string();

    // The auto-response died; once the mail server is back, the admin sends it again.
    eventually("a dead letter", || {
        let store = store.clone();
        async move { (store.outbox_counts().await.unwrap().dead >= 1).then_some(()) }
    })
    .await;
    sink.restart().await;
    let (status, dead) = app
        .rpc_json(&admin, "email_overview", &[("status", "dead")])
        .await;
    assert_eq!(status, StatusCode::OK, "{dead}");
    let letter = dead["messages"][0]["id"].as_str().unwrap().to_string();
    j.rpc(&admin, "resend_mail", &[("id", &letter)]).await;

    // The ticket's webhook delivery, replayed.
    let (status, deliveries) = app.rpc_json(&admin, "webhook_deliveries", &[]).await;
    assert_eq!(status, StatusCode::OK, "{deliveries}");
    let delivery = deliveries[0]["id"].as_str().unwrap().to_string();
    j.rpc(&admin, "replay_webhook", &[("id", &delivery)]).await;
    j.rpc_body(
        &admin,
        "set_settings_active",
        json!({ "section": "webhooks", "key": hook_key, "active": false, "replacement": null }),
    )
    .await;

    // The customer reads, downloads, replies, closes and reopens.
    j.rpc(&alice, "view_ticket", &[("number", &first)]).await;
    let (download, downloads) = new_events(
        &store,
        &of_type("attachment.downloaded"),
        alice.get(app.url(&format!("/files/{file_id}"))).send(),
    )
    .await;
    assert_eq!(download.unwrap().status(), StatusCode::OK);
    assert_eq!(downloads.len(), 1, "the download is audited");
    j.rpc(
        &alice,
        "reply_to_ticket",
        &[("number", &first), ("message", "It jammed again.")],
    )
    .await;
    for change in ["Close", "Reopen"] {
        j.rpc(
            &alice,
            "change_ticket_status",
            &[("number", &first), ("change", change)],
        )
        .await;
    }

    // A guest link to the same ticket.
    let guest = browser();
    j.rpc(
        &guest,
        "request_guest_link",
        &[("email", "alice@example.com"), ("number", &first)],
    )
    .await;
    let guest_token = token_after(&sink.text_containing("/guest/").await, "/guest/");
    j.rpc(&guest, "guest_ticket", &[("token", &guest_token)])
        .await;
    j.rpc(
        &guest,
        "guest_reply",
        &[("token", &guest_token), ("message", "From my phone.")],
    )
    .await;
    j.rpc(&guest, "revoke_guest_link", &[("token", &guest_token)])
        .await;

    // The agent works the ticket.
    let seen = j.rpc(&agent, "agent_ticket", &[("number", &first)]).await;
    let version = seen["ticket"]["version"].as_u64().unwrap().to_string();
    j.rpc(
        &agent,
        "post_to_ticket",
        &[
            ("number", &first),
            ("version", &version),
            ("kind", "reply"),
            ("message", "A technician is on the way."),
        ],
    )
    .await;
    let version = j.version(&agent, &first).await;
    j.rpc(
        &agent,
        "post_to_ticket",
        &[
            ("number", &first),
            ("version", &version),
            ("kind", "note"),
            ("message", "Fuser unit again."),
        ],
    )
    .await;
    let version: u64 = j.version(&agent, &first).await.parse().unwrap();
    j.rpc_body(
        &agent,
        "change_ticket",
        json!({ "number": first, "version": version,
            "change": { "change": "priority", "priority": "high" } }),
    )
    .await;
    let second = j
        .rpc(
            &alice,
            "open_ticket",
            &[
                ("topic", "general"),
                ("subject", "Printer jam, 2nd floor"),
                ("message", "This one too."),
            ],
        )
        .await;
    let second = second.as_str().unwrap().to_string();
    j.rpc(
        &agent,
        "link_ticket",
        &[("number", &first), ("other", &second)],
    )
    .await;
    let version = j.version(&agent, &second).await;
    j.rpc(
        &agent,
        "merge_ticket",
        &[
            ("number", &second),
            ("version", &version),
            ("target", &first),
        ],
    )
    .await;
    j.rpc(&agent, "unmerge_ticket", &[("number", &second)])
        .await;
    let outcomes = j
        .rpc_body(
            &agent,
            "bulk_change",
            json!({ "numbers": [first, second], "change": { "change": "tags", "tags": ["printers"] } }),
        )
        .await;
    assert!(
        outcomes
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["error"].is_null()),
        "{outcomes}"
    );
    let queue = j
        .rpc_body(
            &agent,
            "save_queue",
            json!({ "name": "Printers", "filter": { "state": "open", "tags": ["printers"] },
                "columns": ["subject"], "sort": "newest" }),
        )
        .await;
    j.rpc(&agent, "delete_queue", &[("id", queue.as_str().unwrap())])
        .await;

    // Integrations: the osTicket API, the REST API, a refused key, the export.
    let (os_key, os_secret) = app.api_key(&admin, &["tickets:create"], "127.0.0.1").await;
    let (response, created) = new_events(
        &store,
        &of_type("ticket.created"),
        app.post_with_key(
            &os_secret,
            "/api/tickets.json",
            &json!({ "email": "dana@example.org", "name": "Dana Reyes",
                "subject": "VPN drops", "message": "Every hour." })
            .to_string(),
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let number = response.text().await.unwrap();
    assert_eq!(created.len(), 1, "{created:?}");
    assert_eq!(created[0].record.object_id, number);
    assert_eq!(created[0].record.actor.kind, ActorKind::ApiKey);
    assert_eq!(created[0].record.actor.id.as_deref(), Some(os_key.as_str()));

    let (_, rest_secret) = app
        .api_key_acting(&admin, &["tickets:read"], "127.0.0.1", "sam@example.com")
        .await;
    let (status, viewed) = new_events(
        &store,
        &AuditFilter {
            action: "ticket.viewed".into(),
            ..AuditFilter::for_object("ticket", &first)
        },
        get_with_key(&app, &rest_secret, &format!("/api/v1/tickets/{first}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(viewed.len(), 1, "{viewed:?}");
    assert_eq!(viewed[0].record.after, Some(json!({ "via": "api" })));

    let (status, refused) = new_events(
        &store,
        &of_type("api_key.refused"),
        get_with_key(&app, &os_secret, &format!("/api/v1/tickets/{first}")),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a key without a REST scope"
    );
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].record.object_id, os_key);

    let (export, exported) = new_events(&store, &of_type("audit.exported"), async {
        let response = admin
            .get(app.url("/admin/audit/export?format=jsonl"))
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    })
    .await;
    assert_eq!(export.0, StatusCode::OK, "{}", export.1);
    assert_eq!(exported.len(), 1);

    // Another customer, managed by the admin and resetting their own password.
    let bob = browser();
    let (status, bob_user) = app.sign_up(&bob, "bob@example.com", "Bob").await;
    assert_eq!(status, StatusCode::OK, "{bob_user}");
    let bob_id = bob_user["id"].as_str().unwrap().to_string();
    j.rpc(
        &admin,
        "set_organization",
        &[("id", &bob_id), ("organization", "acme")],
    )
    .await;
    for active in ["false", "true"] {
        j.rpc(
            &admin,
            "set_account_active",
            &[("id", &bob_id), ("active", active)],
        )
        .await;
    }
    j.rpc(
        &admin,
        "reset_password",
        &[("id", &bob_id), ("password", "a password from the admin")],
    )
    .await;
    j.rpc(
        &browser(),
        "request_password_reset",
        &[("email", "bob@example.com")],
    )
    .await;
    let reset_token = token_after(
        &sink.text_containing("/reset-password/").await,
        "/reset-password/",
    );
    j.rpc(
        &browser(),
        "set_password_with_link",
        &[
            ("token", &reset_token),
            ("password", "a passphrase of his own"),
        ],
    )
    .await;
    let (status, body) = app
        .sign_in(&bob, "bob@example.com", "a passphrase of his own")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // His own sessions: two more browsers; one signed out by name, then all but this one.
    let mut others = Vec::new();
    for _ in 0..2 {
        let other = browser();
        let (status, body) = app
            .sign_in(&other, "bob@example.com", "a passphrase of his own")
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        others.push(other);
    }
    let (_, listed) = app.rpc_json(&bob, "my_sessions", &[]).await;
    let key = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["key"]
        .as_str()
        .unwrap()
        .to_string();
    j.rpc(&bob, "end_my_session", &[("key", &key)]).await;
    j.rpc(&bob, "end_my_other_sessions", &[]).await;
    // Two-factor sign-in: set up, signed in with a code, new recovery codes, turned off; set up
    // again and reset by the admin. Each code is of a new half-minute (a code works once).
    let code_now = |app: &TestApp, secret: &TotpSecret| {
        app.advance(chrono::Duration::seconds(30));
        secret.code_at(app.clock.now())
    };
    let (_, setup) = app.rpc_json(&bob, "begin_second_factor", &[]).await;
    let secret = TotpSecret::parse(setup["secret"].as_str().unwrap()).unwrap();
    j.rpc(
        &bob,
        "confirm_second_factor",
        &[("code", &code_now(&app, &secret))],
    )
    .await;
    let phone = browser();
    let (status, body) = app
        .sign_in(&phone, "bob@example.com", "a passphrase of his own")
        .await;
    assert_eq!(
        (status, body["step"].as_str()),
        (StatusCode::OK, Some("code"))
    );
    j.rpc(
        &phone,
        "sign_in_second_factor",
        &[("code", &code_now(&app, &secret))],
    )
    .await;
    j.rpc(
        &bob,
        "renew_recovery_codes",
        &[("code", &code_now(&app, &secret))],
    )
    .await;
    j.rpc(
        &bob,
        "disable_second_factor",
        &[("code", &code_now(&app, &secret))],
    )
    .await;
    let (_, setup) = app.rpc_json(&bob, "begin_second_factor", &[]).await;
    let secret = TotpSecret::parse(setup["secret"].as_str().unwrap()).unwrap();
    let (status, body) = app
        .rpc_json(
            &bob,
            "confirm_second_factor",
            &[("code", &code_now(&app, &secret))],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    j.rpc(&admin, "reset_second_factor", &[("user", &bob_id)])
        .await;
    j.rpc(&bob, "sign_out", &[]).await;

    let emitting: BTreeSet<&str> = SERVER_FNS
        .iter()
        .filter(|(_, audit)| matches!(audit, Emits(_)))
        .map(|(path, _)| path.trim_start_matches("/rpc/"))
        .collect();
    let missed: Vec<_> = emitting.difference(&j.covered).collect();
    assert!(missed.is_empty(), "the journey never called {missed:?}");
    assert_eq!(j.covered, emitting);
}

#[tokio::test]
async fn a_view_through_each_channel_records_the_channel() {
    let sink = SmtpSink::start().await;
    let smtp = sink.url();
    let app = spawn_app_with(&[("DOCKET_MAIL_SMTP_URL", &smtp)]).await;
    let store = app.running.state.store.clone();
    let admin = app.admin().await;
    let (agent, _) = app
        .agent(
            &admin,
            "sam@example.com",
            "Sam Support",
            &[("support", "expanded")],
        )
        .await;
    let alice = browser();
    let (status, body) = app.sign_up(&alice, "alice@example.com", "Alice").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, number) = app
        .rpc_json(
            &alice,
            "open_ticket",
            &[
                ("topic", "general"),
                ("subject", "VPN drops"),
                ("message", "Every hour."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{number}");
    let number = number.as_str().unwrap().to_string();
    let (_, key) = app
        .api_key_acting(&admin, &["tickets:read"], "127.0.0.1", "sam@example.com")
        .await;
    let guest = browser();
    let (status, body) = app
        .rpc_json(
            &guest,
            "request_guest_link",
            &[("email", "alice@example.com"), ("number", &number)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = token_after(&sink.text_containing("/guest/").await, "/guest/");

    let on_ticket = AuditFilter::for_object("ticket", &number);
    let via = |events: Vec<AuditEvent>| -> Vec<Value> {
        events
            .into_iter()
            .filter(|e| e.record.action == "ticket.viewed")
            .map(|e| e.record.after.unwrap_or_default()["via"].clone())
            .collect()
    };

    let (status, added) = new_events(&store, &on_ticket, async {
        app.rpc_json(&alice, "view_ticket", &[("number", &number)])
            .await
            .0
    })
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(via(added), ["portal"]);

    let (status, added) = new_events(&store, &on_ticket, async {
        app.rpc_json(&agent, "agent_ticket", &[("number", &number)])
            .await
            .0
    })
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(via(added), ["agent"]);

    let (status, added) = new_events(
        &store,
        &on_ticket,
        get_with_key(&app, &key, &format!("/api/v1/tickets/{number}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(via(added), ["api"]);

    let (status, added) = new_events(&store, &on_ticket, async {
        app.rpc_json(&guest, "guest_ticket", &[("token", &token)])
            .await
            .0
    })
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(via(added), ["guest_link"]);
}
