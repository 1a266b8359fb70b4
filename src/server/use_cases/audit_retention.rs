//! Audit retention: each chain's events older than `audit.retain` are pruned behind a signed
//! tombstone, one shard and one batch at a time, safely beside other processes doing the same.

use crate::domain::audit::SHARDS;
use crate::domain::audit::prune::plan_prune;
use crate::error::AppError;
use crate::server::request::internal;
use crate::server::state::AppState;
use crate::server::store::{Refusal, StoreError, StreamCursors};

/// Events one prune removes at most: bounds the memory and the transaction of each step.
const BATCH: usize = 1000;

/// Prunes every shard's events older than `audit.retain` (nothing without one); returns how many
/// were removed. A chain that does not verify is left as it is, and logged: pruning it would
/// erase the evidence.
pub async fn prune(state: &AppState) -> Result<u64, AppError> {
    let Some(retain) = state.settings.audit.retain else {
        return Ok(0);
    };
    let now = state.clock.now();
    let cutoff = now - retain;
    let key = state.secret.tombstone_signing();
    // A configured SIEM target still owed events holds them back: they are pruned once delivered.
    let mut delivered: Option<StreamCursors> = None;
    for target in &state.settings.audit.stream {
        let cursors = state
            .store
            .audit_stream_cursors(&target.to_string())
            .await
            .map_err(internal)?;
        delivered = Some(match delivered {
            None => cursors,
            Some(low) => std::array::from_fn(|i| low[i].min(cursors[i])),
        });
    }
    let mut removed = 0;
    for shard in 0..SHARDS {
        loop {
            let current = state.store.audit_tombstone(shard).await.map_err(internal)?;
            let from = current.as_ref().map_or(0, |t| t.through_seq);
            // One more than may go: the last event read stays, so a chain's head always does.
            let mut events = state
                .store
                .audit_events_after(shard, from, BATCH + 1)
                .await
                .map_err(internal)?;
            // Up to the first event not yet streamed, which stays as the last one given.
            if let Some(cursors) = &delivered {
                events.retain(|e| e.seq <= cursors[usize::from(shard)] + 1);
            }
            let prune = match plan_prune(shard, current.as_ref(), &key, &events, cutoff, now) {
                Ok(Some(prune)) => prune,
                Ok(None) => break,
                Err(broken) => {
                    // The tombstone and the events are read apart: another process pruning in
                    // between makes the events look cut. Plan again from its tombstone then.
                    let now_current = state.store.audit_tombstone(shard).await.map_err(internal)?;
                    if now_current != current {
                        continue;
                    }
                    tracing::error!(%broken, "audit retention: not pruning a chain that does not verify");
                    break;
                }
            };
            match state.store.prune_audit(&prune).await {
                Ok(()) => removed += prune.removed,
                // Another process pruned this chain meanwhile: plan again from its tombstone.
                Err(StoreError::Refused(Refusal::Stale)) => continue,
                Err(error) => return Err(internal(error)),
            }
            if prune.removed < BATCH as u64 {
                break;
            }
        }
    }
    Ok(removed)
}
