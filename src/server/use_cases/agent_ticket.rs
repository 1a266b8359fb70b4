//! What agents do on one ticket: read it, reply or note, and show colleagues they are there
//! (property changes are in `ticket_changes`). Every write names the version it was based on.

use serde_json::json;

use crate::domain::audit::AuditRecord;
use crate::domain::config::resolution::resolution_for_close;
use crate::domain::config::role::Permission;
use crate::domain::form::{FieldKind, FieldValue};
use crate::domain::live::Activity;
use crate::domain::permission::{Action, Resource, authorize};
use crate::domain::ticket::{EntryKind, Source, Ticket};
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{NewEntry, Patch, Refusal, StoreError, TicketWrite};
use crate::server::use_cases::agent_queue::staff;
use crate::server::use_cases::general_settings;
use crate::server::use_cases::notifications;
use crate::server::use_cases::ticket_changes::form_of;
use crate::server::use_cases::tickets::{
    attachment_gone, check_attachment_count, message_text, shown_fields,
};
use crate::server_fns::agent_ticket::{
    AgentTicket, AlertPanel, Colleague, EditableField, PostKind,
};

/// The ticket if the caller may `action` it; "not found" otherwise, as for no ticket at all.
pub(super) async fn reachable(
    state: &AppState,
    caller: &Caller,
    number: &str,
    action: Action,
) -> Result<Ticket, AppError> {
    staff(caller)?;
    let ticket = state
        .store
        .ticket(number.trim())
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    authorize(&caller.actor, action, &Resource::Ticket(ticket.access()))
        .map_err(|_| AppError::NotFound)?;
    Ok(ticket)
}

/// Whether the caller's role in the ticket's department (or one it is referred to) permits
/// `permission`; a clear refusal naming what is missing otherwise.
pub(super) fn permitted(
    caller: &Caller,
    ticket: &Ticket,
    permission: Permission,
) -> Result<(), AppError> {
    authorize(
        &caller.actor,
        Action::Perform(permission),
        &Resource::Ticket(ticket.access()),
    )
    .map_err(|_| AppError::NotPermitted {
        message: format!(
            "Your role in {} does not allow this: it lacks “{}” ({}).",
            ticket.department_name,
            permission.label(),
            permission.key()
        ),
    })
}

pub async fn view(
    state: &AppState,
    caller: &Caller,
    number: &str,
) -> Result<AgentTicket, AppError> {
    let ticket = reachable(state, caller, number, Action::ReadTicket).await?;
    let now = state.clock.now();
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "ticket.viewed",
        caller.origin.clone(),
    )
    .object("ticket", &ticket.number)
    .after(json!({ "via": if caller.channel() == Source::Api { "api" } else { "agent" } }));
    state.store.append_audit(&record).await.map_err(internal)?;
    let thread = state
        .store
        .thread(&ticket.number, false)
        .await
        .map_err(internal)?;
    let mut merged_here: Vec<String> = Vec::new();
    for entry in thread.iter().filter(|e| e.ticket != ticket.number) {
        if !merged_here.contains(&entry.ticket) {
            merged_here.push(entry.ticket.clone());
        }
    }
    let me = caller.actor.user().map(|u| u.id.as_str());
    let colleagues = state
        .store
        .presence(&ticket.number, now)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|p| Some(p.user.as_str()) != me)
        .map(|p| Colleague {
            user: p.user,
            tab: p.tab,
            name: p.name,
            activity: p.activity,
            at: p.at,
        })
        .collect();
    let form = form_of(state, &ticket)
        .await?
        .into_iter()
        .filter(|d| d.kind != FieldKind::File)
        .map(|def| EditableField {
            inputs: ticket
                .fields
                .get(&def.name)
                .map(FieldValue::inputs)
                .unwrap_or_default(),
            def,
        })
        .collect();
    let allowed = Permission::ALL
        .into_iter()
        .filter(|p| p.per_department() && permitted(caller, &ticket, *p).is_ok())
        .collect();
    let works = authorize(
        &caller.actor,
        Action::WorkTicket,
        &Resource::Ticket(ticket.access()),
    )
    .is_ok();
    let sla = crate::server::use_cases::sla::clocks(state, &ticket, now).await?;
    let alert = state
        .store
        .alert_record(&ticket.number)
        .await
        .map_err(internal)?
        .map(|a| AlertPanel {
            observables: a
                .observables
                .as_deref()
                .and_then(|o| serde_json::from_str(o).ok())
                .unwrap_or_default(),
            source: a.source,
            fingerprint: a.fingerprint,
            rule: a.rule,
            occurrences: a.occurrences,
            last_seen: a.last_seen,
        });
    Ok(AgentTicket {
        alert,
        form,
        fields: shown_fields(state, &ticket).await?,
        allowed,
        works,
        sla,
        ticket,
        thread,
        merged_here,
        colleagues,
    })
}

/// A reply or note as the agent writes it.
pub struct Post<'a> {
    pub kind: PostKind,
    pub message: &'a str,
    pub attachments: &'a [String],
    /// A status to set with the post.
    pub status: Option<&'a str>,
    /// How the ticket ended, when the status closes it.
    pub resolution: Option<&'a str>,
}

pub async fn post(
    state: &AppState,
    caller: &Caller,
    number: &str,
    version: Option<u64>,
    post: Post<'_>,
) -> Result<(), AppError> {
    let ticket = reachable(state, caller, number, Action::WorkTicket).await?;
    // Without a version the post applies to the ticket as it is now.
    let version = version.unwrap_or(ticket.version);
    if post.kind == PostKind::Reply {
        permitted(caller, &ticket, Permission::TicketReply)?;
    }
    let user = caller.actor.user().ok_or(AppError::Unauthenticated)?;
    check_attachment_count(&general_settings::current(state).await?, post.attachments)?;
    let body = message_text(post.message).map_err(|e| AppError::Invalid { fields: vec![e] })?;
    let status = match post.status.filter(|s| !s.is_empty()) {
        Some(key) => Some(
            state
                .store
                .status(key)
                .await
                .map_err(internal)?
                .ok_or_else(|| AppError::invalid("status", "Choose one of the statuses."))?,
        ),
        None => None,
    };
    if status
        .as_ref()
        .is_some_and(|s| s.state == crate::domain::ticket::State::Closed)
    {
        permitted(caller, &ticket, Permission::TicketClose)?;
    }
    let class = match status.as_ref().filter(|s| s.key != ticket.status.key) {
        Some(s) if s.state == crate::domain::ticket::State::Closed => {
            let classes = state.store.catalog().await.map_err(internal)?.resolutions;
            resolution_for_close(
                post.resolution,
                ticket.source == crate::domain::ticket::Source::Alert,
                &classes,
            )
            .map_err(|e| AppError::invalid("resolution", e.to_string()))?
        }
        _ => None,
    };
    let now = state.clock.now();
    let (kind, action) = match post.kind {
        PostKind::Reply => (EntryKind::AgentReply, "ticket.replied"),
        PostKind::Note => (EntryKind::InternalNote, "ticket.noted"),
    };
    let mut patches = Vec::new();
    if post.kind == PostKind::Reply {
        patches.push(Patch::FirstResponse(now));
    }
    if let Some(status) = status.as_ref().filter(|s| s.key != ticket.status.key) {
        patches.push(Patch::Status(status));
        patches.extend(class.as_deref().map(Patch::Resolution));
    }
    let record = AuditRecord::new(now, caller.audit_actor(), action, caller.origin.clone())
        .object("ticket", &ticket.number)
        .after(json!({ "kind": kind.as_str(), "length": body.chars().count(), "status": status.as_ref().map(|s| &s.key) }));
    let mail = match post.kind {
        PostKind::Reply => notifications::agent_replied(state, &ticket, &user.name, &body).await?,
        PostKind::Note => Vec::new(),
    };
    let write = TicketWrite {
        number: &ticket.number,
        based_on: Some(version),
        entry: NewEntry {
            kind,
            attachments: post.attachments,
            author_id: Some(&user.id),
            author_name: &user.name,
            by_staff: true,
            body: &body,
            source: caller.channel(),
            email: None,
            at: now,
        },
        patches: &patches,
        once: None,
        mail: &mail,
    };
    save(state, &write, &record, version).await
}

/// Writes, turning refusals into what the agent should read.
pub(super) async fn save(
    state: &AppState,
    write: &TicketWrite<'_>,
    record: &AuditRecord,
    version: u64,
) -> Result<(), AppError> {
    match state.store.write_ticket(write, record).await {
        Ok(()) => Ok(()),
        Err(StoreError::Refused(Refusal::Stale)) => Err(stale(state, write.number, version).await),
        Err(StoreError::Refused(Refusal::AttachmentInvalid)) => Err(attachment_gone()),
        Err(StoreError::Refused(Refusal::UnknownTicket)) => Err(AppError::NotFound),
        Err(e) => Err(internal(e)),
    }
}

/// The conflict a stale change meets: what happened since the version the agent saw.
pub(super) async fn stale(state: &AppState, number: &str, version: u64) -> AppError {
    let missed = match state.store.entries_since(number, version).await {
        Ok(entries) => entries,
        Err(e) => return internal(e),
    };
    let happened: Vec<String> = missed
        .iter()
        .map(|e| match e.kind {
            EntryKind::SystemEvent | EntryKind::StaffEvent => e.body.clone(),
            EntryKind::CustomerMessage => format!("{} wrote a new message.", e.author_name),
            EntryKind::AgentReply => format!("{} replied.", e.author_name),
            EntryKind::InternalNote => format!("{} added an internal note.", e.author_name),
        })
        .collect();
    let what = if happened.is_empty() {
        "Someone else changed it.".to_string()
    } else {
        happened.join(" ")
    };
    AppError::conflict(format!(
        "This ticket changed while you were working on it: {what} Nothing was saved; review the ticket and try again."
    ))
}

pub async fn announce(
    state: &AppState,
    caller: &Caller,
    number: &str,
    tab: &str,
    activity: Activity,
) -> Result<(), AppError> {
    if tab.len() > 32 || !tab.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::invalid(
            "tab",
            "A tab id is at most 32 letters and digits.",
        ));
    }
    let ticket = reachable(state, caller, number, Action::WorkTicket).await?;
    let user = caller.actor.user().ok_or(AppError::Unauthenticated)?;
    state
        .store
        .set_presence(
            &ticket.access(),
            &user.id,
            tab,
            &user.name,
            activity,
            state.clock.now(),
        )
        .await
        .map_err(internal)
}
