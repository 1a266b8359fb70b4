//! The server functions' table: each function (a row per target where the target matters)
//! called as each person and as an API key, which server functions never accept (they act on
//! the session cookie only, so a key is anonymous there).

use std::collections::BTreeSet;

use chrono::Duration;
use docket::error::AppError;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::desk::{Caller, Desk, EMAIL_A, FORGED, Who, X, Y};
use super::{C, Cell, F, Matrix, NF, OK, Outcome, U, V, Want};
use crate::common::PASSWORD;

/// What a row aims at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum On {
    Nothing,
    /// Customer A's ticket, in department X.
    A,
    /// Customer B's ticket, in department Y.
    B,
    CloseA,
    ReopenA,
    CloseB,
    ReopenB,
    /// Merge a new ticket of A's into A's ticket; into a new ticket of B's (in Y).
    FreshIntoA,
    FreshIntoB,
    /// Undo the merge of a ticket of A's into A's ticket.
    MergedIntoA,
    /// Link a new ticket of A's with A's ticket; A's ticket with B's.
    FreshWithA,
    AWithB,
    /// A search for a word of A's subject; of B's.
    SearchA,
    SearchB,
    /// Department X's queue or report.
    DepartmentX,
    /// A saved queue of agent X's.
    QueueOfX,
    /// The other person's session (A's; B's for A).
    OthersSession,
}

impl On {
    fn label(self) -> &'static str {
        match self {
            On::Nothing => "",
            On::A => "[A's ticket, X]",
            On::B => "[B's ticket, Y]",
            On::CloseA => "[close A's]",
            On::ReopenA => "[reopen A's]",
            On::CloseB => "[close B's]",
            On::ReopenB => "[reopen B's]",
            On::FreshIntoA => "[new of A's into A's]",
            On::FreshIntoB => "[new of A's into new of B's]",
            On::MergedIntoA => "[A's merged into A's]",
            On::FreshWithA => "[new of A's with A's]",
            On::AWithB => "[A's with B's]",
            On::SearchA => "[search A's words]",
            On::SearchB => "[search B's words]",
            On::DepartmentX => "[department X]",
            On::QueueOfX => "[X's saved queue]",
            On::OthersSession => "[another's session]",
        }
    }
}

struct Row {
    name: &'static str,
    on: On,
    /// anonymous, customer A, customer B, guest, agent X, agent Y, limited, admin, API key.
    want: [Want; 9],
}

const fn row(name: &'static str, on: On, want: [Want; 9]) -> Row {
    Row { name, on, want }
}

use On::*;

/// In order: later rows use up what earlier ones need (the guest link, the sessions).
#[rustfmt::skip]
const ROWS: &[Row] = &[
    //                                          anon custA custB guest agtX agtY  lim admin key
    // Accounts and sessions: public, or the caller's own.
    row("current_session",        Nothing,      [OK, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK]),
    row("sign_up",                Nothing,      [V,  V,   V,   V,   V,   V,   V,   V,   V ]),
    row("sign_in",                Nothing,      [U,  U,   U,   U,   U,   U,   U,   U,   U ]),
    row("request_password_reset", Nothing,      [OK, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK]),
    row("password_link",          Nothing,      [C,  C,   C,   C,   C,   C,   C,   C,   C ]),
    row("set_password_with_link", Nothing,      [C,  C,   C,   C,   C,   C,   C,   C,   C ]),
    row("complete_setup",         Nothing,      [C,  C,   C,   C,   C,   C,   C,   C,   C ]),
    row("my_sessions",            Nothing,      [U,  OK,  OK,  U,   OK,  OK,  OK,  OK,  U ]),
    // Two-factor sign-in: one's own (no one has it on here); the admin resets others'.
    row("sign_in_second_factor",  Nothing,      [C,  C,   C,   C,   C,   C,   C,   C,   C ]),
    row("my_second_factor",       Nothing,      [U,  OK,  OK,  U,   OK,  OK,  OK,  OK,  U ]),
    row("begin_second_factor",    Nothing,      [U,  OK,  OK,  U,   OK,  OK,  OK,  OK,  U ]),
    row("confirm_second_factor",  Nothing,      [U,  V,   V,   U,   V,   V,   V,   V,   U ]),
    row("renew_recovery_codes",   Nothing,      [U,  V,   V,   U,   V,   V,   V,   V,   U ]),
    row("disable_second_factor",  Nothing,      [U,  V,   V,   U,   V,   V,   V,   V,   U ]),
    row("reset_second_factor",    Nothing,      [U,  F,   F,   U,   F,   F,   F,   C,   U ]),
    // The directory: agents look people up, only the admin changes accounts.
    row("find_accounts",          Nothing,      [U,  F,   F,   U,   OK,  OK,  OK,  OK,  U ]),
    row("create_staff",           Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    row("set_account_active",     Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    row("set_memberships",        Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    row("set_organization",       Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    row("reset_password",         Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    // The portal: one's own tickets only, whatever one's role.
    row("help_topics",            Nothing,      [U,  OK,  OK,  U,   OK,  OK,  OK,  OK,  U ]),
    row("my_tickets",             Nothing,      [U,  OK,  OK,  U,   OK,  OK,  OK,  OK,  U ]),
    row("open_ticket",            Nothing,      [U,  OK,  OK,  U,   OK,  OK,  OK,  OK,  U ]),
    row("view_ticket",            A,            [U,  OK,  NF,  U,   NF,  NF,  NF,  NF,  U ]),
    row("view_ticket",            B,            [U,  NF,  OK,  U,   NF,  NF,  NF,  NF,  U ]),
    row("reply_to_ticket",        A,            [U,  OK,  NF,  U,   NF,  NF,  NF,  NF,  U ]),
    row("reply_to_ticket",        B,            [U,  NF,  OK,  U,   NF,  NF,  NF,  NF,  U ]),
    row("change_ticket_status",   CloseA,       [U,  OK,  NF,  U,   NF,  NF,  NF,  NF,  U ]),
    row("change_ticket_status",   ReopenA,      [U,  OK,  NF,  U,   NF,  NF,  NF,  NF,  U ]),
    row("change_ticket_status",   CloseB,       [U,  NF,  OK,  U,   NF,  NF,  NF,  NF,  U ]),
    row("change_ticket_status",   ReopenB,      [U,  NF,  OK,  U,   NF,  NF,  NF,  NF,  U ]),
    // Guest links: the same answer whoever asks; the link opens its one ticket.
    row("request_guest_link",     Nothing,      [OK, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK]),
    row("guest_ticket",           Nothing,      [NF, NF,  NF,  OK,  NF,  NF,  NF,  NF,  NF]),
    row("guest_reply",            Nothing,      [NF, NF,  NF,  OK,  NF,  NF,  NF,  NF,  NF]),
    // The agent's ticket: staff of its department; "not found" for other staff.
    row("agent_ticket",           A,            [U,  F,   F,   U,   OK,  NF,  OK,  OK,  U ]),
    row("agent_ticket",           B,            [U,  F,   F,   U,   NF,  OK,  NF,  OK,  U ]),
    row("ticket_history",         A,            [U,  F,   F,   U,   OK,  NF,  OK,  OK,  U ]),
    row("ticket_history",         B,            [U,  F,   F,   U,   NF,  OK,  NF,  OK,  U ]),
    row("post_to_ticket",         A,            [U,  F,   F,   U,   OK,  NF,  OK,  OK,  U ]),
    row("post_to_ticket",         B,            [U,  F,   F,   U,   NF,  OK,  NF,  OK,  U ]),
    row("change_ticket",          A,            [U,  F,   F,   U,   OK,  NF,  OK,  OK,  U ]),
    row("change_ticket",          B,            [U,  F,   F,   U,   NF,  OK,  NF,  OK,  U ]),
    row("announce_presence",      A,            [U,  F,   F,   U,   OK,  NF,  OK,  OK,  U ]),
    row("announce_presence",      B,            [U,  F,   F,   U,   NF,  OK,  NF,  OK,  U ]),
    // Queues: staff, each within their departments; saved queues are their owner's.
    row("queue_nav",              Nothing,      [U,  F,   F,   U,   OK,  OK,  OK,  OK,  U ]),
    row("queue_page",             Nothing,      [U,  F,   F,   U,   OK,  OK,  OK,  OK,  U ]),
    row("queue_page",             SearchA,      [U,  F,   F,   U,   OK,  OK,  OK,  OK,  U ]),
    row("queue_page",             SearchB,      [U,  F,   F,   U,   OK,  OK,  OK,  OK,  U ]),
    row("queue_page",             DepartmentX,  [U,  F,   F,   U,   OK,  NF,  OK,  OK,  U ]),
    row("queue_page",             QueueOfX,     [U,  F,   F,   U,   OK,  NF,  NF,  NF,  U ]),
    row("workspace",              Nothing,      [U,  F,   F,   U,   OK,  OK,  OK,  OK,  U ]),
    row("sla_compliance",         Nothing,      [U,  F,   F,   U,   OK,  OK,  OK,  OK,  U ]),
    row("save_queue",             Nothing,      [U,  F,   F,   U,   OK,  OK,  OK,  OK,  U ]),
    row("delete_queue",           QueueOfX,     [U,  F,   F,   U,   OK,  NF,  NF,  NF,  U ]),
    row("bulk_change",            A,            [U,  F,   F,   U,   OK,  NF,  OK,  OK,  U ]),
    row("bulk_change",            B,            [U,  F,   F,   U,   NF,  OK,  NF,  OK,  U ]),
    // Merging and linking also need the role's ticket.merge / ticket.link (limited has neither);
    // a target the agent cannot reach is "no such ticket" (validation), as for none at all.
    row("merge_ticket",           FreshIntoA,   [U,  F,   F,   U,   OK,  NF,  F,   OK,  U ]),
    row("merge_ticket",           FreshIntoB,   [U,  F,   F,   U,   V,   NF,  F,   OK,  U ]),
    row("unmerge_ticket",         MergedIntoA,  [U,  F,   F,   U,   OK,  NF,  F,   OK,  U ]),
    row("link_ticket",            FreshWithA,   [U,  F,   F,   U,   OK,  NF,  F,   OK,  U ]),
    row("link_ticket",            AWithB,       [U,  F,   F,   U,   V,   NF,  F,   OK,  U ]),
    // Reports: stats.view in the department (limited has none); the trail: audit.view.
    row("load_dashboard",         Nothing,      [U,  F,   F,   U,   OK,  OK,  F,   OK,  U ]),
    row("load_dashboard",         DepartmentX,  [U,  F,   F,   U,   OK,  F,   F,   OK,  U ]),
    row("audit_page",             Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    row("verify_audit",           Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    // Administration: the admin only.
    row("settings_section",       Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    row("settings_item",          Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    row("save_settings_item",     Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    row("set_settings_active",    Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    row("dry_run_filters",        Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    row("integrations_base_url",  Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    row("email_overview",         Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    row("resend_mail",            Nothing,      [U,  F,   F,   U,   F,   F,   F,   C,   U ]),
    row("fetch_mailbox_now",      Nothing,      [U,  F,   F,   U,   F,   F,   F,   NF,  U ]),
    row("webhook_deliveries",     Nothing,      [U,  F,   F,   U,   F,   F,   F,   OK,  U ]),
    row("replay_webhook",         Nothing,      [U,  F,   F,   U,   F,   F,   F,   NF,  U ]),
    // Last: these end the guest link and the sessions the rows above use.
    row("revoke_guest_link",      Nothing,      [NF, NF,  NF,  OK,  NF,  NF,  NF,  NF,  NF]),
    row("end_my_session",         OthersSession,[U,  NF,  NF,  U,   NF,  NF,  NF,  NF,  U ]),
    row("end_my_other_sessions",  Nothing,      [U,  OK,  OK,  U,   OK,  OK,  OK,  OK,  U ]),
    row("sign_out",               Nothing,      [OK, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK]),
];

enum Args {
    Form(Vec<(&'static str, String)>),
    Json(Value),
}

fn form(pairs: &[(&'static str, &str)]) -> Args {
    Args::Form(pairs.iter().map(|(k, v)| (*k, v.to_string())).collect())
}

/// The arguments of `row`'s call by `caller`, aimed at the other party's things; built just
/// before the call (a ticket's version, a new ticket to merge).
async fn args(d: &Desk, row: &Row, caller: &Caller) -> Args {
    let me = caller.label;
    let number = |on: On| match on {
        A | CloseA | ReopenA => d.ticket_a.as_str(),
        B | CloseB | ReopenB => d.ticket_b.as_str(),
        other => panic!("{} {other:?} names no ticket", row.name),
    };
    let token = d.guest_link_as(caller.who);
    match (row.name, row.on) {
        ("current_session" | "my_sessions" | "end_my_other_sessions" | "sign_out", _) => form(&[]),
        ("sign_up", _) => form(&[
            ("email", EMAIL_A),
            ("name", "Someone"),
            ("password", PASSWORD),
        ]),
        ("sign_in", _) => {
            // Past the window in which failed sign-ins from one address are counted.
            d.app.advance(Duration::minutes(16));
            form(&[("email", EMAIL_A), ("password", "not alice's password")])
        }
        ("request_password_reset", _) => {
            // Resets per address are limited per hour.
            d.app.advance(Duration::minutes(7));
            form(&[("email", EMAIL_A)])
        }
        ("password_link", _) => form(&[("token", FORGED)]),
        ("my_second_factor" | "begin_second_factor", _) => form(&[]),
        // An empty code: refused before any code is compared (a guess could be right).
        (
            "sign_in_second_factor"
            | "confirm_second_factor"
            | "renew_recovery_codes"
            | "disable_second_factor",
            _,
        ) => form(&[("code", "")]),
        ("reset_second_factor", _) => form(&[("user", &d.spare_customer)]),
        ("set_password_with_link", _) => form(&[("token", FORGED), ("password", PASSWORD)]),
        ("complete_setup", _) => form(&[
            ("token", FORGED),
            ("email", "second.admin@example.com"),
            ("name", "Second"),
            ("password", PASSWORD),
        ]),
        ("find_accounts", _) => form(&[("search", "")]),
        ("create_staff", _) => form(&[
            ("email", &format!("staff.{me}@example.com")),
            ("name", "New Staff"),
            ("role", "agent"),
            ("password", PASSWORD),
        ]),
        ("set_account_active", _) => form(&[("id", &d.spare_customer), ("active", "true")]),
        ("set_memberships", _) => Args::Json(json!({ "id": d.spare_staff,
            "memberships": [{ "department": Y, "role": "view_only" }] })),
        ("set_organization", _) => form(&[("id", &d.spare_customer), ("organization", "")]),
        ("reset_password", _) => form(&[
            ("id", &d.spare_customer),
            ("password", "a password from the admin"),
        ]),
        ("help_topics", _) => form(&[]),
        ("my_tickets", _) => form(&[("search", "")]),
        ("open_ticket", _) => {
            let text = if caller.who == Who::CustomerA {
                "AliceOnly: the scanner too".to_string()
            } else {
                format!("A ticket of {me}'s")
            };
            form(&[("topic", "general"), ("subject", &text), ("message", &text)])
        }
        ("view_ticket", on) => form(&[("number", number(on))]),
        ("reply_to_ticket", on) => form(&[
            ("number", number(on)),
            ("message", &format!("A reply from {me}")),
        ]),
        ("change_ticket_status", on) => {
            let change = if matches!(on, CloseA | CloseB) {
                "Close"
            } else {
                "Reopen"
            };
            form(&[("number", number(on)), ("change", change)])
        }
        ("request_guest_link", _) => {
            // Links per address are limited per hour.
            d.app.advance(Duration::minutes(7));
            form(&[
                ("email", &format!("{me}@example.com")),
                ("number", &d.ticket_a),
            ])
        }
        ("guest_ticket" | "revoke_guest_link", _) => form(&[("token", token)]),
        ("guest_reply", _) => form(&[("token", token), ("message", "From my phone")]),
        ("agent_ticket", on) => form(&[("number", number(on))]),
        ("announce_presence", on) => form(&[
            ("number", number(on)),
            ("activity", "viewing"),
            ("tab", "matrix"),
        ]),
        ("ticket_history", on) => Args::Json(json!({ "number": number(on), "after": null })),
        ("post_to_ticket", on) => form(&[
            ("number", number(on)),
            ("version", &d.version(number(on)).await),
            ("kind", "reply"),
            ("message", &format!("A reply from {me}")),
        ]),
        ("change_ticket", on) => Args::Json(json!({ "number": number(on),
            "version": d.version(number(on)).await.parse::<u64>().unwrap(),
            "change": { "change": "tags", "tags": [format!("matrix-{me}")] } })),
        ("merge_ticket", on) => {
            let fresh = d.fresh_ticket_of_a().await;
            // Not B's own ticket: the admin's merge would show A's words on it.
            let target = if on == FreshIntoA {
                d.ticket_a.clone()
            } else {
                d.fresh_ticket_of_b().await
            };
            form(&[
                ("number", &fresh),
                ("version", &d.version(&fresh).await),
                ("target", &target),
            ])
        }
        ("unmerge_ticket", _) => form(&[("number", &d.merged_ticket_of_a().await)]),
        ("link_ticket", FreshWithA) => form(&[
            ("number", &d.fresh_ticket_of_a().await),
            ("other", &d.ticket_a),
        ]),
        ("link_ticket", AWithB) => form(&[("number", &d.ticket_a), ("other", &d.ticket_b)]),
        ("queue_nav" | "workspace" | "sla_compliance", _) => form(&[]),
        ("queue_page", on) => Args::Json(json!({ "query": match on {
            SearchA => json!({ "search": "zanzibar" }),
            SearchB => json!({ "search": "kestrel" }),
            DepartmentX => json!({ "queue": { "kind": "department", "key": X } }),
            QueueOfX => json!({ "queue": { "kind": "saved", "key": d.queue_x } }),
            _ => json!({}),
        } })),
        ("save_queue", _) => Args::Json(json!({ "name": format!("Queue of {me}"),
            "filter": { "state": "open" }, "columns": ["subject"], "sort": "newest" })),
        ("delete_queue", _) => form(&[("id", &d.fresh_queue_of_x().await)]),
        ("bulk_change", on) => Args::Json(json!({ "numbers": [number(on)],
            "change": { "change": "tags", "tags": [format!("bulk-{me}")] } })),
        ("load_dashboard", on) => Args::Json(json!({ "filter": if on == DepartmentX {
            json!({ "department": X })
        } else {
            json!({})
        } })),
        ("audit_page", _) => Args::Json(json!({ "filter": {}, "after": null })),
        ("verify_audit" | "integrations_base_url" | "email_overview" | "webhook_deliveries", _) => {
            form(&[])
        }
        ("settings_section", _) => Args::Json(json!({ "section": "api_keys" })),
        ("settings_item", _) => Args::Json(json!({ "section": "api_keys", "key": d.read_key })),
        ("save_settings_item", _) => Args::Json(json!({ "section": "teams", "key": null,
            "item": { "name": format!("Team of {me}"), "active": true, "lead": null,
                "members": [] } })),
        ("set_settings_active", _) => Args::Json(json!({ "section": "teams", "key": "tier_1",
            "active": true, "replacement": null })),
        ("dry_run_filters", _) => Args::Json(json!({ "sample": null, "last": 5,
            "edited_key": null, "edited": null })),
        ("resend_mail" | "replay_webhook", _) => form(&[("id", "nosuchmessage")]),
        ("fetch_mailbox_now", _) => form(&[("key", "nosuchmailbox")]),
        ("end_my_session", _) => {
            let other = if caller.who == Who::CustomerA {
                "custB"
            } else {
                "custA"
            };
            form(&[("key", d.session_of(other))])
        }
        (name, on) => panic!("no arguments for {name} {on:?}"),
    }
}

/// The outcome of a call: its status, or for a bulk change (which answers 200 with an outcome
/// per ticket) the one ticket's outcome.
fn outcome(name: &str, status: StatusCode, body: &Value) -> Outcome {
    if name != "bulk_change" || status != StatusCode::OK {
        return Outcome::of(status);
    }
    match body[0]["error"].as_str() {
        None => Outcome::Is(OK),
        Some(e) if e == AppError::NotFound.to_string() => Outcome::Is(NF),
        Some(e) => Outcome::Other(format!("200: {e}")),
    }
}

/// Rows whose calls go one after another: each is based on the ticket as the call before left it
/// (its version), or failed sign-ins must be apart. The others' calls run at once.
const IN_TURN: &[&str] = &[
    "sign_in",
    "change_ticket_status",
    "post_to_ticket",
    "change_ticket",
    "bulk_change",
    "merge_ticket",
    "unmerge_ticket",
    "link_ticket",
];

async fn call(d: &Desk, row: &Row, caller: &Caller, want: Want) -> Cell {
    let (status, body) = match args(d, row, caller).await {
        Args::Form(pairs) => {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            d.app.rpc_json(&caller.client, row.name, &pairs).await
        }
        Args::Json(body) => d.app.rpc_body(&caller.client, row.name, body).await,
    };
    let got = outcome(row.name, status, &body);
    Cell::new(caller, want, got, &body.to_string())
}

pub async fn run(d: &Desk) -> Matrix {
    let callers: Vec<&Caller> = d.people.iter().chain([&d.rpc_key]).collect();
    let mut matrix = Matrix::new(
        "server functions",
        callers.iter().map(|c| c.label).collect(),
    );
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    let tabled: BTreeSet<String> = ROWS.iter().map(|r| format!("/rpc/{}", r.name)).collect();
    for missing in registered.difference(&tabled) {
        matrix.problems.push(format!(
            "{missing} has no row: add its expected outcomes to ROWS in server_fns.rs"
        ));
    }
    for unknown in tabled.difference(&registered) {
        matrix
            .problems
            .push(format!("{unknown} has a row but is no server function"));
    }
    for row in ROWS {
        if !registered.contains(&format!("/rpc/{}", row.name)) {
            continue;
        }
        let cells = if IN_TURN.contains(&row.name) {
            let mut cells = Vec::with_capacity(callers.len());
            for (caller, want) in callers.iter().zip(row.want) {
                cells.push(call(d, row, caller, want).await);
            }
            cells
        } else {
            let calls = callers.iter().zip(row.want);
            futures::future::join_all(calls.map(|(caller, want)| call(d, row, caller, want))).await
        };
        matrix
            .rows
            .push((format!("{} {}", row.name, row.on.label()), cells));
    }
    matrix
}
