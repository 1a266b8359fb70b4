//! Tickets and their threads in the database.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::catalog::parse_state;
use super::{Binds, Store, StoreError};
use crate::domain::attachment::AttachmentRef;
use crate::domain::audit::AuditRecord;
use crate::domain::form::FieldValue;
use crate::domain::ticket::{EntryKind, Source, State, Status, ThreadEntry, Ticket, TicketOrder};

/// A ticket about to be created with its first thread entry.
pub struct NewTicket<'a> {
    /// Ids of the accounts copied on the ticket (they follow it like the requester).
    pub collaborators: &'a [String],
    /// Ids of the requester's pending uploads to attach to the first message.
    pub attachments: &'a [String],
    pub number: &'a str,
    pub subject: &'a str,
    pub requester_id: &'a str,
    pub department: &'a str,
    pub help_topic: Option<&'a str>,
    pub priority: &'a str,
    pub source: Source,
    pub fields: &'a BTreeMap<String, FieldValue>,
    pub message: &'a str,
    pub author_name: &'a str,
    pub at: DateTime<Utc>,
}

/// A thread entry about to be added, possibly with a status change.
pub struct NewEntry<'a> {
    pub kind: EntryKind,
    /// Ids of the author's pending uploads to attach.
    pub attachments: &'a [String],
    pub author_id: Option<&'a str>,
    pub author_name: &'a str,
    pub body: &'a str,
    pub source: Source,
    pub at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct TicketRow {
    number: String,
    subject: String,
    requester_id: String,
    requester_name: String,
    requester_email: String,
    collaborator_ids: Vec<String>,
    department: String,
    department_name: String,
    help_topic: Option<String>,
    help_topic_name: Option<String>,
    priority: String,
    priority_name: String,
    status: String,
    status_name: String,
    state: String,
    pauses_sla: bool,
    customer_may_reopen: bool,
    source: String,
    team: Option<String>,
    tags: Vec<String>,
    fields: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
}

const TICKET_FIELDS: &str = "number, subject, record::id(requester) AS requester_id, requester.name AS requester_name, requester.email AS requester_email,
    collaborators.map(|$c| record::id($c)) AS collaborator_ids,
    record::id(department) AS department, department.name AS department_name,
    (IF help_topic { record::id(help_topic) } ELSE { NONE }) AS help_topic, help_topic.name AS help_topic_name,
    record::id(priority) AS priority, priority.name AS priority_name,
    record::id(status) AS status, status.name AS status_name, state, status.pauses_sla AS pauses_sla,
    status.customer_may_reopen AS customer_may_reopen, source, team, tags, fields, created_at, updated_at, closed_at";

impl TicketRow {
    fn into_ticket(self) -> Result<Ticket, StoreError> {
        Ok(Ticket {
            status: Status {
                state: parse_state(&self.state)?,
                key: self.status,
                name: self.status_name,
                pauses_sla: self.pauses_sla,
                customer_may_reopen: self.customer_may_reopen,
            },
            source: Source::parse(&self.source)
                .ok_or_else(|| StoreError::Corrupt(format!("source {}", self.source)))?,
            fields: serde_json::from_str(&self.fields)
                .map_err(|e| StoreError::Corrupt(format!("ticket fields: {e}")))?,
            number: self.number,
            subject: self.subject,
            requester_id: self.requester_id,
            requester_name: self.requester_name,
            requester_email: self.requester_email,
            collaborator_ids: self.collaborator_ids,
            department: self.department,
            department_name: self.department_name,
            help_topic: self.help_topic,
            help_topic_name: self.help_topic_name,
            priority: self.priority,
            priority_name: self.priority_name,
            team: self.team,
            tags: self.tags,
            created_at: self.created_at,
            updated_at: self.updated_at,
            closed_at: self.closed_at,
        })
    }
}

#[derive(SurrealValue)]
struct EntryRow {
    kind: String,
    author_name: String,
    body: String,
    format: String,
    at: DateTime<Utc>,
    attachments: Vec<AttachmentRow>,
}

#[derive(SurrealValue)]
struct AttachmentRow {
    id: String,
    name: String,
    size: i64,
    content_type: String,
}

/// Adds a thread entry to the ticket `$ticket` from the `$entry_*` parameters, numbered after the
/// ticket's last one (in the same transaction, so entries never share a number), and attaches the
/// uploads `$entry_attachments` that `$entry_author` made and has not sent yet (all or nothing).
const ADD_ENTRY: &str = "LET $entry_seq = (UPDATE ONLY $ticket SET entries += 1 RETURN VALUE entries);
    LET $entry = (CREATE ONLY thread_entry CONTENT { ticket: $ticket, seq: $entry_seq, kind: $entry_kind,
    author: IF $entry_author { type::record('user', $entry_author) } ELSE { NONE }, author_name: $entry_author_name,
    body: $entry_body, format: 'text', source: $entry_source, at: $entry_at }).id;
    LET $entry_linked = (UPDATE attachment SET ticket = $ticket, entry = $entry
        WHERE record::id(id) IN $entry_attachments AND record::id(uploader) = $entry_author AND ticket = NONE RETURN VALUE id);
    IF array::len($entry_linked) != array::len($entry_attachments) { THROW 'docket:attachment_invalid' };";

fn entry_binds(binds: Binds, entry: &NewEntry<'_>) -> Binds {
    binds
        .with("entry_kind", entry.kind.as_str())
        .with("entry_author", entry.author_id.map(str::to_string))
        .with("entry_author_name", entry.author_name.to_string())
        .with("entry_body", entry.body.to_string())
        .with("entry_source", entry.source.as_str())
        .with("entry_at", entry.at)
        .with("entry_attachments", entry.attachments.to_vec())
}

impl Store {
    /// The next value of the ticket number sequence (1, 2, ...). Gaps are possible, repeats are not.
    pub async fn next_ticket_sequence(&self) -> Result<u64, StoreError> {
        let value: Option<i64> = self
            .db
            .query(
                "UPSERT ONLY ticket_sequence:main SET value = (value ?? 0) + 1 RETURN VALUE value",
            )
            .await?
            .take(0)?;
        value
            .and_then(|v| u64::try_from(v).ok())
            .ok_or_else(|| StoreError::Corrupt("ticket sequence".into()))
    }

    /// Creates the ticket, its first message and the audit event together; a taken number is refused
    /// by name so the caller can draw another.
    pub async fn create_ticket(
        &self,
        ticket: &NewTicket<'_>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let fields =
            serde_json::to_string(ticket.fields).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let sql = format!(
            "IF array::len(SELECT VALUE id FROM ticket WHERE number = $number LIMIT 1) > 0 {{ THROW 'docket:number_taken' }};
             LET $ticket = (CREATE ONLY ticket CONTENT {{ number: $number, subject: $subject,
                requester: type::record('user', $requester), collaborators: $collaborators.map(|$c| type::record('user', $c)), department: type::record('department', $department),
                help_topic: IF $topic {{ type::record('help_topic', $topic) }} ELSE {{ NONE }},
                priority: type::record('priority', $priority), status: status:open, state: 'open', source: $source,
                assignee: NONE, team: NONE, tags: [], fields: $fields, created_at: $at, updated_at: $at,
                first_response_at: NONE, closed_at: NONE, entries: 0 }}).id;
             {ADD_ENTRY}"
        );
        let entry = NewEntry {
            attachments: ticket.attachments,
            kind: EntryKind::CustomerMessage,
            author_id: Some(ticket.requester_id),
            author_name: ticket.author_name,
            body: ticket.message,
            source: ticket.source,
            at: ticket.at,
        };
        let binds = Binds::default()
            .with("number", ticket.number.to_string())
            .with("subject", ticket.subject.to_string())
            .with("requester", ticket.requester_id.to_string())
            .with("collaborators", ticket.collaborators.to_vec())
            .with("department", ticket.department.to_string())
            .with("topic", ticket.help_topic.map(str::to_string))
            .with("priority", ticket.priority.to_string())
            .with("source", ticket.source.as_str())
            .with("fields", fields)
            .with("at", ticket.at);
        self.audited_write(&sql, entry_binds(binds, &entry), record)
            .await
    }

    pub async fn ticket(&self, number: &str) -> Result<Option<Ticket>, StoreError> {
        let row: Option<TicketRow> = self
            .db
            .query(format!(
                "SELECT {TICKET_FIELDS} FROM ticket WHERE number = $number LIMIT 1"
            ))
            .bind(("number", number.to_string()))
            .await?
            .take(0)?;
        row.map(TicketRow::into_ticket).transpose()
    }

    /// A page of a customer's tickets (as requester or collaborator) in `order`.
    pub async fn customer_tickets(
        &self,
        customer_id: &str,
        state: Option<State>,
        search: &str,
        order: TicketOrder,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Ticket>, StoreError> {
        let order_by = match order {
            TicketOrder::RecentlyUpdated => "updated_at DESC",
            TicketOrder::Newest => "created_at DESC",
            TicketOrder::Oldest => "created_at ASC",
            TicketOrder::Subject => "subject ASC",
        };
        let rows: Vec<TicketRow> = self
            .db
            .query(format!(
                "SELECT {TICKET_FIELDS} FROM ticket
                 WHERE (requester = type::record('user', $me) OR collaborators CONTAINS type::record('user', $me))
                   AND ($state = NONE OR state = $state)
                   AND ($search = '' OR string::contains(string::lowercase(subject), $search) OR string::lowercase(number) = $search)
                 ORDER BY {order_by}, number LIMIT $limit START $offset"
            ))
            .bind(("me", customer_id.to_string()))
            .bind(("state", state.map(|s| if s == State::Open { "open" } else { "closed" })))
            .bind(("search", search.trim().to_lowercase()))
            .bind(("limit", limit as i64))
            .bind(("offset", offset as i64))
            .await?
            .take(0)?;
        rows.into_iter().map(TicketRow::into_ticket).collect()
    }

    /// The ticket's thread, oldest first; `customer_view` leaves out internal notes.
    pub async fn thread(
        &self,
        number: &str,
        customer_view: bool,
    ) -> Result<Vec<ThreadEntry>, StoreError> {
        let rows: Vec<EntryRow> = self
            .db
            .query(
                "SELECT kind, author_name, body, format, at, seq,
                    (SELECT record::id(id) AS id, name, size, content_type FROM attachment WHERE entry = $parent.id) AS attachments
                 FROM thread_entry
                 WHERE ticket = (SELECT VALUE id FROM ONLY ticket WHERE number = $number LIMIT 1)
                   AND ($customer_view = false OR kind != 'internal_note')
                 ORDER BY seq ASC",
            )
            .bind(("number", number.to_string()))
            .bind(("customer_view", customer_view))
            .await?
            .take(0)?;
        rows.into_iter()
            .map(|r| {
                Ok(ThreadEntry {
                    kind: EntryKind::parse(&r.kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("entry kind {}", r.kind)))?,
                    author_name: r.author_name,
                    body: r.body,
                    html: r.format == "html",
                    at: r.at,
                    attachments: r
                        .attachments
                        .into_iter()
                        .map(|a| AttachmentRef {
                            id: a.id,
                            name: a.name,
                            size: u64::try_from(a.size).unwrap_or(0),
                            content_type: a.content_type,
                        })
                        .collect(),
                })
            })
            .collect()
    }

    /// Adds an entry and, when `status` is given, moves the ticket to it; audited together.
    pub async fn add_entry(
        &self,
        number: &str,
        entry: &NewEntry<'_>,
        status: Option<&Status>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "LET $ticket = (SELECT VALUE id FROM ONLY ticket WHERE number = $number LIMIT 1);
             IF $ticket = NONE {{ THROW 'docket:unknown_ticket' }};
             {ADD_ENTRY}
             UPDATE $ticket SET updated_at = $entry_at,
                status = IF $status {{ type::record('status', $status) }} ELSE {{ status }},
                state = $state ?? state,
                closed_at = IF $state = 'closed' {{ $entry_at }} ELSE IF $state = 'open' {{ NONE }} ELSE {{ closed_at }}
                RETURN NONE;"
        );
        let binds = Binds::default()
            .with("number", number.to_string())
            .with("status", status.map(|s| s.key.clone()))
            .with(
                "state",
                status.map(|s| {
                    if s.state == State::Open {
                        "open"
                    } else {
                        "closed"
                    }
                }),
            );
        self.audited_write(&sql, entry_binds(binds, entry), record)
            .await
    }
}
