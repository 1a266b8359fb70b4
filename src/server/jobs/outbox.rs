//! The outbox worker: twice a second, due mail goes to the SMTP server. Without an SMTP server
//! configured, mail waits in the outbox (and the admin Email page says so).

use std::time::Duration;

use crate::server::mail::smtp;
use crate::server::state::AppState;
use crate::server::use_cases::outbox;

const EVERY: Duration = Duration::from_millis(500);

pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let transport = match smtp::transport(&state.settings.mail) {
            Ok(Some(transport)) => transport,
            Ok(None) => {
                tracing::info!(
                    "no SMTP server configured (mail.smtp_url): mail waits in the outbox"
                );
                return;
            }
            Err(error) => {
                tracing::error!(%error, "mail cannot be sent; it waits in the outbox");
                return;
            }
        };
        let mut tick = super::ticker(EVERY);
        loop {
            tick.tick().await;
            if let Err(error) = outbox::deliver_due(&state, &transport).await {
                tracing::warn!(%error, "outbox: a run failed; trying again shortly");
            }
        }
    })
}
