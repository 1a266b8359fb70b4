//! What customers do with tickets. Opening goes through [`open_ticket`] whatever the channel, so
//! filters, SLA and notifications hook in at one place.

use std::collections::BTreeMap;

use serde_json::json;

use crate::domain::audit::AuditRecord;
use crate::domain::config::general::General;
use crate::domain::form::{Audience, FieldValue, MAX_TEXT, validate_form};
use crate::domain::permission::{Action, Actor, Resource, SignedInUser, authorize};
use crate::domain::routing::{Channel, Outcome, TicketDraft};
use crate::domain::ticket::{
    CustomerStatusChange, EntryKind, Source, State, Ticket, TicketOrder, customer_may_change,
    parse_subject,
};
use crate::domain::user::Email;
use crate::error::{AppError, FieldError};
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{
    AlertFacts, EntryEmail, NewEntry, NewTicket, Patch, Refusal, StoreError, TicketReader,
    TicketWrite,
};
use crate::server::use_cases::notifications::{self, MailTicket};
use crate::server::use_cases::{general_settings, ticket_filters};
use crate::server_fns::tickets::{CustomerTicket, TicketList, TicketSummary, TopicView};

/// How many random numbers to draw before giving up (a collision is already rare).
const NUMBER_ATTEMPTS: usize = 10;
/// How many tickets one page of "My tickets" lists.
pub const PAGE_SIZE: usize = 25;

fn customer(caller: &Caller) -> Result<&SignedInUser, AppError> {
    authorize(&caller.actor, Action::UsePortal, &Resource::System)?;
    caller.actor.user().ok_or(AppError::Unauthenticated)
}

pub async fn help_topics(state: &AppState, caller: &Caller) -> Result<Vec<TopicView>, AppError> {
    customer(caller)?;
    let topics = state.store.public_topics().await.map_err(internal)?;
    let default = general_settings::current(state).await?.default_topic;
    Ok(topics
        .into_iter()
        .map(|t| TopicView {
            preselected: default.as_deref() == Some(t.key.as_str()),
            key: t.key,
            name: t.name,
            fields: t
                .fields
                .into_iter()
                .filter(|f| f.applies_to(Audience::Customer))
                .collect(),
        })
        .collect())
}

pub(super) fn message_text(message: &str) -> Result<String, FieldError> {
    let text = message.trim();
    if text.is_empty() {
        Err(FieldError::new("message", "Describe what you need."))
    } else if text.chars().count() > MAX_TEXT {
        Err(FieldError::new(
            "message",
            format!("Keep the message under {MAX_TEXT} characters."),
        ))
    } else {
        Ok(text.to_string())
    }
}

/// What a customer sends to open a ticket, as the form and the API carry it.
pub struct OpenTicket<'a> {
    pub topic: &'a str,
    pub subject: &'a str,
    pub message: &'a str,
    /// Custom field inputs by field name.
    pub fields: &'a BTreeMap<String, Vec<String>>,
    /// Ids of the customer's pending uploads.
    pub attachments: &'a [String],
    /// Addresses of people to copy, separated by commas, semicolons or spaces.
    pub cc: &'a str,
}

pub async fn open_ticket(
    state: &AppState,
    caller: &Caller,
    request: OpenTicket<'_>,
) -> Result<String, AppError> {
    let OpenTicket {
        topic,
        subject,
        message,
        fields,
        attachments,
        cc,
    } = request;
    let user = customer(caller)?;
    let general = general_settings::current(state).await?;
    check_attachment_count(&general, attachments)?;
    let topic = state.store.public_topic(topic).await.map_err(internal)?;
    let mut errors = Vec::new();
    if topic.is_none() {
        errors.push(FieldError::new("topic", "Choose a help topic."));
    }
    let subject = parse_subject(subject)
        .map_err(|e| errors.push(FieldError::new("subject", e.to_string())))
        .ok();
    let message = message_text(message).map_err(|e| errors.push(e)).ok();
    let collaborators = copied(state, &user.email, cc)
        .await
        .map_err(|e| errors.push(e))
        .ok();
    let values = match &topic {
        Some(topic) => validate_form(&topic.fields, fields, Audience::Customer)
            .map_err(|e| errors.extend(e))
            .ok(),
        None => None,
    };
    let (Some(topic), Some(subject), Some(message), Some(values), Some(collaborators), true) = (
        topic,
        subject,
        message,
        values,
        collaborators,
        errors.is_empty(),
    ) else {
        return Err(AppError::Invalid { fields: errors });
    };

    // Files given in file fields travel with the first message, so they are linked to the ticket
    // (and checked to be the customer's own uploads) in the same transaction.
    let mut attachments = attachments.to_vec();
    for value in values.values() {
        if let FieldValue::Files(ids) = value {
            attachments.extend(
                ids.iter()
                    .filter(|id| !attachments.contains(id))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
    }
    check_attachment_count(&general, &attachments)?;
    let attachments = attachments.as_slice();

    let fields = field_text(&topic.fields, &values);
    create(
        state,
        caller,
        Creation {
            requester: Requester::from(user),
            topic: &topic,
            subject: &subject,
            message: &message,
            values: &values,
            field_text: fields,
            attachments,
            collaborators: &collaborators,
            channel: Channel::Web,
            source: Source::Web,
            headers: Vec::new(),
            autorespond: true,
            alert: true,
            email: None,
            note: None,
            siem: None,
        },
    )
    .await
}

/// Who a new ticket is for.
pub struct Requester<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
}

impl<'a> From<&'a crate::domain::user::UserSummary> for Requester<'a> {
    fn from(user: &'a crate::domain::user::UserSummary) -> Self {
        Requester {
            id: &user.id,
            name: &user.name,
            email: &user.email,
        }
    }
}

impl<'a> From<&'a crate::domain::permission::SignedInUser> for Requester<'a> {
    fn from(user: &'a crate::domain::permission::SignedInUser) -> Self {
        Requester {
            id: &user.id,
            name: &user.name,
            email: &user.email,
        }
    }
}

/// A checked request for a new ticket, from any channel.
pub struct Creation<'a> {
    pub requester: Requester<'a>,
    pub topic: &'a crate::server::store::Topic,
    pub subject: &'a str,
    pub message: &'a str,
    pub values: &'a BTreeMap<String, FieldValue>,
    /// The custom field values as display text, for filters.
    pub field_text: BTreeMap<String, String>,
    pub attachments: &'a [String],
    pub collaborators: &'a [String],
    pub channel: Channel,
    pub source: Source,
    /// Email headers, for filters.
    pub headers: Vec<(String, String)>,
    /// Send the requester the auto-response (unless a filter says not to).
    pub autorespond: bool,
    /// Alert the department's agents.
    pub alert: bool,
    /// The first message's Message-ID, when it came by email.
    pub email: Option<&'a EntryEmail>,
    /// A note for the ticket's history from the channel (why a subject tag was ignored).
    pub note: Option<String>,
    /// For a ticket a SIEM alert opens.
    pub siem: Option<&'a AlertFacts>,
}

/// Opens a ticket: filters, routing, SLA plan, number, notifications, all in one place for every
/// channel. Returns the new ticket's number.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    request: Creation<'_>,
) -> Result<String, AppError> {
    let Creation {
        requester,
        topic,
        subject,
        message,
        values,
        field_text,
        attachments,
        collaborators,
        channel,
        source,
        headers,
        autorespond,
        alert,
        email,
        note,
        siem,
    } = request;
    let general = general_settings::current(state).await?;
    let now = state.clock.now();
    let draft = TicketDraft {
        channel,
        email: requester.email.to_string(),
        name: requester.name.to_string(),
        subject: subject.to_string(),
        body: message.to_string(),
        topic: Some(topic.key.clone()),
        source: source.as_str().to_string(),
        priority: topic.priority.clone(),
        fields: field_text,
        headers,
    };
    let outcome = ticket_filters::decide(state, &draft).await?;
    if let Some(filter) = &outcome.rejected_by {
        let record = AuditRecord::new(
            now,
            caller.audit_actor(),
            "ticket.rejected",
            caller.origin.clone(),
        )
        .after(json!({ "subject": subject, "filter": filter, "source": source.as_str() }));
        state.store.append_audit(&record).await.map_err(internal)?;
        return Err(AppError::Rejected {
            message: "This help desk does not accept this request. Contact the help desk another way if you need help.".into(),
        });
    }
    let mut routed = Routed::decide(state, topic, &general, &outcome).await?;
    if let Some(note) = note {
        routed.note = Some(match routed.note {
            Some(filters) => format!("{note}\n{filters}"),
            None => note,
        });
    }
    let mut search_text = search_text(
        subject,
        requester.name,
        requester.email,
        &topic.fields,
        values,
    );
    // An alert ticket is found by its fingerprint and observables too.
    if let Some(siem) = siem {
        search_text.push_str(&format!(" {} {}", siem.fingerprint, siem.observables));
    }
    let number_format = general.number_format();
    let catalog = state.store.catalog().await.map_err(internal)?;
    let name_of = |list: &[crate::domain::ticket::Named], key: &str| {
        list.iter()
            .find(|n| n.key == key)
            .map_or_else(|| key.to_string(), |n| n.name.clone())
    };
    let department_name = name_of(&catalog.departments, &routed.department);
    let priority_name = name_of(&catalog.priorities, &routed.priority);
    let status_name = catalog
        .status(&routed.status)
        .map_or_else(|| routed.status.clone(), |s| s.name.clone());
    let conversation: Vec<String> = email
        .and_then(|e| e.message_id.clone())
        .into_iter()
        .collect();
    for _ in 0..NUMBER_ATTEMPTS {
        let sequence = if number_format.uses_sequence() {
            state.store.next_ticket_sequence().await.map_err(internal)?
        } else {
            0
        };
        let number = number_format.render(sequence, rand::random());
        let record = AuditRecord::new(
            now,
            caller.audit_actor(),
            "ticket.created",
            caller.origin.clone(),
        )
        .object("ticket", &number)
        .after(
            json!({ "subject": subject, "help_topic": routed.topic, "department": routed.department,
                "priority": routed.priority, "status": routed.status, "sla_plan": routed.sla_plan,
                "assignee": routed.assignee, "team": routed.team, "tags": outcome.tags,
                "filters": outcome.matched, "source": source.as_str() }),
        );
        let mail = notifications::ticket_opened(
            state,
            &MailTicket {
                number: &number,
                subject,
                status: &status_name,
                priority: &priority_name,
                department: &routed.department,
                department_name: &department_name,
                requester_name: requester.name,
                requester_email: requester.email,
            },
            &notifications::Opening {
                message,
                assignee: routed.assignee.as_deref(),
                autorespond: autorespond && !outcome.suppress_auto_response,
                alert,
                also_alert: &outcome.alerts,
                canned: outcome.canned_reply.as_deref(),
                conversation: &conversation,
            },
        )
        .await?;
        let ticket = NewTicket {
            attachments,
            collaborators,
            number: &number,
            subject,
            requester_id: requester.id,
            department: &routed.department,
            help_topic: Some(&routed.topic),
            priority: &routed.priority,
            status: &routed.status,
            assignee: routed.assignee.as_deref(),
            team: routed.team.as_deref(),
            tags: &outcome.tags,
            sla_plan: routed.sla_plan.as_deref(),
            routing_note: routed.note.as_deref(),
            source,
            fields: values,
            message,
            author_name: requester.name,
            search_text: &search_text,
            email,
            mail: &mail,
            alert: siem,
            at: now,
        };
        match state.store.create_ticket(&ticket, &record).await {
            Ok(()) => return Ok(number),
            Err(StoreError::Refused(Refusal::NumberTaken)) => continue,
            Err(StoreError::Refused(Refusal::AttachmentInvalid)) => return Err(attachment_gone()),
            Err(other) => return Err(internal(other)),
        }
    }
    Err(internal(StoreError::Corrupt(
        "no free ticket number after several draws".into(),
    )))
}

/// Where a new ticket goes: what the filters decided, else the help topic, else the defaults.
/// The SLA plan: a filter's, else the topic's, else the (final) department's, else the default.
struct Routed {
    department: String,
    topic: String,
    priority: String,
    status: String,
    sla_plan: Option<String>,
    assignee: Option<String>,
    team: Option<String>,
    /// For the ticket's history: which filters matched and what they changed.
    note: Option<String>,
}

impl Routed {
    async fn decide(
        state: &AppState,
        topic: &crate::server::store::Topic,
        general: &General,
        outcome: &Outcome,
    ) -> Result<Routed, AppError> {
        let department = outcome
            .department
            .clone()
            .unwrap_or_else(|| topic.department.clone());
        let sla_plan = match (&outcome.sla_plan, &topic.sla_plan) {
            (Some(plan), _) | (None, Some(plan)) => Some(plan.clone()),
            (None, None) if department == topic.department => topic.department_sla_plan.clone(),
            (None, None) => state
                .store
                .department_sla_plan(&department)
                .await
                .map_err(internal)?,
        }
        .or_else(|| general.default_sla_plan.clone());
        let note = (!outcome.matched.is_empty()).then(|| {
            let changes = outcome.changes();
            format!(
                "Filters matched: {}.{}",
                outcome.matched.join(", "),
                if changes.is_empty() {
                    String::new()
                } else {
                    format!(" Changes: {}.", changes.join("; "))
                }
            )
        });
        Ok(Routed {
            topic: outcome.topic.clone().unwrap_or_else(|| topic.key.clone()),
            priority: outcome
                .priority
                .clone()
                .or_else(|| topic.priority.clone())
                .unwrap_or_else(|| general.default_priority.clone()),
            status: outcome
                .status
                .clone()
                .unwrap_or_else(|| general_settings::NEW_TICKET_STATUS.to_string()),
            assignee: outcome
                .assignee
                .clone()
                .or_else(|| topic.assign_agent.clone()),
            team: outcome.team.clone().or_else(|| topic.assign_team.clone()),
            department,
            sla_plan,
            note,
        })
    }
}

/// Custom field values as display text, by field name (what filters compare).
pub(super) fn field_text(
    definitions: &[crate::domain::form::FieldDef],
    values: &BTreeMap<String, FieldValue>,
) -> BTreeMap<String, String> {
    values
        .iter()
        .map(|(name, value)| {
            let def = definitions.iter().find(|d| &d.name == name);
            (name.clone(), value.display(def))
        })
        .collect()
}

/// What full-text search finds a new ticket by: subject, requester and custom field values.
pub(super) fn search_text(
    subject: &str,
    requester_name: &str,
    requester_email: &str,
    definitions: &[crate::domain::form::FieldDef],
    values: &BTreeMap<String, FieldValue>,
) -> String {
    let mut text = format!("{subject} {requester_name} {requester_email}");
    for (name, value) in values {
        if !matches!(value, FieldValue::Files(_)) {
            text.push(' ');
            text.push_str(&value.display(definitions.iter().find(|d| &d.name == name)));
        }
    }
    text
}

/// The most people one ticket can copy.
const MAX_CC: usize = 10;

/// The accounts named in a CC list (addresses separated by commas, semicolons or spaces).
pub(super) async fn copied(
    state: &AppState,
    requester_email: &str,
    cc: &str,
) -> Result<Vec<String>, FieldError> {
    let mut emails = Vec::new();
    for raw in cc
        .split([',', ';', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let email = Email::parse(raw)
            .map_err(|_| FieldError::new("cc", format!("{raw} is not an email address.")))?;
        if email.as_str() != requester_email && !emails.contains(&email.as_str().to_string()) {
            emails.push(email.as_str().to_string());
        }
    }
    if emails.len() > MAX_CC {
        return Err(FieldError::new(
            "cc",
            format!("Copy at most {MAX_CC} people."),
        ));
    }
    let found = state.store.users_by_email(&emails).await.map_err(|e| {
        let AppError::Internal { reference } = internal(e) else {
            unreachable!("internal() is Internal")
        };
        FieldError::new(
            "cc",
            format!("The copied people could not be looked up (reference {reference})."),
        )
    })?;
    if let Some(missing) = emails
        .iter()
        .find(|e| !found.iter().any(|u| &u.email == *e && u.active))
    {
        return Err(FieldError::new(
            "cc",
            format!("{missing} has no account here; they can create one and be copied then."),
        ));
    }
    Ok(found.into_iter().map(|u| u.id).collect())
}

/// An attachment id that is not the caller's pending upload (sent already, or never theirs).
pub(super) fn attachment_gone() -> AppError {
    AppError::invalid(
        "attachments",
        "An attachment is no longer available; upload it again.",
    )
}

pub(super) fn check_attachment_count(
    general: &General,
    attachments: &[String],
) -> Result<(), AppError> {
    let max = general.max_files;
    if i64::try_from(attachments.len()).unwrap_or(i64::MAX) > max {
        return Err(AppError::invalid(
            "attachments",
            format!("Attach at most {max} files to one message."),
        ));
    }
    Ok(())
}

fn summary(ticket: &Ticket) -> TicketSummary {
    TicketSummary {
        number: ticket.number.clone(),
        subject: ticket.subject.clone(),
        status: ticket.status.name.clone(),
        state: ticket.status.state,
        priority: ticket.priority_name.clone(),
        department: ticket.department_name.clone(),
        updated_at: ticket.updated_at,
    }
}

pub async fn my_tickets(
    state: &AppState,
    caller: &Caller,
    filter: Option<State>,
    search: &str,
    order: TicketOrder,
    page: u32,
) -> Result<TicketList, AppError> {
    let user = customer(caller)?;
    if search.chars().count() > 200 {
        return Err(AppError::invalid(
            "search",
            "Search for at most 200 characters.",
        ));
    }
    let offset = usize::try_from(page)
        .unwrap_or(usize::MAX)
        .saturating_mul(PAGE_SIZE);
    // One more than a page tells whether another page follows.
    let mut tickets = state
        .store
        .customer_tickets(
            TicketReader {
                customer_id: &user.id,
                organization: user.sees_organization.as_deref(),
            },
            filter,
            search,
            order,
            offset,
            PAGE_SIZE + 1,
        )
        .await
        .map_err(internal)?;
    let has_more = tickets.len() > PAGE_SIZE;
    tickets.truncate(PAGE_SIZE);
    Ok(TicketList {
        tickets: tickets.iter().map(summary).collect(),
        page,
        has_more,
    })
}

/// The ticket if this person follows it (their own, copied, or shared by their organization);
/// otherwise "not found", exactly as for no ticket at all, so numbers cannot be probed. Staff
/// reach other tickets only as staff: through the portal an agent could otherwise answer as the
/// customer, or close a ticket, without their role's permission.
async fn visible_ticket(
    state: &AppState,
    user: &SignedInUser,
    number: &str,
) -> Result<Ticket, AppError> {
    let ticket = state.store.ticket(number.trim()).await.map_err(internal)?;
    let reader = Actor::User(user.clone());
    match ticket {
        Some(t)
            if authorize(&reader, Action::FollowTicket, &Resource::Ticket(t.access())).is_ok() =>
        {
            Ok(t)
        }
        _ => Err(AppError::NotFound),
    }
}

pub async fn customer_ticket(
    state: &AppState,
    caller: &Caller,
    number: &str,
) -> Result<CustomerTicket, AppError> {
    let user = customer(caller)?;
    let ticket = visible_ticket(state, user, number).await?;
    let record = AuditRecord::new(
        state.clock.now(),
        caller.audit_actor(),
        "ticket.viewed",
        caller.origin.clone(),
    )
    .object("ticket", &ticket.number)
    .after(json!({ "via": "portal" }));
    state.store.append_audit(&record).await.map_err(internal)?;
    customer_view(state, ticket).await
}

/// The ticket's custom field values as label and shown value, in form order.
pub(super) async fn shown_fields(
    state: &AppState,
    ticket: &Ticket,
) -> Result<Vec<(String, String)>, AppError> {
    let topic = match &ticket.help_topic {
        Some(key) => state.store.public_topic(key).await.map_err(internal)?,
        None => None,
    };
    let definitions = topic.map(|t| t.fields).unwrap_or_default();
    Ok(ticket
        .fields
        .iter()
        .map(|(name, value)| {
            let def = definitions.iter().find(|d| &d.name == name);
            (
                def.map_or_else(|| name.clone(), |d| d.label.clone()),
                value.display(def),
            )
        })
        .collect())
}

/// The ticket as any customer-side reader sees it (its customer or a guest link holder).
pub(super) async fn customer_view(
    state: &AppState,
    ticket: Ticket,
) -> Result<CustomerTicket, AppError> {
    let thread = state
        .store
        .thread(&ticket.number, true)
        .await
        .map_err(internal)?;
    let fields = shown_fields(state, &ticket).await?;
    Ok(CustomerTicket {
        summary: summary(&ticket),
        help_topic: ticket.help_topic_name.clone(),
        team: ticket.team.clone(),
        created_at: ticket.created_at,
        fields,
        thread,
        can_close: customer_may_change(&ticket.status, CustomerStatusChange::Close).is_ok(),
        can_reopen: customer_may_change(&ticket.status, CustomerStatusChange::Reopen).is_ok(),
    })
}

pub async fn customer_reply(
    state: &AppState,
    caller: &Caller,
    number: &str,
    message: &str,
    attachments: &[String],
) -> Result<(), AppError> {
    let user = customer(caller)?;
    let ticket = visible_ticket(state, user, number).await?;
    add_customer_message(state, caller, &ticket, message, attachments).await
}

/// Adds the requester's message to an open ticket (from the portal or a guest link).
pub(super) async fn add_customer_message(
    state: &AppState,
    caller: &Caller,
    ticket: &Ticket,
    message: &str,
    attachments: &[String],
) -> Result<(), AppError> {
    check_attachment_count(&general_settings::current(state).await?, attachments)?;
    let body = message_text(message).map_err(|e| AppError::Invalid { fields: vec![e] })?;
    if ticket.status.state == State::Closed {
        return Err(AppError::conflict(
            "This ticket is closed. Reopen it to reply.",
        ));
    }
    let now = state.clock.now();
    // A signed-in customer (requester or copied) writes as themselves; a guest link speaks for
    // the requester it was sent to.
    let (author_id, author_name) = match caller.actor.user() {
        Some(user) => (user.id.as_str(), user.name.as_str()),
        None => (ticket.requester_id.as_str(), ticket.requester_name.as_str()),
    };
    let entry = NewEntry {
        attachments,
        kind: EntryKind::CustomerMessage,
        author_id: Some(author_id),
        author_name,
        by_staff: false,
        body: &body,
        source: Source::Web,
        email: None,
        at: now,
    };
    let author_email = match caller.actor.user() {
        Some(user) => user.email.as_str(),
        None => ticket.requester_email.as_str(),
    };
    let mail = notifications::customer_wrote(state, ticket, author_email, &body).await?;
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "ticket.replied",
        caller.origin.clone(),
    )
    .object("ticket", &ticket.number)
    .after(json!({ "kind": "customer_message", "length": body.chars().count() }));
    let write = TicketWrite {
        number: &ticket.number,
        based_on: None,
        entry,
        patches: &[],
        once: None,
        mail: &mail,
    };
    state
        .store
        .write_ticket(&write, &record)
        .await
        .map_err(|e| match e {
            StoreError::Refused(Refusal::AttachmentInvalid) => attachment_gone(),
            other => internal(other),
        })
}

pub async fn customer_change_status(
    state: &AppState,
    caller: &Caller,
    number: &str,
    change: CustomerStatusChange,
) -> Result<(), AppError> {
    let user = customer(caller)?;
    let ticket = visible_ticket(state, user, number).await?;
    customer_may_change(&ticket.status, change).map_err(|e| AppError::conflict(e.to_string()))?;
    let (target, verb, action) = match change {
        CustomerStatusChange::Close => ("closed", "closed", "ticket.closed"),
        CustomerStatusChange::Reopen => ("open", "reopened", "ticket.reopened"),
    };
    let status = state
        .store
        .status(target)
        .await
        .map_err(internal)?
        .ok_or_else(|| internal(StoreError::Corrupt(format!("status {target}"))))?;
    let now = state.clock.now();
    let body = format!("{} {verb} the ticket.", user.name);
    let entry = NewEntry {
        attachments: &[],
        kind: EntryKind::SystemEvent,
        author_id: Some(&user.id),
        author_name: &user.name,
        by_staff: false,
        body: &body,
        source: Source::Web,
        email: None,
        at: now,
    };
    let record = AuditRecord::new(now, caller.audit_actor(), action, caller.origin.clone())
        .object("ticket", &ticket.number)
        .before(json!({ "status": ticket.status.key }))
        .after(json!({ "status": status.key }));
    let write = TicketWrite {
        number: &ticket.number,
        based_on: None,
        entry,
        patches: &[Patch::Status(&status)],
        once: None,
        mail: &[],
    };
    state
        .store
        .write_ticket(&write, &record)
        .await
        .map_err(internal)
}
