//! Delivering webhooks: each due delivery is POSTed as JSON with its event, id, timestamp and
//! signature; a non-2xx answer or no answer is retried with backoff until it becomes dead; admins
//! read the log and replay any delivery.

use chrono::Duration;
use serde_json::json;

use crate::domain::audit::{AuditActor, AuditRecord, Origin};
use crate::domain::permission::{Action, Resource, authorize};
use crate::domain::webhooks::Delivery;
use crate::domain::webhooks::sign;
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::{DeliveryAttempt, Refusal, StoreError};
use crate::server::use_cases::outbox::backoff;

/// Attempts before a delivery is dead.
const MAX_ATTEMPTS: u32 = 8;
/// The first retry's delay (doubling after).
const FIRST_RETRY_SECONDS: i64 = 30;
const BATCH: usize = 20;

/// Delivers what is due; returns how many were delivered.
pub async fn deliver_due(state: &AppState, client: &reqwest::Client) -> Result<usize, AppError> {
    let now = state.clock.now();
    let due = state
        .store
        .claim_deliveries(now, now + Duration::seconds(120), BATCH)
        .await
        .map_err(internal)?;
    let mut delivered = 0;
    for d in due {
        let timestamp = state.clock.now().timestamp();
        let outcome = client
            .post(&d.url)
            .header("content-type", "application/json")
            .header("x-docket-event", &d.event)
            .header("x-docket-delivery", &d.id)
            .header("x-docket-timestamp", timestamp.to_string())
            .header("x-docket-signature", sign(&d.secret, timestamp, &d.payload))
            .body(d.payload.clone())
            .send()
            .await;
        let (ok, status, error) = match outcome {
            Ok(response) if response.status().is_success() => {
                (true, Some(response.status().as_u16()), None)
            }
            Ok(response) => (
                false,
                Some(response.status().as_u16()),
                Some(format!("answered {}", response.status())),
            ),
            Err(e) => (false, None, Some(e.to_string())),
        };
        let attempts = d.attempts + 1;
        let retry_at = (!ok && attempts < MAX_ATTEMPTS)
            .then(|| state.clock.now() + backoff(Duration::seconds(FIRST_RETRY_SECONDS), attempts));
        let attempt = DeliveryAttempt {
            id: &d.id,
            at: state.clock.now(),
            delivered: ok,
            http_status: status,
            error: error.as_deref(),
            retry_at,
        };
        let action = match (ok, retry_at) {
            (true, _) => "webhook.delivered",
            (false, Some(_)) => "webhook.failed",
            (false, None) => "webhook.dead",
        };
        let record = AuditRecord::new(attempt.at, AuditActor::system(), action, Origin::default())
            .object("webhook_delivery", &d.id)
            .after(json!({ "event": d.event, "url": d.url, "attempt": attempts,
                "status": status, "error": error, "retry_at": retry_at }));
        state
            .store
            .delivery_attempted(&attempt, &record)
            .await
            .map_err(internal)?;
        if ok {
            delivered += 1;
        }
    }
    Ok(delivered)
}

fn admin(caller: &Caller) -> Result<(), AppError> {
    authorize(&caller.actor, Action::Administer, &Resource::System)?;
    Ok(())
}

/// The newest deliveries, for the log.
pub async fn log(state: &AppState, caller: &Caller) -> Result<Vec<Delivery>, AppError> {
    admin(caller)?;
    state.store.deliveries(100).await.map_err(internal)
}

/// Sends a delivery again, whatever became of it.
pub async fn replay(state: &AppState, caller: &Caller, id: &str) -> Result<(), AppError> {
    admin(caller)?;
    let now = state.clock.now();
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "webhook.replayed",
        caller.origin.clone(),
    )
    .object("webhook_delivery", id);
    state
        .store
        .replay_delivery(id, now, &record)
        .await
        .map_err(|e| match e {
            StoreError::Refused(Refusal::UnknownRecord) => AppError::NotFound,
            other => internal(other),
        })
}
