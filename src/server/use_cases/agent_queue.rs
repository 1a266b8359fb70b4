//! What agents do with queues: see them with counts, page through them, search, save their own.

use serde_json::json;

use crate::domain::audit::AuditRecord;
use crate::domain::form::FieldValue;
use crate::domain::permission::{Action, Resource, SignedInUser, authorize};
use crate::domain::queue::{Column, Cursor, Queue, QueueFilter, QueueSort, builtin_counts};
use crate::domain::search::{excerpt, parse_query};
use crate::domain::ticket::{Named, State, Ticket};
use crate::domain::user::Role;
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{Refusal, SavedQueue, Scope, StoreError, Viewer};
use crate::server_fns::agent_queue::{
    ComplianceLine, QueueEntry, QueueNav, QueuePage, QueueQuery, QueueRow, Workspace,
};

/// Tickets per queue page.
pub const PAGE_SIZE: usize = 50;
/// Search results shown (best first).
pub const SEARCH_LIMIT: usize = 50;
/// The most saved queues one agent keeps.
const MAX_SAVED: usize = 50;

/// The caller as staff working the queue.
pub(super) fn staff(caller: &Caller) -> Result<&SignedInUser, AppError> {
    authorize(&caller.actor, Action::WorkQueue, &Resource::System)?;
    caller.actor.user().ok_or(AppError::Unauthenticated)
}

/// The departments whose queues the caller works (all for admins), by the permission rule.
async fn departments(state: &AppState, caller: &Caller) -> Result<Vec<Named>, AppError> {
    let all = state.store.departments().await.map_err(internal)?;
    Ok(all
        .into_iter()
        .filter(|d| {
            authorize(
                &caller.actor,
                Action::WorkQueue,
                &Resource::Department(&d.key),
            )
            .is_ok()
        })
        .collect())
}

/// Where a search looks: every department for whoever may search everywhere (`search.all`),
/// the agent's queues' scope otherwise.
fn search_scope<'a>(caller: &Caller, user: &'a SignedInUser) -> Scope<'a> {
    if authorize(&caller.actor, Action::SearchEverywhere, &Resource::System).is_ok() {
        Scope::All
    } else {
        scope(user)
    }
}

fn scope(user: &SignedInUser) -> Scope<'_> {
    match user.role {
        Role::Admin => Scope::All,
        _ => Scope::Departments(&user.departments),
    }
}

pub async fn nav(state: &AppState, caller: &Caller) -> Result<QueueNav, AppError> {
    let user = staff(caller)?;
    let departments = departments(state, caller).await?;
    let keys: Vec<String> = departments.iter().map(|d| d.key.clone()).collect();
    let rows = state.store.queue_counts().await.map_err(internal)?;
    let pausing: Vec<String> = state
        .store
        .statuses()
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|s| s.pauses_sla)
        .map(|s| s.key)
        .collect();
    let referred = state.store.referred_open(&keys).await.map_err(internal)?;
    let viewer = Viewer {
        scope: Scope::Departments(&keys),
        me: &user.id,
        now: state.clock.now(),
    };
    let overdue = state.store.overdue_open(&viewer).await.map_err(internal)?;
    let within_the_hour = viewer.now + chrono::Duration::hours(1);
    let mut queues = Vec::new();
    for (queue, count) in builtin_counts(&rows, &user.id, &keys, &pausing, referred, overdue) {
        // Breach prediction: what of the queue falls due within the hour.
        let breaching_soon = match queue.builtin_filter() {
            Some(filter) if filter.state == Some(State::Open) && !filter.overdue => Some(
                state
                    .store
                    .due_soon(&viewer, &filter, within_the_hour)
                    .await
                    .map_err(internal)?,
            ),
            _ => None,
        };
        queues.push(QueueEntry {
            label: label(&queue, &departments),
            queue,
            count: Some(count),
            breaching_soon,
        });
    }
    let saved = state.store.saved_queues(&user.id).await.map_err(internal)?;
    queues.extend(saved.into_iter().map(|s| QueueEntry {
        queue: Queue::Saved(s.id),
        breaching_soon: None,
        label: s.name,
        count: None,
    }));
    Ok(QueueNav { queues })
}

fn label(queue: &Queue, departments: &[Named]) -> String {
    match queue {
        Queue::Mine => "My tickets".into(),
        Queue::Unassigned => "Unassigned".into(),
        Queue::Open => "Open".into(),
        Queue::Waiting => "Waiting".into(),
        Queue::Overdue => "Overdue".into(),
        Queue::Closed => "Closed".into(),
        Queue::Referred => "Referred to my departments".into(),
        Queue::Department(key) => departments
            .iter()
            .find(|d| &d.key == key)
            .map_or_else(|| key.clone(), |d| d.name.clone()),
        Queue::Saved(_) => "Saved queue".into(),
    }
}

fn row(ticket: Ticket, matched: Option<&str>) -> QueueRow {
    QueueRow {
        matched: matched.map(|m| excerpt(m, 160)).unwrap_or_default(),
        number: ticket.number,
        subject: ticket.subject,
        requester: ticket.requester_name,
        requester_email: ticket.requester_email,
        status: ticket.status.name,
        state: ticket.status.state,
        priority: ticket.priority_name,
        priority_key: ticket.priority,
        department: ticket.department_name,
        assignee: ticket.assignee_name,
        team: ticket.team,
        source: ticket.source,
        tags: ticket.tags,
        created_at: ticket.created_at,
        updated_at: ticket.updated_at,
        sla_due: ticket.sla_due,
        sla_paused: ticket.sla_plan.is_some()
            && ticket.status.pauses_sla
            && ticket.status.state == State::Open,
        version: ticket.version,
    }
}

/// Whether the ticket's custom field `name` shows a value containing `needle`.
fn field_matches(ticket: &Ticket, (name, needle): &(String, String)) -> bool {
    let needle = needle.to_lowercase();
    ticket
        .fields
        .get(name)
        .is_some_and(|value: &FieldValue| value.display(None).to_lowercase().contains(&needle))
}

pub async fn page(
    state: &AppState,
    caller: &Caller,
    query: &QueueQuery,
) -> Result<QueuePage, AppError> {
    let user = staff(caller)?;
    let departments = departments(state, caller).await?;
    // The queue's own filter, columns, sort and title.
    let (mut filter, columns, mut sort, title) = match &query.queue {
        Some(Queue::Saved(id)) => {
            let saved = state
                .store
                .saved_queue(&user.id, id)
                .await
                .map_err(internal)?
                .ok_or(AppError::NotFound)?;
            (saved.filter, saved.columns, saved.sort, saved.name)
        }
        Some(queue) => {
            if let Queue::Department(key) = queue {
                authorize(&caller.actor, Action::WorkQueue, &Resource::Department(key))
                    .map_err(|_| AppError::NotFound)?;
            }
            let filter = queue.builtin_filter().unwrap_or_default();
            (
                filter,
                Column::DEFAULT.to_vec(),
                QueueSort::default(),
                label(queue, &departments),
            )
        }
        None => (
            QueueFilter::default(),
            Column::DEFAULT.to_vec(),
            QueueSort::default(),
            "Filtered tickets".to_string(),
        ),
    };
    if let Some(refined) = &query.filter {
        filter = refined.clone();
    }
    if let Some(s) = query.sort {
        sort = s;
    }
    let search = query.search.trim();
    if !search.is_empty() {
        let search = parse_query(search).map_err(|e| AppError::invalid("search", e.to_string()))?;
        let hits = state
            .store
            .search_tickets(
                &Viewer {
                    scope: search_scope(caller, user),
                    me: &user.id,
                    now: state.clock.now(),
                },
                &filter,
                &search,
                SEARCH_LIMIT,
            )
            .await
            .map_err(internal)?;
        let rows = hits
            .into_iter()
            .filter(|h| {
                filter
                    .field
                    .as_ref()
                    .is_none_or(|f| field_matches(&h.ticket, f))
            })
            .map(|h| row(h.ticket, Some(&h.marked)))
            .collect();
        return Ok(QueuePage {
            title: format!("Search: {search}"),
            rows,
            next: None,
            columns,
            sort,
            filter,
        });
    }
    let cursor = match &query.cursor {
        Some(c) => Some(Cursor::decode(c).ok_or_else(|| {
            AppError::invalid(
                "cursor",
                "That page link is not valid; start from the first page.",
            )
        })?),
        None => None,
    };
    // One more than a page tells whether another page follows.
    let mut tickets = state
        .store
        .agent_tickets(
            &Viewer {
                scope: scope(user),
                me: &user.id,
                now: state.clock.now(),
            },
            &filter,
            sort,
            cursor.as_ref(),
            PAGE_SIZE + 1,
        )
        .await
        .map_err(internal)?;
    let next = if tickets.len() > PAGE_SIZE {
        tickets.truncate(PAGE_SIZE);
        tickets.last().map(|t| {
            Cursor {
                at: match sort {
                    QueueSort::RecentlyUpdated => t.updated_at,
                    QueueSort::Newest | QueueSort::Oldest => t.created_at,
                },
                number: t.number.clone(),
            }
            .encode()
        })
    } else {
        None
    };
    let rows = tickets
        .into_iter()
        .filter(|t| filter.field.as_ref().is_none_or(|f| field_matches(t, f)))
        .map(|t| row(t, None))
        .collect();
    Ok(QueuePage {
        title,
        rows,
        next,
        columns,
        sort,
        filter,
    })
}

pub async fn workspace(state: &AppState, caller: &Caller) -> Result<Workspace, AppError> {
    let user = staff(caller)?;
    let store = &state.store;
    Ok(Workspace {
        me: Named {
            key: user.id.clone(),
            name: user.name.clone(),
        },
        statuses: store.statuses().await.map_err(internal)?,
        priorities: store.priorities().await.map_err(internal)?,
        departments: store.departments().await.map_err(internal)?,
        topics: store.topics().await.map_err(internal)?,
        agents: store
            .staff()
            .await
            .map_err(internal)?
            .into_iter()
            .map(|u| Named {
                key: u.id,
                name: u.name,
            })
            .collect(),
        teams: store.teams().await.map_err(internal)?,
        canned: store.canned_responses().await.map_err(internal)?,
        resolutions: store.catalog().await.map_err(internal)?.resolutions,
    })
}

pub async fn save(
    state: &AppState,
    caller: &Caller,
    name: &str,
    filter: QueueFilter,
    columns: Vec<Column>,
    sort: QueueSort,
) -> Result<String, AppError> {
    let user = staff(caller)?;
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::invalid(
            "name",
            "Name the queue (at most 60 characters).",
        ));
    }
    if columns.is_empty() {
        return Err(AppError::invalid("columns", "Choose at least one column."));
    }
    let existing = state.store.saved_queues(&user.id).await.map_err(internal)?;
    if existing.len() >= MAX_SAVED {
        return Err(AppError::conflict(format!(
            "You have {MAX_SAVED} saved queues; delete one first."
        )));
    }
    if existing.iter().any(|q| q.name.eq_ignore_ascii_case(&name)) {
        return Err(AppError::invalid(
            "name",
            "You already have a queue with that name.",
        ));
    }
    let now = state.clock.now();
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "queue.saved",
        caller.origin.clone(),
    )
    .after(json!({ "name": name, "filter": filter, "columns": columns, "sort": sort }));
    let queue = SavedQueue {
        id: String::new(),
        name,
        filter,
        columns,
        sort,
    };
    state
        .store
        .create_saved_queue(&user.id, &queue, now, &record)
        .await
        .map_err(internal)
}

pub async fn delete(state: &AppState, caller: &Caller, id: &str) -> Result<(), AppError> {
    let user = staff(caller)?;
    let record = AuditRecord::new(
        state.clock.now(),
        caller.audit_actor(),
        "queue.deleted",
        caller.origin.clone(),
    )
    .object("saved_queue", id);
    match state.store.delete_saved_queue(&user.id, id, &record).await {
        Ok(()) => Ok(()),
        Err(StoreError::Refused(Refusal::UnknownRecord)) => Err(AppError::NotFound),
        Err(e) => Err(internal(e)),
    }
}

/// SLA compliance per department and priority, in the departments the agent works (all for
/// admins), by name.
pub async fn compliance(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<ComplianceLine>, AppError> {
    let user = staff(caller)?;
    let departments = departments(state, caller).await?;
    let priorities = state.store.priorities().await.map_err(internal)?;
    let keys: Vec<String> = departments.iter().map(|d| d.key.clone()).collect();
    let viewer = Viewer {
        scope: scope(user),
        me: &user.id,
        now: state.clock.now(),
    };
    let name = |list: &[Named], key: &str| {
        list.iter()
            .find(|n| n.key == key)
            .map_or_else(|| key.to_string(), |n| n.name.clone())
    };
    let mut lines: Vec<ComplianceLine> = state
        .store
        .sla_compliance(&viewer)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|c| keys.contains(&c.department))
        .map(|c| ComplianceLine {
            department: name(&departments, &c.department),
            priority: name(&priorities, &c.priority),
            first_response_met: c.first_response.0,
            first_response_total: c.first_response.1,
            resolution_met: c.resolution.0,
            resolution_total: c.resolution.1,
        })
        .collect();
    lines.sort_by(|a, b| (&a.department, &a.priority).cmp(&(&b.department, &b.priority)));
    Ok(lines)
}
