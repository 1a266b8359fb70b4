//! The mailbox fetcher: every second it looks for mailboxes whose turn has come (each has its
//! interval; the turn is taken in the database, so one process fetches a mailbox at a time) and
//! turns their mail into tickets and replies.

use std::time::Duration;

use crate::server::state::AppState;
use crate::server::use_cases::inbound_mail;

const EVERY: Duration = Duration::from_secs(1);

pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = super::ticker(EVERY);
        loop {
            tick.tick().await;
            if let Err(error) = inbound_mail::fetch_due_mailboxes(&state).await {
                tracing::warn!(%error, "mailboxes: a run failed; trying again shortly");
            }
        }
    })
}
