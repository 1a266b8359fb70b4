//! Reading and verifying the audit trail.

use std::collections::HashMap;

use serde_json::json;

use crate::domain::audit::export::ExportFormat;
use crate::domain::audit::filter::{AuditCursor, AuditFilter};
use crate::domain::audit::narrative::history;
use crate::domain::audit::tombstone::{verify_checkpoints_after, verify_shard_after};
use crate::domain::audit::{AuditRecord, Checkpoint, SHARDS};
use crate::domain::permission::{Action, Resource, authorize};
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::use_cases::agent_ticket::reachable;
use crate::server_fns::audit::{
    AuditEventView, AuditPageView, AuditVerification, HistoryEntry, HistoryPage,
};

pub const PAGE_SIZE: usize = 50;
/// How many events an export reads per round trip.
const EXPORT_BATCH: usize = 1000;

/// A page of the events `filter` matches, newest first, older than `after` when given.
pub async fn audit_page(
    state: &AppState,
    caller: &Caller,
    filter: AuditFilter,
    after: Option<AuditCursor>,
) -> Result<AuditPageView, AppError> {
    authorize(&caller.actor, Action::ReadAudit, &Resource::System)?;
    let filter = checked(filter)?;
    let page = state
        .store
        .audit_search(&filter, after.as_ref(), PAGE_SIZE)
        .await
        .map_err(internal)?;
    Ok(AuditPageView {
        events: page.events.into_iter().map(AuditEventView::from).collect(),
        older: page.older,
    })
}

fn checked(filter: AuditFilter) -> Result<AuditFilter, AppError> {
    let filter = filter.normalize();
    filter
        .validate()
        .map_err(|fields| AppError::Invalid { fields })?;
    Ok(filter)
}

/// A ticket's History tab: its events told as sentences, newest first, for staff who may read it.
pub async fn ticket_history(
    state: &AppState,
    caller: &Caller,
    number: &str,
    after: Option<AuditCursor>,
) -> Result<HistoryPage, AppError> {
    let ticket = reachable(state, caller, number, Action::ReadTicket).await?;
    let filter = AuditFilter::for_object("ticket", &ticket.number);
    let (page, catalog) = tokio::try_join!(
        state.store.audit_search(&filter, after.as_ref(), PAGE_SIZE),
        state.store.catalog()
    )
    .map_err(internal)?;
    let records: Vec<&AuditRecord> = page.events.iter().map(|e| &e.record).collect();
    Ok(HistoryPage {
        entries: history(&records, &catalog)
            .into_iter()
            .map(|(record, sentence)| HistoryEntry {
                at: record.at,
                sentence,
                action: record.action.clone(),
                ip: record.origin.ip.clone().unwrap_or_default(),
            })
            .collect(),
        older: page.older,
    })
}

/// An export under way: how many events it will hold, and their lines, read batch by batch.
pub struct Export {
    pub total: u64,
    pub format: ExportFormat,
    pub lines: std::pin::Pin<Box<dyn futures::Stream<Item = Result<String, AppError>> + Send>>,
}

/// Every event `filter` matches, newest first, as CSV or JSON lines; the export itself is audited
/// (who exported what) before the first line is read.
pub async fn export(
    state: &AppState,
    caller: &Caller,
    filter: AuditFilter,
    format: ExportFormat,
) -> Result<Export, AppError> {
    authorize(&caller.actor, Action::ReadAudit, &Resource::System)?;
    let filter = checked(filter)?;
    let now = state.clock.now();
    let record = AuditRecord::new(
        now,
        caller.audit_actor(),
        "audit.exported",
        caller.origin.clone(),
    )
    .after(json!({
        "format": format.extension(),
        "filter": filter.query_pairs().into_iter().collect::<std::collections::BTreeMap<_, _>>(),
    }));
    state.store.append_audit(&record).await.map_err(internal)?;
    // Everything up to this export's own event, so the count and the lines agree however many
    // events arrive while it streams.
    let bound = AuditCursor {
        at: now,
        shard: u8::MAX,
        seq: i64::MAX as u64,
    };
    let total = state
        .store
        .audit_count(&filter, Some(&bound))
        .await
        .map_err(internal)?;
    let store = state.store.clone();
    // The cursor moves batch by batch, so memory stays flat however large the export.
    let batches = futures::stream::try_unfold((Some(bound), true), move |(cursor, first)| {
        let store = store.clone();
        let filter = filter.clone();
        async move {
            let Some(after) = cursor else {
                return Ok(None);
            };
            let page = store
                .audit_search(&filter, Some(&after), EXPORT_BATCH)
                .await
                .map_err(internal)?;
            let mut text = if first {
                format.header().to_string()
            } else {
                String::new()
            };
            for event in &page.events {
                text.push_str(&format.line(event));
            }
            Ok(Some((text, (page.older, false))))
        }
    });
    Ok(Export {
        total,
        format,
        lines: Box::pin(batches),
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
    let mut verification = AuditVerification::default();
    // A chain pruned by retention starts from its signed tombstone instead of the genesis hash.
    let tombstones = state.store.audit_tombstones().await.map_err(internal)?;
    let key = state.secret.tombstone_signing();
    for shard in 0..SHARDS {
        let events = state.store.audit_shard(shard).await.map_err(internal)?;
        let tombstone = tombstones.iter().find(|t| t.shard == shard);
        match verify_shard_after(shard, tombstone, &key, &events).and_then(|count| {
            verify_checkpoints_after(shard, tombstone, &events, &checkpoints)
                .map(|compared| (count, compared))
        }) {
            Ok((count, compared)) => {
                verification.events += count;
                verification.checkpoints += compared;
                verification.pruned += tombstone.map_or(0, |t| t.pruned);
            }
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
