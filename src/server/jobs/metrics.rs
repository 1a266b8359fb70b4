//! The metrics job: every second, tickets changed since they were last counted are counted into
//! the report rollups, a batch at a time until none is left. Ticket writes only mark a ticket;
//! the counting happens here, so the rollups never slow a write down or make writers contend.

use std::time::Duration;

use crate::server::state::AppState;
use crate::server::use_cases::reports;

/// How often the job looks.
const EVERY: Duration = Duration::from_secs(1);

pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = super::ticker(EVERY);
        loop {
            tick.tick().await;
            loop {
                match reports::count_changed(&state).await {
                    Ok(n) if n == reports::BATCH => continue,
                    Ok(_) => break,
                    Err(error) => {
                        tracing::warn!(%error, "metrics job: counting failed; trying again shortly");
                        break;
                    }
                }
            }
        }
    })
}
