//! Staff opening a ticket for a customer (the REST API's `POST /api/v1/tickets`): the agent must
//! hold `ticket.create` in the help topic's department; the customer's account is found or made
//! from the address; then the same creation as every other channel (filters, SLA, notifications).

use std::collections::BTreeMap;

use crate::domain::config::role::Permission;
use crate::domain::form::{Audience, validate_form};
use crate::domain::permission::{Action, Resource, authorize};
use crate::domain::routing::Channel;
use crate::domain::ticket::{Source, parse_subject};
use crate::error::{AppError, FieldError};
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::use_cases::accounts::customer_for_address;
use crate::server::use_cases::agent_queue::staff;
use crate::server::use_cases::general_settings;
use crate::server::use_cases::tickets::{Creation, Requester, create, field_text, message_text};

/// A new ticket as staff describe it.
pub struct NewTicket<'a> {
    pub email: &'a str,
    pub name: Option<&'a str>,
    /// The help topic's key; the default topic when `None`.
    pub topic: Option<&'a str>,
    pub subject: &'a str,
    pub message: &'a str,
    /// A priority key overriding the topic's.
    pub priority: Option<&'a str>,
    /// Custom field inputs by field name.
    pub fields: &'a BTreeMap<String, Vec<String>>,
    pub source: Source,
    /// Send the customer the auto-response.
    pub autorespond: bool,
}

pub async fn open(
    state: &AppState,
    caller: &Caller,
    request: NewTicket<'_>,
) -> Result<String, AppError> {
    staff(caller)?;
    let topic_key = match request.topic {
        Some(key) => Some(key.to_string()),
        None => general_settings::current(state).await?.default_topic,
    };
    let topic = match &topic_key {
        Some(key) => state.store.topic(key).await.map_err(internal)?,
        None => None,
    };
    let Some(mut topic) = topic else {
        return Err(AppError::invalid(
            "topic",
            "Choose an active help topic (no default topic is set).",
        ));
    };
    authorize(
        &caller.actor,
        Action::Perform(Permission::TicketCreate),
        &Resource::Department(&topic.department),
    )
    .map_err(|_| AppError::NotPermitted {
        message: format!(
            "Your role in the topic's department does not allow opening tickets ({}).",
            Permission::TicketCreate.key()
        ),
    })?;
    let mut errors = Vec::new();
    if let Some(priority) = request.priority {
        let known = state.store.priorities().await.map_err(internal)?;
        if known.iter().any(|p| p.key == priority) {
            topic.priority = Some(priority.to_string());
        } else {
            errors.push(FieldError::new(
                "priority",
                format!("There is no priority “{priority}”."),
            ));
        }
    }
    let subject = parse_subject(request.subject)
        .map_err(|e| errors.push(FieldError::new("subject", e.to_string())))
        .ok();
    let message = message_text(request.message)
        .map_err(|e| errors.push(e))
        .ok();
    let values = validate_form(&topic.fields, request.fields, Audience::Agent)
        .map_err(|e| errors.extend(e))
        .ok();
    let (Some(subject), Some(message), Some(values), true) =
        (subject, message, values, errors.is_empty())
    else {
        return Err(AppError::Invalid { fields: errors });
    };
    let requester = customer_for_address(state, caller, request.email, request.name).await?;
    create(
        state,
        caller,
        Creation {
            requester: Requester::from(&requester),
            topic: &topic,
            subject: &subject,
            message: &message,
            values: &values,
            field_text: field_text(&topic.fields, &values),
            attachments: &[],
            collaborators: &[],
            channel: Channel::Api,
            source: request.source,
            headers: Vec::new(),
            autorespond: request.autorespond,
            alert: true,
            email: None,
            note: None,
            siem: None,
        },
    )
    .await
}
