//! Reading and verifying the audit trail.

use chrono::{DateTime, Utc};

use crate::domain::audit::{SHARDS, verify_shard};
use crate::domain::permission::{Action, Resource, authorize};
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server_fns::audit::{AuditEventView, AuditPageView, AuditVerification};

pub const PAGE_SIZE: usize = 50;

pub async fn audit_page(
    state: &AppState,
    caller: &Caller,
    before: Option<DateTime<Utc>>,
) -> Result<AuditPageView, AppError> {
    authorize(&caller.actor, Action::ReadAudit, &Resource::System)?;
    let page = state
        .store
        .audit_page(before, PAGE_SIZE)
        .await
        .map_err(internal)?;
    Ok(AuditPageView {
        events: page.events.into_iter().map(AuditEventView::from).collect(),
        older: page.older,
    })
}

/// Verifies every chain; the caller must be allowed to read the trail (the CLI passes the console).
pub async fn verify(state: &AppState, caller: &Caller) -> Result<AuditVerification, AppError> {
    authorize(&caller.actor, Action::ReadAudit, &Resource::System)?;
    let mut verification = AuditVerification::default();
    for shard in 0..SHARDS {
        let events = state.store.audit_shard(shard).await.map_err(internal)?;
        match verify_shard(shard, &events) {
            Ok(count) => verification.events += count,
            Err(broken) => verification.breaks.push(broken),
        }
    }
    Ok(verification)
}
