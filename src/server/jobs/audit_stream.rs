//! The audit stream job: twice a second, every target in `audit.stream` gets the events it has not
//! taken yet. A target that fails waits (see `retry_delay`) and then resends from its cursor;
//! targets wait for nobody else, so a collector that is down never holds up a file.

use std::time::Duration;

use tokio::time::Instant;

use crate::domain::audit::stream::{SyslogSource, retry_delay};
use crate::server::state::AppState;
use crate::server::use_cases::audit_stream::TargetStream;

/// How often each target looks for new events.
const EVERY: Duration = Duration::from_millis(500);

pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        // Names this process in the targets' leases: a fresh one per start.
        let holder = uuid::Uuid::new_v4().to_string();
        let source = SyslogSource::new(&state.settings.base_url, std::process::id());
        let streams = state.settings.audit.stream.iter().map(|target| {
            stream(
                &state,
                TargetStream::new(target.clone(), &holder, source.clone()),
            )
        });
        futures::future::join_all(streams).await;
    })
}

async fn stream(state: &AppState, mut target: TargetStream) {
    tracing::info!(stream = target.key(), "audit stream: streaming the trail");
    let mut tick = super::ticker(EVERY);
    let mut failures = 0;
    let mut resume_at = Instant::now();
    loop {
        tick.tick().await;
        if Instant::now() < resume_at {
            continue;
        }
        match target.deliver(state).await {
            Ok(_) if failures > 0 => {
                tracing::info!(stream = target.key(), "audit stream: delivering again");
                failures = 0;
            }
            Ok(_) => {}
            Err(error) => {
                failures += 1;
                let wait = retry_delay(failures);
                tracing::warn!(
                    stream = target.key(),
                    %error,
                    failures,
                    retry_in_s = wait.as_secs(),
                    "audit stream: delivery failed; resending from the last acknowledged event"
                );
                resume_at = Instant::now() + wait;
            }
        }
    }
}
