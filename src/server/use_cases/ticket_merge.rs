//! Merging a ticket into another (undoably) and linking related tickets.

use serde_json::json;

use crate::domain::audit::AuditRecord;
use crate::domain::config::role::Permission;
use crate::domain::permission::{Action, SignedInUser};
use crate::domain::ticket::{EntryKind, Source};
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{NewEntry, PairEntries, Refusal, StoreError};
use crate::server::use_cases::agent_ticket::{permitted, reachable, stale};

/// The thread entries a two-ticket action leaves: one on each ticket, by the same agent.
fn pair<'a>(
    kind: EntryKind,
    user: &'a SignedInUser,
    on_source: &'a str,
    on_target: &'a str,
    at: chrono::DateTime<chrono::Utc>,
) -> PairEntries<'a> {
    let entry = |body| NewEntry {
        kind,
        attachments: &[],
        author_id: Some(&user.id),
        author_name: &user.name,
        by_staff: true,
        body,
        source: Source::Web,
        email: None,
        at,
    };
    PairEntries {
        on_source: entry(on_source),
        on_target: entry(on_target),
    }
}

fn refused(e: StoreError) -> AppError {
    match e {
        StoreError::Refused(Refusal::UnknownTicket) => AppError::NotFound,
        StoreError::Refused(Refusal::MergeInvalid) => AppError::conflict(
            "These tickets cannot be merged: a ticket cannot merge into itself, and merged tickets cannot merge again until the merge is undone.",
        ),
        other => internal(other),
    }
}

/// Merges `number` (as seen at `version`) into `target`: threads show together on the target,
/// the source closes and points at it, and undo restores both.
pub async fn merge(
    state: &AppState,
    caller: &Caller,
    number: &str,
    version: u64,
    target: &str,
) -> Result<(), AppError> {
    let source = reachable(state, caller, number, Action::WorkTicket).await?;
    permitted(caller, &source, Permission::TicketMerge)?;
    let target = reachable(state, caller, target, Action::WorkTicket)
        .await
        .map_err(|_| {
            AppError::invalid("target", "No ticket with that number that you can work on.")
        })?;
    let user = caller.actor.user().ok_or(AppError::Unauthenticated)?;
    let now = state.clock.now();
    let on_source = format!("{} merged this ticket into #{}.", user.name, target.number);
    let on_target = format!("{} merged #{} into this ticket.", user.name, source.number);
    let entries = pair(EntryKind::SystemEvent, user, &on_source, &on_target, now);
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "ticket.merged",
        caller.origin.clone(),
    )
    .object("ticket", &source.number)
    .before(json!({ "status": source.status.key }))
    .after(json!({ "merged_into": target.number }));
    match state
        .store
        .merge_tickets(
            &source.number,
            &target.number,
            version,
            &entries,
            now,
            &record,
        )
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::Refused(Refusal::Stale)) => {
            Err(stale(state, &source.number, version).await)
        }
        Err(e) => Err(refused(e)),
    }
}

pub async fn unmerge(state: &AppState, caller: &Caller, number: &str) -> Result<(), AppError> {
    let source = reachable(state, caller, number, Action::WorkTicket).await?;
    permitted(caller, &source, Permission::TicketMerge)?;
    let user = caller.actor.user().ok_or(AppError::Unauthenticated)?;
    let Some(target) = source.merged_into.clone() else {
        return Err(AppError::conflict(
            "This ticket is not merged into another.",
        ));
    };
    let now = state.clock.now();
    let on_source = format!(
        "{} undid the merge of this ticket into #{target}.",
        user.name
    );
    let on_target = format!(
        "{} undid the merge of #{} into this ticket.",
        user.name, source.number
    );
    let entries = pair(EntryKind::SystemEvent, user, &on_source, &on_target, now);
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "ticket.unmerged",
        caller.origin.clone(),
    )
    .object("ticket", &source.number)
    .before(json!({ "merged_into": target }));
    state
        .store
        .unmerge_ticket(&source.number, &entries, now, &record)
        .await
        .map_err(refused)
}

pub async fn link(
    state: &AppState,
    caller: &Caller,
    number: &str,
    other: &str,
) -> Result<(), AppError> {
    let source = reachable(state, caller, number, Action::WorkTicket).await?;
    permitted(caller, &source, Permission::TicketLink)?;
    let other = reachable(state, caller, other, Action::ReadTicket)
        .await
        .map_err(|_| AppError::invalid("other", "No ticket with that number that you can see."))?;
    if other.number == source.number || source.links.contains(&other.number) {
        return Err(AppError::conflict("These tickets are already linked."));
    }
    let user = caller.actor.user().ok_or(AppError::Unauthenticated)?;
    let now = state.clock.now();
    let on_source = format!("{} linked this ticket with #{}.", user.name, other.number);
    let on_target = format!("{} linked this ticket with #{}.", user.name, source.number);
    let entries = pair(EntryKind::StaffEvent, user, &on_source, &on_target, now);
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "ticket.linked",
        caller.origin.clone(),
    )
    .object("ticket", &source.number)
    .after(json!({ "linked": other.number }));
    state
        .store
        .link_tickets(&source.number, &other.number, &entries, &record)
        .await
        .map_err(refused)
}
