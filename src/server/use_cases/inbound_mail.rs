//! Mail coming in, from a mailbox, the `tickets.email` API or the mail pipe: parsed, matched to
//! its ticket (and told how), or turned into a new ticket through the same path as the portal.
//! Machines get no auto-response; a re-delivered message adds nothing; bounces are noted on the
//! ticket they are about.

use serde_json::json;

use crate::domain::audit::{AuditActor, AuditRecord, Origin};
use crate::domain::mail::incoming::IncomingMail;
use crate::domain::mail::loops::{Automatic, automatic};
use crate::domain::mail::mailbox::MailboxDef;
use crate::domain::mail::outgoing::number_in_subject;
use crate::domain::mail::quote::{html_to_text, strip_html_quotes, strip_quotes};
use crate::domain::mail::threading::{Known, Thread, decide};
use crate::domain::mail::token;
use crate::domain::routing::Channel;
use crate::domain::ticket::{EntryKind, Source, State, Ticket, parse_subject};
use crate::domain::user::{Email, Role, UserSummary};
use crate::error::AppError;
use crate::server::mail::imap;
use crate::server::mail::parse::parse;
use crate::server::request::{Caller, internal};
use crate::server::sanitize::sanitize_html;
use crate::server::state::AppState;
use crate::server::store::{EntryEmail, NewEntry, Patch, Refusal, StoreError, TicketWrite};
use crate::server::use_cases::attachments::store_received_files;
use crate::server::use_cases::tickets::{Creation, Requester, create};
use crate::server::use_cases::{accounts, general_settings, notifications};

/// The largest message accepted (what the mail pipe and the API read at most).
pub const MAX_MESSAGE_BYTES: usize = 40 * 1024 * 1024;

/// Where the message came from: new tickets from a mailbox go to its department and topic.
pub enum Inbound<'a> {
    Api,
    Pipe,
    Mailbox(&'a MailboxDef),
}

/// What became of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    Created(String),
    Added(String),
    /// Seen before (same Message-ID): nothing added.
    Duplicate(String),
    /// A delivery failure report, noted on the ticket it is about (if found).
    Bounce(Option<String>),
}

impl Received {
    pub fn number(&self) -> Option<&str> {
        match self {
            Received::Created(n) | Received::Added(n) | Received::Duplicate(n) => Some(n),
            Received::Bounce(n) => n.as_deref(),
        }
    }
}

pub async fn receive(
    state: &AppState,
    caller: &Caller,
    raw: &[u8],
    inbound: Inbound<'_>,
) -> Result<Received, AppError> {
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(AppError::invalid(
            "message",
            "The message is larger than 40 MB.",
        ));
    }
    let mail = parse(raw).ok_or_else(|| {
        AppError::invalid(
            "message",
            "This is not an email message: no headers could be read.",
        )
    })?;
    if let Some(id) = &mail.message_id
        && let Some(number) = state
            .store
            .ticket_with_message(id)
            .await
            .map_err(internal)?
    {
        return Ok(Received::Duplicate(number));
    }
    if mail.from.email.is_empty() && !mail.is_report {
        return Err(AppError::invalid(
            "from",
            "The message has no sender (From) to answer.",
        ));
    }
    let machine = automatic(&mail);
    if machine == Some(Automatic::Bounce) {
        return bounce(state, caller, &mail, raw).await;
    }
    if Email::parse(&mail.from.email).is_err() {
        return Err(AppError::invalid(
            "from",
            "The message has no sender address to answer.",
        ));
    }
    let secret = state.secret.signing();
    let parents: Vec<String> = mail.parents().into_iter().map(|(_, id)| id).collect();
    let subject_people = match number_in_subject(&mail.subject) {
        Some(number) => state.store.ticket_people(&number).await.map_err(internal)?,
        None => None,
    };
    let known = Known {
        stored: state
            .store
            .tickets_of_message_ids(&parents)
            .await
            .map_err(internal)?,
        subject_ticket_people: subject_people,
    };
    match decide(&mail, &secret, &known) {
        Thread::Existing { number, by } => {
            let ticket = follow_merges(state, &number).await?;
            match ticket {
                Some(ticket) if ticket_takes_mail(&ticket) => {
                    add_to(state, caller, &ticket, &mail, machine, Some(by.explain())).await
                }
                Some(ticket) => {
                    let note = format!(
                        "This mail answered ticket #{}, whose status ({}) does not take replies, so it opened a new ticket.",
                        ticket.number, ticket.status.name
                    );
                    open(state, caller, &mail, machine, inbound, Some(note)).await
                }
                None => open(state, caller, &mail, machine, inbound, None).await,
            }
        }
        Thread::New { note } => open(state, caller, &mail, machine, inbound, note).await,
    }
}

/// Whether a reply can be added: open, or closed with a status the customer may reopen.
fn ticket_takes_mail(ticket: &Ticket) -> bool {
    ticket.status.state == State::Open || ticket.status.customer_may_reopen
}

async fn follow_merges(state: &AppState, number: &str) -> Result<Option<Ticket>, AppError> {
    let mut ticket = state.store.ticket(number).await.map_err(internal)?;
    // A merged ticket lives on in the one it was merged into (one hop is the rule; a few allow
    // for chains written before that rule).
    for _ in 0..5 {
        match ticket.as_ref().and_then(|t| t.merged_into.clone()) {
            Some(target) => ticket = state.store.ticket(&target).await.map_err(internal)?,
            None => break,
        }
    }
    Ok(ticket)
}

/// The sender's account, created as a customer when there is none (as osTicket does for mail).
async fn sender_account(
    state: &AppState,
    caller: &Caller,
    mail: &IncomingMail,
) -> Result<UserSummary, AppError> {
    accounts::customer_for_address(state, caller, &mail.from.email, mail.from.name.as_deref()).await
}

/// A mail's attachments and inline images as (name, bytes).
fn files_of(mail: &IncomingMail) -> Vec<(&str, &[u8])> {
    mail.attachments
        .iter()
        .map(|a| (a.name.as_str(), a.bytes.as_slice()))
        .collect()
}

/// The new text of a message: quotes stripped, never empty.
fn body_of(mail: &IncomingMail) -> String {
    let text = strip_quotes(&mail.text);
    if text.trim().is_empty() {
        "(This email had no text.)".to_string()
    } else {
        text.chars().take(crate::domain::form::MAX_TEXT).collect()
    }
}

/// The message's HTML as the thread shows it: without quotes, sanitised; none when it says no
/// more than the text.
fn rich_of(mail: &IncomingMail) -> Option<String> {
    let html = mail.html.as_deref()?;
    let clean = sanitize_html(&strip_html_quotes(html));
    (!html_to_text(&clean).trim().is_empty()).then_some(clean)
}

async fn add_to(
    state: &AppState,
    caller: &Caller,
    ticket: &Ticket,
    mail: &IncomingMail,
    machine: Option<Automatic>,
    via: Option<String>,
) -> Result<Received, AppError> {
    let author = sender_account(state, caller, mail).await?;
    let staff = author.role != Role::Customer;
    let body = body_of(mail);
    let now = state.clock.now();
    let attachments = store_received_files(state, caller, &author.id, &files_of(mail)).await?;
    let reopen = match ticket.status.state {
        State::Closed => state.store.status("open").await.map_err(internal)?,
        State::Open => None,
    };
    let patches: Vec<Patch<'_>> = reopen.iter().map(Patch::Status).collect();
    // Staff answering a ticket's mail write an internal note: nothing reaches the customer by
    // accident; the note says it came by email.
    let kind = if staff {
        EntryKind::InternalNote
    } else {
        EntryKind::CustomerMessage
    };
    let mail_out = if staff || machine.is_some() {
        Vec::new()
    } else {
        notifications::customer_wrote(state, ticket, &author.email, &body).await?
    };
    let email = EntryEmail {
        message_id: mail.message_id.clone(),
        via,
        rich: rich_of(mail),
    };
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "email.received",
        caller.origin.clone(),
    )
    .object("ticket", &ticket.number)
    .after(
        json!({ "from": author.email, "message_id": mail.message_id, "subject": mail.subject,
        "matched": email.via, "reopened": reopen.is_some(), "attachments": attachments.len() }),
    );
    let write = TicketWrite {
        number: &ticket.number,
        based_on: None,
        entry: NewEntry {
            kind,
            attachments: &attachments,
            author_id: Some(&author.id),
            author_name: &author.name,
            by_staff: kind != EntryKind::CustomerMessage,
            body: &body,
            source: Source::Email,
            email: Some(&email),
            at: now,
        },
        patches: &patches,
        once: None,
        mail: &mail_out,
    };
    match state.store.write_ticket(&write, &record).await {
        Ok(()) => Ok(Received::Added(ticket.number.clone())),
        Err(StoreError::Refused(Refusal::UnknownTicket)) => Err(AppError::NotFound),
        Err(e) => Err(internal(e)),
    }
}

async fn open(
    state: &AppState,
    caller: &Caller,
    mail: &IncomingMail,
    machine: Option<Automatic>,
    inbound: Inbound<'_>,
    note: Option<String>,
) -> Result<Received, AppError> {
    let requester = sender_account(state, caller, mail).await?;
    let general = general_settings::current(state).await?;
    let (department, topic_key) = match &inbound {
        Inbound::Mailbox(def) => (Some(def.department.clone()), def.help_topic.clone()),
        Inbound::Api | Inbound::Pipe => (None, None),
    };
    let topic_key = topic_key.or(general.default_topic.clone());
    let mut topic = match &topic_key {
        Some(key) => state.store.topic(key).await.map_err(internal)?,
        None => None,
    };
    if topic.is_none() {
        topic = state
            .store
            .public_topics()
            .await
            .map_err(internal)?
            .into_iter()
            .next();
    }
    let mut topic = topic.ok_or_else(|| {
        AppError::conflict("No help topic is active, so mail cannot open tickets.")
    })?;
    if let Some(department) = department {
        topic.department = department;
    }
    let subject = parse_subject(&mail.subject)
        .unwrap_or_else(|_| parse_subject("(no subject)").expect("a plain subject"));
    let body = body_of(mail);
    let attachments = store_received_files(state, caller, &requester.id, &files_of(mail)).await?;
    let own = state.store.own_addresses().await.map_err(internal)?;
    let from_us = own.iter().any(|a| a.eq_ignore_ascii_case(&requester.email))
        || state
            .settings
            .mail
            .from
            .to_ascii_lowercase()
            .contains(&requester.email);
    let mut note = note;
    if let Some(machine) = machine {
        let why = format!("No auto-response: the mail is {}.", machine.describe());
        note = Some(note.map_or(why.clone(), |n| format!("{n}\n{why}")));
    }
    let email = EntryEmail {
        message_id: mail.message_id.clone(),
        via: None,
        rich: rich_of(mail),
    };
    let values = Default::default();
    let number = create(
        state,
        caller,
        Creation {
            requester: Requester::from(&requester),
            topic: &topic,
            subject: &subject,
            message: &body,
            values: &values,
            field_text: Default::default(),
            attachments: &attachments,
            collaborators: &[],
            channel: Channel::Email,
            source: Source::Email,
            headers: mail.headers.clone(),
            autorespond: machine.is_none() && !from_us,
            alert: true,
            email: Some(&email),
            note,
            siem: None,
        },
    )
    .await?;
    Ok(Received::Created(number))
}

/// A delivery failure: noted on the ticket whose mail bounced (found by our signed Message-ID
/// anywhere in the report), never answered.
async fn bounce(
    state: &AppState,
    caller: &Caller,
    mail: &IncomingMail,
    raw: &[u8],
) -> Result<Received, AppError> {
    let secret = state.secret.signing();
    let text = String::from_utf8_lossy(raw);
    let number = text
        .split(|c: char| c.is_whitespace() || c == '<' || c == '>')
        .filter(|word| word.starts_with("docket."))
        .find_map(|word| token::ticket_of(&secret, word));
    let now = state.clock.now();
    let Some(number) = number else {
        let record = AuditRecord::new(
            now,
            caller.audit_actor(),
            "email.bounce_unmatched",
            caller.origin.clone(),
        )
        .after(json!({ "from": mail.from.email, "subject": mail.subject, "message_id": mail.message_id }));
        state.store.append_audit(&record).await.map_err(internal)?;
        return Ok(Received::Bounce(None));
    };
    let failed: Vec<&str> = mail
        .text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(6)
        .collect();
    let body = format!(
        "Mail from this ticket could not be delivered ({}):\n{}",
        mail.subject,
        failed.join("\n")
    );
    let email = EntryEmail {
        message_id: mail.message_id.clone(),
        via: Some("a delivery failure report naming this ticket's mail".into()),
        rich: None,
    };
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "email.bounced",
        caller.origin.clone(),
    )
    .object("ticket", &number)
    .after(json!({ "from": mail.from.email, "subject": mail.subject }));
    let write = TicketWrite {
        number: &number,
        based_on: None,
        entry: NewEntry {
            kind: EntryKind::StaffEvent,
            attachments: &[],
            author_id: None,
            author_name: "Docket mail",
            by_staff: false,
            body: &body,
            source: Source::Email,
            email: Some(&email),
            at: now,
        },
        patches: &[],
        once: None,
        mail: &[],
    };
    match state.store.write_ticket(&write, &record).await {
        Ok(()) => Ok(Received::Bounce(Some(number))),
        Err(StoreError::Refused(Refusal::UnknownTicket)) => Ok(Received::Bounce(None)),
        Err(e) => Err(internal(e)),
    }
}

/// Fetches every mailbox whose turn has come.
pub async fn fetch_due_mailboxes(state: &AppState) -> Result<(), AppError> {
    let now = state.clock.now();
    for mailbox in state.store.mailboxes().await.map_err(internal)? {
        if !mailbox.def.active {
            continue;
        }
        let next = now + chrono::Duration::seconds(mailbox.def.interval_seconds);
        if !state
            .store
            .take_mailbox_turn(&mailbox.key, now, next)
            .await
            .map_err(internal)?
        {
            continue;
        }
        let (fetched, error) = fetch_mailbox(state, &mailbox.key, &mailbox.def).await;
        if let Some(error) = &error {
            tracing::warn!(mailbox = %mailbox.def.name, %error, "mailbox fetch failed");
        }
        state
            .store
            .mailbox_fetched(&mailbox.key, state.clock.now(), fetched, error.as_deref())
            .await
            .map_err(internal)?;
    }
    Ok(())
}

/// The mailbox's password: from its environment variable, else the stored (sealed) one.
fn password(state: &AppState, def: &MailboxDef) -> Result<String, String> {
    if !def.password_env.is_empty() {
        return std::env::var(&def.password_env)
            .map_err(|_| format!("the environment variable {} is not set", def.password_env));
    }
    def.sealed_password
        .as_deref()
        .and_then(|sealed| state.secret.open(sealed))
        .ok_or_else(|| {
            "the stored password cannot be read (was the secret key changed?); enter it again"
                .into()
        })
}

/// One fetch: how many messages were taken, and the error that stopped it, if any. A message
/// is archived or deleted only after it is stored (or refused for good).
async fn fetch_mailbox(state: &AppState, key: &str, def: &MailboxDef) -> (usize, Option<String>) {
    let password = match password(state, def) {
        Ok(p) => p,
        Err(e) => return (0, Some(e)),
    };
    let mut session = match imap::Mailbox::open(def, &password).await {
        Ok(s) => s,
        Err(e) => return (0, Some(e)),
    };
    let caller = Caller::machine(
        AuditActor {
            kind: crate::domain::audit::ActorKind::System,
            id: Some(format!("mailbox:{key}")),
            label: format!("mailbox {}", def.name),
        },
        Origin {
            ip: Some(def.host.clone()),
            user_agent: Some("IMAP fetch".into()),
        },
    );
    let mut fetched = 0;
    let mut error = None;
    let uids = match session.waiting().await {
        Ok(uids) => uids,
        Err(e) => {
            session.close().await;
            return (0, Some(e));
        }
    };
    for uid in uids {
        let raw = match session.fetch(uid).await {
            Ok(Some(raw)) => raw,
            Ok(None) => continue,
            Err(e) => {
                error = Some(e);
                break;
            }
        };
        match receive(state, &caller, &raw, Inbound::Mailbox(def)).await {
            Ok(_) => {}
            // Refused for good (not mail, no sender, rejected by a filter): recorded, and moved
            // out of the way so it is not fetched again and again.
            Err(
                e @ (AppError::Invalid { .. }
                | AppError::Conflict { .. }
                | AppError::Rejected { .. }),
            ) => {
                tracing::info!(mailbox = %def.name, uid, error = %e, "mail refused");
            }
            Err(e) => {
                error = Some(format!("storing a message failed: {e}"));
                break;
            }
        }
        if let Err(e) = session.done(uid).await {
            error = Some(e);
            break;
        }
        fetched += 1;
    }
    session.close().await;
    (fetched, error)
}
