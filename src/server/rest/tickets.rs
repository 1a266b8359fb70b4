//! `/api/v1/tickets`: list and search, open, read, change, reply or note.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;

use super::ApiCaller;
use super::model::{
    Created, ListQuery, NewMessage, NewTicketBody, TicketDetail, TicketList, TicketPatch,
    TicketSummary,
};
use crate::domain::permission::{TICKETS_READ, TICKETS_WRITE};
use crate::domain::queue::{AssigneeFilter, Queue, QueueFilter, QueueSort};
use crate::domain::ticket::Source;
use crate::domain::ticket_change::TicketChange;
use crate::error::AppError;
use crate::server::problem::{ApiError, Problem};
use crate::server::state::AppState;
use crate::server::use_cases::agent_ticket::{self, Post};
use crate::server::use_cases::staff_tickets::{self, NewTicket};
use crate::server::use_cases::{agent_queue, ticket_changes};
use crate::server_fns::agent_queue::QueueQuery;
use crate::server_fns::agent_ticket::PostKind;

/// A comma separated parameter as a list.
fn split(param: &Option<String>) -> Vec<String> {
    param
        .iter()
        .flat_map(|p| p.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The queue query the parameters describe: the queue's own filter refined by the others.
fn queue_query(params: ListQuery) -> Result<QueueQuery, AppError> {
    let queue = match params.queue.as_deref().filter(|q| !q.is_empty()) {
        Some(q) => Some(Queue::from_param(q).ok_or_else(|| {
            AppError::invalid(
                "queue",
                format!(
                    "There is no queue “{q}”: use mine, unassigned, open, waiting, overdue, \
                     closed, referred, department:KEY or saved:ID."
                ),
            )
        })?),
        None => None,
    };
    let mut sources = Vec::new();
    for s in split(&params.source) {
        sources
            .push(Source::parse(&s).ok_or_else(|| {
                AppError::invalid("source", format!("There is no source “{s}”."))
            })?);
    }
    let sort = match params.sort.as_deref() {
        Some(s) => Some(QueueSort::parse(s).ok_or_else(|| {
            AppError::invalid(
                "sort",
                "Sort by recently_updated, newest or oldest.".to_string(),
            )
        })?),
        None => None,
    };
    let base = queue
        .as_ref()
        .and_then(Queue::builtin_filter)
        .unwrap_or_default();
    let refined = QueueFilter {
        statuses: split(&params.status),
        priorities: split(&params.priority),
        departments: split(&params.department),
        assignee: params.assignee.as_deref().map(|a| match a {
            "me" => AssigneeFilter::Me,
            "none" | "nobody" => AssigneeFilter::Nobody,
            id => AssigneeFilter::Agent(id.to_string()),
        }),
        tags: split(&params.tag),
        sources,
        alert_sources: split(&params.alert_source),
        fingerprint: params.fingerprint.filter(|f| !f.trim().is_empty()),
        ..QueueFilter::default()
    };
    let filter = (refined != QueueFilter::default()).then(|| base.refined_by(refined));
    Ok(QueueQuery {
        queue,
        filter,
        search: params.q.unwrap_or_default(),
        sort,
        cursor: params.cursor,
    })
}

/// List or search tickets.
#[utoipa::path(
    get,
    path = "/api/v1/tickets",
    tag = "tickets",
    params(ListQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of tickets, newest change first by default", body = TicketList),
        (status = 401, description = "No valid key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks tickets:read (or tickets:write)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(params): Query<ListQuery>,
) -> Result<Json<TicketList>, ApiError> {
    let caller = caller.require(&[TICKETS_READ, TICKETS_WRITE])?;
    let page = agent_queue::page(&state, caller, &queue_query(params)?).await?;
    Ok(Json(TicketList {
        tickets: page.rows.into_iter().map(TicketSummary::from).collect(),
        next_cursor: page.next,
    }))
}

/// Open a ticket for a customer.
#[utoipa::path(
    post,
    path = "/api/v1/tickets",
    tag = "tickets",
    request_body = NewTicketBody,
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 201, description = "The ticket was opened", body = Created),
        (status = 401, description = "No valid key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks tickets:write, or its account may not open tickets in the topic's department", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A filter rejected the ticket", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn open(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Result<Json<NewTicketBody>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let caller = caller.require(&[TICKETS_WRITE])?;
    let Json(body) = body.map_err(malformed)?;
    let source = match body.source.as_deref() {
        Some(s) => Source::parse(s)
            .filter(|s| *s != Source::Alert)
            .ok_or_else(|| AppError::invalid("source", format!("There is no source “{s}”.")))?,
        None => Source::Api,
    };
    let fields = body
        .fields
        .into_iter()
        .map(|(k, v)| (k, v.into_inputs()))
        .collect();
    let number = staff_tickets::open(
        &state,
        caller,
        NewTicket {
            email: &body.email,
            name: body.name.as_deref(),
            topic: body.topic.as_deref(),
            subject: &body.subject,
            message: &body.message,
            priority: body.priority.as_deref(),
            fields: &fields,
            source,
            autorespond: body.autorespond.unwrap_or(true),
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { number })))
}

/// One ticket with its thread (internal notes included). The read is audited.
#[utoipa::path(
    get,
    path = "/api/v1/tickets/{number}",
    tag = "tickets",
    params(("number" = String, Path, description = "The ticket number")),
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The ticket", body = TicketDetail),
        (status = 401, description = "No valid key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks tickets:read (or tickets:write)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the key's account may read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(number): Path<String>,
) -> Result<Json<TicketDetail>, ApiError> {
    let caller = caller.require(&[TICKETS_READ, TICKETS_WRITE])?;
    let view = agent_ticket::view(&state, caller, &number).await?;
    Ok(Json(TicketDetail::from(view)))
}

/// Change status, priority, department, assignee, tags or custom fields.
#[utoipa::path(
    patch,
    path = "/api/v1/tickets/{number}",
    tag = "tickets",
    params(("number" = String, Path, description = "The ticket number")),
    request_body = TicketPatch,
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The changed ticket (every change was checked before any was written)", body = TicketDetail),
        (status = 401, description = "No valid key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks tickets:write, or its account's role does not permit a change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the key's account may work", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket changed since `version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A value is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(number): Path<String>,
    body: Result<Json<TicketPatch>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<TicketDetail>, ApiError> {
    let caller = caller.require(&[TICKETS_WRITE])?;
    let Json(patch) = body.map_err(malformed)?;
    // A transfer first, so the rest is checked in the ticket's new department.
    let mut changes = Vec::new();
    if let Some(department) = patch.department {
        changes.push(TicketChange::Transfer {
            department,
            comment: String::new(),
        });
    }
    if let Some(status) = patch.status {
        changes.push(TicketChange::Status {
            status,
            resolution: patch.resolution.clone(),
        });
    }
    if let Some(priority) = patch.priority {
        changes.push(TicketChange::Priority { priority });
    }
    if let Some(agent) = patch.assignee {
        changes.push(TicketChange::Assign { agent });
    }
    if let Some(tags) = patch.tags {
        changes.push(TicketChange::Tags { tags });
    }
    if let Some(fields) = patch.fields {
        changes.push(TicketChange::Fields {
            values: fields
                .into_iter()
                .map(|(k, v)| (k, v.into_inputs()))
                .collect(),
        });
    }
    if changes.is_empty() {
        return Err(AppError::invalid(
            "request",
            "Name at least one of status, priority, department, assignee, tags, fields.",
        )
        .into());
    }
    ticket_changes::change_all(&state, caller, &number, patch.version, &changes).await?;
    let view = agent_ticket::view(&state, caller, &number).await?;
    Ok(Json(TicketDetail::from(view)))
}

/// Reply to the customer or add an internal note.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{number}/messages",
    tag = "tickets",
    params(("number" = String, Path, description = "The ticket number")),
    request_body = NewMessage,
    security(("api_key" = []), ("bearer" = [])),
    responses(
        (status = 201, description = "Posted; the ticket as it is now", body = TicketDetail),
        (status = 401, description = "No valid key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The key lacks tickets:write, or its account's role does not permit replying", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not one the key's account may work", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket changed since `version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The message is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn post_message(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(number): Path<String>,
    body: Result<Json<NewMessage>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<TicketDetail>), ApiError> {
    let caller = caller.require(&[TICKETS_WRITE])?;
    let Json(message) = body.map_err(malformed)?;
    let kind = match message.kind.as_str() {
        "reply" => PostKind::Reply,
        "note" => PostKind::Note,
        _ => {
            return Err(AppError::invalid("kind", "The kind is either reply or note.").into());
        }
    };
    agent_ticket::post(
        &state,
        caller,
        &number,
        message.version,
        Post {
            kind,
            message: &message.message,
            attachments: &[],
            status: message.status.as_deref(),
            resolution: message.resolution.as_deref(),
        },
    )
    .await?;
    let view = agent_ticket::view(&state, caller, &number).await?;
    Ok((StatusCode::CREATED, Json(TicketDetail::from(view))))
}

/// A body that is not the JSON the endpoint takes.
pub(super) fn malformed(rejection: axum::extract::rejection::JsonRejection) -> AppError {
    if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::TooLarge {
            limit: "a JSON body of at most 2 MiB".into(),
        };
    }
    AppError::invalid(
        "request",
        format!("The body is not valid: {}", rejection.body_text()),
    )
}
