//! Webhook deliveries: queued in the transaction of the change that raises their event (see
//! [`DELIVERIES`]), delivered by the worker, logged with each attempt's outcome, replayable.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::{Binds, Store, StoreError};
use crate::domain::audit::AuditRecord;

/// For every active endpoint subscribed to one of `$webhook_events`, a delivery of the most
/// specific of those events with `$webhook_payload` (a JSON object's text without its `{`).
pub(super) const DELIVERIES: &str = "FOR $hook IN (SELECT id, events FROM webhook WHERE active AND events CONTAINSANY $webhook_events) {
    LET $event = array::first($webhook_events.filter(|$e| $e IN $hook.events));
    CREATE webhook_delivery CONTENT { webhook: $hook.id, event: $event,
        payload: string::concat('{\"event\":\"', $event, '\",', $webhook_payload),
        status: 'queued', attempts: 0, next_at: $audit_at, created_at: $audit_at } RETURN NONE;
};";

/// A delivery claimed by the worker.
#[derive(Debug)]
pub struct DueDelivery {
    pub id: String,
    pub event: String,
    pub url: String,
    pub secret: String,
    pub payload: String,
    pub attempts: u32,
}

/// One delivery as the log lists it.
#[derive(Clone, Debug)]
pub struct DeliveryEntry {
    pub id: String,
    pub webhook: String,
    pub event: String,
    pub status: String,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

#[derive(SurrealValue)]
struct DueRow {
    event: String,
    url: String,
    secret: String,
    payload: String,
    attempts: i64,
}

#[derive(SurrealValue)]
struct LogRow {
    id: String,
    webhook: String,
    event: String,
    status: String,
    attempts: i64,
    last_status: Option<i64>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
}

impl Binds {
    pub(super) fn with_webhook_events(self, events: Vec<&'static str>, payload: String) -> Binds {
        self.with(
            "webhook_events",
            events.into_iter().map(str::to_string).collect::<Vec<_>>(),
        )
        .with("webhook_payload", payload)
    }

    pub(super) fn has_webhook_events(&self) -> bool {
        self.0.iter().any(|(name, _)| name == "webhook_events")
    }
}

impl Store {
    /// Claims up to `limit` due deliveries until `lease`.
    pub async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        let ids: Vec<String> = self
            .db
            .query(
                "SELECT VALUE record::id(id) FROM webhook_delivery WHERE status = 'queued' AND next_at <= $now
                    AND (lease_until = NONE OR lease_until < $now) ORDER BY next_at LIMIT $limit",
            )
            .bind(("now", now))
            .bind(("limit", limit as i64))
            .await?
            .take(0)?;
        let mut claimed = Vec::new();
        for id in ids {
            let mut response = self
                .db
                .query(
                    "LET $claimed = (UPDATE type::record('webhook_delivery', $id) SET lease_until = $lease
                        WHERE status = 'queued' AND (lease_until = NONE OR lease_until < $now) RETURN VALUE id);
                     SELECT event, webhook.url AS url, webhook.secret AS secret, payload, attempts
                        FROM webhook_delivery WHERE id IN $claimed;",
                )
                .bind(("id", id.clone()))
                .bind(("now", now))
                .bind(("lease", lease))
                .await?;
            // Another process claimed it first (a conflict or no row): not ours.
            let Ok(rows) = response.take::<Vec<DueRow>>(1) else {
                continue;
            };
            if let Some(row) = rows.into_iter().next() {
                claimed.push(DueDelivery {
                    id,
                    event: row.event,
                    url: row.url,
                    secret: row.secret,
                    payload: row.payload,
                    attempts: u32::try_from(row.attempts).unwrap_or(0),
                });
            }
        }
        Ok(claimed)
    }

    /// Records an attempt: delivered, due again at `retry_at`, or dead when that is none.
    pub async fn delivery_attempted(
        &self,
        id: &str,
        at: DateTime<Utc>,
        delivered: bool,
        http_status: Option<u16>,
        error: Option<&str>,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        self.db
            .query(
                "UPDATE type::record('webhook_delivery', $id) SET attempts += 1, lease_until = NONE,
                    last_status = $http_status, last_error = $error,
                    status = IF $delivered { 'delivered' } ELSE IF $retry_at { 'queued' } ELSE { 'dead' },
                    delivered_at = IF $delivered { $at } ELSE { delivered_at },
                    next_at = $retry_at ?? next_at RETURN NONE",
            )
            .bind(("id", id.to_string()))
            .bind(("at", at))
            .bind(("delivered", delivered))
            .bind(("http_status", http_status.map(i64::from)))
            .bind(("error", error.map(|e| e.chars().take(500).collect::<String>())))
            .bind(("retry_at", retry_at))
            .await?
            .check()?;
        Ok(())
    }

    /// Sends a delivery again (any state), due now.
    pub async fn replay_delivery(
        &self,
        id: &str,
        now: DateTime<Utc>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let binds = Binds::default().with("id", id.to_string()).with("now", now);
        self.audited_write(
            "LET $row = type::record('webhook_delivery', $id);
             IF $row.id = NONE { THROW 'docket:unknown_record' };
             UPDATE $row SET status = 'queued', attempts = 0, next_at = $now, lease_until = NONE RETURN NONE;",
            binds,
            record,
        )
        .await
    }

    /// The newest deliveries, newest first.
    pub async fn deliveries(&self, limit: usize) -> Result<Vec<DeliveryEntry>, StoreError> {
        let rows: Vec<LogRow> = self
            .db
            .query(
                "SELECT record::id(id) AS id, webhook.name AS webhook, event, status, attempts, last_status,
                    last_error, created_at, delivered_at FROM webhook_delivery ORDER BY created_at DESC LIMIT $limit",
            )
            .bind(("limit", limit as i64))
            .await?
            .take(0)?;
        Ok(rows
            .into_iter()
            .map(|r| DeliveryEntry {
                id: r.id,
                webhook: r.webhook,
                event: r.event,
                status: r.status,
                attempts: u32::try_from(r.attempts).unwrap_or(0),
                last_status: r.last_status.and_then(|s| u16::try_from(s).ok()),
                last_error: r.last_error,
                created_at: r.created_at,
                delivered_at: r.delivered_at,
            })
            .collect())
    }
}
