//! Reading and verifying the audit trail (admins).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::domain::audit::filter::{AuditCursor, AuditFilter};
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
    /// Pass as `after` to read the next, older page.
    pub older: Option<AuditCursor>,
}

/// One line of a ticket's History tab.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    /// "Priya Shah changed priority from Normal to High."
    pub sentence: String,
    pub action: String,
    pub ip: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    pub older: Option<AuditCursor>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditVerification {
    pub events: u64,
    pub breaks: Vec<ChainBreak>,
    /// Checkpoints from the checkpoint log compared with the trail (those of pruned events can
    /// no longer be, and are not counted).
    #[serde(default)]
    pub checkpoints: u64,
    /// Events pruned by retention, stood in for by signed tombstones on intact chains.
    #[serde(default)]
    pub pruned: u64,
}

#[server(prefix = "/rpc", endpoint = "audit_page", input = Json)]
pub async fn audit_page(
    filter: AuditFilter,
    after: Option<AuditCursor>,
) -> Result<AuditPageView, AppError> {
    use crate::server::{rpc, use_cases::audit_trail};
    let (state, caller) = rpc::context().await?;
    audit_trail::audit_page(&state, &caller, filter, after).await
}

#[server(prefix = "/rpc", endpoint = "ticket_history", input = Json)]
pub async fn ticket_history(
    number: String,
    after: Option<AuditCursor>,
) -> Result<HistoryPage, AppError> {
    use crate::server::{rpc, use_cases::audit_trail};
    let (state, caller) = rpc::context().await?;
    audit_trail::ticket_history(&state, &caller, &number, after).await
}

#[server(prefix = "/rpc", endpoint = "verify_audit")]
pub async fn verify_audit() -> Result<AuditVerification, AppError> {
    use crate::server::{rpc, use_cases::audit_trail};
    let (state, caller) = rpc::context().await?;
    audit_trail::verify(&state, &caller).await
}
