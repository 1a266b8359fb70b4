//! The audit trail's storage: the append fragment every audited write includes, and reads.

use chrono::{DateTime, Utc};
use surrealdb::engine::any::Any;
use surrealdb::method::Query;
use surrealdb::types::SurrealValue;

use super::{Binds, Store, StoreError};
use crate::domain::audit::filter::{AuditCursor, AuditFilter};
use crate::domain::audit::{ActorKind, AuditActor, AuditEvent, AuditRecord, GENESIS_HASH, Origin};

/// Appends `$audit_*` to the chain of shard `$audit_shard`, computing the hash in the same
/// transaction as the change it records (see `domain::audit` for the hashed string).
pub(super) const APPEND: &str = "
LET $audit_head = (SELECT seq, hash FROM ONLY type::record('audit_head', $audit_shard));
LET $audit_seq = ($audit_head.seq ?? 0) + 1;
LET $audit_prev = $audit_head.hash ?? $audit_genesis;
LET $audit_hash = crypto::sha256(string::concat(<string> $audit_shard, '|', <string> $audit_seq, '|', $audit_prev, '|', $audit_body));
CREATE audit_event CONTENT {
    shard: $audit_shard, seq: $audit_seq, prev_hash: $audit_prev, hash: $audit_hash,
    at: $audit_at, actor_kind: $audit_actor_kind, actor_id: $audit_actor_id, actor_label: $audit_actor_label,
    action: $audit_action, object_kind: $audit_object_kind, object_id: $audit_object_id,
    before: $audit_before, after: $audit_after, ip: $audit_ip, user_agent: $audit_user_agent,
    order_key: fn::audit_order_key($audit_at, $audit_shard, $audit_seq)
} RETURN NONE;
UPSERT type::record('audit_head', $audit_shard) CONTENT { seq: $audit_seq, hash: $audit_hash } RETURN NONE;
";

/// Binds the record's fields for [`APPEND`] to the chain of `shard` (one no other write of this
/// process holds: see `shards`).
pub(super) fn bind<'r>(query: Query<'r, Any>, record: &AuditRecord, shard: u8) -> Query<'r, Any> {
    query
        .bind(("audit_shard", i64::from(shard)))
        .bind(("audit_genesis", GENESIS_HASH))
        .bind(("audit_body", record.canonical_body()))
        .bind(("audit_at", record.at))
        .bind(("audit_actor_kind", record.actor.kind.as_str()))
        .bind(("audit_actor_id", record.actor.id.clone()))
        .bind(("audit_actor_label", record.actor.label.clone()))
        .bind(("audit_action", record.action.clone()))
        .bind(("audit_object_kind", record.object_kind.clone()))
        .bind(("audit_object_id", record.object_id.clone()))
        .bind((
            "audit_before",
            record.before.as_ref().map(|v| v.to_string()),
        ))
        .bind(("audit_after", record.after.as_ref().map(|v| v.to_string())))
        .bind(("audit_ip", record.origin.ip.clone()))
        .bind(("audit_user_agent", record.origin.user_agent.clone()))
}

#[derive(SurrealValue)]
pub(super) struct EventRow {
    shard: i64,
    seq: i64,
    prev_hash: String,
    hash: String,
    at: DateTime<Utc>,
    actor_kind: String,
    actor_id: Option<String>,
    actor_label: String,
    action: String,
    object_kind: String,
    object_id: String,
    before: Option<String>,
    after: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
}

impl EventRow {
    pub(super) fn into_event(self) -> Result<AuditEvent, StoreError> {
        let json = |text: Option<String>| -> Result<_, StoreError> {
            text.map(|t| {
                serde_json::from_str(&t)
                    .map_err(|e| StoreError::Corrupt(format!("audit value: {e}")))
            })
            .transpose()
        };
        Ok(AuditEvent {
            shard: u8::try_from(self.shard)
                .map_err(|_| StoreError::Corrupt("audit shard".into()))?,
            seq: u64::try_from(self.seq).map_err(|_| StoreError::Corrupt("audit seq".into()))?,
            prev_hash: self.prev_hash,
            hash: self.hash,
            record: AuditRecord {
                at: self.at,
                actor: AuditActor {
                    kind: ActorKind::parse(&self.actor_kind)
                        .ok_or_else(|| StoreError::Corrupt("actor kind".into()))?,
                    id: self.actor_id,
                    label: self.actor_label,
                },
                action: self.action,
                object_kind: self.object_kind,
                object_id: self.object_id,
                before: json(self.before)?,
                after: json(self.after)?,
                origin: Origin {
                    ip: self.ip,
                    user_agent: self.user_agent,
                },
            },
        })
    }
}

/// One page of a search, newest first, with where the next (older) page starts.
#[derive(Debug)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    pub older: Option<AuditCursor>,
}

pub(super) const FIELDS: &str = "shard, seq, prev_hash, hash, at, actor_kind, actor_id, actor_label, action, object_kind, object_id, before, after, ip, user_agent";

/// Where an event sorts, newest first, as text: the time, then the chain and sequence number,
/// each counted down from the largest value so a plain ascending index scan reads newest first.
/// The database computes the same key as `fn::audit_order_key` (see the migrations).
fn order_key(cursor: &AuditCursor) -> String {
    format!(
        "{}{}{:019}",
        time_key(cursor.at),
        7 - cursor.shard.min(7),
        i64::MAX - i64::try_from(cursor.seq).unwrap_or(i64::MAX)
    )
}

/// The time part of [`order_key`]: every key of an event at `at` starts with it, and keys of
/// older events sort after it.
fn time_key(at: DateTime<Utc>) -> String {
    format!(
        "{:019}",
        i64::MAX - at.timestamp_nanos_opt().unwrap_or(i64::MAX)
    )
}

/// The `WHERE` clause of a search (only the parts it uses, so the planner can pick an index) and
/// its parameters.
fn conditions(filter: &AuditFilter, after: Option<&AuditCursor>) -> (String, Binds) {
    let mut clauses: Vec<&str> = Vec::new();
    let mut binds = Binds::default();
    let (kind, id) = filter.object_parts();
    if let Some(kind) = kind {
        clauses.push("object_kind = $object_kind");
        binds = binds.with("object_kind", kind.to_string());
    }
    if let Some(id) = id {
        clauses.push("object_id = $object_id");
        binds = binds.with("object_id", id.to_string());
    }
    if !filter.actor.is_empty() {
        clauses.push(
            "(actor_id = $actor OR string::contains(string::lowercase(actor_label), $actor))",
        );
        binds = binds.with("actor", filter.actor.clone());
    }
    if !filter.action.is_empty() {
        clauses.push("string::starts_with(action, $action)");
        binds = binds.with("action", filter.action.clone());
    }
    if !filter.ip.is_empty() {
        clauses.push("string::starts_with(ip ?? '', $ip)");
        binds = binds.with("ip", filter.ip.clone());
    }
    // Dates and the cursor are ranges of the order key, so one index scan answers them.
    if let Some(since) = filter.since() {
        clauses.push("order_key < $since_key");
        binds = binds.with(
            "since_key",
            time_key(since - chrono::Duration::nanoseconds(1)),
        );
    }
    // Both are lower bounds: the later one (in key order) decides.
    let until = filter
        .until()
        .map(|until| time_key(until - chrono::Duration::nanoseconds(1)));
    if let Some(key) = until.into_iter().chain(after.map(order_key)).max() {
        clauses.push("order_key > $after_key");
        binds = binds.with("after_key", key);
    }
    let clause = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (clause, binds)
}

impl Store {
    /// Events matching `filter`, newest first, strictly older than `after` when given.
    pub async fn audit_search(
        &self,
        filter: &AuditFilter,
        after: Option<&AuditCursor>,
        limit: usize,
    ) -> Result<AuditPage, StoreError> {
        let (clause, binds) = conditions(filter, after);
        let sql =
            format!("SELECT {FIELDS} FROM audit_event {clause} ORDER BY order_key LIMIT $limit");
        let rows: Vec<EventRow> = binds
            .with("limit", limit as i64 + 1)
            .onto(self.db.query(sql))
            .await?
            .take(0)?;
        let mut events = rows
            .into_iter()
            .map(EventRow::into_event)
            .collect::<Result<Vec<_>, _>>()?;
        let older = if events.len() > limit {
            events.truncate(limit);
            events.last().map(|e| AuditCursor {
                at: e.record.at,
                shard: e.shard,
                seq: e.seq,
            })
        } else {
            None
        };
        Ok(AuditPage { events, older })
    }

    /// How many events match `filter` (older than `after` when given).
    pub async fn audit_count(
        &self,
        filter: &AuditFilter,
        after: Option<&AuditCursor>,
    ) -> Result<u64, StoreError> {
        let (clause, binds) = conditions(filter, after);
        let sql =
            format!("RETURN (SELECT count() AS n FROM audit_event {clause} GROUP ALL)[0].n ?? 0");
        let count: Option<i64> = binds.onto(self.db.query(sql)).await?.take(0)?;
        Ok(count.unwrap_or(0).max(0) as u64)
    }

    /// Every event of one shard in chain order, for verification.
    pub async fn audit_shard(&self, shard: u8) -> Result<Vec<AuditEvent>, StoreError> {
        let sql = format!("SELECT {FIELDS} FROM audit_event WHERE shard = $shard ORDER BY seq ASC");
        let rows: Vec<EventRow> = self
            .db
            .query(sql)
            .bind(("shard", i64::from(shard)))
            .await?
            .take(0)?;
        rows.into_iter().map(EventRow::into_event).collect()
    }

    /// Each chain's head (its newest event's sequence number and hash), by shard.
    pub async fn audit_heads(&self) -> Result<Vec<(u8, u64, String)>, StoreError> {
        #[derive(SurrealValue)]
        struct HeadRow {
            shard: i64,
            seq: i64,
            hash: String,
        }
        let rows: Vec<HeadRow> = self
            .db
            .query("SELECT record::id(id) AS shard, seq, hash FROM audit_head")
            .await?
            .take(0)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some((
                    u8::try_from(r.shard).ok()?,
                    u64::try_from(r.seq).ok()?,
                    r.hash,
                ))
            })
            .collect())
    }

    /// Appends one event on its own, for things that change nothing else (a view, a refusal).
    /// (The body is empty: a `RETURN` would end the transaction before the append.)
    pub async fn append_audit(&self, record: &AuditRecord) -> Result<(), StoreError> {
        self.audited_write("", super::Binds::default(), record)
            .await
    }
}

impl Store {
    /// Bulk-writes `n` synthetic events (not on a valid chain) for `examples/audit_search.rs`:
    /// 50 actors, 5,000 tickets, 7 addresses, one event type in 997 rare, a second apart going
    /// back from now. Never called by Docket itself.
    #[doc(hidden)]
    pub async fn seed_audit_events_for_benchmark(&self, n: u64) -> Result<(), StoreError> {
        const BATCH: u64 = 10_000;
        let mut from = 1;
        while from <= n {
            let to = (from + BATCH).min(n + 1);
            self.db
                .query(
                    "FOR $i IN $from..$to {
                        LET $at = time::now() - <duration> string::concat(<string> $i, 's');
                        CREATE audit_event CONTENT {
                            shard: $i % 8, seq: $i, prev_hash: '', hash: '', at: $at,
                            actor_kind: 'user', actor_id: string::concat('u', <string> ($i % 50)),
                            actor_label: string::concat('agent', <string> ($i % 50), '@example.com'),
                            action: IF $i % 997 = 0 { 'user.password_reset' }
                                ELSE IF $i % 3 = 0 { 'ticket.priority_changed' } ELSE { 'ticket.viewed' },
                            object_kind: 'ticket', object_id: <string> (100000 + $i % 5000),
                            before: NONE, after: NONE, user_agent: NONE,
                            ip: string::concat('10.0.', <string> ($i % 7), '.1'),
                            order_key: fn::audit_order_key($at, $i % 8, $i)
                        } RETURN NONE;
                    }",
                )
                .bind(("from", from as i64))
                .bind(("to", to as i64))
                .await?
                .check()?;
            from = to;
        }
        Ok(())
    }
}
