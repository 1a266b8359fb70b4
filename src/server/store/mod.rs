//! Persistence: the only place SurrealQL lives. One connection path for every database URL.

mod alerts;
mod attachments;
mod audit;
mod audit_retention;
mod audit_stream;
mod backup;
mod canned;
mod catalog;
mod guest_links;
mod leases;
mod live;
mod mail;
mod merges;
mod metrics;
mod migrations;
mod password_links;
mod presence;
mod queues;
mod saved_queues;
mod second_factor;
mod seed;
mod sessions;
mod settings;
mod setup;
mod shards;
mod tickets;
mod users;
mod webhooks;

pub use alerts::AlertRecord;
pub use attachments::{AttachmentMeta, NewAttachment};
pub use audit::AuditPage;
pub use audit_stream::StreamCursors;
pub use catalog::Topic;
pub use live::{PresenceNotice, TicketNotice};
pub use mail::{Claimed, MailboxState, OutboxCounts, OutboxEntry, template_label};
pub use merges::PairEntries;
pub use metrics::{Basis, Doc, Docs, Uncounted};
pub use password_links::PasswordLink;
pub use presence::Presence;
pub use queues::{ComplianceCounts, Scope, SearchHit, Viewer};
pub use saved_queues::SavedQueue;
pub use second_factor::{ChallengeRow, EnabledSecondFactor, SecondFactorRow};
pub use seed::{SeedAlert, SeedEntry, SeedTicket, SeedUser};
pub use sessions::{NewSession, SessionRow};
pub use settings::{Activation, SettingsRow, SettingsWrite, Usage};
pub use tickets::{
    AlertFacts, EntryEmail, NewEntry, NewTicket, Patch, SlaState, TicketReader, TicketWrite,
};
pub use users::{Credentials, NewUser};
pub use webhooks::{DeliveryAttempt, DueDelivery};

use std::sync::Arc;

use surrealdb::Surreal;
use surrealdb::engine::any::{Any, connect};
use surrealdb::opt::auth::Root;
use surrealdb::types::{QueryError, SurrealValue, Value};

use crate::domain::audit::AuditRecord;
use crate::server::config::DatabaseSettings;

/// Failures of the store. Messages stay in logs; the browser only sees a reference.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(Box<surrealdb::Error>),
    /// A rule checked inside a transaction refused the write (see [`Refusal`]).
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error(
        "cannot open the database at {url}: {source}. If another Docket process serves this embedded \
         datastore, stop it first or do this from its admin pages"
    )]
    Open {
        url: String,
        source: Box<surrealdb::Error>,
    },
    #[error("unexpected data: {0}")]
    Corrupt(String),
}

impl From<surrealdb::Error> for StoreError {
    fn from(error: surrealdb::Error) -> Self {
        StoreError::Database(Box::new(error))
    }
}

/// Business rules the database enforces atomically, thrown by name from SurrealQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    EmailTaken,
    SetupTokenInvalid,
    AdminExists,
    UnknownUser,
    NumberTaken,
    UnknownTicket,
    AttachmentInvalid,
    /// The ticket's version moved on since the change was prepared.
    Stale,
    /// The record named does not exist (or is not the caller's).
    UnknownRecord,
    /// A merge that would loop (into itself, or into a ticket merged elsewhere).
    MergeInvalid,
    /// A new settings item's key is in use.
    KeyTaken,
    /// A write meant to happen once (an SLA step) has already happened.
    Done,
}

impl Refusal {
    const ALL: [Refusal; 12] = [
        Self::KeyTaken,
        Self::Done,
        Self::UnknownRecord,
        Self::Stale,
        Self::MergeInvalid,
        Self::AttachmentInvalid,
        Self::EmailTaken,
        Self::SetupTokenInvalid,
        Self::AdminExists,
        Self::UnknownUser,
        Self::NumberTaken,
        Self::UnknownTicket,
    ];

    fn code(self) -> &'static str {
        match self {
            Self::EmailTaken => "docket:email_taken",
            Self::SetupTokenInvalid => "docket:setup_token_invalid",
            Self::AdminExists => "docket:admin_exists",
            Self::UnknownUser => "docket:unknown_user",
            Self::NumberTaken => "docket:number_taken",
            Self::UnknownTicket => "docket:unknown_ticket",
            Self::AttachmentInvalid => "docket:attachment_invalid",
            Self::Stale => "docket:stale",
            Self::UnknownRecord => "docket:unknown_record",
            Self::MergeInvalid => "docket:merge_invalid",
            Self::KeyTaken => "docket:key_taken",
            Self::Done => "docket:done",
        }
    }
}

/// A handle on the database, cheap to clone.
///
/// Clones share one database session: cloning a `Surreal` handle opens a new session, which on a
/// remote server replays the sign-in (a password hash, ~15 ms of its CPU) and, until that replay is
/// acknowledged, lets queries through unauthenticated ("Method not allowed"). Every request clones
/// the app state, so the handle sits behind an `Arc`.
#[derive(Clone, Debug)]
pub struct Store {
    db: Arc<Surreal<Any>>,
    /// The audit chain shards this process's writes in flight hold (see `shards`).
    shards: Arc<shards::ShardPool>,
}

/// Named parameters for a query, built with [`Binds::with`].
#[derive(Default)]
struct Binds(Vec<(String, Value)>);

impl Binds {
    fn with(mut self, name: impl Into<String>, value: impl SurrealValue) -> Self {
        self.0.push((name.into(), value.into_value()));
        self
    }

    /// `query` with every parameter bound.
    fn onto<'r>(
        &self,
        mut query: surrealdb::method::Query<'r, Any>,
    ) -> surrealdb::method::Query<'r, Any> {
        for (name, value) in &self.0 {
            query = query.bind((name.clone(), value.clone()));
        }
        query
    }
}

/// Whether a statement failed only because a concurrent transaction won the race (worth retrying).
/// The key-value store reports some conflicts (at commit, under load) only in its message.
fn is_conflict(error: &surrealdb::Error) -> bool {
    error.query_details() == Some(&QueryError::TransactionConflict)
        || error.message().contains("Transaction conflict")
}

/// The error that made a query fail: in a failed transaction every other statement reports only
/// that it was not executed, so the first error that is not such a report.
fn cause(errors: std::collections::HashMap<usize, surrealdb::Error>) -> Option<surrealdb::Error> {
    let mut errors: Vec<(usize, surrealdb::Error)> = errors.into_iter().collect();
    errors.sort_by_key(|(i, _)| *i);
    let real = errors
        .iter()
        .position(|(_, e)| e.query_details() != Some(&QueryError::NotExecuted))
        .unwrap_or(0);
    (!errors.is_empty()).then(|| errors.swap_remove(real).1)
}

/// How often a write that lost an optimistic-concurrency race is retried before giving up.
const CONFLICT_RETRIES: usize = 16;

/// Waits before retry `attempt` (1, 2, ...) of a write that lost a race: a random time up to
/// 1 ms doubling per attempt (at most 64 ms), so writers contending for one row (an audit chain's
/// head, a queue count) spread out instead of colliding again at once (measured: 32 concurrent
/// API clients exhausted immediate retries).
async fn back_off(attempt: usize) {
    let ceiling = 1_000u64 << attempt.clamp(1, 7).saturating_sub(1);
    tokio::time::sleep(std::time::Duration::from_micros(rand::random_range(
        0..ceiling,
    )))
    .await;
}

impl Store {
    /// Connects by URL (`surrealkv://`, `mem://`, `ws://`), selects namespace and database and
    /// applies pending migrations.
    pub async fn connect(settings: &DatabaseSettings) -> Result<Store, StoreError> {
        let store = Store::open(settings).await?;
        migrations::apply(&store).await?;
        Ok(store)
    }

    /// Connects by URL and selects namespace and database, as they are (no migrations).
    pub async fn open(settings: &DatabaseSettings) -> Result<Store, StoreError> {
        let db = connect(durable(&settings.url).as_str())
            .await
            .map_err(|source| StoreError::Open {
                url: settings.url.clone(),
                source: Box::new(source),
            })?;
        if let (Some(username), Some(password)) = (&settings.username, &settings.password) {
            db.signin(Root {
                username: username.clone(),
                password: password.clone(),
            })
            .await?;
        }
        db.use_ns(&settings.namespace)
            .use_db(&settings.database)
            .await?;
        Ok(Store {
            db: Arc::new(db),
            shards: Arc::new(shards::ShardPool::new()),
        })
    }

    /// Whether the database answers a query that needs this connection's sign-in and database
    /// (after a reconnect, the client replays them: until then, this fails).
    pub async fn ping(&self) -> bool {
        matches!(
            self.db
                .query("SELECT VALUE version FROM ONLY schema_version:current")
                .await
                .map(|mut r| r.take::<Option<i64>>(0)),
            Ok(Ok(Some(_)))
        )
    }

    /// Runs `body` (statements using bound parameters) and the audit append for `record` in one
    /// transaction, retrying on write conflicts. Returns the result of statement `take` of `body`.
    async fn audited<T: SurrealValue>(
        &self,
        body: &str,
        binds: Binds,
        record: &AuditRecord,
        take: usize,
    ) -> Result<T, StoreError>
    where
        usize: surrealdb::opt::QueryResult<T>,
    {
        let outbox = if binds.has_mail() { mail::OUTBOX } else { "" };
        // A change to a ticket queues the webhook deliveries its event calls for.
        let binds = if record.object_kind == "ticket" {
            let closes = record
                .after
                .as_ref()
                .and_then(|a| a.get("state"))
                .is_some_and(|s| s == "closed");
            let events = crate::domain::webhooks::events_for(&record.action, closes);
            if events.is_empty() {
                binds
            } else {
                let payload = serde_json::json!({
                    "events": events, "ticket": record.object_id, "action": record.action,
                    "at": record.at, "actor": record.actor.label, "change": record.after,
                })
                .to_string();
                // Without its opening brace: the delivery's `event` goes first.
                binds.with_webhook_events(events, payload[1..].to_string())
            }
        } else {
            binds
        };
        let deliveries = if binds.has_webhook_events() {
            webhooks::DELIVERIES
        } else {
            ""
        };
        let sql = format!(
            "BEGIN TRANSACTION;\n{body}\n{outbox}\n{deliveries}\n{}\nCOMMIT TRANSACTION;",
            audit::APPEND
        );
        let mut attempt = 0;
        loop {
            let shard = self.shards.take().await;
            let query = audit::bind(binds.onto(self.db.query(sql.as_str())), record, shard.shard);
            let mut response = query.await?;
            drop(shard);
            let errors = response.take_errors();
            if errors.is_empty() {
                // Statement 0 is BEGIN; the body's statements follow it.
                return Ok(response.take(take + 1)?);
            }
            if let Some(refusal) = errors.values().find_map(refusal_of) {
                return Err(StoreError::Refused(refusal));
            }
            let conflicted = errors.values().any(is_conflict);
            attempt += 1;
            if !conflicted || attempt >= CONFLICT_RETRIES {
                return Err(cause(errors).expect("errors is not empty").into());
            }
            back_off(attempt).await;
        }
    }
}

impl Store {
    /// [`Store::audited`] for writes that return nothing.
    async fn audited_write(
        &self,
        body: &str,
        binds: Binds,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        self.audited::<Option<bool>>(body, binds, record, 0)
            .await
            .map(|_| ())
    }
}

/// The URL with SurrealKV's `sync=every` (fsync each commit before acknowledging it) made explicit
/// unless the operator chose another mode.
fn durable(url: &str) -> String {
    if url.starts_with("surrealkv://") && !url.contains("sync=") {
        let separator = if url.contains('?') { '&' } else { '?' };
        format!("{url}{separator}sync=every")
    } else {
        url.to_string()
    }
}

fn refusal_of(error: &surrealdb::Error) -> Option<Refusal> {
    if !error.is_thrown() {
        return None;
    }
    Refusal::ALL
        .into_iter()
        .find(|r| error.message().contains(r.code()))
}

/// A fresh, migrated in-memory store for store tests.
#[cfg(test)]
pub(super) async fn test_store() -> Store {
    let env = [("DOCKET_DATABASE_URL".to_string(), "mem://".to_string())];
    let settings = crate::server::config::Settings::from_sources("test", None, &env).unwrap();
    Store::connect(&settings.database).await.unwrap()
}

#[cfg(test)]
mod tests {
    use super::durable;

    #[test]
    fn embedded_stores_fsync_every_commit_unless_told_otherwise() {
        assert_eq!(
            durable("surrealkv://data/docket.db"),
            "surrealkv://data/docket.db?sync=every"
        );
        assert_eq!(
            durable("surrealkv://d?versioned=true"),
            "surrealkv://d?versioned=true&sync=every"
        );
        assert_eq!(durable("surrealkv://d?sync=1s"), "surrealkv://d?sync=1s");
        assert_eq!(durable("mem://"), "mem://");
    }
}
