//! Reports: counting changed tickets into the rollups (the metrics job), and the dashboard and
//! its CSV exports for staff allowed to see them.

use chrono_tz::Tz;

use crate::domain::metrics::DEFINITIONS_VERSION;
use crate::domain::metrics::access::report_scopes;
use crate::domain::metrics::chart::Chart;
use crate::domain::metrics::filter::ReportFilter;
use crate::domain::metrics::report::{self, Dashboard, Rollups};
use crate::domain::metrics::tally::{ALL_SCOPE, Tallies};
use crate::error::AppError;
use crate::server::request::{Caller, internal};
use crate::server::state::AppState;
use crate::server::store::StoreError;
use crate::server::use_cases::general_settings;

/// How many changed tickets one count takes in.
pub const BATCH: usize = 500;
/// How many tickets one transaction marks to be counted again when everything is recounted.
const MARK_BATCH: usize = 5_000;

/// The help desk's time zone, whose days the reports count.
async fn time_zone(state: &AppState) -> Result<(Tz, String), AppError> {
    let name = general_settings::current(state).await?.time_zone;
    let tz = name.parse::<Tz>().unwrap_or(chrono_tz::UTC);
    Ok((tz, tz.name().to_string()))
}

/// Counts up to [`BATCH`] changed tickets into the rollups; returns how many. When the metric
/// definitions or the time zone changed since the rollups were counted, starts them over (every
/// ticket is then counted again by the following calls). Zero when another process won a race:
/// the tickets stay marked and are counted on the next call.
pub async fn count_changed(state: &AppState) -> Result<usize, AppError> {
    let store = &state.store;
    let (tz, tz_name) = time_zone(state).await?;
    let basis = match store.metrics_basis().await.map_err(internal)? {
        Some(basis) if basis.version == DEFINITIONS_VERSION && basis.time_zone == tz_name => basis,
        _ => {
            tracing::info!(time_zone = %tz_name, "reports: counting every ticket again");
            let basis = store
                .recount_metrics(DEFINITIONS_VERSION, &tz_name)
                .await
                .map_err(internal)?;
            while store.mark_uncounted(MARK_BATCH).await.map_err(internal)? == MARK_BATCH {}
            basis
        }
    };
    let statuses = store.every_status().await.map_err(internal)?;
    let batch = store
        .uncounted_tickets(BATCH, &statuses, basis.generation)
        .await
        .map_err(internal)?;
    if batch.is_empty() {
        return Ok(0);
    }
    let mut delta = Tallies::default();
    for ticket in &batch {
        delta.merge(
            &Tallies::change(ticket.counted.as_ref(), &ticket.facts, tz),
            1,
        );
    }
    let days: Vec<_> = delta.days.keys().cloned().collect();
    let weeks: Vec<_> = delta.weeks.keys().cloned().collect();
    let scopes: Vec<_> = delta.open.keys().cloned().collect();
    let mut docs = store
        .metric_docs(&days, &weeks, &scopes)
        .await
        .map_err(internal)?;
    for (docs, changes) in [
        (&mut docs.days, &delta.days),
        (&mut docs.weeks, &delta.weeks),
    ] {
        for (key, change) in changes {
            if let Some(doc) = docs.get_mut(key) {
                doc.tallies.merge(change, 1);
            }
        }
    }
    for (scope, change) in &delta.open {
        if let Some(doc) = docs.open.get_mut(scope) {
            doc.tallies.merge(change, 1);
        }
    }
    match store.save_counts(basis.generation, &batch, &docs).await {
        Ok(true) => Ok(batch.len()),
        Ok(false) => Ok(0),
        Err(e) => Err(internal(e)),
    }
}

/// Counts until nothing is left to count (tests, and the job after a rebuild).
pub async fn count_all(state: &AppState) -> Result<(), AppError> {
    let mut idle_rounds = 0;
    loop {
        if count_changed(state).await? > 0 {
            idle_rounds = 0;
            continue;
        }
        let left = state.store.uncounted_count(1).await.map_err(internal)?;
        if left == 0 {
            return Ok(());
        }
        // Lost a race to a concurrent change: count again.
        idle_rounds += 1;
        if idle_rounds > 100 {
            return Err(internal(StoreError::Corrupt(
                "reports: tickets stay uncounted".into(),
            )));
        }
    }
}

/// The dashboard `filter` asks for, over the departments the caller may see.
pub async fn dashboard(
    state: &AppState,
    caller: &Caller,
    filter: &ReportFilter,
) -> Result<Dashboard, AppError> {
    let scopes = report_scopes(&caller.actor, filter.department.as_deref())?;
    let (tz, _) = time_zone(state).await?;
    let today = state.clock.now().with_timezone(&tz).date_naive();
    let range = filter
        .settle(today)
        .map_err(|fields| AppError::Invalid { fields })?;
    let (days, open) = state
        .store
        .metric_range(&scopes, range.from, range.to, range.by)
        .await
        .map_err(internal)?;
    let catalog = state.store.catalog().await.map_err(internal)?;
    let mut dashboard = report::dashboard(&range, &Rollups { days, open }, &catalog, today);
    dashboard.uncounted = state.store.uncounted_count(1000).await.map_err(internal)?;
    let visible = report_scopes(&caller.actor, None)?;
    dashboard.departments = catalog
        .departments
        .into_iter()
        .filter(|d| visible.iter().any(|s| s == ALL_SCOPE || *s == d.key))
        .collect();
    Ok(dashboard)
}

/// One chart of the dashboard, for its CSV export; unknown charts are not found.
pub async fn chart(
    state: &AppState,
    caller: &Caller,
    filter: &ReportFilter,
    id: &str,
) -> Result<Chart, AppError> {
    dashboard(state, caller, filter)
        .await?
        .charts
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)
}
