//! The database health job: checks every second that the database answers an authenticated
//! query, and keeps `AppState::database` up to date (logging each change).

use crate::server::database_health::CHECK_TIMEOUT;
use crate::server::state::AppState;

pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = super::ticker(std::time::Duration::from_secs(1));
        loop {
            tick.tick().await;
            let up = matches!(
                tokio::time::timeout(CHECK_TIMEOUT, state.store.ping()).await,
                Ok(true)
            );
            if state.database.set(up) {
                if up {
                    tracing::warn!("database reachable again: serving requests");
                } else {
                    tracing::error!("database unreachable: answering 503 until it returns");
                }
            }
        }
    })
}
