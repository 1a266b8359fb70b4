//! The audit retention job: once at start and hourly after, events older than `audit.retain` are
//! pruned behind signed tombstones. Nothing runs when no retention is set.

use std::time::Duration;

use crate::error::AppError;
use crate::server::state::AppState;
use crate::server::use_cases::audit_retention;

/// How often the job looks: retention is meant in days or months, so an hour of lag is immaterial.
const EVERY: Duration = Duration::from_secs(60 * 60);

pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if state.settings.audit.retain.is_none() {
            return;
        }
        let mut tick = super::ticker(EVERY);
        loop {
            tick.tick().await;
            if let Err(error) = run_once(&state).await {
                tracing::warn!(%error, "audit retention: a run failed; trying again later");
            }
        }
    })
}

/// One pass over every chain: how many events it pruned.
pub async fn run_once(state: &AppState) -> Result<u64, AppError> {
    let removed = audit_retention::prune(state).await?;
    if removed > 0 {
        tracing::info!(
            removed,
            "audit retention: pruned events behind signed tombstones"
        );
    }
    Ok(removed)
}
