//! Ticket filters at work: routing a new ticket through the active filters (every channel opens
//! tickets through here), and the admin's dry run of a filter set against a sample ticket or the
//! most recent tickets.

use serde_json::Value;

use crate::domain::catalog::{Catalog, knows};
use crate::domain::config::Section;
use crate::domain::permission::{Action, Resource, authorize};
use crate::domain::routing::{Filter, Outcome, TicketDraft, route};
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::StoreError;
use crate::server_fns::settings::{DryRun, DryRunRow};

/// The most recent tickets a dry run may replay.
const MAX_REPLAY: u32 = 200;

/// The stored filters by key, active or not, in run order.
async fn filters(state: &AppState) -> Result<Vec<(String, Filter)>, AppError> {
    state
        .store
        .settings_items(Section::Filters)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|row| {
            serde_json::from_value(row.item)
                .map(|f| (row.key.clone(), f))
                .map_err(|e| internal(StoreError::Corrupt(format!("filter {}: {e}", row.key))))
        })
        .collect()
}

/// What the active filters decide for a new ticket. Targets that no longer exist or were
/// deactivated since the filter was saved are dropped (the ticket keeps its own).
pub async fn decide(state: &AppState, draft: &TicketDraft) -> Result<Outcome, AppError> {
    let filters: Vec<Filter> = filters(state).await?.into_iter().map(|(_, f)| f).collect();
    let mut outcome = route(draft, &filters);
    if outcome.matched.is_empty() {
        return Ok(outcome);
    }
    let catalog = state.store.catalog().await.map_err(internal)?;
    keep_known(&mut outcome, &catalog);
    Ok(outcome)
}

fn keep_known(outcome: &mut Outcome, catalog: &Catalog) {
    let keep = |target: &mut Option<String>, list: &[crate::domain::ticket::Named]| {
        if target.as_deref().is_some_and(|k| !knows(list, k)) {
            tracing::warn!(target = ?target, "a filter names something inactive; ignored");
            *target = None;
        }
    };
    keep(&mut outcome.department, &catalog.departments);
    keep(&mut outcome.priority, &catalog.priorities);
    keep(&mut outcome.sla_plan, &catalog.sla_plans);
    keep(&mut outcome.topic, &catalog.topics);
    keep(&mut outcome.assignee, &catalog.agents);
    keep(&mut outcome.team, &catalog.teams);
    keep(&mut outcome.canned_reply, &catalog.canned);
    if outcome
        .status
        .as_deref()
        .is_some_and(|k| catalog.status(k).is_none())
    {
        outcome.status = None;
    }
}

/// Runs the filter set, with `edited` (a filter being edited, by key or new) in place of its
/// stored version, against `sample` or the last `last` tickets; nothing is written.
pub async fn dry_run(
    state: &AppState,
    caller: &Caller,
    sample: Option<TicketDraft>,
    last: u32,
    edited: Option<(Option<String>, Value)>,
) -> Result<DryRun, AppError> {
    authorize(&caller.actor, Action::Administer, &Resource::System)?;
    let mut set = filters(state).await?;
    if let Some((key, raw)) = edited {
        let catalog = state.store.catalog().await.map_err(internal)?;
        let filter: Filter = serde_json::from_value(raw).map_err(|e| {
            AppError::invalid("item", format!("This filter could not be read ({e})."))
        })?;
        let errors = filter.validate(&catalog);
        if !errors.is_empty() {
            return Err(AppError::Invalid { fields: errors });
        }
        match key {
            Some(key) => match set.iter_mut().find(|(k, _)| *k == key) {
                Some(entry) => entry.1 = filter,
                None => return Err(AppError::NotFound),
            },
            None => set.push((String::new(), filter)),
        }
    }
    let filters: Vec<Filter> = set.into_iter().map(|(_, f)| f).collect();
    let drafts: Vec<(String, TicketDraft)> = match sample {
        Some(sample) => {
            if sample.email.trim().is_empty() && sample.subject.trim().is_empty() {
                return Err(AppError::invalid(
                    "sample",
                    "Give the sample ticket at least an email address or a subject.",
                ));
            }
            vec![("Sample ticket".to_string(), sample)]
        }
        None => {
            if !(1..=MAX_REPLAY).contains(&last) {
                return Err(AppError::invalid(
                    "last",
                    format!("Replay 1 to {MAX_REPLAY} tickets."),
                ));
            }
            state
                .store
                .recent_drafts(last)
                .await
                .map_err(internal)?
                .into_iter()
                .map(|(number, draft)| (format!("#{number} {}", draft.subject), draft))
                .collect()
        }
    };
    let rows = drafts
        .into_iter()
        .map(|(label, draft)| {
            let outcome = route(&draft, &filters);
            DryRunRow {
                ticket: label,
                matched: outcome.matched.clone(),
                changes: outcome.changes(),
            }
        })
        .collect::<Vec<_>>();
    Ok(DryRun {
        matched: rows.iter().filter(|r| !r.matched.is_empty()).count(),
        rows,
    })
}
