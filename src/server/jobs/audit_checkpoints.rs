//! The audit checkpoint job: every `audit.checkpoint_interval`, the chain heads that moved are
//! appended to the checkpoint log (outside the database), so deleting the trail's newest events
//! and rewriting the heads to match is still caught by `docket audit verify`.

use std::collections::HashMap;

use crate::server::state::AppState;
use crate::server::use_cases::audit_trail;

pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if state.settings.audit.checkpoint_file.is_none() {
            return;
        }
        let every = state
            .settings
            .audit
            .checkpoint_interval
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(60));
        let mut tick = super::ticker(every);
        let mut written = HashMap::new();
        loop {
            tick.tick().await;
            if let Err(error) = audit_trail::write_checkpoints(&state, &mut written).await {
                tracing::warn!(%error, "audit checkpoints: could not write; trying again later");
            }
        }
    })
}
