//! The webhook worker: twice a second, due deliveries go out.

use std::time::Duration;

use crate::server::state::AppState;
use crate::server::use_cases::webhooks;

const EVERY: Duration = Duration::from_millis(500);

pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .expect("an HTTP client without TLS settings builds");
        let mut tick = super::ticker(EVERY);
        loop {
            tick.tick().await;
            if let Err(error) = webhooks::deliver_due(&state, &client).await {
                tracing::warn!(%error, "webhooks: a run failed; trying again shortly");
            }
        }
    })
}
