//! Email with real servers on loopback: Docket's mail arrives at an SMTP server speaking the
//! protocol (in process), mailboxes are fetched from a real Dovecot, and raw mail comes in
//! through `tickets.email` and the `docket mail-pipe` command.

use std::time::Duration as StdDuration;

use chrono::Duration;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::common::dovecot::{self, Dovecot};
use crate::common::smtp_sink::{Received, SmtpSink};
use crate::common::{TestApp, browser, eventually, spawn_app_with};

const WAIT: StdDuration = StdDuration::from_secs(20);

async fn desk(sink: &SmtpSink, extra: &[(&str, &str)]) -> (TestApp, Client) {
    // Internal errors show in the failing test's output.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn,docket::server::request=error")
        .with_test_writer()
        .try_init();
    let url = sink.url();
    let mut env = vec![
        ("DOCKET_MAIL_SMTP_URL", url.as_str()),
        ("DOCKET_MAIL_FROM", "Help Desk <help@example.test>"),
    ];
    env.extend_from_slice(extra);
    let app = spawn_app_with(&env).await;
    let admin = app.admin().await;
    (app, admin)
}

/// Priya Shah, an agent of Support: her client and id.
async fn priya(app: &TestApp, admin: &Client) -> (Client, String) {
    app.agent(
        admin,
        "priya@example.com",
        "Priya Shah",
        &[("support", "expanded")],
    )
    .await
}

pub(crate) async fn customer(app: &TestApp, email: &str, name: &str) -> Client {
    let client = browser();
    let (status, body) = app.sign_up(&client, email, name).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    client
}

pub(crate) async fn open(app: &TestApp, client: &Client, subject: &str) -> String {
    let (status, body) = app
        .rpc_json(
            client,
            "open_ticket",
            &[
                ("topic", "general"),
                ("subject", subject),
                ("message", "It broke."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_str().unwrap().to_string()
}

fn to(messages: &[Received], address: &str) -> Vec<Received> {
    messages
        .iter()
        .filter(|m| m.to.iter().any(|t| t == address))
        .cloned()
        .collect()
}

/// Waits until the sink holds a message to `address` (a condition, not a sleep).
async fn mail_to(sink: &SmtpSink, address: &str, count: usize) -> Vec<Received> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let found = to(&sink.messages(), address);
        if found.len() >= count {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no mail to {address} within {WAIT:?}; got {:?}",
            sink.messages()
                .iter()
                .map(|m| (&m.to, m.header("subject")))
                .collect::<Vec<_>>()
        );
        sink.wait_for(sink.messages().len() + 1, WAIT).await;
    }
}

/// The ticket a message became part of, once the fetcher has stored it.
async fn ticket_of_message(
    store: &docket::server::store::Store,
    message_id: &str,
    what: &str,
) -> String {
    eventually(what, || async {
        store.ticket_with_message(message_id).await.unwrap()
    })
    .await
}

async fn agent_reply(app: &TestApp, agent: &Client, number: &str, message: &str) {
    let (status, body) = app
        .rpc_json(agent, "agent_ticket", &[("number", number)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let version = body["ticket"]["version"].as_u64().unwrap().to_string();
    let (status, body) = app
        .rpc_json(
            agent,
            "post_to_ticket",
            &[
                ("number", number),
                ("version", &version),
                ("kind", "reply"),
                ("message", message),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

fn message_id(mail: &Received) -> String {
    mail.header("message-id")
        .unwrap()
        .trim_matches(|c| c == '<' || c == '>')
        .to_string()
}

#[tokio::test]
async fn ticket_mail_carries_the_conversation_headers_and_each_template() {
    let sink = SmtpSink::start().await;
    let (app, admin) = desk(&sink, &[]).await;
    let (agent, _) = priya(&app, &admin).await;
    let alice = customer(&app, "alice@example.com", "Alice Liddell").await;
    let number = open(&app, &alice, "VPN drops every hour").await;

    let auto = mail_to(&sink, "alice@example.com", 1).await.remove(0);
    assert_eq!(auto.from, "help@example.test");
    let subject = auto.header_decoded("subject").unwrap();
    assert!(subject.contains(&format!("[#{number}]")), "{subject}");
    assert!(subject.contains("VPN drops every hour"), "{subject}");
    assert_eq!(
        auto.header("auto-submitted").as_deref(),
        Some("auto-replied")
    );
    let auto_id = message_id(&auto);
    assert!(
        auto_id.starts_with(&format!("docket.{number}.")),
        "{auto_id}"
    );
    assert!(auto.text().contains("Hello Alice"), "{}", auto.text());
    assert!(auto.text().contains(&format!("/tickets/{number}")));

    // The department's agents hear of the new ticket; the alert is no auto-reply.
    let alert = mail_to(&sink, "priya@example.com", 1).await.remove(0);
    assert!(
        alert
            .header_decoded("subject")
            .unwrap()
            .starts_with("New message: VPN drops")
    );
    assert_eq!(
        alert.header("auto-submitted").as_deref(),
        Some("auto-generated")
    );
    assert!(alert.text().contains("It broke."));

    agent_reply(&app, &agent, &number, "Please update the client to 5.2.").await;
    let mails = mail_to(&sink, "alice@example.com", 2).await;
    let reply = &mails[1];
    assert!(
        reply.text().contains("Please update the client to 5.2."),
        "{}",
        reply.text()
    );
    assert!(reply.text().contains("-- reply above this line --"));
    assert_eq!(reply.header("auto-submitted"), None);
    assert_eq!(reply.header("in-reply-to"), Some(format!("<{auto_id}>")));
    assert!(reply.header("references").unwrap().contains(&auto_id));
    assert!(
        reply
            .header_decoded("subject")
            .unwrap()
            .starts_with("Re: VPN drops every hour")
    );
    // Every message has its own signed id.
    assert_ne!(message_id(reply), auto_id);
}

#[tokio::test]
async fn mail_queued_while_the_smtp_server_is_down_arrives_once_when_it_is_back() {
    let sink = SmtpSink::start().await;
    sink.stop().await;
    let (app, _admin) = desk(&sink, &[("DOCKET_MAIL_RETRY_AFTER", "1m")]).await;
    let bob = customer(&app, "bob@example.com", "Bob").await;
    let number = open(&app, &bob, "Printer on fire").await;
    let store = app.running.state.store.clone();

    // The worker tries, fails, and schedules a retry a minute later.
    eventually("a failed attempt", || {
        let store = store.clone();
        async move {
            let rows = store.outbox(Some("queued"), 10).await.unwrap();
            rows.iter().any(|r| r.attempts >= 1).then_some(())
        }
    })
    .await;
    let row = store.outbox(Some("queued"), 10).await.unwrap().remove(0);
    assert!(
        row.last_error.as_deref().unwrap_or("").contains("SMTP"),
        "{:?}",
        row.last_error
    );
    assert_eq!(row.ticket.as_deref(), Some(number.as_str()));

    sink.restart().await;
    app.advance(Duration::minutes(2));
    let mails = mail_to(&sink, "bob@example.com", 1).await;
    eventually("everything sent", || {
        let store = store.clone();
        async move { (store.outbox_counts().await.unwrap().queued == 0).then_some(()) }
    })
    .await;
    // Nothing is left to send, and nothing came twice.
    app.advance(Duration::hours(1));
    tokio::task::yield_now().await;
    assert_eq!(
        to(&sink.messages(), "bob@example.com").len(),
        1,
        "{mails:?}"
    );
}

#[tokio::test]
async fn a_message_that_keeps_failing_becomes_a_dead_letter_that_an_admin_can_resend() {
    let sink = SmtpSink::start().await;
    sink.stop().await;
    let (app, admin) = desk(
        &sink,
        &[
            ("DOCKET_MAIL_MAX_ATTEMPTS", "2"),
            ("DOCKET_MAIL_RETRY_AFTER", "1m"),
        ],
    )
    .await;
    let carol = customer(&app, "carol@example.com", "Carol").await;
    open(&app, &carol, "Laptop").await;
    let overview = |status: &'static str| {
        let app = &app;
        let admin = &admin;
        async move {
            let (code, body) = app
                .rpc_json(admin, "email_overview", &[("status", status)])
                .await;
            assert_eq!(code, StatusCode::OK, "{body}");
            body
        }
    };
    let store = app.running.state.store.clone();
    eventually("a first failure", || {
        let store = store.clone();
        async move {
            store
                .outbox(Some("queued"), 10)
                .await
                .unwrap()
                .iter()
                .any(|r| r.attempts == 1)
                .then_some(())
        }
    })
    .await;
    app.advance(Duration::minutes(2));
    eventually("a dead letter", || {
        let store = store.clone();
        async move { (store.outbox_counts().await.unwrap().dead >= 1).then_some(()) }
    })
    .await;
    let dead = overview("dead").await;
    assert_eq!(dead["dead"], 1, "{dead}");
    let letter = &dead["messages"][0];
    assert_eq!(letter["recipients"], "carol@example.com");
    assert_eq!(letter["attempts"], 2);
    let id = letter["id"].as_str().unwrap().to_string();

    // Customers cannot resend; admins can, once.
    let (status, body) = app.rpc_json(&carol, "resend_mail", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    sink.restart().await;
    let (status, body) = app.rpc_json(&admin, "resend_mail", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    mail_to(&sink, "carol@example.com", 1).await;
    let (status, body) = app.rpc_json(&admin, "resend_mail", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let audit = store
        .audit_search(&Default::default(), None, 50)
        .await
        .unwrap();
    assert!(
        audit
            .events
            .iter()
            .any(|e| e.record.action == "email.dead_letter")
    );
    assert!(
        audit
            .events
            .iter()
            .any(|e| e.record.action == "email.resent")
    );
}

async fn api_key(app: &TestApp, admin: &Client, scopes: &[&str], allowed: &str) -> String {
    app.api_key(admin, scopes, allowed).await.1
}

async fn post_email(app: &TestApp, key: &str, path: &str, raw: &str) -> (StatusCode, String) {
    let response = app.post_with_key(key, path, raw).await;
    let status = response.status();
    (status, response.text().await.unwrap())
}

fn raw(from: &str, subject: &str, id: &str, headers: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: support@example.test\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\n{headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

#[tokio::test]
async fn tickets_email_takes_raw_mail_with_osticket_answers() {
    let sink = SmtpSink::start().await;
    let (app, admin) = desk(&sink, &[]).await;
    let key = api_key(&app, &admin, &["tickets:email"], "127.0.0.1").await;
    let create_only = api_key(&app, &admin, &["tickets:create"], "127.0.0.1").await;
    let elsewhere = api_key(&app, &admin, &["tickets:email"], "10.0.0.0/8").await;
    let message = raw(
        "Dana Scully <dana@example.org>",
        "Badge reader offline",
        "badge-1@mail.example.org",
        "",
        "The badge reader at door 3 is offline.",
    );

    let (status, body) =
        post_email(&app, &key, "/osticket/upload/api/tickets.email", &message).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let number = body.clone();
    let store = app.running.state.store.clone();
    let ticket = store.ticket(&number).await.unwrap().unwrap();
    assert_eq!(ticket.subject, "Badge reader offline");
    assert_eq!(ticket.requester_email, "dana@example.org");
    assert_eq!(ticket.requester_name, "Dana Scully");
    assert_eq!(ticket.source.as_str(), "email");

    // The same message again (an MTA retry): the same number, nothing added.
    let entries = store.thread(&number, false).await.unwrap().len();
    let (status, again) = post_email(&app, &key, "/api/http.php/tickets.email", &message).await;
    assert_eq!(
        (status, again.as_str()),
        (StatusCode::CREATED, number.as_str())
    );
    assert_eq!(store.thread(&number, false).await.unwrap().len(), entries);

    for (presented, expected) in [
        ("nope", "Valid API key required"),
        (elsewhere.as_str(), "Valid API key required"),
        (create_only.as_str(), "API key not authorized"),
    ] {
        let (status, body) = post_email(&app, presented, "/api/tickets.email", &message).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::UNAUTHORIZED, expected)
        );
    }
    let (status, body) = post_email(&app, &key, "/api/tickets.email", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = post_email(&app, &key, "/api/tickets.EMAIL", &message).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::BAD_REQUEST, "URL not supported")
    );
    // Each use of a key is in the audit trail, naming the key.
    let audit = store
        .audit_search(&Default::default(), None, 100)
        .await
        .unwrap();
    assert!(audit.events.iter().any(|e| {
        e.record.action == "ticket.created"
            && e.record
                .actor
                .label
                .starts_with("API key Key tickets:email")
    }));
}

/// Runs the real `docket` binary with `stdin` as its input: exit code, stdout, stderr.
async fn run_docket(
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: String,
) -> (Option<i32>, String, String) {
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_docket"))
            .args(&args)
            .env("DOCKET_CONFIG", "/nonexistent")
            .env_remove("DOCKET_PIPE_URL")
            .env_remove("DOCKET_PIPE_KEY")
            .envs(env)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_mail_pipe_command_posts_to_a_running_server_with_osticket_exit_codes() {
    let sink = SmtpSink::start().await;
    let (app, admin) = desk(&sink, &[]).await;
    let key = api_key(&app, &admin, &["tickets:email"], "127.0.0.1").await;
    let base = app.base.clone();
    let pipe = |key: String, message: String| {
        run_docket(
            vec![
                "mail-pipe".into(),
                "--url".into(),
                base.clone(),
                "--key".into(),
                key,
            ],
            vec![],
            message,
        )
    };
    let message = raw(
        "eve@example.org",
        "Piped in",
        "pipe-1@example.org",
        "",
        "Hello through the pipe.",
    );
    let (code, number, stderr) = pipe(key.clone(), message).await;
    assert_eq!(code, Some(0), "{stderr}");
    let ticket = app
        .running
        .state
        .store
        .ticket(&number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ticket.subject, "Piped in");
    let (code, _, _) = pipe(
        "wrong".into(),
        raw("eve@example.org", "x", "pipe-2@x", "", "x"),
    )
    .await;
    assert_eq!(code, Some(77), "a refused key is EX_NOPERM");
    let (code, _, _) = pipe(key.clone(), "not an email".into()).await;
    assert_eq!(code, Some(66), "a message that is no email is EX_NOINPUT");
    // A filter's refusal is for good: the MTA must bounce it, not retry it.
    let filter = json!({ "name": "No spam", "active": true, "order": 10, "channel": "any",
        "matching": "any", "stop_on_match": true,
        "conditions": [{ "subject": "subject", "header": "", "operator": "contains", "value": "casino" }],
        "actions": [{ "kind": "reject", "value": "" }] });
    let (status, saved) = app
        .rpc_body(
            &admin,
            "save_settings_item",
            json!({ "section": "filters", "key": null, "item": filter }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (code, _, stderr) = pipe(
        key,
        raw("eve@example.org", "Casino chips", "pipe-3@x", "", "Click"),
    )
    .await;
    assert_eq!(code, Some(77), "a rejected message is EX_NOPERM: {stderr}");
}

/// Saves the support inbox on `imap` (fetched every minute into Support, archived after) as
/// `admin`; returns the answer (the new mailbox's key).
pub(crate) async fn support_mailbox(app: &TestApp, admin: &Client, imap: &Dovecot) -> Value {
    let port = i64::from(imap.port());
    let (status, body) = app
        .rpc_body(
            admin,
            "save_settings_item",
            json!({ "section": "mailboxes", "key": null, "item": {
                "name": "Support inbox", "active": true, "address": dovecot::SUPPORT,
                "host": imap.host(), "port": port, "security": "none",
                "username": dovecot::SUPPORT, "password_env": "", "password": dovecot::PASSWORD,
                "folder": "INBOX", "after_fetch": "archive", "archive_folder": "Archive",
                "interval_seconds": 60, "department": "support", "help_topic": null } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

#[tokio::test]
async fn a_mailbox_fetched_over_imap_runs_a_help_desk_on_email_alone() {
    let sink = SmtpSink::start().await;
    let imap = Dovecot::start().await;
    let (app, admin) = desk(&sink, &[]).await;
    let (agent, _) = priya(&app, &admin).await;
    let body = support_mailbox(&app, &admin, &imap).await;
    let mailbox_key = body["key"].as_str().unwrap().to_string();
    // The typed password is kept only sealed.
    let (_, stored) = app
        .rpc_body(
            &admin,
            "settings_item",
            json!({ "section": "mailboxes", "key": mailbox_key }),
        )
        .await;
    assert_eq!(stored["password"], "");
    assert!(!stored.to_string().contains(dovecot::PASSWORD));

    // 1. A customer writes in: a ticket, with an auto-response, and the mail is archived.
    imap.deliver(
        dovecot::SUPPORT,
        &raw(
            "Frank <frank@example.net>",
            "Cannot print",
            "frank-1@example.net",
            "",
            "The printer says PC LOAD LETTER.",
        ),
    );
    let store = app.running.state.store.clone();
    let number =
        ticket_of_message(&store, "frank-1@example.net", "the mail becomes a ticket").await;
    let ticket = store.ticket(&number).await.unwrap().unwrap();
    assert_eq!(
        (ticket.subject.as_str(), ticket.department.as_str()),
        ("Cannot print", "support")
    );
    eventually("the mail is archived", || async {
        (imap.count(dovecot::SUPPORT, "INBOX") == 0 && imap.count(dovecot::SUPPORT, "Archive") == 1)
            .then_some(())
    })
    .await;
    let auto = mail_to(&sink, "frank@example.net", 1).await.remove(0);
    assert!(
        auto.header_decoded("subject")
            .unwrap()
            .contains(&format!("[#{number}]"))
    );

    // 2. The agent answers; the answer reaches the customer.
    agent_reply(&app, &agent, &number, "Load letter paper in tray 2.").await;
    let reply = mail_to(&sink, "frank@example.net", 2).await.remove(1);
    let reply_id = message_id(&reply);

    // 3. The customer's answer to it threads into the same ticket, and says how.
    imap.deliver(
        dovecot::SUPPORT,
        &raw(
            "Frank <frank@example.net>",
            &format!("Re: Cannot print [#{number}]"),
            "frank-2@example.net",
            &format!("In-Reply-To: <{reply_id}>\r\nReferences: <frank-1@example.net> <{reply_id}>\r\n"),
            "Works now, thanks!\r\n\r\nOn Mon, 2 Mar 2026, Help Desk <help@example.test> wrote:\r\n> Load letter paper in tray 2.",
        ),
    );
    app.advance(Duration::seconds(61));
    let threaded = ticket_of_message(&store, "frank-2@example.net", "the reply threads").await;
    assert_eq!(threaded, number);
    let thread = store.thread(&number, false).await.unwrap();
    let answer = thread
        .iter()
        .find(|e| e.body.starts_with("Works now"))
        .unwrap();
    assert_eq!(answer.body, "Works now, thanks!", "the quote is stripped");
    assert!(
        answer
            .via
            .as_deref()
            .unwrap()
            .starts_with("matched by In-Reply-To"),
        "{:?}",
        answer.via
    );

    // 4. A stranger naming the ticket in the subject opens a new ticket.
    imap.deliver(
        dovecot::SUPPORT,
        &raw(
            "mallory@example.com",
            &format!("Re: Cannot print [#{number}]"),
            "mallory-1@example.com",
            "",
            "Let me in.",
        ),
    );
    // 5. An auto-reply opens a ticket but gets no auto-response.
    imap.deliver(
        dovecot::SUPPORT,
        &raw(
            "ooo@example.com",
            "Out of office",
            "ooo-1@example.com",
            "Auto-Submitted: auto-replied\r\n",
            "I am away.",
        ),
    );
    app.advance(Duration::seconds(61));
    let stranger =
        ticket_of_message(&store, "mallory-1@example.com", "the stranger's ticket").await;
    assert_ne!(stranger, number);
    let out_of_office =
        ticket_of_message(&store, "ooo-1@example.com", "the auto-reply's ticket").await;
    mail_to(&sink, "mallory@example.com", 1).await;
    let history = store.thread(&out_of_office, false).await.unwrap();
    assert!(history.iter().any(|e| {
        e.body
            .contains("No auto-response: the mail is an automatic reply")
    }));
    // Everything queued has gone out; none of it to the auto-replier.
    eventually("the outbox drains", || {
        let store = store.clone();
        async move { (store.outbox_counts().await.unwrap().queued == 0).then_some(()) }
    })
    .await;
    assert!(to(&sink.messages(), "ooo@example.com").is_empty());

    // The Email page shows the mailbox's fetches.
    let (status, body) = app.rpc_json(&admin, "email_overview", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mailbox = &body["mailboxes"][0];
    assert_eq!(mailbox["fetched"], 4, "{body}");
    assert_eq!(mailbox["last_error"], Value::Null);
}

#[tokio::test]
async fn assignment_and_transfer_alert_the_agents_concerned_over_an_authenticated_smtp_server() {
    let sink = SmtpSink::start_with_auth("docket", "smtp secret").await;
    let (app, admin) = desk(
        &sink,
        &[
            ("DOCKET_MAIL_SMTP_USERNAME", "docket"),
            ("DOCKET_MAIL_SMTP_PASSWORD", "smtp secret"),
        ],
    )
    .await;
    let (priya, _) = priya(&app, &admin).await;
    let (_, lee_id) = app
        .agent(
            &admin,
            "lee@example.com",
            "Lee Chen",
            &[("support", "expanded")],
        )
        .await;
    let (_, _) = app
        .agent(
            &admin,
            "sam@example.com",
            "Sam Okafor",
            &[("security_operations", "expanded")],
        )
        .await;
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let number = open(&app, &alice, "Phishing mail received").await;
    mail_to(&sink, "lee@example.com", 1).await; // the new-ticket alert
    let change = |change: Value| {
        let app = &app;
        let priya = &priya;
        let number = number.clone();
        async move {
            let (_, ticket) = app
                .rpc_json(priya, "agent_ticket", &[("number", &number)])
                .await;
            let version = ticket["ticket"]["version"].as_u64().unwrap();
            let (status, body) = app
                .rpc_body(
                    priya,
                    "change_ticket",
                    json!({ "number": number, "version": version, "change": change }),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    };
    change(json!({ "change": "assign", "agent": lee_id })).await;
    let assigned = mail_to(&sink, "lee@example.com", 2).await.remove(1);
    let subject = assigned.header_decoded("subject").unwrap();
    assert!(
        subject.starts_with("Assigned to you: Phishing mail received"),
        "{subject}"
    );
    assert!(
        assigned.text().contains("Priya Shah assigned ticket"),
        "{}",
        assigned.text()
    );

    change(json!({ "change": "transfer", "department": "security_operations", "comment": "" }))
        .await;
    let moved = mail_to(&sink, "sam@example.com", 1).await.remove(0);
    assert!(
        moved
            .header_decoded("subject")
            .unwrap()
            .starts_with("Transferred to Security")
    );
    // The agent who moved it hears nothing of it.
    assert_eq!(
        to(&sink.messages(), "priya@example.com").len(),
        1,
        "only the new-ticket alert"
    );
}

fn link_token(mail: &Received) -> String {
    let text = mail.text();
    let at = text.find("/reset-password/").expect("a password link") + "/reset-password/".len();
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect()
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_an_emailed_one_time_link() {
    let sink = SmtpSink::start().await;
    let (app, _admin) = desk(&sink, &[]).await;
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let anyone = browser();
    // Unknown addresses get the same answer and no mail.
    for email in ["nobody@example.com", "ALICE@example.com"] {
        let (status, body) = app
            .rpc_json(&anyone, "request_password_reset", &[("email", email)])
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let mail = mail_to(&sink, "alice@example.com", 1).await.remove(0);
    assert!(to(&sink.messages(), "nobody@example.com").is_empty());
    assert!(
        mail.header_decoded("subject")
            .unwrap()
            .starts_with("Reset your")
    );
    let token = link_token(&mail);
    let (status, link) = app
        .rpc_json(&anyone, "password_link", &[("token", &token)])
        .await;
    assert_eq!(status, StatusCode::OK, "{link}");
    assert_eq!(link["email"], "alice@example.com");
    let (status, body) = app
        .rpc_json(
            &anyone,
            "set_password_with_link",
            &[("token", &token), ("password", "short")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = app
        .rpc_json(
            &anyone,
            "set_password_with_link",
            &[("token", &token), ("password", "a brand new passphrase")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The old session ended; the new password works; the link works once.
    assert_eq!(app.whoami(&alice).await, Value::Null);
    let (status, _) = app
        .sign_in(&browser(), "alice@example.com", "a brand new passphrase")
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .rpc_json(
            &anyone,
            "set_password_with_link",
            &[("token", &token), ("password", "another passphrase!")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // An expired link is dead too.
    app.rpc_json(
        &anyone,
        "request_password_reset",
        &[("email", "alice@example.com")],
    )
    .await;
    let token = link_token(&mail_to(&sink, "alice@example.com", 2).await.remove(1));
    app.advance(Duration::hours(2));
    let (status, _) = app
        .rpc_json(&anyone, "password_link", &[("token", &token)])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_agent_created_without_a_password_is_invited_by_email() {
    let sink = SmtpSink::start().await;
    let (app, admin) = desk(&sink, &[]).await;
    let (status, body) = app
        .rpc_json(
            &admin,
            "create_staff",
            &[
                ("email", "noor@example.com"),
                ("name", "Noor Haddad"),
                ("role", "agent"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let invite = mail_to(&sink, "noor@example.com", 1).await.remove(0);
    assert!(
        invite
            .header_decoded("subject")
            .unwrap()
            .starts_with("You are invited")
    );
    assert!(invite.text().contains("Hello Noor Haddad"));
    let token = link_token(&invite);
    let anyone = browser();
    let (_, link) = app
        .rpc_json(&anyone, "password_link", &[("token", &token)])
        .await;
    assert_eq!(link["invitation"], true);
    let (status, body) = app
        .rpc_json(
            &anyone,
            "set_password_with_link",
            &[("token", &token), ("password", "noor's own passphrase")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, user) = app
        .sign_in(&anyone, "noor@example.com", "noor's own passphrase")
        .await;
    assert_eq!(status, StatusCode::OK, "{user}");
}

#[tokio::test]
async fn an_sla_escalation_that_notifies_emails_the_assignee() {
    let sink = SmtpSink::start().await;
    let (app, admin) = desk(&sink, &[]).await;
    crate::sla::escalate(&app, &admin).await;
    let (_, priya_id) = priya(&app, &admin).await;
    let alice = customer(&app, "alice@example.com", "Alice").await;
    let number = open(&app, &alice, "Printer jams").await;
    let (_, ticket) = app
        .rpc_json(&admin, "agent_ticket", &[("number", &number)])
        .await;
    let version = ticket["ticket"]["version"].as_u64().unwrap();
    let (status, body) = app
        .rpc_body(
            &admin,
            "change_ticket",
            json!({ "number": number, "version": version, "change": { "change": "assign", "agent": priya_id } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    mail_to(&sink, "priya@example.com", 2).await; // the new-ticket and assignment alerts

    // Half an hour before the first response is due, the plan notifies the assignee.
    app.advance(Duration::minutes(211));
    crate::sla::run_job(&app).await;
    let escalation = mail_to(&sink, "priya@example.com", 3).await.remove(2);
    let subject = escalation.header_decoded("subject").unwrap();
    assert!(
        subject.starts_with("SLA escalation: Printer jams"),
        "{subject}"
    );
    assert!(subject.ends_with(&format!("[#{number}]")), "{subject}");
    assert!(
        escalation.text().contains("notify the assignee"),
        "{}",
        escalation.text()
    );
    assert_eq!(
        escalation.header("auto-submitted").as_deref(),
        Some("auto-generated")
    );
}

#[tokio::test]
async fn the_mail_pipe_opens_the_database_itself_when_no_server_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("docket.db").display());
    let pipe = |message: String| {
        run_docket(
            vec!["mail-pipe".into()],
            vec![("DOCKET_DATABASE_URL".into(), url.clone())],
            message,
        )
    };
    let message = raw(
        "gus@example.org",
        "Piped offline",
        "offline-1@example.org",
        "",
        "No server running.",
    );
    let (code, number, stderr) = pipe(message.clone()).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!number.is_empty());
    // Delivered twice (an MTA retry): the same ticket, nothing new.
    let (code, again, stderr) = pipe(message).await;
    assert_eq!(
        (code, again.as_str()),
        (Some(0), number.as_str()),
        "{stderr}"
    );
}

#[tokio::test]
async fn an_html_reply_shows_as_safe_html_without_the_quoted_conversation() {
    let sink = SmtpSink::start().await;
    let (app, admin) = desk(&sink, &[]).await;
    let key = api_key(&app, &admin, &["tickets:email"], "127.0.0.1").await;
    let first = raw(
        "hana@example.org",
        "Wiki down",
        "wiki-1@example.org",
        "",
        "The wiki answers 502.",
    );
    let (_, number) = post_email(&app, &key, "/api/tickets.email", &first).await;
    let html = format!(
        "From: Hana <hana@example.org>\r\nTo: support@example.test\r\nSubject: Re: Wiki down [#{number}]\r\n\
Message-ID: <wiki-2@example.org>\r\nIn-Reply-To: <wiki-1@example.org>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
It is <b>back</b>, thanks!\r\n\r\nOn Mon, 2 Mar 2026, Help wrote:\r\n> old\r\n--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<div>It is <b>back</b>, thanks!<img src=x onerror=alert(1)><script>alert(2)</script></div>\
<div class=\"gmail_quote\">On Mon, 2 Mar 2026, Help wrote:<blockquote>old</blockquote></div>\r\n--alt--\r\n"
    );
    let (status, same) = post_email(&app, &key, "/api/tickets.email", &html).await;
    assert_eq!(
        (status, same.as_str()),
        (StatusCode::CREATED, number.as_str())
    );
    let thread = app
        .running
        .state
        .store
        .thread(&number, false)
        .await
        .unwrap();
    let reply = thread
        .iter()
        .find(|e| e.rich.is_some())
        .expect("the HTML reply");
    let rich = reply.rich.as_deref().unwrap();
    assert!(rich.contains("<b>back</b>"), "{rich}");
    for gone in ["<script", "onerror", "alert(", "gmail_quote", "old"] {
        assert!(!rich.contains(gone), "{gone} in {rich}");
    }
    assert_eq!(
        reply.body, "It is <b>back</b>, thanks!",
        "the text part, quote stripped"
    );
    assert_eq!(
        reply
            .via
            .as_deref()
            .map(|v| v.starts_with("matched by In-Reply-To")),
        Some(true)
    );
}

#[tokio::test]
async fn the_shared_reply_fixture_threads_into_its_ticket() {
    let sink = SmtpSink::start().await;
    let (app, admin) = desk(&sink, &[]).await;
    let (agent, _) = priya(&app, &admin).await;
    let key = api_key(&app, &admin, &["tickets:email"], "127.0.0.1").await;
    let first = raw(
        "Dana Reyes <dana.reyes@example.org>",
        "VPN drops every hour",
        "vpn-1.dana@example.org",
        "",
        "Since Monday my VPN session ends every hour on the hour.",
    );
    let (status, number) = post_email(&app, &key, "/api/tickets.email", &first).await;
    assert_eq!(status, StatusCode::CREATED, "{number}");
    agent_reply(&app, &agent, &number, "Which client version do you run?").await;
    let reply = mail_to(&sink, "dana.reyes@example.org", 2).await.remove(1);
    let fixture = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/osticket/reply.eml"
    ))
    .expect("the shared fixture");
    let message = fixture.replace("{{TICKET_NUMBER}}", &number).replace(
        "{{OUTBOUND_MESSAGE_ID}}",
        &format!("<{}>", message_id(&reply)),
    );
    let (status, same) = post_email(&app, &key, "/api/tickets.email", &message).await;
    assert_eq!(
        (status, same.as_str()),
        (StatusCode::CREATED, number.as_str())
    );
    let thread = app
        .running
        .state
        .store
        .thread(&number, false)
        .await
        .unwrap();
    let answer = thread.last().unwrap();
    assert_eq!(answer.body, "It happened again at 11:00 sharp.");
    assert_eq!(answer.author_name, "Dana Reyes");
    assert!(
        answer
            .via
            .as_deref()
            .unwrap()
            .starts_with("matched by In-Reply-To")
    );
}
