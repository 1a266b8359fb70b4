//! Tickets and their threads in the database.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::catalog::parse_state;
use super::{Binds, Store, StoreError};
use crate::domain::attachment::AttachmentRef;
use crate::domain::audit::AuditRecord;
use crate::domain::form::FieldValue;
use crate::domain::mail::outgoing::OutgoingMail;
use crate::domain::routing::{Channel, TicketDraft};
use crate::domain::ticket::{
    EntryKind, Source, State, Status, StatusChange, ThreadEntry, Ticket, TicketOrder,
};

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
    pub status: &'a str,
    pub assignee: Option<&'a str>,
    pub team: Option<&'a str>,
    pub tags: &'a [String],
    pub sla_plan: Option<&'a str>,
    /// A staff-only note written after the first message (which filters routed the ticket).
    pub routing_note: Option<&'a str>,
    pub source: Source,
    pub fields: &'a BTreeMap<String, FieldValue>,
    pub message: &'a str,
    pub author_name: &'a str,
    /// Subject, requester and custom field values, for full-text search.
    pub search_text: &'a str,
    /// When the first message came by email: its Message-ID.
    pub email: Option<&'a EntryEmail>,
    /// Mail the creation sends (auto-response, alerts), queued in the same transaction.
    pub mail: &'a [OutgoingMail],
    /// For a ticket a SIEM alert opens: what identifies and describes the alert.
    pub alert: Option<&'a AlertFacts>,
    pub at: DateTime<Utc>,
}

/// What a ticket keeps of the alert that opened it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertFacts {
    pub source: String,
    pub fingerprint: String,
    pub rule: Option<String>,
    /// The observables as JSON.
    pub observables: String,
}

/// A ticket's SLA state as the SLA job stores it, for queues and for knowing when to look again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlaState {
    pub first_response_due: Option<DateTime<Utc>>,
    pub resolution_due: Option<DateTime<Utc>>,
    /// When the next step or due time comes; none when nothing is pending.
    pub next_at: Option<DateTime<Utc>>,
    /// Once a clock stopped: whether it was met in time.
    pub first_response_met: Option<bool>,
    pub resolution_met: Option<bool>,
}

/// Whose tickets a customer list shows: the customer's own and copied ones, and those of an
/// organization that shares its tickets with them.
#[derive(Clone, Copy, Debug)]
pub struct TicketReader<'a> {
    pub customer_id: &'a str,
    pub organization: Option<&'a str>,
}

/// A thread entry about to be added.
pub struct NewEntry<'a> {
    pub kind: EntryKind,
    /// Ids of the author's pending uploads to attach.
    pub attachments: &'a [String],
    pub author_id: Option<&'a str>,
    pub author_name: &'a str,
    /// Written by an agent or admin: the ticket's first such entry acknowledges it (MTTA).
    pub by_staff: bool,
    pub body: &'a str,
    pub source: Source,
    /// For an entry that came by email: its Message-ID and how it found its ticket.
    pub email: Option<&'a EntryEmail>,
    pub at: DateTime<Utc>,
}

/// What an emailed entry keeps of its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryEmail {
    pub message_id: Option<String>,
    /// How it was matched ("matched by In-Reply-To ..."); none for a message that opened a ticket.
    pub via: Option<String>,
    /// The message's HTML, sanitised and without quotes, when it had an HTML part.
    pub rich: Option<String>,
}

#[derive(SurrealValue)]
struct DraftRow {
    number: String,
    subject: String,
    email: String,
    name: String,
    source: String,
    fields: String,
    topic: Option<String>,
    priority: String,
    body: String,
}

#[derive(SurrealValue)]
pub(super) struct TicketRow {
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
    team_id: Option<String>,
    tags: Vec<String>,
    fields: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    version: i64,
    assignee_id: Option<String>,
    assignee_name: Option<String>,
    referred: Vec<String>,
    due_at: Option<DateTime<Utc>>,
    first_response_at: Option<DateTime<Utc>>,
    merged_into: Option<String>,
    links: Vec<String>,
    organization: Option<String>,
    sla_plan: Option<String>,
    status_log: Vec<StatusLogRow>,
    sla_due: Option<DateTime<Utc>>,
    resolution: Option<String>,
}

#[derive(SurrealValue)]
struct StatusLogRow {
    status: String,
    at: DateTime<Utc>,
}

pub(super) const TICKET_FIELDS: &str = "number, subject, record::id(requester) AS requester_id, requester.name AS requester_name, requester.email AS requester_email,
    collaborators.map(|$c| record::id($c)) AS collaborator_ids,
    record::id(department) AS department, department.name AS department_name,
    (IF help_topic { record::id(help_topic) } ELSE { NONE }) AS help_topic, help_topic.name AS help_topic_name,
    record::id(priority) AS priority, priority.name AS priority_name,
    record::id(status) AS status, status.name AS status_name, state, status.pauses_sla AS pauses_sla,
    status.customer_may_reopen AS customer_may_reopen, source, team.name AS team,
    (IF team { record::id(team) } ELSE { NONE }) AS team_id, tags, fields, created_at, updated_at, closed_at,
    version, (IF assignee { record::id(assignee) } ELSE { NONE }) AS assignee_id, assignee.name AS assignee_name,
    referred.map(|$d| record::id($d)) AS referred, due_at, first_response_at, merged_into.number AS merged_into,
    links.map(|$l| $l.number) AS links,
    (IF organization { record::id(organization) } ELSE { NONE }) AS organization,
    (IF sla_plan { record::id(sla_plan) } ELSE { NONE }) AS sla_plan, status_log ?? [] AS status_log, sla_due, resolution";

impl TicketRow {
    pub(super) fn into_ticket(self) -> Result<Ticket, StoreError> {
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
            team_id: self.team_id,
            tags: self.tags,
            created_at: self.created_at,
            updated_at: self.updated_at,
            closed_at: self.closed_at,
            version: u64::try_from(self.version).unwrap_or(0),
            assignee_id: self.assignee_id,
            assignee_name: self.assignee_name,
            referred: self.referred,
            due_at: self.due_at,
            first_response_at: self.first_response_at,
            merged_into: self.merged_into,
            links: self.links,
            organization: self.organization,
            sla_plan: self.sla_plan,
            status_log: self
                .status_log
                .into_iter()
                .map(|e| StatusChange {
                    status: e.status,
                    at: e.at,
                })
                .collect(),
            sla_due: self.sla_due,
            resolution: self.resolution,
        })
    }
}

#[derive(SurrealValue)]
struct EntryRow {
    ticket: String,
    version: Option<i64>,
    kind: String,
    author_name: String,
    body: String,
    format: String,
    at: DateTime<Utc>,
    via: Option<String>,
    rich: Option<String>,
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
/// ticket's last one (in the same transaction, so entries never share a number), bumps the
/// ticket's version and notes what changed for live events, and attaches the uploads
/// `$entry_attachments` that `$entry_author` made and has not sent yet (all or nothing).
pub(super) const ADD_ENTRY: &str = "LET $bumped = (UPDATE ONLY $ticket SET entries += 1, version += 1, changed = $entry_changed,
        staff_only = $entry_staff_only, updated_at = $entry_at, sla_dirty = true, stats_dirty = true,
        acknowledged_at = IF $entry_by_staff { acknowledged_at ?? $entry_at } ELSE { acknowledged_at }
        RETURN entries, version);
    LET $entry = (CREATE ONLY thread_entry CONTENT { ticket: $ticket, seq: $bumped.entries, version: $bumped.version,
    kind: $entry_kind, author: IF $entry_author { type::record('user', $entry_author) } ELSE { NONE }, author_name: $entry_author_name,
    body: $entry_body, format: 'text', source: $entry_source, at: $entry_at,
    message_id: $entry_message_id, via: $entry_via, rich: $entry_rich }).id;
    LET $entry_linked = (UPDATE $entry_attachments.map(|$a| type::record('attachment', $a))
        SET ticket = $ticket, entry = $entry
        WHERE record::id(uploader) = $entry_author AND ticket = NONE RETURN VALUE id);
    IF array::len($entry_linked) != array::len($entry_attachments) { THROW 'docket:attachment_invalid' };";

pub(super) fn entry_binds(binds: Binds, entry: &NewEntry<'_>, changed: &[&str]) -> Binds {
    let changed: Vec<String> = changed.iter().map(|c| c.to_string()).collect();
    binds
        .with("entry_kind", entry.kind.as_str())
        .with("entry_author", entry.author_id.map(str::to_string))
        .with("entry_author_name", entry.author_name.to_string())
        .with("entry_by_staff", entry.by_staff)
        .with("entry_body", entry.body.to_string())
        .with("entry_source", entry.source.as_str())
        .with("entry_at", entry.at)
        .with("entry_attachments", entry.attachments.to_vec())
        .with("entry_changed", changed)
        .with("entry_staff_only", !entry.kind.customer_visible())
        .with(
            "entry_message_id",
            entry.email.and_then(|e| e.message_id.clone()),
        )
        .with("entry_via", entry.email.and_then(|e| e.via.clone()))
        .with("entry_rich", entry.email.and_then(|e| e.rich.clone()))
}

/// One property change written together with a thread entry by [`Store::write_ticket`].
pub enum Patch<'a> {
    Status(&'a Status),
    Priority(&'a str),
    /// An agent's id, or `None` to release.
    Assignee(Option<&'a str>),
    /// A team's key, or `None` for no team.
    Team(Option<&'a str>),
    Department(&'a str),
    Refer(&'a str),
    HelpTopic(&'a str),
    Due(Option<DateTime<Utc>>),
    Tags(&'a [String]),
    /// Account ids copied on the ticket.
    Collaborators(&'a [String]),
    /// The resolution class of a close (after the status patch that closes).
    Resolution(&'a str),
    /// Records the first agent response, if none is recorded yet.
    FirstResponse(DateTime<Utc>),
    /// The alert fired again.
    Occurrence(DateTime<Utc>),
    /// New custom field values and the search text that goes with them.
    Fields {
        values: &'a BTreeMap<String, FieldValue>,
        search_text: &'a str,
    },
}

impl Patch<'_> {
    /// The `SET` clause for this patch, with its parameters named after `i`.
    fn sql(&self, i: usize, binds: Binds) -> (String, Binds) {
        let p = format!("p{i}");
        match self {
            Patch::Status(status) => (
                format!(
                    "status = type::record('status', ${p}), state = ${p}_state,
                     closed_at = IF ${p}_state = 'closed' {{ closed_at ?? $entry_at }} ELSE {{ NONE }},
                     resolution = IF ${p}_state = 'closed' {{ resolution }} ELSE {{ NONE }},
                     closed_by = IF ${p}_state = 'closed' AND $entry_by_staff {{ $entry_author }} ELSE {{ NONE }},
                     status_log = array::append(status_log ?? [], {{ status: ${p}, at: $entry_at }})"
                ),
                binds.with(p.clone(), status.key.clone()).with(
                    format!("{p}_state"),
                    if status.state == State::Open { "open" } else { "closed" },
                ),
            ),
            Patch::Priority(key) => (
                format!("priority = type::record('priority', ${p})"),
                binds.with(p, key.to_string()),
            ),
            Patch::Assignee(agent) => (
                format!("assignee = IF ${p} {{ type::record('user', ${p}) }} ELSE {{ NONE }}"),
                binds.with(p, agent.map(str::to_string)),
            ),
            Patch::Team(team) => (
                format!("team = IF ${p} {{ type::record('team', ${p}) }} ELSE {{ NONE }}"),
                binds.with(p, team.map(str::to_string)),
            ),
            Patch::Department(key) => (
                format!("department = type::record('department', ${p})"),
                binds.with(p, key.to_string()),
            ),
            Patch::Refer(key) => (
                format!("referred = array::union(referred, [type::record('department', ${p})])"),
                binds.with(p, key.to_string()),
            ),
            Patch::HelpTopic(key) => (
                format!("help_topic = type::record('help_topic', ${p})"),
                binds.with(p, key.to_string()),
            ),
            Patch::Due(due) => (format!("due_at = ${p}"), binds.with(p, *due)),
            Patch::Tags(tags) => (format!("tags = ${p}"), binds.with(p, tags.to_vec())),
            Patch::Collaborators(ids) => (
                format!("collaborators = ${p}.map(|$c| type::record('user', $c))"),
                binds.with(p, ids.to_vec()),
            ),
            Patch::Resolution(class) => (
                format!("resolution = ${p}"),
                binds.with(p, class.to_string()),
            ),
            Patch::FirstResponse(at) => (
                format!("first_response_at = first_response_at ?? ${p}"),
                binds.with(p, *at),
            ),
            Patch::Occurrence(at) => (
                format!("occurrences = (occurrences ?? 1) + 1, last_seen = ${p}"),
                binds.with(p, *at),
            ),
            Patch::Fields {
                values,
                search_text,
            } => (
                format!("fields = ${p}, search_text = ${p}_search"),
                binds
                    .with(
                        p.clone(),
                        serde_json::to_string(values).unwrap_or_else(|_| "{}".into()),
                    )
                    .with(format!("{p}_search"), search_text.to_string()),
            ),
        }
    }

    /// The name live events use for what this patch changes.
    fn changed(&self) -> &'static str {
        match self {
            Patch::Status(_) => "status",
            Patch::Priority(_) => "priority",
            Patch::Assignee(_) => "assignee",
            Patch::Team(_) => "team",
            Patch::Department(_) => "department",
            Patch::Refer(_) => "referred",
            Patch::HelpTopic(_) => "help_topic",
            Patch::Due(_) => "due_at",
            Patch::Tags(_) => "tags",
            Patch::Collaborators(_) => "collaborators",
            Patch::Resolution(_) => "resolution",
            Patch::FirstResponse(_) => "first_response_at",
            Patch::Occurrence(_) => "occurrences",
            Patch::Fields { .. } => "fields",
        }
    }
}

/// A write to one ticket: a thread entry, optional property changes, and (for staff) the version
/// the writer saw.
pub struct TicketWrite<'a> {
    pub number: &'a str,
    /// Refuse with [`Refusal::Stale`](super::Refusal::Stale) unless the ticket is at this version.
    pub based_on: Option<u64>,
    pub entry: NewEntry<'a>,
    pub patches: &'a [Patch<'a>],
    /// Do this write at most once, under this key (an SLA step: `number/clock/step`); a second
    /// attempt is refused with [`Refusal::Done`](super::Refusal::Done).
    pub once: Option<&'a str>,
    /// Mail the change sends, queued in the same transaction.
    pub mail: &'a [OutgoingMail],
}

impl Store {
    /// The next value of the ticket number sequence (1, 2, ...). Gaps are possible, repeats are
    /// not. Every new ticket writes this one row, so concurrent creations race for it: a lost
    /// race is drawn again.
    pub async fn next_ticket_sequence(&self) -> Result<u64, StoreError> {
        let mut attempt = 0;
        let value: Option<i64> = loop {
            let result = self
                .db
                .query(
                    "UPSERT ONLY ticket_sequence:main SET value = (value ?? 0) + 1 RETURN VALUE value",
                )
                .await
                .and_then(|mut response| response.take(0));
            match result {
                Ok(value) => break value,
                Err(error) if super::is_conflict(&error) && attempt < super::CONFLICT_RETRIES => {
                    attempt += 1;
                    super::back_off(attempt).await;
                }
                Err(error) => return Err(error.into()),
            }
        };
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
                priority: type::record('priority', $priority), status: type::record('status', $status),
                state: type::record('status', $status).state, source: $source,
                assignee: IF $assignee {{ type::record('user', $assignee) }} ELSE {{ NONE }},
                team: IF $team {{ type::record('team', $team) }} ELSE {{ NONE }},
                sla_plan: IF $sla_plan {{ type::record('sla_plan', $sla_plan) }} ELSE {{ NONE }},
                organization: type::record('user', $requester).organization,
                tags: $tags, fields: $fields, created_at: $at, updated_at: $at,
                status_log: [{{ status: $status, at: $at }}],
                first_response_at: NONE, closed_at: IF type::record('status', $status).state = 'closed' {{ $at }} ELSE {{ NONE }},
                entries: 0, version: 0, search_text: $search_text,
                alert_source: $alert_source, fingerprint: $fingerprint, alert_rule: $alert_rule,
                occurrences: IF $fingerprint {{ 1 }} ELSE {{ NONE }}, last_seen: IF $fingerprint {{ $at }} ELSE {{ NONE }},
                observables: $observables, count_shard: $audit_shard }}).id;
             {ADD_ENTRY}
             IF $routing_note {{
                LET $noted = (UPDATE ONLY $ticket SET entries += 1 RETURN entries, version);
                CREATE thread_entry CONTENT {{ ticket: $ticket, seq: $noted.entries, version: $noted.version,
                    kind: 'staff_event', author: NONE, author_name: 'Docket', body: $routing_note, format: 'text',
                    source: $source, at: $at }};
             }};"
        );
        let entry = NewEntry {
            attachments: ticket.attachments,
            kind: EntryKind::CustomerMessage,
            author_id: Some(ticket.requester_id),
            author_name: ticket.author_name,
            by_staff: false,
            body: ticket.message,
            source: ticket.source,
            email: ticket.email,
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
            .with("status", ticket.status.to_string())
            .with("assignee", ticket.assignee.map(str::to_string))
            .with("team", ticket.team.map(str::to_string))
            .with("sla_plan", ticket.sla_plan.map(str::to_string))
            .with("tags", ticket.tags.to_vec())
            .with("routing_note", ticket.routing_note.map(str::to_string))
            .with("source", ticket.source.as_str())
            .with("fields", fields)
            .with("search_text", ticket.search_text.to_string())
            .with("alert_source", ticket.alert.map(|a| a.source.clone()))
            .with("fingerprint", ticket.alert.map(|a| a.fingerprint.clone()))
            .with("alert_rule", ticket.alert.and_then(|a| a.rule.clone()))
            .with("observables", ticket.alert.map(|a| a.observables.clone()))
            .with("at", ticket.at);
        let binds = entry_binds(binds, &entry, &["created"]).with_mail(ticket.mail, ticket.at);
        self.audited_write(&sql, binds, record).await
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

    /// The most recent tickets as the filters saw them when they were opened (first message as
    /// body), newest first, for a filter dry run.
    pub async fn recent_drafts(
        &self,
        limit: u32,
    ) -> Result<Vec<(String, TicketDraft)>, StoreError> {
        let rows: Vec<DraftRow> = self
            .db
            .query(
                // Each first message is read through the row's id (a `$parent.id` subquery would
                // scan every thread entry per ticket).
                "LET $rows = (SELECT id, number, subject, requester.email AS email, requester.name AS name, source, fields,
                    (IF help_topic { record::id(help_topic) } ELSE { NONE }) AS topic,
                    record::id(priority) AS priority, created_at
                 FROM ticket ORDER BY created_at DESC LIMIT $limit);
                 RETURN $rows.map(|$r| object::extend($r, {
                    body: (SELECT VALUE body FROM thread_entry WHERE ticket = $r.id AND seq = 1)[0] ?? '' }));",
            )
            .bind(("limit", i64::from(limit)))
            .await?
            .take(1)?;
        rows.into_iter()
            .map(|row| {
                let values: BTreeMap<String, FieldValue> = serde_json::from_str(&row.fields)
                    .map_err(|e| StoreError::Corrupt(format!("ticket fields: {e}")))?;
                let source = Source::parse(&row.source)
                    .ok_or_else(|| StoreError::Corrupt(format!("source {}", row.source)))?;
                Ok((
                    row.number,
                    TicketDraft {
                        channel: Channel::of(source),
                        email: row.email,
                        name: row.name,
                        subject: row.subject,
                        body: row.body,
                        topic: row.topic,
                        source: row.source,
                        priority: Some(row.priority),
                        fields: values
                            .iter()
                            .map(|(name, value)| (name.clone(), value.display(None)))
                            .collect(),
                        headers: Vec::new(),
                    },
                ))
            })
            .collect()
    }

    /// A page of a customer's tickets (as requester or collaborator, or shared with them through
    /// `organization`) in `order`.
    pub async fn customer_tickets(
        &self,
        reader: TicketReader<'_>,
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
                 WHERE (requester = type::record('user', $me) OR collaborators CONTAINS type::record('user', $me)
                        OR ($org != NONE AND organization = type::record('organization', $org)))
                   AND ($state = NONE OR state = $state)
                   AND ($search = '' OR string::contains(string::lowercase(subject), $search) OR string::lowercase(number) = $search)
                 ORDER BY {order_by}, number LIMIT $limit START $offset"
            ))
            .bind(("me", reader.customer_id.to_string()))
            .bind(("org", reader.organization.map(str::to_string)))
            .bind(("state", state.map(|s| if s == State::Open { "open" } else { "closed" })))
            .bind(("search", search.trim().to_lowercase()))
            .bind(("limit", limit as i64))
            .bind(("offset", offset as i64))
            .await?
            .take(0)?;
        rows.into_iter().map(TicketRow::into_ticket).collect()
    }

    /// The ticket's thread, oldest first, with the threads of tickets merged into it;
    /// `customer_view` leaves out internal notes and staff events.
    pub async fn thread(
        &self,
        number: &str,
        customer_view: bool,
    ) -> Result<Vec<ThreadEntry>, StoreError> {
        let rows: Vec<EntryRow> = self
            .db
            .query(
                "LET $shown = (SELECT VALUE id FROM ONLY ticket WHERE number = $number LIMIT 1);
                 LET $tickets = array::concat([$shown], (SELECT VALUE id FROM ticket WHERE merged_into = $shown));
                 LET $entries = (SELECT id, ticket.number AS ticket, version, kind, author_name, body, format, at, seq, via, rich
                 FROM thread_entry
                 WHERE ticket IN $tickets
                   AND ($customer_view = false OR kind NOT IN ['internal_note', 'staff_event'])
                 ORDER BY at ASC, seq ASC);
                 -- Attachments through each entry's id: a `$parent.id` subquery scans them all per entry.
                 RETURN $entries.map(|$e| object::extend($e, { attachments: (SELECT record::id(id) AS id, name, size, content_type, created_at
                    FROM attachment WHERE entry = $e.id ORDER BY created_at, name) }));",
            )
            .bind(("number", number.to_string()))
            .bind(("customer_view", customer_view))
            .await?
            .take(3)?;
        rows.into_iter()
            .map(|r| {
                Ok(ThreadEntry {
                    ticket: r.ticket,
                    version: r.version.and_then(|v| u64::try_from(v).ok()),
                    kind: EntryKind::parse(&r.kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("entry kind {}", r.kind)))?,
                    author_name: r.author_name,
                    body: r.body,
                    html: r.format == "html",
                    at: r.at,
                    via: r.via,
                    rich: r.rich,
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

    /// Writes the entry and the patches to the ticket, with the audit event, in one transaction;
    /// refuses an unknown ticket, a stale version and foreign attachments by name.
    pub async fn write_ticket(
        &self,
        write: &TicketWrite<'_>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let mut binds = Binds::default()
            .with("number", write.number.to_string())
            .with("based_on", write.based_on.map(|v| v as i64));
        let mut sets = Vec::new();
        for (i, patch) in write.patches.iter().enumerate() {
            let (set, with) = patch.sql(i, binds);
            sets.push(set);
            binds = with;
        }
        let patch_sql = if sets.is_empty() {
            String::new()
        } else {
            format!("UPDATE $ticket SET {} RETURN NONE;", sets.join(", "))
        };
        // A write done at most once (an SLA step): its marker is created with it, or it was done.
        let once_sql = if write.once.is_some() {
            "IF (SELECT VALUE id FROM ONLY type::record('sla_event', $once)) != NONE { THROW 'docket:done' };
             CREATE type::record('sla_event', $once) CONTENT { ticket: $ticket, at: $entry_at } RETURN NONE;"
        } else {
            ""
        };
        let sql = format!(
            "LET $ticket = (SELECT VALUE id FROM ONLY ticket WHERE number = $number LIMIT 1);
             IF $ticket = NONE {{ THROW 'docket:unknown_ticket' }};
             IF $based_on != NONE AND $ticket.version != $based_on {{ THROW 'docket:stale' }};
             {once_sql}
             {patch_sql}
             {ADD_ENTRY}"
        );
        let binds = binds.with("once", write.once.map(str::to_string));
        let mut changed: Vec<&str> = write.patches.iter().map(Patch::changed).collect();
        if matches!(
            write.entry.kind,
            EntryKind::CustomerMessage | EntryKind::AgentReply | EntryKind::InternalNote
        ) {
            changed.push("thread");
        }
        let binds =
            entry_binds(binds, &write.entry, &changed).with_mail(write.mail, write.entry.at);
        self.audited_write(&sql, binds, record).await
    }

    /// Open tickets whose SLA state needs a look: changed since it was last computed, or with a
    /// step or due time that has come.
    pub async fn sla_candidates(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        let numbers: Vec<String> = self
            .db
            // `!= NONE`: nothing pending is NONE, which sorts before every time in the index
            // (without it every closed ticket was a candidate on every run, forever).
            .query(
                "array::distinct(array::concat(
                    (SELECT VALUE number FROM ticket WHERE sla_dirty = true LIMIT $limit),
                    (SELECT VALUE number FROM ticket WHERE sla_next_at != NONE AND sla_next_at <= $now LIMIT $limit)))",
            )
            .bind(("now", now))
            .bind(("limit", limit as i64))
            .await?
            .take(0)?;
        Ok(numbers)
    }

    /// Stores what the SLA job computed for a ticket at `version`; if the ticket changed since
    /// (or a concurrent write won the race), it stays due for another look. `changed` is cleared
    /// so that this bookkeeping is no live event.
    pub async fn set_sla_state(
        &self,
        number: &str,
        version: u64,
        state: &SlaState,
    ) -> Result<(), StoreError> {
        let mut response = self
            .db
            .query(
                "UPDATE ticket SET stats_dirty = stats_dirty OR sla_first_response_met != $first_met
                        OR sla_resolution_met != $resolution_met,
                    sla_first_response_due = $first, sla_resolution_due = $resolution,
                    sla_due = IF $first AND $resolution { time::min([$first, $resolution]) } ELSE { $first ?? $resolution },
                    sla_next_at = $next, sla_first_response_met = $first_met, sla_resolution_met = $resolution_met,
                    sla_dirty = false, changed = []
                 WHERE number = $number AND version = $version RETURN NONE",
            )
            .bind(("number", number.to_string()))
            .bind(("version", version as i64))
            .bind(("first", state.first_response_due))
            .bind(("resolution", state.resolution_due))
            .bind(("next", state.next_at))
            .bind(("first_met", state.first_response_met))
            .bind(("resolution_met", state.resolution_met))
            .await?;
        match response.take_errors().into_values().next() {
            None => Ok(()),
            Some(e) if super::is_conflict(&e) => Ok(()),
            Some(e) => Err(e.into()),
        }
    }

    /// The staff-visible thread entries written after `version`: what a stale writer missed.
    pub async fn entries_since(
        &self,
        number: &str,
        version: u64,
    ) -> Result<Vec<ThreadEntry>, StoreError> {
        let entries = self.thread(number, false).await?;
        Ok(entries
            .into_iter()
            .filter(|e| e.ticket == number && e.version.is_some_and(|v| v > version))
            .collect())
    }
}
