//! Changing a ticket's properties as staff: one change (status, priority, assignee, team,
//! department, referral, help topic, due date, tags, copied customers, custom fields) checked
//! against the catalogue and the ticket, or the same change to many tickets, each on its own.

use std::collections::BTreeMap;

use serde_json::json;

use crate::domain::audit::AuditRecord;
use crate::domain::config::resolution::resolution_for_close;
use crate::domain::config::role::Permission;
use crate::domain::form::{FieldDef, FieldEdit, FieldValue, edit_fields};
use crate::domain::permission::{Action, Actor, Resource, SignedInUser, authorize};
use crate::domain::ticket::{EntryKind, Source, State, Ticket};
use crate::domain::ticket_change::{TicketChange, change_sentence, parse_tags};
use crate::domain::user::Role;
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{NewEntry, Patch, TicketWrite};
use crate::server::use_cases::agent_queue::staff;
use crate::server::use_cases::agent_ticket::{permitted, reachable, save, stale};
use crate::server::use_cases::notifications;
use crate::server::use_cases::tickets::{copied, search_text};
use crate::server_fns::agent_queue::BulkOutcome;

/// The most tickets one bulk change touches.
const MAX_BULK: usize = 100;

/// Applies one property change; `version: None` applies it to whatever is current (bulk).
pub async fn change(
    state: &AppState,
    caller: &Caller,
    number: &str,
    version: Option<u64>,
    change: &TicketChange,
) -> Result<(), AppError> {
    let ticket = reachable(state, caller, number, Action::WorkTicket).await?;
    let resolved = prepare(state, caller, &ticket, change)
        .await?
        .ok_or_else(unchanged)?;
    write(state, caller, &ticket, version, change, resolved).await
}

/// Several property changes at once (the REST API's PATCH): every one is checked against the
/// ticket and the caller's role before any is written, so a refused one leaves the ticket as it
/// was; changes to the value the ticket already has are skipped. Then each is written with its
/// own history entry and audit event, the first based on `version`. Returns how many applied.
pub async fn change_all(
    state: &AppState,
    caller: &Caller,
    number: &str,
    version: Option<u64>,
    changes: &[TicketChange],
) -> Result<usize, AppError> {
    let ticket = reachable(state, caller, number, Action::WorkTicket).await?;
    if let Some(version) = version
        && version != ticket.version
    {
        return Err(stale(state, &ticket.number, version).await);
    }
    let mut pending = Vec::new();
    for change in changes {
        if prepare(state, caller, &ticket, change).await?.is_some() {
            pending.push(change);
        }
    }
    for (i, change) in pending.iter().enumerate() {
        let current = reachable(state, caller, number, Action::WorkTicket).await?;
        // A later change is re-resolved against the ticket the earlier ones produced.
        let Some(resolved) = prepare(state, caller, &current, change).await? else {
            continue;
        };
        let based_on = if i == 0 { version } else { None };
        write(state, caller, &current, based_on, change, resolved).await?;
    }
    Ok(pending.len())
}

/// The change resolved and permitted for the caller; `None` when it changes nothing.
async fn prepare(
    state: &AppState,
    caller: &Caller,
    ticket: &Ticket,
    change: &TicketChange,
) -> Result<Option<Resolved>, AppError> {
    let user = caller.actor.user().ok_or(AppError::Unauthenticated)?;
    let Some(resolved) = resolve(state, user, ticket, change).await? else {
        return Ok(None);
    };
    permitted(caller, ticket, resolved.permission())?;
    Ok(Some(resolved))
}

async fn write(
    state: &AppState,
    caller: &Caller,
    ticket: &Ticket,
    version: Option<u64>,
    change: &TicketChange,
    resolved: Resolved,
) -> Result<(), AppError> {
    let user = caller.actor.user().ok_or(AppError::Unauthenticated)?;
    let based_on = version.unwrap_or(ticket.version);
    let now = state.clock.now();
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        &format!("ticket.{}_changed", change.field()),
        caller.origin.clone(),
    )
    .object("ticket", &ticket.number)
    .before(json!({ change.field(): resolved.before }))
    .after(match &resolved.patch {
        // A status change says whether it closes the ticket (webhooks' ticket.closed).
        ResolvedPatch::Status(status, class) => json!({ "status": resolved.after,
            "state": if status.state == State::Closed { "closed" } else { "open" },
            "resolution": class }),
        _ => json!({ change.field(): resolved.after }),
    });
    let patches = resolved.patches();
    let mail = match &resolved.patch {
        ResolvedPatch::Assignee(Some(agent)) => {
            notifications::assigned(state, ticket, agent, Some(&user.id), &user.name).await?
        }
        ResolvedPatch::Department(department) => {
            let name = resolved.after_name.as_deref().unwrap_or(department);
            notifications::transferred(state, ticket, department, name, &user.email, &user.name)
                .await?
        }
        _ => Vec::new(),
    };
    let write = TicketWrite {
        number: &ticket.number,
        based_on: Some(based_on),
        entry: NewEntry {
            kind: resolved.kind,
            attachments: &[],
            author_id: Some(&user.id),
            author_name: &user.name,
            by_staff: true,
            body: &resolved.sentence,
            source: caller.channel(),
            email: None,
            at: now,
        },
        patches: &patches,
        once: None,
        mail: &mail,
    };
    save(state, &write, &record, based_on).await
}

/// A change checked against the catalogue and the ticket, ready to write.
struct Resolved {
    patch: ResolvedPatch,
    sentence: String,
    kind: EntryKind,
    before: serde_json::Value,
    after: serde_json::Value,
    /// The display name of the new value, where mail needs it (a transfer's department).
    after_name: Option<String>,
}

enum ResolvedPatch {
    /// The status and, for a close, the resolution class.
    Status(crate::domain::ticket::Status, Option<String>),
    Priority(String),
    Assignee(Option<String>),
    Team(Option<String>),
    Department(String),
    Refer(String),
    HelpTopic(String),
    Due(Option<chrono::DateTime<chrono::Utc>>),
    Tags(Vec<String>),
    Collaborators(Vec<String>),
    Fields(BTreeMap<String, FieldValue>, String),
}

impl Resolved {
    /// What the agent's role must permit for this change.
    fn permission(&self) -> Permission {
        match &self.patch {
            ResolvedPatch::Assignee(Some(_)) | ResolvedPatch::Team(Some(_)) => {
                Permission::TicketAssign
            }
            ResolvedPatch::Assignee(None) | ResolvedPatch::Team(None) => Permission::TicketRelease,
            ResolvedPatch::Department(_) => Permission::TicketTransfer,
            ResolvedPatch::Refer(_) => Permission::TicketRefer,
            ResolvedPatch::Status(s, _) if s.state == State::Closed => Permission::TicketClose,
            _ => Permission::TicketEdit,
        }
    }

    fn patches(&self) -> Vec<Patch<'_>> {
        if let ResolvedPatch::Status(s, class) = &self.patch {
            let mut patches = vec![Patch::Status(s)];
            patches.extend(class.as_deref().map(Patch::Resolution));
            return patches;
        }
        vec![match &self.patch {
            ResolvedPatch::Status(..) => unreachable!("handled above"),
            ResolvedPatch::Priority(p) => Patch::Priority(p),
            ResolvedPatch::Assignee(a) => Patch::Assignee(a.as_deref()),
            ResolvedPatch::Team(t) => Patch::Team(t.as_deref()),
            ResolvedPatch::Department(d) => Patch::Department(d),
            ResolvedPatch::Refer(d) => Patch::Refer(d),
            ResolvedPatch::HelpTopic(t) => Patch::HelpTopic(t),
            ResolvedPatch::Due(d) => Patch::Due(*d),
            ResolvedPatch::Tags(t) => Patch::Tags(t),
            ResolvedPatch::Collaborators(c) => Patch::Collaborators(c),
            ResolvedPatch::Fields(values, search_text) => Patch::Fields {
                values,
                search_text,
            },
        }]
    }
}

fn unchanged() -> AppError {
    AppError::conflict("Nothing to change: the ticket already has that value.")
}

async fn resolve(
    state: &AppState,
    user: &SignedInUser,
    ticket: &Ticket,
    change: &TicketChange,
) -> Result<Option<Resolved>, AppError> {
    let store = &state.store;
    let me = user.name.as_str();
    let kind = if change.staff_only() {
        EntryKind::StaffEvent
    } else {
        EntryKind::SystemEvent
    };
    let named = |list: Vec<crate::domain::ticket::Named>, key: &str| {
        list.into_iter().find(|n| n.key == key)
    };
    Ok(Some(match change {
        TicketChange::Assign { agent } => {
            let before = ticket.assignee_name.clone().unwrap_or_default();
            let (id, name) = match agent {
                None => (None, String::new()),
                Some(id) => {
                    let agent = store
                        .user(id)
                        .await
                        .map_err(internal)?
                        .filter(|u| u.active && u.role != Role::Customer)
                        .ok_or_else(|| AppError::invalid("agent", "Choose an active agent."))?;
                    // The assignee must be allowed to work the ticket: the same rule as for
                    // anyone acting on it.
                    let (id, name) = (agent.id.clone(), agent.name.clone());
                    let assignee = Actor::User(SignedInUser::from(agent));
                    let reaches = authorize(
                        &assignee,
                        Action::WorkTicket,
                        &Resource::Ticket(ticket.access()),
                    );
                    if reaches.is_err() {
                        return Err(AppError::invalid(
                            "agent",
                            format!(
                                "{} is not in {}; add them to the department or transfer the ticket first.",
                                name, ticket.department_name
                            ),
                        ));
                    }
                    (Some(id), name)
                }
            };
            if id == ticket.assignee_id {
                return Ok(None);
            }
            Resolved {
                after_name: None,
                sentence: change_sentence(me, "the assignee", &before, &name),
                before: json!(ticket.assignee_id),
                after: json!(id),
                patch: ResolvedPatch::Assignee(id),
                kind,
            }
        }
        TicketChange::AssignTeam { team } => {
            let target = match team {
                Some(key) => Some(
                    named(store.teams().await.map_err(internal)?, key)
                        .ok_or_else(|| AppError::invalid("team", "Choose one of the teams."))?,
                ),
                None => None,
            };
            if target.as_ref().map(|t| &t.key) == ticket.team_id.as_ref() {
                return Ok(None);
            }
            Resolved {
                after_name: None,
                sentence: change_sentence(
                    me,
                    "the team",
                    ticket.team.as_deref().unwrap_or(""),
                    target.as_ref().map_or("", |t| t.name.as_str()),
                ),
                before: json!(ticket.team_id),
                after: json!(target.as_ref().map(|t| &t.key)),
                patch: ResolvedPatch::Team(target.map(|t| t.key)),
                kind,
            }
        }
        TicketChange::Transfer {
            department,
            comment,
        } => {
            let target = named(store.departments().await.map_err(internal)?, department)
                .ok_or_else(|| AppError::invalid("department", "Choose a department."))?;
            if target.key == ticket.department {
                return Ok(None);
            }
            let comment = comment.trim();
            if comment.chars().count() > 2000 {
                return Err(AppError::invalid(
                    "comment",
                    "Keep the comment under 2000 characters.",
                ));
            }
            let mut sentence =
                change_sentence(me, "the department", &ticket.department_name, &target.name);
            if !comment.is_empty() {
                sentence = format!("{sentence}\n\n{comment}");
            }
            Resolved {
                sentence,
                // The comment is for colleagues: the whole entry stays internal when there is one.
                kind: if comment.is_empty() {
                    kind
                } else {
                    EntryKind::InternalNote
                },
                before: json!(ticket.department),
                after: json!(target.key),
                after_name: Some(target.name),
                patch: ResolvedPatch::Department(target.key),
            }
        }
        TicketChange::Refer { department } => {
            let target = named(store.departments().await.map_err(internal)?, department)
                .ok_or_else(|| AppError::invalid("department", "Choose a department."))?;
            if target.key == ticket.department || ticket.referred.contains(&target.key) {
                return Ok(None);
            }
            Resolved {
                after_name: None,
                sentence: format!("{me} referred the ticket to {}.", target.name),
                before: json!(ticket.referred),
                after: json!(target.key),
                patch: ResolvedPatch::Refer(target.key),
                kind,
            }
        }
        TicketChange::Status { status, resolution } => {
            let target = store
                .status(status)
                .await
                .map_err(internal)?
                .ok_or_else(|| AppError::invalid("status", "Choose one of the statuses."))?;
            if target.key == ticket.status.key {
                return Ok(None);
            }
            let class = if target.state == State::Closed {
                let classes = store.catalog().await.map_err(internal)?.resolutions;
                resolution_for_close(
                    resolution.as_deref(),
                    ticket.source == Source::Alert,
                    &classes,
                )
                .map_err(|e| AppError::invalid("resolution", e.to_string()))?
            } else {
                None
            };
            Resolved {
                after_name: None,
                sentence: change_sentence(me, "the status", &ticket.status.name, &target.name),
                before: json!(ticket.status.key),
                after: json!(target.key),
                patch: ResolvedPatch::Status(target, class),
                kind,
            }
        }
        TicketChange::Priority { priority } => {
            let target = named(store.priorities().await.map_err(internal)?, priority)
                .ok_or_else(|| AppError::invalid("priority", "Choose one of the priorities."))?;
            if target.key == ticket.priority {
                return Ok(None);
            }
            Resolved {
                after_name: None,
                sentence: change_sentence(me, "the priority", &ticket.priority_name, &target.name),
                before: json!(ticket.priority),
                after: json!(target.key),
                patch: ResolvedPatch::Priority(target.key),
                kind,
            }
        }
        TicketChange::HelpTopic { topic } => {
            let target = named(store.topics().await.map_err(internal)?, topic)
                .ok_or_else(|| AppError::invalid("topic", "Choose one of the help topics."))?;
            if Some(&target.key) == ticket.help_topic.as_ref() {
                return Ok(None);
            }
            Resolved {
                after_name: None,
                sentence: change_sentence(
                    me,
                    "the help topic",
                    ticket.help_topic_name.as_deref().unwrap_or(""),
                    &target.name,
                ),
                before: json!(ticket.help_topic),
                after: json!(target.key),
                patch: ResolvedPatch::HelpTopic(target.key),
                kind,
            }
        }
        TicketChange::Due { due } => {
            if due.is_some_and(|d| d <= state.clock.now()) {
                return Err(AppError::invalid("due", "Choose a due time in the future."));
            }
            let show = |d: Option<chrono::DateTime<chrono::Utc>>| {
                d.map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_default()
            };
            Resolved {
                after_name: None,
                sentence: change_sentence(me, "the due date", &show(ticket.due_at), &show(*due)),
                before: json!(ticket.due_at),
                after: json!(due),
                patch: ResolvedPatch::Due(*due),
                kind,
            }
        }
        TicketChange::Tags { tags } => {
            let tags = parse_tags(&tags.join(","))
                .map_err(|e| AppError::invalid("tags", e.to_string()))?;
            if tags == ticket.tags {
                return Ok(None);
            }
            Resolved {
                after_name: None,
                sentence: change_sentence(
                    me,
                    "the tags",
                    &ticket.tags.join(", "),
                    &tags.join(", "),
                ),
                before: json!(ticket.tags),
                after: json!(tags),
                patch: ResolvedPatch::Tags(tags),
                kind,
            }
        }
        TicketChange::Collaborators { emails } => {
            let ids = copied(state, &ticket.requester_email, &emails.join(","))
                .await
                .map_err(|e| AppError::Invalid { fields: vec![e] })?;
            if ids == ticket.collaborator_ids {
                return Ok(None);
            }
            let list = if emails.is_empty() {
                "nobody".to_string()
            } else {
                emails.join(", ")
            };
            Resolved {
                after_name: None,
                sentence: format!("{me} changed who is copied on the ticket: {list}."),
                before: json!(ticket.collaborator_ids),
                after: json!(ids),
                patch: ResolvedPatch::Collaborators(ids),
                kind,
            }
        }
        TicketChange::Fields { values } => {
            let definitions = form_of(state, ticket).await?;
            let FieldEdit {
                values: updated,
                changed,
            } = edit_fields(&definitions, &ticket.fields, values)
                .map_err(|fields| AppError::Invalid { fields })?;
            if changed.is_empty() {
                return Ok(None);
            }
            let shown = |map: &BTreeMap<String, FieldValue>, name: &str| {
                let def = definitions.iter().find(|d| d.name == name);
                map.get(name).map(|v| v.display(def)).unwrap_or_default()
            };
            let sentence = changed
                .iter()
                .map(|name| {
                    let label = definitions
                        .iter()
                        .find(|d| &d.name == name)
                        .map_or(name.as_str(), |d| d.label.as_str());
                    change_sentence(
                        me,
                        label,
                        &shown(&ticket.fields, name),
                        &shown(&updated, name),
                    )
                })
                .collect::<Vec<_>>()
                .join(" ");
            // A change to a field customers cannot see stays among staff.
            let hidden = changed.iter().any(|name| {
                definitions
                    .iter()
                    .find(|d| &d.name == name)
                    .is_none_or(|d| !d.customer_visible)
            });
            let search_text = search_text(
                &ticket.subject,
                &ticket.requester_name,
                &ticket.requester_email,
                &definitions,
                &updated,
            );
            Resolved {
                after_name: None,
                sentence,
                kind: if hidden { EntryKind::StaffEvent } else { kind },
                before: json!(
                    changed
                        .iter()
                        .map(|n| (n.clone(), ticket.fields.get(n)))
                        .collect::<BTreeMap<_, _>>()
                ),
                after: json!(
                    changed
                        .iter()
                        .map(|n| (n.clone(), updated.get(n)))
                        .collect::<BTreeMap<_, _>>()
                ),
                patch: ResolvedPatch::Fields(updated, search_text),
            }
        }
    }))
}

/// The custom fields of the ticket's help topic (none without a topic).
pub(super) async fn form_of(state: &AppState, ticket: &Ticket) -> Result<Vec<FieldDef>, AppError> {
    Ok(match &ticket.help_topic {
        Some(key) => state
            .store
            .topic(key)
            .await
            .map_err(internal)?
            .map(|t| t.fields)
            .unwrap_or_default(),
        None => Vec::new(),
    })
}

pub async fn bulk_change(
    state: &AppState,
    caller: &Caller,
    numbers: &[String],
    change: &TicketChange,
) -> Result<Vec<BulkOutcome>, AppError> {
    staff(caller)?;
    if numbers.is_empty() {
        return Err(AppError::invalid("numbers", "Select at least one ticket."));
    }
    if numbers.len() > MAX_BULK {
        return Err(AppError::invalid(
            "numbers",
            format!("Change at most {MAX_BULK} tickets at once."),
        ));
    }
    let mut outcomes = Vec::with_capacity(numbers.len());
    for number in numbers {
        let result = self::change(state, caller, number, None, change).await;
        outcomes.push(BulkOutcome {
            number: number.clone(),
            error: result.err().map(|e| e.to_string()),
        });
    }
    Ok(outcomes)
}
