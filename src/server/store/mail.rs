//! Email's storage: the outbox (written in the transaction of the change that caused the mail),
//! the server's secret key, Message-IDs for threading, templates and mailboxes.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::leases::Queue;
use super::{Binds, Store, StoreError};
use crate::domain::audit::AuditRecord;
use crate::domain::mail::mailbox::MailboxDef;
use crate::domain::mail::outgoing::OutgoingMail;
use crate::domain::mail::template::{MailTemplate, TemplateKind};

/// Creates an outbox row for each message in `$outbox`, due at `$outbox_at`. Included by
/// [`Store::audited`] whenever a write carries mail.
pub(super) const OUTBOX: &str = "FOR $m IN $outbox {
    CREATE outbox CONTENT { payload: $m.payload, ticket: $m.ticket ?? NONE, template: $m.template,
        recipients: $m.recipients, subject: $m.subject, message_id: $m.message_id, status: 'queued',
        attempts: 0, next_at: $outbox_at, created_at: $outbox_at } RETURN NONE;
};";

impl Binds {
    /// The mail a write queues (see [`OUTBOX`]).
    pub(super) fn with_mail(self, mail: &[OutgoingMail], at: DateTime<Utc>) -> Binds {
        if mail.is_empty() {
            return self;
        }
        let rows: Vec<serde_json::Value> = mail
            .iter()
            .map(|m| {
                serde_json::json!({
                    "payload": serde_json::to_string(m).unwrap_or_default(),
                    "ticket": m.ticket,
                    "template": m.template.as_str(),
                    "recipients": m.to,
                    "subject": m.subject,
                    "message_id": m.message_id,
                })
            })
            .collect();
        self.with("outbox", serde_json::Value::Array(rows))
            .with("outbox_at", at)
    }

    pub(super) fn has_mail(&self) -> bool {
        self.0.iter().any(|(name, _)| name == "outbox")
    }
}

/// A message claimed for delivery.
#[derive(Debug)]
pub struct Claimed {
    pub id: String,
    pub mail: OutgoingMail,
    pub attempts: u32,
}

/// One outbox row as the admin Email page lists it.
#[derive(Clone, Debug)]
pub struct OutboxEntry {
    pub id: String,
    pub status: String,
    pub template: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub ticket: Option<String>,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    pub next_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

#[derive(SurrealValue)]
struct OutboxRow {
    id: String,
    status: String,
    template: String,
    recipients: Vec<String>,
    subject: String,
    ticket: Option<String>,
    attempts: i64,
    created_at: DateTime<Utc>,
    next_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
}

#[derive(SurrealValue)]
struct ClaimRow {
    id: String,
    payload: String,
    attempts: i64,
}

#[derive(SurrealValue)]
struct MailboxRow {
    key: String,
    definition: String,
    next_fetch_at: Option<DateTime<Utc>>,
    last_fetch_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
    fetched: i64,
}

/// A mailbox with its fetch state.
#[derive(Clone, Debug)]
pub struct MailboxState {
    pub key: String,
    pub def: MailboxDef,
    pub next_fetch_at: Option<DateTime<Utc>>,
    pub last_fetch_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub fetched: u64,
}

#[derive(SurrealValue)]
struct PersonRow {
    name: String,
    email: String,
}

#[derive(SurrealValue)]
struct IdTicket {
    message_id: String,
    number: String,
}

/// Counts per outbox status.
#[derive(Clone, Copy, Debug, Default)]
pub struct OutboxCounts {
    pub queued: u64,
    pub sent: u64,
    pub dead: u64,
}

const OUTBOX_FIELDS: &str = "record::id(id) AS id, status, template, recipients, subject, ticket, attempts, created_at, next_at, sent_at, last_error";

impl Store {
    /// The database's secret key, created from `candidate` (hex) if there is none yet.
    pub async fn secret_key(&self, candidate: &str) -> Result<String, StoreError> {
        let key: Option<String> = self
            .db
            .query("(UPSERT ONLY secret:main SET key = key ?? $candidate RETURN VALUE key)")
            .bind(("candidate", candidate.to_string()))
            .await?
            .take(0)?;
        key.ok_or_else(|| StoreError::Corrupt("secret key".into()))
    }

    /// Queues mail that goes with no other change (a guest link, a password reset), audited.
    pub async fn queue_mail(
        &self,
        mail: &[OutgoingMail],
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        self.audited_write("", Binds::default().with_mail(mail, record.at), record)
            .await
    }

    /// Claims up to `limit` messages due at `now` for `lease` (so another process leaves them
    /// alone while this one delivers).
    pub async fn claim_mail(
        &self,
        now: DateTime<Utc>,
        lease: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Claimed>, StoreError> {
        let ids = self.claim_due(Queue::Outbox, now, lease, limit).await?;
        let rows: Vec<ClaimRow> = self
            .db
            .query(
                "SELECT record::id(id) AS id, payload, attempts
                    FROM $ids.map(|$i| type::record('outbox', $i))",
            )
            .bind(("ids", ids))
            .await?
            .take(0)?;
        rows.into_iter()
            .map(|row| {
                let mail: OutgoingMail = serde_json::from_str(&row.payload)
                    .map_err(|e| StoreError::Corrupt(format!("outbox payload: {e}")))?;
                Ok(Claimed {
                    id: row.id,
                    mail,
                    attempts: u32::try_from(row.attempts).unwrap_or(0),
                })
            })
            .collect()
    }

    pub async fn mail_sent(
        &self,
        id: &str,
        at: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let binds = Binds::default().with("id", id.to_string()).with("at", at);
        self.audited_write(
            "UPDATE type::record('outbox', $id) SET status = 'sent', sent_at = $at,
                attempts += 1, lease_until = NONE, last_error = NONE RETURN NONE;",
            binds,
            record,
        )
        .await
    }

    /// Records a failed attempt: due again at `retry_at`, or dead when that is none.
    pub async fn mail_failed(
        &self,
        id: &str,
        retry_at: Option<DateTime<Utc>>,
        error: &str,
    ) -> Result<(), StoreError> {
        self.db
            .query(
                "UPDATE type::record('outbox', $id) SET attempts += 1, lease_until = NONE,
                    last_error = $error, status = IF $retry_at { 'queued' } ELSE { 'dead' },
                    next_at = $retry_at ?? next_at RETURN NONE",
            )
            .bind(("id", id.to_string()))
            .bind(("retry_at", retry_at))
            .bind(("error", error.chars().take(500).collect::<String>()))
            .await?
            .check()?;
        Ok(())
    }

    /// Puts a dead letter back in the queue, due now; refuses one that is not dead.
    pub async fn resend_mail(
        &self,
        id: &str,
        now: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let binds = Binds::default().with("id", id.to_string()).with("now", now);
        self.audited_write(
            "LET $row = type::record('outbox', $id);
             IF $row.status != 'dead' { THROW 'docket:unknown_record' };
             UPDATE $row SET status = 'queued', attempts = 0, next_at = $now, last_error = NONE,
                lease_until = NONE RETURN NONE;",
            binds,
            record,
        )
        .await
    }

    /// The newest outbox rows of one status (or all), newest first.
    pub async fn outbox(
        &self,
        status: Option<&str>,
        limit: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let rows: Vec<OutboxRow> = self
            .db
            .query(format!(
                "SELECT {OUTBOX_FIELDS} FROM outbox WHERE $status = NONE OR status = $status
                 ORDER BY created_at DESC LIMIT $limit"
            ))
            .bind(("status", status.map(str::to_string)))
            .bind(("limit", limit as i64))
            .await?
            .take(0)?;
        Ok(rows
            .into_iter()
            .map(|r| OutboxEntry {
                id: r.id,
                status: r.status,
                template: r.template,
                recipients: r.recipients,
                subject: r.subject,
                ticket: r.ticket,
                attempts: u32::try_from(r.attempts).unwrap_or(0),
                created_at: r.created_at,
                next_at: r.next_at,
                sent_at: r.sent_at,
                last_error: r.last_error,
            })
            .collect())
    }

    pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let counts: Vec<i64> = self
            .db
            .query(
                "RETURN [
                    count(SELECT VALUE id FROM outbox WHERE status = 'queued'),
                    count(SELECT VALUE id FROM outbox WHERE status = 'sent'),
                    count(SELECT VALUE id FROM outbox WHERE status = 'dead')]",
            )
            .await?
            .take(0)?;
        let at = |i: usize| u64::try_from(counts.get(i).copied().unwrap_or(0)).unwrap_or(0);
        Ok(OutboxCounts {
            queued: at(0),
            sent: at(1),
            dead: at(2),
        })
    }

    /// How many auto-responses went (or wait to go) to `email` since `since`: the rate limit.
    pub async fn auto_responses_since(
        &self,
        email: &str,
        since: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let count: Option<i64> = self
            .db
            .query(
                "RETURN count(SELECT VALUE id FROM outbox WHERE auto_response_to = $email
                    AND created_at > $since)",
            )
            .bind(("since", since))
            .bind(("email", email.to_string()))
            .await?
            .take(0)?;
        Ok(usize::try_from(count.unwrap_or(0)).unwrap_or(0))
    }

    /// Which of `ids` we know (sent by us or received on a ticket), with the ticket of each.
    pub async fn tickets_of_message_ids(
        &self,
        ids: &[String],
    ) -> Result<Vec<(String, String)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<IdTicket> = self
            .db
            .query(
                "array::concat(
                    (SELECT message_id, ticket.number AS number FROM thread_entry WHERE message_id IN $ids),
                    (SELECT message_id, ticket AS number FROM outbox WHERE message_id IN $ids AND ticket != NONE))",
            )
            .bind(("ids", ids.to_vec()))
            .await?
            .take(0)?;
        Ok(rows.into_iter().map(|r| (r.message_id, r.number)).collect())
    }

    /// Whether a thread entry with this Message-ID exists (a re-delivered message), and its ticket.
    pub async fn ticket_with_message(&self, id: &str) -> Result<Option<String>, StoreError> {
        let number: Option<String> = self
            .db
            .query(
                "(SELECT VALUE ticket.number FROM thread_entry WHERE message_id = $id LIMIT 1)[0]",
            )
            .bind(("id", id.to_string()))
            .await?
            .take(0)?;
        Ok(number)
    }

    /// The Message-IDs of mail received and sent on a ticket, oldest first: the conversation
    /// our next message continues.
    pub async fn conversation_ids(&self, number: &str) -> Result<Vec<String>, StoreError> {
        #[derive(SurrealValue)]
        struct Row {
            message_id: String,
            at: DateTime<Utc>,
        }
        let mut rows: Vec<Row> = self
            .db
            .query(
                "LET $t = (SELECT VALUE id FROM ONLY ticket WHERE number = $number LIMIT 1);
                 array::concat(
                    (SELECT message_id, at FROM thread_entry WHERE ticket = $t AND message_id != NONE),
                    (SELECT message_id, created_at AS at FROM outbox WHERE ticket = $number
                        AND template IN ['agent_reply', 'auto_response']))",
            )
            .bind(("number", number.to_string()))
            .await?
            .take(1)?;
        rows.sort_by_key(|r| r.at);
        Ok(rows.into_iter().map(|r| r.message_id).collect())
    }

    /// The requester's and collaborators' addresses of a ticket, if it exists.
    pub async fn ticket_people(&self, number: &str) -> Result<Option<Vec<String>>, StoreError> {
        // (An array result is taken as a list: empty when there is no such ticket, since a
        // ticket always has its requester.)
        let people: Vec<String> = self
            .db
            .query(
                "LET $t = (SELECT requester.email AS requester, collaborators.map(|$c| $c.email) AS copied
                    FROM ONLY ticket WHERE number = $number LIMIT 1);
                 RETURN IF $t { array::concat([$t.requester], $t.copied) } ELSE { [] };",
            )
            .bind(("number", number.to_string()))
            .await?
            .take(1)?;
        Ok((!people.is_empty()).then_some(people))
    }

    /// Active agents (and admins) who belong to a department: who new-message alerts go to.
    pub async fn department_agents(
        &self,
        department: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows: Vec<PersonRow> = self
            .db
            .query(
                "SELECT name, email FROM user WHERE active AND role IN ['agent', 'admin']
                    AND departments CONTAINS type::record('department', $department) ORDER BY email",
            )
            .bind(("department", department.to_string()))
            .await?
            .take(0)?;
        Ok(rows.into_iter().map(|r| (r.name, r.email)).collect())
    }

    /// Names and addresses of active accounts by id.
    pub async fn people(&self, ids: &[String]) -> Result<Vec<(String, String)>, StoreError> {
        let rows: Vec<PersonRow> = self
            .db
            .query("SELECT name, email FROM $ids.map(|$i| type::record('user', $i)) WHERE active ORDER BY email")
            .bind(("ids", ids.to_vec()))
            .await?
            .take(0)?;
        Ok(rows.into_iter().map(|r| (r.name, r.email)).collect())
    }

    /// A department's sending address and manager, when set.
    pub async fn department_mail(
        &self,
        department: &str,
    ) -> Result<(Option<String>, Option<String>), StoreError> {
        #[derive(SurrealValue)]
        struct Row {
            email: Option<String>,
            manager: Option<String>,
        }
        let row: Option<Row> = self
            .db
            .query(
                "SELECT email, (IF manager { record::id(manager) } ELSE { NONE }) AS manager
                 FROM ONLY type::record('department', $department)",
            )
            .bind(("department", department.to_string()))
            .await?
            .take(0)?;
        Ok(row.map_or((None, None), |r| (r.email, r.manager)))
    }

    /// Active departments with their sending address (none: the help desk's), by name.
    pub async fn department_senders(
        &self,
    ) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
        #[derive(SurrealValue)]
        struct Row {
            key: String,
            name: String,
            email: Option<String>,
        }
        let rows: Vec<Row> = self
            .db
            .query("SELECT record::id(id) AS key, name, email FROM department WHERE active ORDER BY name")
            .await?
            .take(0)?;
        Ok(rows.into_iter().map(|r| (r.key, r.name, r.email)).collect())
    }

    /// Members of a team by the team's key.
    pub async fn team_members(&self, team: &str) -> Result<Vec<String>, StoreError> {
        let ids: Vec<String> = self
            .db
            .query("RETURN (SELECT VALUE members.map(|$m| record::id($m)) FROM ONLY type::record('team', $team)) ?? []")
            .bind(("team", team.to_string()))
            .await?
            .take(0)?;
        Ok(ids)
    }

    /// Every stored email template (active or not).
    pub async fn email_templates(&self) -> Result<Vec<MailTemplate>, StoreError> {
        let rows: Vec<String> = self
            .db
            .query("SELECT VALUE definition FROM email_template")
            .await?
            .take(0)?;
        rows.iter()
            .map(|d| {
                serde_json::from_str(d).map_err(|e| StoreError::Corrupt(format!("template: {e}")))
            })
            .collect()
    }

    /// Whether the addresses belong to us: mailboxes and department senders (loop protection).
    pub async fn own_addresses(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<String> = self
            .db
            .query(
                "array::concat(
                    (SELECT VALUE definition FROM mailbox),
                    (SELECT VALUE email FROM department WHERE email != NONE))",
            )
            .await?
            .take(0)?;
        Ok(rows
            .into_iter()
            .map(|text| match serde_json::from_str::<MailboxDef>(&text) {
                Ok(mailbox) => mailbox.address,
                Err(_) => text,
            })
            .collect())
    }

    pub async fn mailboxes(&self) -> Result<Vec<MailboxState>, StoreError> {
        let rows: Vec<MailboxRow> = self
            .db
            .query(
                "SELECT record::id(id) AS key, definition, next_fetch_at, last_fetch_at, last_error, fetched
                 FROM mailbox ORDER BY name",
            )
            .await?
            .take(0)?;
        rows.into_iter()
            .map(|r| {
                Ok(MailboxState {
                    def: serde_json::from_str(&r.definition)
                        .map_err(|e| StoreError::Corrupt(format!("mailbox: {e}")))?,
                    key: r.key,
                    next_fetch_at: r.next_fetch_at,
                    last_fetch_at: r.last_fetch_at,
                    last_error: r.last_error,
                    fetched: u64::try_from(r.fetched).unwrap_or(0),
                })
            })
            .collect()
    }

    /// Takes the mailbox's next fetch if it is due (so one process fetches it at a time):
    /// whether this caller got it.
    pub async fn take_mailbox_turn(
        &self,
        key: &str,
        now: DateTime<Utc>,
        next: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut response = self
            .db
            .query(
                "UPDATE type::record('mailbox', $key) SET next_fetch_at = $next
                 WHERE active AND (next_fetch_at = NONE OR next_fetch_at <= $now) RETURN VALUE true",
            )
            .bind(("key", key.to_string()))
            .bind(("now", now))
            .bind(("next", next))
            .await?;
        Ok(response
            .take::<Vec<bool>>(0)
            .map(|rows| !rows.is_empty())
            .unwrap_or(false))
    }

    /// Records how a fetch went.
    pub async fn mailbox_fetched(
        &self,
        key: &str,
        at: DateTime<Utc>,
        fetched: usize,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        self.db
            .query(
                "UPDATE type::record('mailbox', $key) SET last_fetch_at = $at, last_error = $error,
                    fetched += $fetched RETURN NONE",
            )
            .bind(("key", key.to_string()))
            .bind(("at", at))
            .bind(("fetched", fetched as i64))
            .bind(("error", error.map(str::to_string)))
            .await?
            .check()?;
        Ok(())
    }

    /// Makes a mailbox due for fetching now (the admin's "Fetch now").
    pub async fn fetch_mailbox_now(&self, key: &str) -> Result<(), StoreError> {
        self.db
            .query("UPDATE type::record('mailbox', $key) SET next_fetch_at = NONE RETURN NONE")
            .bind(("key", key.to_string()))
            .await?
            .check()?;
        Ok(())
    }
}

/// The template kind stored on an outbox row.
pub fn template_label(kind: &str) -> String {
    TemplateKind::parse(kind).map_or_else(|| kind.to_string(), |k| k.label().to_string())
}
