//! Bulk writes of synthetic data for the benchmark (`examples/bench.rs`): many accounts and
//! tickets per transaction, so a datastore of a million tickets fills in minutes. The server never
//! calls these. Rows are the same as the use cases write (the queue counts and search indexes are
//! kept by the database as for any write); tickets are written counted, with their report facts,
//! and the rollups once at the end ([`Store::seed_rollups`]), so the first start has nothing to
//! count and no ticket is written twice. Seeded tickets carry no audit events.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::metrics::{Basis, FactsRow, LogRow, ReplyRow, day_key, to_json};
use super::{Store, StoreError};
use crate::domain::metrics::facts::TicketFacts;
use crate::domain::metrics::tally::Tallies;
use crate::domain::ticket::{State, Status};

/// An account to seed: customers have no departments; staff have every listed one (role
/// `all_access`).
#[derive(Clone, Debug, Serialize)]
pub struct SeedUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: &'static str,
    pub password_hash: String,
    pub departments: Vec<String>,
}

/// A ticket to seed with its thread.
#[derive(Clone, Debug, Serialize)]
pub struct SeedTicket {
    pub number: String,
    pub subject: String,
    pub requester: String,
    pub department: String,
    pub priority: &'static str,
    pub status: &'static str,
    pub assignee: Option<String>,
    pub source: &'static str,
    pub tags: Vec<String>,
    /// Custom field values as JSON (as the ticket stores them).
    pub fields: String,
    pub search_text: String,
    pub sla_plan: Option<&'static str>,
    pub sla_due: Option<DateTime<Utc>>,
    pub alert: Option<SeedAlert>,
    /// Its queue count shard (0 to 7).
    pub count_shard: u8,
    pub created_at: DateTime<Utc>,
    /// The last entry's time (and the close's, for a closed ticket).
    pub updated_at: DateTime<Utc>,
    /// The first agent reply (which also acknowledges the ticket).
    pub first_response_at: Option<DateTime<Utc>>,
    pub entries: Vec<SeedEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SeedAlert {
    pub source: String,
    pub fingerprint: String,
    pub rule: String,
    pub observables: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SeedEntry {
    /// 1, 2, ... in thread order.
    pub seq: usize,
    /// `customer_message`, `agent_reply` or `internal_note`.
    pub kind: &'static str,
    pub author: String,
    pub author_name: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Creates departments (key, name) that do not exist yet.
    pub async fn seed_departments(
        &self,
        departments: &[(String, String)],
    ) -> Result<(), StoreError> {
        self.db
            .query(
                "FOR $d IN $departments {
                    UPSERT type::record('department', $d[0]) SET name = $d[1], active = true;
                }",
            )
            .bind((
                "departments",
                departments
                    .iter()
                    .map(|(k, n)| vec![k.clone(), n.clone()])
                    .collect::<Vec<_>>(),
            ))
            .await?
            .check()?;
        Ok(())
    }

    /// Creates the accounts in one transaction.
    pub async fn seed_users(
        &self,
        users: &[SeedUser],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let users = serde_json::to_value(users).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.db
            .query(
                "FOR $u IN $users {
                    CREATE type::record('user', $u.id) CONTENT { email: $u.email, name: $u.name, role: $u.role,
                        active: true, password_hash: $u.password_hash, created_at: $at, updated_at: $at,
                        primary_contact: false, organization: NONE,
                        departments: $u.departments.map(|$d| type::record('department', $d)),
                        memberships: $u.departments.map(|$d| { department: type::record('department', $d), role: role:all_access }) };
                }",
            )
            .bind(("users", users))
            .bind(("at", at))
            .await?
            .check()?;
        Ok(())
    }

    /// Creates the tickets and their threads in one transaction, counted for the reports under
    /// `basis` (statuses read as `statuses` define them). Returns each ticket's report facts, for
    /// [`Store::seed_rollups`]. Several batches may be written at once when each keeps to its own
    /// queue count shards ([`SeedTicket::count_shard`]): they then share no row.
    pub async fn seed_tickets(
        &self,
        tickets: &[SeedTicket],
        statuses: &[Status],
        basis: &Basis,
    ) -> Result<Vec<TicketFacts>, StoreError> {
        let facts = tickets
            .iter()
            .map(|t| t.facts(statuses, basis.generation))
            .collect::<Result<Vec<_>, _>>()?;
        let tickets: Vec<serde_json::Value> = tickets
            .iter()
            .zip(&facts)
            .map(|(ticket, facts)| {
                let mut json = serde_json::to_value(ticket)?;
                json["stats_facts"] = to_json(facts).into();
                Ok(json)
            })
            .collect::<Result<_, serde_json::Error>>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.db
            .query(
                "BEGIN;
                 FOR $t IN $tickets {
                    LET $last = $t.updated_at;
                    LET $closed = type::record('status', $t.status).state = 'closed';
                    LET $ticket = (CREATE ONLY ticket CONTENT { number: $t.number, subject: $t.subject,
                        requester: type::record('user', $t.requester), collaborators: [],
                        department: type::record('department', $t.department), help_topic: NONE,
                        priority: type::record('priority', $t.priority), status: type::record('status', $t.status),
                        state: IF $closed { 'closed' } ELSE { 'open' }, source: $t.source,
                        assignee: IF $t.assignee { type::record('user', $t.assignee) } ELSE { NONE },
                        team: NONE, organization: NONE, tags: $t.tags, fields: $t.fields,
                        sla_plan: IF $t.sla_plan { type::record('sla_plan', $t.sla_plan) } ELSE { NONE },
                        sla_dirty: false, sla_due: IF $closed { NONE } ELSE { <datetime> $t.sla_due },
                        created_at: <datetime> $t.created_at, updated_at: <datetime> $last,
                        status_log: IF $closed { [{ status: 'open', at: <datetime> $t.created_at }, { status: $t.status, at: <datetime> $last }] }
                            ELSE { [{ status: $t.status, at: <datetime> $t.created_at }] },
                        first_response_at: IF $t.first_response_at { <datetime> $t.first_response_at } ELSE { NONE },
                        acknowledged_at: IF $t.first_response_at { <datetime> $t.first_response_at } ELSE { NONE },
                        closed_at: IF $closed { <datetime> $last } ELSE { NONE },
                        closed_by: IF $closed { $t.assignee } ELSE { NONE },
                        entries: array::len($t.entries), version: array::len($t.entries), search_text: $t.search_text,
                        alert_source: $t.alert.source, fingerprint: $t.alert.fingerprint, alert_rule: $t.alert.rule,
                        occurrences: IF $t.alert { 1 } ELSE { NONE }, last_seen: IF $t.alert { <datetime> $t.created_at } ELSE { NONE },
                        observables: $t.alert.observables, count_shard: $t.count_shard,
                        stats_dirty: false, stats_facts: $t.stats_facts, stats_generation: $generation }).id;
                    FOR $e IN $t.entries {
                        CREATE thread_entry CONTENT { ticket: $ticket, seq: $e.seq, version: $e.seq, kind: $e.kind,
                            author: type::record('user', $e.author), author_name: $e.author_name, body: $e.body,
                            format: 'text', source: $t.source, at: <datetime> $e.at } RETURN NONE;
                    };
                 };
                 COMMIT;",
            )
            .bind(("tickets", tickets))
            .bind(("generation", basis.generation))
            .await?
            .check()?;
        Ok(facts)
    }

    /// Moves the ticket number sequence past `sequence` (after seeding that many tickets).
    pub async fn seed_ticket_sequence(&self, sequence: u64) -> Result<(), StoreError> {
        self.db
            .query("UPSERT ticket_sequence:main SET value = math::max([value ?? 0, $sequence])")
            .bind(("sequence", sequence as i64))
            .await?
            .check()?;
        Ok(())
    }

    /// Writes the rollups of every seeded ticket (the sum of their contributions), replacing
    /// what is stored, a few hundred documents per transaction.
    pub async fn seed_rollups(&self, tallies: &Tallies) -> Result<(), StoreError> {
        let mut docs: Vec<(&str, Vec<String>, String)> = Vec::new();
        for (table, keyed) in [
            ("metric_day", &tallies.days),
            ("metric_week", &tallies.weeks),
        ] {
            for ((scope, day), tally) in keyed {
                docs.push((table, day_key(scope, *day), to_json(tally)));
            }
        }
        for (scope, tally) in &tallies.open {
            docs.push(("metric_open", vec![scope.clone()], to_json(tally)));
        }
        for chunk in docs.chunks(200) {
            let docs: Vec<serde_json::Value> = chunk
                .iter()
                .map(|(table, key, tallies)| {
                    serde_json::json!({ "table": table, "key": key, "tallies": tallies })
                })
                .collect();
            self.db
                .query(
                    "FOR $d IN $docs {
                        UPSERT type::record($d.table, $d.key) CONTENT { tallies: $d.tallies, rev: 1 } RETURN NONE;
                    }",
                )
                .bind(("docs", docs))
                .await?
                .check()?;
        }
        Ok(())
    }
}

impl SeedTicket {
    /// The ticket's report facts, read as the metrics job reads a stored ticket.
    fn facts(&self, statuses: &[Status], generation: i64) -> Result<TicketFacts, StoreError> {
        let closed = statuses
            .iter()
            .find(|s| s.key == self.status)
            .is_some_and(|s| s.state == State::Closed);
        let status_log = if closed {
            vec![
                LogRow {
                    status: "open".into(),
                    at: self.created_at,
                },
                LogRow {
                    status: self.status.into(),
                    at: self.updated_at,
                },
            ]
        } else {
            vec![LogRow {
                status: self.status.into(),
                at: self.created_at,
            }]
        };
        let row = FactsRow {
            number: self.number.clone(),
            version: self.entries.len() as i64,
            created_at: self.created_at,
            department: self.department.clone(),
            source: self.source.into(),
            priority: self.priority.into(),
            status: self.status.into(),
            state: if closed { "closed" } else { "open" }.into(),
            assignee: self.assignee.clone(),
            alert_source: self.alert.as_ref().map(|a| a.source.clone()),
            alert_rule: self.alert.as_ref().map(|a| a.rule.clone()),
            resolution: None,
            first_response_at: self.first_response_at,
            acknowledged_at: self.first_response_at,
            closed_at: closed.then_some(self.updated_at),
            closed_by: self.assignee.clone().filter(|_| closed),
            status_log,
            first_met: None,
            resolution_met: None,
            observables: self.alert.as_ref().map(|a| a.observables.clone()),
            replies: self
                .entries
                .iter()
                .filter(|e| e.kind == "agent_reply")
                .map(|e| ReplyRow {
                    agent: Some(e.author.clone()),
                    at: e.at,
                })
                .collect(),
            stats_facts: None,
            stats_generation: None,
        };
        Ok(row.into_uncounted(statuses, generation)?.facts)
    }
}
