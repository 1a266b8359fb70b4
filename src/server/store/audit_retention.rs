//! Audit retention's storage: each shard's tombstone, the events that follow it, and the one
//! transaction that deletes a pruned prefix, writes its tombstone and audits the prune.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::audit::{EventRow, FIELDS};
use super::{Binds, Store, StoreError};
use crate::domain::audit::AuditEvent;
use crate::domain::audit::prune::Prune;
use crate::domain::audit::tombstone::Tombstone;

/// Deletes `prune_from + 1..=prune_through` of a shard and writes its tombstone, unless another
/// process pruned the shard since this prune was planned (then `docket:stale`, and nothing changes).
const PRUNE: &str = "
IF ((SELECT VALUE through_seq FROM ONLY type::record('audit_tombstone', $prune_shard)) ?? 0) != $prune_from { THROW 'docket:stale' };
DELETE audit_event WHERE shard = $prune_shard AND seq > $prune_from AND seq <= $prune_through;
UPSERT type::record('audit_tombstone', $prune_shard) CONTENT {
    through_seq: $prune_through, hash: $prune_hash, pruned: $prune_pruned, oldest_at: $prune_oldest_at,
    newest_at: $prune_newest_at, at: $prune_at, signature: $prune_signature
} RETURN NONE;
";

const TOMBSTONE_FIELDS: &str =
    "record::id(id) AS shard, through_seq, hash, pruned, oldest_at, newest_at, at, signature";

#[derive(SurrealValue)]
struct TombstoneRow {
    shard: i64,
    through_seq: i64,
    hash: String,
    pruned: i64,
    oldest_at: DateTime<Utc>,
    newest_at: DateTime<Utc>,
    at: DateTime<Utc>,
    signature: String,
}

impl TombstoneRow {
    fn into_tombstone(self) -> Result<Tombstone, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("audit tombstone {what}"));
        Ok(Tombstone {
            shard: u8::try_from(self.shard).map_err(|_| corrupt("shard"))?,
            through_seq: u64::try_from(self.through_seq).map_err(|_| corrupt("seq"))?,
            hash: self.hash,
            pruned: u64::try_from(self.pruned).map_err(|_| corrupt("count"))?,
            oldest_at: self.oldest_at,
            newest_at: self.newest_at,
            at: self.at,
            signature: self.signature,
        })
    }
}

/// Sequence numbers as the database stores them (they never come near `i64::MAX`).
fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store {
    /// The tombstone of every shard that has pruned events.
    pub async fn audit_tombstones(&self) -> Result<Vec<Tombstone>, StoreError> {
        let rows: Vec<TombstoneRow> = self
            .db
            .query(format!("SELECT {TOMBSTONE_FIELDS} FROM audit_tombstone"))
            .await?
            .take(0)?;
        rows.into_iter().map(TombstoneRow::into_tombstone).collect()
    }

    /// One shard's tombstone, none before its first prune.
    pub async fn audit_tombstone(&self, shard: u8) -> Result<Option<Tombstone>, StoreError> {
        let row: Option<TombstoneRow> = self
            .db
            .query(format!(
                "SELECT {TOMBSTONE_FIELDS} FROM ONLY type::record('audit_tombstone', $shard)"
            ))
            .bind(("shard", i64::from(shard)))
            .await?
            .take(0)?;
        row.map(TombstoneRow::into_tombstone).transpose()
    }

    /// Up to `limit` events of `shard` after event `after_seq`, in chain order.
    pub async fn audit_events_after(
        &self,
        shard: u8,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let sql = format!(
            "SELECT {FIELDS} FROM audit_event WHERE shard = $shard AND seq > $after ORDER BY seq ASC LIMIT $limit"
        );
        let rows: Vec<EventRow> = self
            .db
            .query(sql)
            .bind(("shard", i64::from(shard)))
            .bind(("after", int(after_seq)))
            .bind(("limit", int(limit as u64)))
            .await?
            .take(0)?;
        rows.into_iter().map(EventRow::into_event).collect()
    }

    /// Carries out `prune` in one transaction with its `audit.pruned` event. Refused with
    /// [`Refusal::Stale`](super::Refusal::Stale) when the shard's tombstone is no longer the one
    /// the prune was planned from (another process pruned it first).
    pub async fn prune_audit(&self, prune: &Prune) -> Result<(), StoreError> {
        let t = &prune.tombstone;
        let binds = Binds::default()
            .with("prune_shard", i64::from(t.shard))
            .with("prune_from", int(prune.from_seq))
            .with("prune_through", int(t.through_seq))
            .with("prune_hash", t.hash.clone())
            .with("prune_pruned", int(t.pruned))
            .with("prune_oldest_at", t.oldest_at)
            .with("prune_newest_at", t.newest_at)
            .with("prune_at", t.at)
            .with("prune_signature", t.signature.clone());
        self.audited_write(PRUNE, binds, &prune.record()).await
    }
}
