//! The audit stream's storage: per SIEM target and shard, the last event the target acknowledged
//! (a cursor that survives restarts), and the lease that lets one process at a time stream a target.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::{Store, StoreError};
use crate::domain::audit::SHARDS;

/// Each shard's cursor, by shard number: the `seq` of the last event delivered.
pub type StreamCursors = [u64; SHARDS as usize];

impl Store {
    /// Where `target` (its canonical spelling) stands on every shard; 0 for a shard it never got
    /// an event of, so a new target starts from the beginning of the trail.
    pub async fn audit_stream_cursors(&self, target: &str) -> Result<StreamCursors, StoreError> {
        #[derive(SurrealValue)]
        struct CursorRow {
            shard: i64,
            seq: i64,
        }
        let rows: Vec<CursorRow> = self
            .db
            .query("SELECT shard, seq FROM audit_stream_cursor WHERE target = $target")
            .bind(("target", target.to_string()))
            .await?
            .take(0)?;
        let mut cursors = [0; SHARDS as usize];
        for row in rows {
            let slot = usize::try_from(row.shard)
                .ok()
                .and_then(|shard| cursors.get_mut(shard))
                .ok_or_else(|| StoreError::Corrupt("audit stream cursor shard".into()))?;
            *slot = u64::try_from(row.seq)
                .map_err(|_| StoreError::Corrupt("audit stream cursor seq".into()))?;
        }
        Ok(cursors)
    }

    /// Records that `target` acknowledged `shard`'s events up to `seq`. Never moves a cursor back:
    /// after a lease changed hands mid-batch, the slower process must not undo the faster one.
    pub async fn advance_audit_stream(
        &self,
        target: &str,
        shard: u8,
        seq: u64,
    ) -> Result<(), StoreError> {
        self.db
            .query(
                "UPSERT type::record('audit_stream_cursor', [$target, $shard])
                 SET target = $target, shard = $shard, seq = math::max([seq ?? 0, $seq]) RETURN NONE",
            )
            .bind(("target", target.to_string()))
            .bind(("shard", i64::from(shard)))
            .bind(("seq", i64::try_from(seq).unwrap_or(i64::MAX)))
            .await?
            .check()?;
        Ok(())
    }

    /// Takes or renews `target`'s lease for `holder` until `until`, unless another holder's lease
    /// still runs at `now`. Whether `holder` holds it now.
    pub async fn lease_audit_stream(
        &self,
        target: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut response = self
            .db
            .query(
                "UPSERT type::record('audit_stream_lease', $target) SET holder = $holder, lease_until = $until
                 WHERE holder = NONE OR holder = $holder OR lease_until < $now
                 RETURN VALUE holder",
            )
            .bind(("target", target.to_string()))
            .bind(("holder", holder.to_string()))
            .bind(("now", now))
            .bind(("until", until))
            .await?;
        // Another process took it first (a conflict, or its running lease left nothing to update).
        Ok(response
            .take::<Vec<String>>(0)
            .is_ok_and(|won| won.iter().any(|h| h == holder)))
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::super::test_store;

    fn at(seconds: i64) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(1_772_442_000 + seconds, 0).unwrap()
    }

    #[tokio::test]
    async fn a_new_target_starts_every_shard_at_zero_and_its_cursors_only_move_forward() {
        let store = test_store().await;
        assert_eq!(store.audit_stream_cursors("stdout").await.unwrap(), [0; 8]);

        store.advance_audit_stream("stdout", 3, 7).await.unwrap();
        store.advance_audit_stream("stdout", 3, 5).await.unwrap();
        store.advance_audit_stream("stdout", 0, 2).await.unwrap();
        store
            .advance_audit_stream("syslog+tcp://siem:514", 3, 1)
            .await
            .unwrap();

        assert_eq!(
            store.audit_stream_cursors("stdout").await.unwrap(),
            [2, 0, 0, 7, 0, 0, 0, 0]
        );
        assert_eq!(
            store
                .audit_stream_cursors("syslog+tcp://siem:514")
                .await
                .unwrap(),
            [0, 0, 0, 1, 0, 0, 0, 0]
        );
    }

    #[tokio::test]
    async fn one_holder_at_a_time_streams_a_target_until_its_lease_runs_out() {
        let store = test_store().await;
        let target = "syslog+udp://siem:514";
        let lease = |holder: &'static str, now: i64| {
            let store = store.clone();
            async move {
                store
                    .lease_audit_stream(target, holder, at(now), at(now) + Duration::seconds(15))
                    .await
                    .unwrap()
            }
        };
        assert!(lease("a", 0).await, "a free target is taken");
        assert!(!lease("b", 1).await, "a running lease keeps others out");
        assert!(lease("a", 10).await, "its holder renews it");
        assert!(
            !lease("b", 20).await,
            "the renewal counts from when it was made"
        );
        assert!(lease("b", 26).await, "a lease that ran out is taken over");
        assert!(!lease("a", 27).await);
        assert!(
            store
                .lease_audit_stream("stdout", "a", at(27), at(42))
                .await
                .unwrap(),
            "each target has its own lease"
        );
    }
}
