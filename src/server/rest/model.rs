//! What the REST API sends and accepts: stable shapes for clients, built from what the use cases
//! return (keys where clients act on them, names where people read them).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::ticket::ThreadEntry;
use crate::domain::user::UserSummary;
use crate::server_fns::agent_queue::QueueRow;
use crate::server_fns::agent_ticket::AgentTicket;

/// The serde name of a unit enum value (`on_track`, `ip`).
fn serde_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Someone named on a ticket.
#[derive(Serialize, ToSchema)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// A ticket as a list shows it.
#[derive(Serialize, ToSchema)]
pub struct TicketSummary {
    /// The ticket number customers see.
    pub number: String,
    pub subject: String,
    pub requester: Person,
    /// The status's name.
    pub status: String,
    /// `open` or `closed`.
    pub state: String,
    /// The priority's key.
    pub priority: String,
    pub department: String,
    pub assignee: Option<String>,
    pub team: Option<String>,
    /// Where it came from: web, email, api, phone, alert, other.
    pub source: String,
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the earlier running SLA clock falls due.
    pub sla_due: Option<DateTime<Utc>>,
    /// Name this in `version` to change the ticket only if nobody changed it since.
    pub version: u64,
}

impl From<QueueRow> for TicketSummary {
    fn from(row: QueueRow) -> Self {
        TicketSummary {
            number: row.number,
            subject: row.subject,
            requester: Person {
                name: row.requester,
                email: row.requester_email,
            },
            status: row.status,
            state: serde_name(&row.state),
            priority: row.priority_key,
            department: row.department,
            assignee: row.assignee,
            team: row.team,
            source: row.source.as_str().to_string(),
            tags: row.tags,
            created_at: row.created_at,
            updated_at: row.updated_at,
            sla_due: row.sla_due,
            version: row.version,
        }
    }
}

/// One page of tickets.
#[derive(Serialize, ToSchema)]
pub struct TicketList {
    pub tickets: Vec<TicketSummary>,
    /// Pass as `cursor` for the next page; absent on the last page (and for searches, which
    /// return the best matches only).
    pub next_cursor: Option<String>,
}

/// Which tickets to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A queue: mine, unassigned, open, waiting, overdue, closed, referred, department:KEY,
    /// saved:ID. Without one, every ticket the key's account may work.
    pub queue: Option<String>,
    /// Status keys, comma separated.
    pub status: Option<String>,
    /// Priority keys, comma separated.
    pub priority: Option<String>,
    /// Department keys, comma separated.
    pub department: Option<String>,
    /// `me`, `none`, or an agent's id.
    pub assignee: Option<String>,
    /// Tags the tickets must all carry, comma separated.
    pub tag: Option<String>,
    /// Sources, comma separated: web, email, api, phone, alert, other.
    pub source: Option<String>,
    /// Alert sources, comma separated: elastic, wazuh, grafana, alertmanager, splunk, generic,
    /// thehive.
    pub alert_source: Option<String>,
    /// An alert fingerprint: the ticket its repeats go to.
    pub fingerprint: Option<String>,
    /// Full-text search (`"exact phrase"`, `-exclude`); returns the best matches.
    pub q: Option<String>,
    /// recently_updated (default), newest, oldest.
    pub sort: Option<String>,
    /// From `next_cursor`.
    pub cursor: Option<String>,
}

/// One message or event of a ticket's thread.
#[derive(Serialize, ToSchema)]
pub struct Entry {
    /// customer_message, agent_reply, internal_note, system_event, staff_event.
    pub kind: String,
    pub author: String,
    /// Plain text.
    pub body: String,
    pub at: DateTime<Utc>,
    /// File names and ids (download at `/files/{id}` with a session).
    pub attachments: Vec<Attachment>,
}

#[derive(Serialize, ToSchema)]
pub struct Attachment {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub content_type: String,
}

impl From<ThreadEntry> for Entry {
    fn from(entry: ThreadEntry) -> Self {
        Entry {
            kind: entry.kind.as_str().to_string(),
            author: entry.author_name,
            body: entry.body,
            at: entry.at,
            attachments: entry
                .attachments
                .into_iter()
                .map(|a| Attachment {
                    id: a.id,
                    name: a.name,
                    size: a.size,
                    content_type: a.content_type,
                })
                .collect(),
        }
    }
}

/// An SLA clock of the ticket.
#[derive(Serialize, ToSchema)]
pub struct SlaClock {
    /// first_response or resolution.
    pub clock: String,
    /// on_track, at_risk, breached, paused, met.
    pub state: String,
    pub due_at: Option<DateTime<Utc>>,
}

/// What a SIEM alert behind the ticket says.
#[derive(Serialize, ToSchema)]
pub struct AlertFacts {
    pub source: String,
    pub fingerprint: String,
    pub rule: Option<String>,
    pub occurrences: u64,
    pub last_seen: Option<DateTime<Utc>>,
    pub observables: Vec<ObservableOut>,
}

#[derive(Serialize, ToSchema)]
pub struct ObservableOut {
    /// ip, host, user, hash, technique, url, other.
    pub kind: String,
    pub value: String,
}

/// A ticket with its thread.
#[derive(Serialize, ToSchema)]
pub struct TicketDetail {
    pub number: String,
    pub subject: String,
    pub requester: Person,
    /// The status's key and name.
    pub status: String,
    pub status_name: String,
    pub state: String,
    pub priority: String,
    pub priority_name: String,
    pub department: String,
    pub department_name: String,
    pub help_topic: Option<String>,
    pub assignee_id: Option<String>,
    pub assignee: Option<String>,
    pub team: Option<String>,
    pub source: String,
    pub tags: Vec<String>,
    /// Custom fields: label to shown value.
    pub fields: BTreeMap<String, String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub sla: Vec<SlaClock>,
    pub alert: Option<AlertFacts>,
    pub version: u64,
    pub thread: Vec<Entry>,
}

impl From<AgentTicket> for TicketDetail {
    fn from(view: AgentTicket) -> Self {
        let t = view.ticket;
        TicketDetail {
            number: t.number,
            subject: t.subject,
            requester: Person {
                name: t.requester_name,
                email: t.requester_email,
            },
            status: t.status.key,
            status_name: t.status.name,
            state: serde_name(&t.status.state),
            priority: t.priority,
            priority_name: t.priority_name,
            department: t.department,
            department_name: t.department_name,
            help_topic: t.help_topic,
            assignee_id: t.assignee_id,
            assignee: t.assignee_name,
            team: t.team,
            source: t.source.as_str().to_string(),
            tags: t.tags,
            fields: view.fields.into_iter().collect(),
            created_at: t.created_at,
            updated_at: t.updated_at,
            closed_at: t.closed_at,
            due_at: t.due_at,
            sla: view
                .sla
                .into_iter()
                .map(|b| SlaClock {
                    clock: b.clock.key().to_string(),
                    state: serde_name(&b.state),
                    due_at: b.due_at,
                })
                .collect(),
            alert: view.alert.map(|a| AlertFacts {
                source: a.source,
                fingerprint: a.fingerprint,
                rule: a.rule,
                occurrences: a.occurrences,
                last_seen: a.last_seen,
                observables: a
                    .observables
                    .into_iter()
                    .map(|o| ObservableOut {
                        kind: serde_name(&o.kind),
                        value: o.value,
                    })
                    .collect(),
            }),
            version: t.version,
            thread: view.thread.into_iter().map(Entry::from).collect(),
        }
    }
}

/// A new ticket, opened by staff for a customer.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicketBody {
    /// The customer's email; an account is made for a new address.
    pub email: String,
    pub name: Option<String>,
    /// A help topic's key; the default topic when absent.
    pub topic: Option<String>,
    pub subject: String,
    pub message: String,
    /// A priority key instead of the topic's.
    pub priority: Option<String>,
    /// Custom field values by field name.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldInput>,
    /// web, email, api (default), phone, other.
    pub source: Option<String>,
    /// Send the customer the auto-response (default true).
    pub autorespond: Option<bool>,
}

/// A custom field's value: one text, or several (choices, multi-select).
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum FieldInput {
    One(String),
    Many(Vec<String>),
}

impl FieldInput {
    pub fn into_inputs(self) -> Vec<String> {
        match self {
            FieldInput::One(v) => vec![v],
            FieldInput::Many(v) => v,
        }
    }
}

/// The ticket number of a new ticket.
#[derive(Serialize, ToSchema)]
pub struct Created {
    pub number: String,
}

/// Changes to a ticket; absent properties stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketPatch {
    /// Apply only if the ticket is still at this version (else 409).
    pub version: Option<u64>,
    /// A status key.
    pub status: Option<String>,
    /// With a closing status: how the ticket ended (a resolution class key; required for
    /// tickets opened by alerts).
    pub resolution: Option<String>,
    /// A priority key.
    pub priority: Option<String>,
    /// A department key: transfers the ticket.
    pub department: Option<String>,
    /// An agent's id; `null` releases the ticket.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub assignee: Option<Option<String>>,
    /// The ticket's tags (replacing them).
    pub tags: Option<Vec<String>>,
    /// Custom field values by field name (fields not named keep their values).
    pub fields: Option<BTreeMap<String, FieldInput>>,
}

/// A property that is present (even as `null`) is `Some`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// A reply to the customer or an internal note.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// `reply` (to the customer, by email too) or `note` (staff only).
    pub kind: String,
    pub message: String,
    /// A status key to set with it.
    pub status: Option<String>,
    /// With a closing status: how the ticket ended (a resolution class key; required for
    /// tickets opened by alerts).
    pub resolution: Option<String>,
    /// Post only if the ticket is still at this version (else 409).
    pub version: Option<u64>,
}

/// An account.
#[derive(Serialize, ToSchema)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub name: String,
    /// customer, agent or admin.
    pub role: String,
    pub active: bool,
    /// An agent's departments.
    pub departments: Vec<String>,
    /// A customer's organization key.
    pub organization: Option<String>,
}

impl From<UserSummary> for Account {
    fn from(user: UserSummary) -> Self {
        Account {
            id: user.id,
            email: user.email,
            name: user.name,
            role: user.role.as_str().to_string(),
            active: user.active,
            departments: user.departments,
            organization: user.organization.map(|o| o.key),
        }
    }
}
