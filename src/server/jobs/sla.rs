//! The SLA job: twice a second, every open ticket that changed or whose next SLA moment has come
//! gets its breaches and escalation steps done and its due times stored. Steps are marked in the
//! database as they are done, so several processes (or a restart) never do one twice.

use std::time::Duration;

use crate::error::AppError;
use crate::server::request::internal;
use crate::server::state::AppState;
use crate::server::use_cases::sla;

/// How often the job looks.
const EVERY: Duration = Duration::from_millis(500);
/// The most tickets one look takes on (the rest wait for the next).
const BATCH: usize = 200;

pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(error) = run_once(&state).await {
                tracing::warn!(%error, "SLA job: a run failed; trying again shortly");
            }
        }
    })
}

/// One look: how many steps it took.
pub async fn run_once(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let numbers = state
        .store
        .sla_candidates(now, BATCH)
        .await
        .map_err(internal)?;
    let mut done = 0;
    for number in numbers {
        done += sla::process(state, &number, now).await?;
    }
    Ok(done)
}
