//! Leases on queued work (the mail outbox, webhook deliveries): a process claims due rows one by
//! one with a conditional update, so several processes never work the same row at once, and a
//! lease that runs out (a crash) frees the row for another.

use chrono::{DateTime, Utc};

use super::{Store, StoreError};

/// A table of queued work: rows with `status`, `next_at` and `lease_until`.
#[derive(Clone, Copy, Debug)]
pub(super) enum Queue {
    Outbox,
    WebhookDeliveries,
}

impl Queue {
    fn table(self) -> &'static str {
        match self {
            Queue::Outbox => "outbox",
            Queue::WebhookDeliveries => "webhook_delivery",
        }
    }
}

impl Store {
    /// Claims up to `limit` queued rows of `queue` due at `now` until `lease`; the ids this
    /// process won, oldest due first.
    pub(super) async fn claim_due(
        &self,
        queue: Queue,
        now: DateTime<Utc>,
        lease: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        let table = queue.table();
        let candidates: Vec<String> = self
            .db
            .query(format!(
                "SELECT VALUE record::id(id) FROM {table} WHERE status = 'queued' AND next_at <= $now
                    AND (lease_until = NONE OR lease_until < $now) ORDER BY next_at LIMIT $limit"
            ))
            .bind(("now", now))
            .bind(("limit", limit as i64))
            .await?
            .take(0)?;
        let mut won = Vec::new();
        for id in candidates {
            let mut response = self
                .db
                .query(format!(
                    "UPDATE type::record('{table}', $id) SET lease_until = $lease
                     WHERE status = 'queued' AND (lease_until = NONE OR lease_until < $now)
                     RETURN VALUE record::id(id)"
                ))
                .bind(("id", id.clone()))
                .bind(("now", now))
                .bind(("lease", lease))
                .await?;
            // Another process claimed it first (a conflict, or no row left to update).
            if let Ok(updated) = response.take::<Vec<String>>(0)
                && !updated.is_empty()
            {
                won.push(id);
            }
        }
        Ok(won)
    }

    /// Frees every lease on the queues, so the rows are due again at once; how many were held.
    /// Only for a process that knows no other one works the queues: another's message in flight
    /// would go out twice.
    pub async fn release_queue_leases(&self) -> Result<usize, StoreError> {
        let mut released = 0;
        for queue in [Queue::Outbox, Queue::WebhookDeliveries] {
            let freed: Vec<String> = self
                .db
                .query(format!(
                    "UPDATE {} SET lease_until = NONE
                     WHERE status = 'queued' AND lease_until != NONE RETURN VALUE record::id(id)",
                    queue.table()
                ))
                .await?
                .take(0)?;
            released += freed.len();
        }
        Ok(released)
    }
}
