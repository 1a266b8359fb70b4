//! SIEM alerts in: each alert of a payload opens a ticket through the same creation as every other
//! channel (filters, SLA, notifications), or, when a ticket with its fingerprint exists, counts a
//! repeat on it (reopening it if the source's settings say so) or notes its recovery.

use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::domain::alerts::fingerprint;
use crate::domain::alerts::mapping::map;
use crate::domain::alerts::settings::AlertSourceDef;
use crate::domain::alerts::{Alert, AlertSource, AlertStatus};
use crate::domain::audit::AuditRecord;
use crate::domain::routing::Channel;
use crate::domain::ticket::{EntryKind, Source, State, parse_subject};
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{AlertFacts, NewAttachment, NewEntry, Patch, TicketWrite};
use crate::server::use_cases::accounts::customer_for_address;
use crate::server::use_cases::general_settings;
use crate::server::use_cases::tickets::{Creation, Requester, create};

/// What became of one alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ingested {
    /// `created`, `updated` (a repeat), `resolved` (a recovery noted) or `ignored` (a recovery
    /// with no ticket).
    pub result: &'static str,
    pub ticket: Option<String>,
    pub fingerprint: String,
    pub occurrences: u64,
}

pub async fn ingest(
    state: &AppState,
    caller: &Caller,
    source: AlertSource,
    body: &[u8],
) -> Result<Vec<Ingested>, AppError> {
    let payload: Value = serde_json::from_slice(body)
        .map_err(|e| AppError::invalid("payload", format!("The body is not JSON: {e}")))?;
    let mut alerts = map(source, &payload).map_err(|e| AppError::invalid("payload", e.0))?;
    let defs = state.store.alert_source_defs().await.map_err(internal)?;
    let settings = AlertSourceDef::pick(&defs, source);
    fingerprint::apply(&settings.fingerprint, source, &payload, &mut alerts);
    let mut out = Vec::with_capacity(alerts.len());
    for alert in &alerts {
        let existing = state
            .store
            .ticket_by_fingerprint(&alert.fingerprint)
            .await
            .map_err(internal)?;
        out.push(match existing {
            Some(number) => repeat(state, caller, &settings, alert, &number).await?,
            None if alert.status == AlertStatus::Resolved => Ingested {
                result: "ignored",
                ticket: None,
                fingerprint: alert.fingerprint.clone(),
                occurrences: 0,
            },
            None => match open(state, caller, &settings, alert, body).await {
                Ok(ingested) => ingested,
                // The same alert arrived twice at once and the other copy opened the ticket (the
                // fingerprint is unique): this one is a repeat.
                Err(error) => match state
                    .store
                    .ticket_by_fingerprint(&alert.fingerprint)
                    .await
                    .map_err(internal)?
                {
                    Some(number) => repeat(state, caller, &settings, alert, &number).await?,
                    None => return Err(error),
                },
            },
        });
    }
    Ok(out)
}

async fn open(
    state: &AppState,
    caller: &Caller,
    settings: &AlertSourceDef,
    alert: &Alert,
    raw: &[u8],
) -> Result<Ingested, AppError> {
    let store = &state.store;
    let requester = customer_for_address(
        state,
        caller,
        &settings.requester,
        Some(&format!("{} alerts", settings.name)),
    )
    .await?;
    let topics = store.public_topics().await.map_err(internal)?;
    let default_topic = general_settings::current(state).await?.default_topic;
    let wanted = settings.help_topic.as_ref().or(default_topic.as_ref());
    let mut topic = match wanted {
        Some(key) => store.topic(key).await.map_err(internal)?,
        None => None,
    }
    .or_else(|| topics.into_iter().next())
    .ok_or_else(|| AppError::conflict("No help topic is active, so no ticket can be opened."))?;
    if let Some(department) = &settings.department {
        topic.department = department.clone();
    }
    topic.priority = Some(settings.priority(alert.severity).to_string());
    let subject = parse_subject(&alert.title)
        .or_else(|_| parse_subject(&alert.title.chars().take(200).collect::<String>()))
        .map_err(|e| AppError::invalid("title", e.to_string()))?;
    // The raw payload stays with the ticket as a file (the system's, not a customer upload).
    let now = state.clock.now();
    let sha256 = hex::encode(Sha256::digest(raw));
    let name = format!("alert-{}.json", alert.source.slug());
    let upload = NewAttachment {
        uploader_id: &requester.id,
        name: &name,
        content_type: "application/json",
        sha256: &sha256,
        data: raw,
        at: now,
    };
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "attachment.received",
        caller.origin.clone(),
    )
    .after(json!({ "name": name, "size": raw.len(), "sha256": sha256 }));
    let payload_file = store
        .save_upload(&upload, &record)
        .await
        .map_err(internal)?;
    let facts = AlertFacts {
        source: alert.source.slug().to_string(),
        fingerprint: alert.fingerprint.clone(),
        rule: alert.rule.clone(),
        observables: serde_json::to_string(&alert.observables).unwrap_or_else(|_| "[]".into()),
    };
    let note = format!(
        "Alert from {} ({}, severity {}). Fingerprint: {}.",
        settings.name,
        alert
            .rule
            .as_deref()
            .map_or("no rule".to_string(), |r| format!("rule {r}")),
        alert.severity.as_str(),
        alert.fingerprint
    );
    let values = Default::default();
    let number = create(
        state,
        caller,
        Creation {
            requester: Requester::from(&requester),
            topic: &topic,
            subject: &subject,
            message: &alert.message(),
            values: &values,
            field_text: Default::default(),
            attachments: std::slice::from_ref(&payload_file),
            collaborators: &[],
            channel: Channel::Alert,
            source: Source::Alert,
            headers: Vec::new(),
            autorespond: false,
            alert: true,
            email: None,
            note: Some(note),
            siem: Some(&facts),
        },
    )
    .await?;
    Ok(Ingested {
        result: "created",
        ticket: Some(number),
        fingerprint: alert.fingerprint.clone(),
        occurrences: 1,
    })
}

/// A repeat (or a recovery) of an alert that has a ticket: one compact event on it.
async fn repeat(
    state: &AppState,
    caller: &Caller,
    settings: &AlertSourceDef,
    alert: &Alert,
    number: &str,
) -> Result<Ingested, AppError> {
    let store = &state.store;
    let ticket = store
        .ticket(number)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let occurrences = store
        .alert_record(number)
        .await
        .map_err(internal)?
        .map_or(1, |a| a.occurrences);
    let now = state.clock.now();
    let stamp = now.format("%Y-%m-%d %H:%M:%S UTC");
    let open_status = store.status("open").await.map_err(internal)?;
    let resolved_status = store.status("resolved").await.map_err(internal)?;
    let closed = ticket.status.state == State::Closed;
    let (body, patches, result, action, count) = match alert.status {
        AlertStatus::Firing => {
            let count = occurrences + 1;
            let mut patches = vec![Patch::Occurrence(now)];
            let mut body = format!(
                "Alert fired again at {stamp} (occurrence {count}): {}",
                alert.title
            );
            if closed
                && settings.reopen_closed
                && let Some(status) = &open_status
            {
                patches.push(Patch::Status(status));
                body.push_str(" The ticket was closed and is reopened.");
            }
            (body, patches, "updated", "alert.repeated", count)
        }
        AlertStatus::Resolved => {
            let mut patches = Vec::new();
            let mut body = format!("{} reports the alert resolved at {stamp}.", settings.name);
            if !closed
                && settings.resolve_on_recovery
                && let Some(status) = &resolved_status
            {
                patches.push(Patch::Status(status));
                body.push_str(" The ticket is resolved.");
            }
            (body, patches, "resolved", "alert.resolved", occurrences)
        }
    };
    let record = AuditRecord::new(now, caller.audit_actor(), action, caller.origin.clone())
        .object("ticket", number)
        .after(json!({ "fingerprint": alert.fingerprint, "occurrences": count, "status": format!("{:?}", alert.status) }));
    let write = TicketWrite {
        number,
        based_on: None,
        entry: NewEntry {
            kind: EntryKind::StaffEvent,
            attachments: &[],
            author_id: None,
            author_name: &settings.name,
            by_staff: false,
            body: &body,
            source: Source::Alert,
            email: None,
            at: now,
        },
        patches: &patches,
        once: None,
        mail: &[],
    };
    store
        .write_ticket(&write, &record)
        .await
        .map_err(internal)?;
    Ok(Ingested {
        result,
        ticket: Some(number.to_string()),
        fingerprint: alert.fingerprint.clone(),
        occurrences: count,
    })
}
