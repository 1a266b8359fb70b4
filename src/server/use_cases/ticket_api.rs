//! Opening tickets through the osTicket-compatible API (`tickets.json`, `tickets.xml`): the
//! request's checks, its requester, help topic, priority, custom fields and attachments, then the
//! same creation as every other channel (filters, SLA, notifications).

use std::collections::BTreeMap;

use crate::domain::form::{Audience, FieldKind, FieldValue};
use crate::domain::osticket::{ApiTicket, Problem, Submission};
use crate::domain::routing::Channel;
use crate::domain::ticket::{Source, parse_subject};
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::sanitize::sanitize_html;
use crate::server::state::AppState;
use crate::server::store::{EntryEmail, Topic};
use crate::server::use_cases::accounts::customer_for_address;
use crate::server::use_cases::attachments::store_received_files;
use crate::server::use_cases::general_settings;
use crate::server::use_cases::tickets::{Creation, Requester, create, field_text};

/// Why a request made no ticket, in osTicket's terms.
#[derive(Debug)]
pub enum ApiRefusal {
    /// Missing or bad fields (osTicket's "Unable to create new ticket").
    Invalid(Vec<Problem>),
    Other(AppError),
}

impl From<AppError> for ApiRefusal {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Invalid { fields } => ApiRefusal::Invalid(
                fields
                    .into_iter()
                    .map(|f| Problem {
                        field: static_field(&f.field),
                        message: f.message,
                    })
                    .collect(),
            ),
            other => ApiRefusal::Other(other),
        }
    }
}

/// Field names as `'static` for problems raised by the shared use cases.
fn static_field(name: &str) -> &'static str {
    [
        "email",
        "name",
        "subject",
        "message",
        "attachments",
        "topicId",
        "priority",
    ]
    .into_iter()
    .find(|f| f.eq_ignore_ascii_case(name))
    .unwrap_or("request")
}

/// The help topic a `topicId` names: a topic's key, or its position in the admin's order (as
/// osTicket's numeric ids are used); else the default topic, else the first.
async fn topic(state: &AppState, id: Option<&str>) -> Result<Topic, AppError> {
    let topics = state.store.public_topics().await.map_err(internal)?;
    let by_id = id.and_then(|id| {
        topics.iter().find(|t| t.key == id).cloned().or_else(|| {
            id.parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| topics.get(i).cloned())
        })
    });
    if let Some(topic) = by_id {
        return Ok(topic);
    }
    let default = general_settings::current(state).await?.default_topic;
    topics
        .iter()
        .find(|t| Some(&t.key) == default.as_ref())
        .or(topics.first())
        .cloned()
        .ok_or_else(|| AppError::conflict("No help topic is active, so no ticket can be opened."))
}

/// Custom field values sent by field name (any case); each is checked as an agent's input would
/// be, but a required field the client did not send is not an error.
fn custom_fields(
    topic: &Topic,
    sent: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, FieldValue>, Vec<Problem>> {
    let mut values = BTreeMap::new();
    let mut problems = Vec::new();
    // File fields take uploads, which the API sends as attachments instead.
    let fields = topic
        .fields
        .iter()
        .filter(|f| f.applies_to(Audience::Agent) && f.kind != FieldKind::File);
    for def in fields {
        let Some((_, raw)) = sent.iter().find(|(k, _)| k.eq_ignore_ascii_case(&def.name)) else {
            continue;
        };
        match def.validate(std::slice::from_ref(raw), Audience::Agent) {
            Ok(Some(value)) => {
                values.insert(def.name.clone(), value);
            }
            Ok(None) => {}
            Err(e) => problems.push(Problem {
                field: "fields",
                message: format!("{}: {e}", def.name),
            }),
        }
    }
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(problems)
    }
}

/// What a note on the ticket's history records of the request (its address, phone).
fn submission_note(ticket: &ApiTicket, key_name: &str, dropped: usize) -> String {
    let mut note = format!("Opened through the ticket API with the key “{key_name}”");
    if let Some(ip) = &ticket.ip {
        note.push_str(&format!(" for {ip}"));
    }
    note.push('.');
    if let Some((number, ext)) = &ticket.phone {
        note.push_str(&format!(" Phone: {number}"));
        if let Some(ext) = ext {
            note.push_str(&format!(" ext. {ext}"));
        }
        note.push('.');
    }
    if dropped > 0 {
        note.push_str(&format!(
            " {dropped} attachment(s) could not be decoded and were left out."
        ));
    }
    note
}

/// The source osTicket clients name, as Docket's.
fn source(name: &str) -> Source {
    match name.trim().to_ascii_lowercase().as_str() {
        "email" => Source::Email,
        "phone" => Source::Phone,
        "web" => Source::Web,
        "other" => Source::Other,
        _ => Source::Api,
    }
}

pub async fn open(
    state: &AppState,
    caller: &Caller,
    key_name: &str,
    submission: Submission,
) -> Result<String, ApiRefusal> {
    let dropped = submission.dropped_attachments;
    let email = submission
        .values
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("email"))
        .map(|(_, v)| v.trim().to_ascii_lowercase());
    let known = match &email {
        Some(e) => !state
            .store
            .users_by_email(std::slice::from_ref(e))
            .await
            .map_err(internal)?
            .is_empty(),
        None => false,
    };
    let ticket = submission.check(|_| known).map_err(ApiRefusal::Invalid)?;
    let subject = parse_subject(&ticket.subject).map_err(|e| {
        ApiRefusal::Invalid(vec![Problem {
            field: "subject",
            message: e.to_string(),
        }])
    })?;
    let mut topic = topic(state, ticket.topic_id.as_deref()).await?;
    if let Some(n) = ticket.priority_id {
        let priorities = state.store.priorities().await.map_err(internal)?;
        if let Some(p) = usize::try_from(n - 1).ok().and_then(|i| priorities.get(i)) {
            topic.priority = Some(p.key.clone());
        }
    }
    let values = custom_fields(&topic, &ticket.fields).map_err(ApiRefusal::Invalid)?;
    let requester =
        customer_for_address(state, caller, &ticket.email, ticket.name.as_deref()).await?;
    let files: Vec<(&str, &[u8])> = ticket
        .attachments
        .iter()
        .map(|f| (f.name.as_str(), f.bytes.as_slice()))
        .collect();
    let attachments = store_received_files(state, caller, &requester.id, &files).await?;
    let extras = EntryEmail {
        message_id: None,
        via: None,
        rich: ticket.html.as_deref().map(sanitize_html),
    };
    let number = create(
        state,
        caller,
        Creation {
            requester: Requester::from(&requester),
            topic: &topic,
            subject: &subject,
            message: &ticket.message,
            values: &values,
            field_text: field_text(&topic.fields, &values),
            attachments: &attachments,
            collaborators: &[],
            channel: Channel::Api,
            source: source(&ticket.source),
            headers: Vec::new(),
            autorespond: ticket.autorespond,
            alert: ticket.alert,
            email: Some(&extras),
            note: Some(submission_note(&ticket, key_name, dropped)),
            siem: None,
        },
    )
    .await?;
    Ok(number)
}
