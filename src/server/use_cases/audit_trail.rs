//! Reading and verifying the audit trail.

use chrono::{DateTime, Utc};

use std::collections::HashMap;

use crate::domain::audit::{Checkpoint, SHARDS, verify_checkpoints, verify_shard};
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

/// Verifies every chain, and each against the checkpoint log when there is one; the caller must
/// be allowed to read the trail.
pub async fn verify(state: &AppState, caller: &Caller) -> Result<AuditVerification, AppError> {
    authorize(&caller.actor, Action::ReadAudit, &Resource::System)?;
    verify_unchecked(state).await
}

/// The same for the operator's console (`docket audit verify`), who may read everything.
pub async fn verify_from_console(state: &AppState) -> Result<AuditVerification, AppError> {
    verify_unchecked(state).await
}

async fn verify_unchecked(state: &AppState) -> Result<AuditVerification, AppError> {
    let checkpoints = match &state.settings.audit.checkpoint_file {
        Some(path) => match tokio::fs::read_to_string(path).await {
            Ok(text) => Checkpoint::parse_log(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                return Err(internal(crate::server::store::StoreError::Corrupt(
                    format!(
                        "cannot read the audit checkpoint log {}: {e}",
                        path.display()
                    ),
                )));
            }
        },
        None => Vec::new(),
    };
    let mut verification = AuditVerification {
        checkpoints: checkpoints.len() as u64,
        ..AuditVerification::default()
    };
    for shard in 0..SHARDS {
        let events = state.store.audit_shard(shard).await.map_err(internal)?;
        match verify_shard(shard, &events)
            .and_then(|count| verify_checkpoints(shard, &events, &checkpoints).map(|()| count))
        {
            Ok(count) => verification.events += count,
            Err(broken) => verification.breaks.push(broken),
        }
    }
    Ok(verification)
}

/// Appends to the checkpoint log each chain head that moved since `written` (what this process
/// wrote last, by shard). Nothing without a configured log.
pub async fn write_checkpoints(
    state: &AppState,
    written: &mut HashMap<u8, u64>,
) -> Result<(), AppError> {
    use tokio::io::AsyncWriteExt;
    let Some(path) = &state.settings.audit.checkpoint_file else {
        return Ok(());
    };
    let now = state.clock.now();
    let lines: Vec<(u8, u64, String)> = state
        .store
        .audit_heads()
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|(shard, seq, _)| written.get(shard) != Some(seq))
        .map(|(shard, seq, hash)| {
            let line = Checkpoint {
                at: now,
                shard,
                seq,
                hash,
            }
            .line();
            (shard, seq, line)
        })
        .collect();
    if lines.is_empty() {
        return Ok(());
    }
    let failed = |e: std::io::Error| {
        internal(crate::server::store::StoreError::Corrupt(format!(
            "cannot write the audit checkpoint log {}: {e}",
            path.display()
        )))
    };
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .await
        .map_err(failed)?;
    let text: String = lines.iter().map(|(_, _, l)| format!("{l}\n")).collect();
    file.write_all(text.as_bytes()).await.map_err(failed)?;
    file.sync_data().await.map_err(failed)?;
    for (shard, seq, _) in lines {
        written.insert(shard, seq);
    }
    Ok(())
}
