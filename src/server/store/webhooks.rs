//! Webhook deliveries: queued in the transaction of the change that raises their event (see
//! [`DELIVERIES`]), delivered by the worker, logged with each attempt's outcome, replayable.

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::leases::Queue;
use super::{Binds, Store, StoreError};
use crate::domain::audit::AuditRecord;
use crate::domain::webhooks::Delivery;

/// For every active endpoint subscribed to one of `$webhook_events`, a delivery of the most
/// specific of those events with `$webhook_payload` (a JSON object's text without its `{`).
pub(super) const DELIVERIES: &str = "FOR $hook IN (SELECT id, events FROM webhook WHERE active AND events CONTAINSANY $webhook_events) {
    LET $event = array::first($webhook_events.filter(|$e| $e IN $hook.events));
    CREATE webhook_delivery CONTENT { webhook: $hook.id, event: $event,
        payload: string::concat('{\"event\":\"', $event, '\",', $webhook_payload),
        status: 'queued', attempts: 0, next_at: $audit_at, created_at: $audit_at } RETURN NONE;
};";

/// The outcome of one attempt to deliver.
pub struct DeliveryAttempt<'a> {
    pub id: &'a str,
    pub at: DateTime<Utc>,
    pub delivered: bool,
    pub http_status: Option<u16>,
    pub error: Option<&'a str>,
    /// When to try again; none after a success or the last attempt.
    pub retry_at: Option<DateTime<Utc>>,
}

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

#[derive(SurrealValue)]
struct DueRow {
    id: String,
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
        let ids = self
            .claim_due(Queue::WebhookDeliveries, now, lease, limit)
            .await?;
        let rows: Vec<DueRow> = self
            .db
            .query(
                "SELECT record::id(id) AS id, event, webhook.url AS url, webhook.secret AS secret,
                    payload, attempts FROM $ids.map(|$i| type::record('webhook_delivery', $i))",
            )
            .bind(("ids", ids))
            .await?
            .take(0)?;
        Ok(rows
            .into_iter()
            .map(|row| DueDelivery {
                id: row.id,
                event: row.event,
                url: row.url,
                secret: row.secret,
                payload: row.payload,
                attempts: u32::try_from(row.attempts).unwrap_or(0),
            })
            .collect())
    }

    /// Records an attempt: delivered, due again at `retry_at`, or dead when that is none.
    pub async fn delivery_attempted(
        &self,
        attempt: &DeliveryAttempt<'_>,
        record: &AuditRecord,
    ) -> Result<(), StoreError> {
        let binds = Binds::default()
            .with("id", attempt.id.to_string())
            .with("at", attempt.at)
            .with("delivered", attempt.delivered)
            .with("http_status", attempt.http_status.map(i64::from))
            .with(
                "error",
                attempt
                    .error
                    .map(|e| e.chars().take(500).collect::<String>()),
            )
            .with("retry_at", attempt.retry_at);
        self.audited_write(
            "UPDATE type::record('webhook_delivery', $id) SET attempts += 1, lease_until = NONE,
                last_status = $http_status, last_error = $error,
                status = IF $delivered { 'delivered' } ELSE IF $retry_at { 'queued' } ELSE { 'dead' },
                delivered_at = IF $delivered { $at } ELSE { delivered_at },
                next_at = $retry_at ?? next_at RETURN NONE;",
            binds,
            record,
        )
        .await
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
    pub async fn deliveries(&self, limit: usize) -> Result<Vec<Delivery>, StoreError> {
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
            .map(|r| Delivery {
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
