//! Reading and verifying the audit trail (admins).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::audit::{AuditEvent, ChainBreak};
use crate::error::AppError;

/// One event as the audit page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEventView {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub change: String,
    pub ip: String,
    pub user_agent: String,
    pub hash: String,
}

impl From<AuditEvent> for AuditEventView {
    fn from(event: AuditEvent) -> Self {
        let r = event.record;
        let show = |v: Option<serde_json::Value>| v.map(|v| v.to_string()).unwrap_or_default();
        let change = match (show(r.before), show(r.after)) {
            (b, a) if b.is_empty() => a,
            (b, a) => format!("{b} → {a}"),
        };
        Self {
            at: r.at,
            actor: r.actor.label,
            action: r.action,
            object: if r.object_kind.is_empty() {
                String::new()
            } else {
                format!("{}:{}", r.object_kind, r.object_id)
            },
            change,
            ip: r.origin.ip.unwrap_or_default(),
            user_agent: r.origin.user_agent.unwrap_or_default(),
            hash: event.hash,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPageView {
    pub events: Vec<AuditEventView>,
    /// Pass as `before` to read the next, older page.
    pub older: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditVerification {
    pub events: u64,
    pub breaks: Vec<ChainBreak>,
    /// Checkpoints read from the checkpoint log and checked.
    #[serde(default)]
    pub checkpoints: u64,
}

#[server(prefix = "/rpc", endpoint = "audit_page")]
pub async fn audit_page(before: Option<DateTime<Utc>>) -> Result<AuditPageView, AppError> {
    use crate::server::{rpc, use_cases::audit_trail};
    let (state, caller) = rpc::context().await?;
    audit_trail::audit_page(&state, &caller, before).await
}

#[server(prefix = "/rpc", endpoint = "verify_audit")]
pub async fn verify_audit() -> Result<AuditVerification, AppError> {
    use crate::server::{rpc, use_cases::audit_trail};
    let (state, caller) = rpc::context().await?;
    audit_trail::verify(&state, &caller).await
}
