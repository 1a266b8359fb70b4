//! The SLA job: twice a second, every open ticket that changed or whose next SLA moment has come
//! gets its breaches and escalation steps done and its due times stored. Steps are marked in the
//! database as they are done, so several processes (or a restart) never do one twice.

use std::collections::HashSet;
use std::time::Duration;

use crate::error::AppError;
use crate::server::request::internal;
use crate::server::state::AppState;
use crate::server::use_cases::sla;

/// How often the job looks.
const EVERY: Duration = Duration::from_millis(500);
/// How many tickets one batch reads; a look takes batch after batch until none is left.
const BATCH: usize = 200;

pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = super::ticker(EVERY);
        loop {
            tick.tick().await;
            if let Err(error) = run_once(&state).await {
                tracing::warn!(%error, "SLA job: a run failed; trying again shortly");
            }
        }
    })
}

/// One look, over every ticket due one (no cap per run): how many steps it took. A ticket that
/// stays due (a write raced it) is left for the next look rather than retried in a loop.
pub async fn run_once(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let mut seen = HashSet::new();
    let mut done = 0;
    loop {
        let numbers = state
            .store
            .sla_candidates(now, BATCH)
            .await
            .map_err(internal)?;
        let fresh: Vec<String> = numbers
            .iter()
            .filter(|n| seen.insert((*n).clone()))
            .cloned()
            .collect();
        for number in &fresh {
            done += sla::process(state, number, now).await?;
        }
        if numbers.len() < BATCH || fresh.is_empty() {
            return Ok(done);
        }
    }
}
