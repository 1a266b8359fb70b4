//! One ticket in the agent workspace: reading it, replying and noting, changing it, merging and
//! linking, and telling colleagues you are there.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::domain::form::FieldDef;
use crate::domain::live::Activity;
use crate::domain::ticket::{ThreadEntry, Ticket};
use crate::domain::ticket_change::TicketChange;
use crate::error::AppError;

/// Someone else on the ticket page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Colleague {
    pub user: String,
    pub tab: String,
    pub name: String,
    pub activity: Activity,
    /// When the tab last said so: a snapshot never overrides newer live news.
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A custom field staff can edit, with its current value as form inputs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EditableField {
    pub def: FieldDef,
    pub inputs: Vec<String>,
}

/// A ticket as staff see it: everything, including internal notes and staff events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentTicket {
    pub ticket: Ticket,
    /// The help topic's fields (except file fields), to edit.
    pub form: Vec<EditableField>,
    /// Custom field label and shown value, in form order.
    pub fields: Vec<(String, String)>,
    pub thread: Vec<ThreadEntry>,
    /// Numbers of tickets merged into this one.
    pub merged_here: Vec<String>,
    pub colleagues: Vec<Colleague>,
    /// The ticket permissions the agent's role grants here (the page offers only these).
    pub allowed: Vec<crate::domain::config::role::Permission>,
    /// Whether the agent may work the ticket at all (notes); reading it through `search.all`
    /// alone does not.
    pub works: bool,
    /// The SLA clocks (none without a plan).
    pub sla: Vec<SlaBadge>,
    /// For a ticket a SIEM alert opened: the alert's facts.
    pub alert: Option<AlertPanel>,
}

/// What the ticket page shows of the alert behind a ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertPanel {
    pub source: String,
    pub fingerprint: String,
    pub rule: Option<String>,
    pub occurrences: u64,
    pub last_seen: Option<chrono::DateTime<chrono::Utc>>,
    pub observables: Vec<crate::domain::alerts::Observable>,
}

/// One SLA clock as the page shows it; the browser counts down from `evaluated_at`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlaBadge {
    pub clock: crate::domain::sla::Clock,
    pub state: crate::domain::sla::clock::SlaState,
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When a running clock turns at risk.
    pub at_risk_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Counted seconds left at `evaluated_at` (frozen while paused).
    pub remaining_seconds: i64,
    /// The status that pauses it, by name.
    pub paused_by: Option<String>,
    pub evaluated_at: chrono::DateTime<chrono::Utc>,
}

/// What an agent writes on a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    /// To the customer.
    Reply,
    /// Staff only.
    Note,
}

#[server(prefix = "/rpc", endpoint = "agent_ticket")]
pub async fn load_agent_ticket(number: String) -> Result<AgentTicket, AppError> {
    use crate::server::{rpc, use_cases::agent_ticket};
    let (state, caller) = rpc::context().await?;
    agent_ticket::view(&state, &caller, &number).await
}

/// Posts a reply or note, based on the ticket `version` the agent saw; `status` optionally
/// changes the status with it.
#[server(prefix = "/rpc", endpoint = "post_to_ticket")]
pub async fn post_to_ticket(
    number: String,
    version: u64,
    kind: PostKind,
    message: String,
    #[server(default)] attachments: Vec<String>,
    #[server(default)] status: Option<String>,
    #[server(default)] resolution: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::agent_ticket};
    let (state, caller) = rpc::context().await?;
    let post = agent_ticket::Post {
        kind,
        message: &message,
        attachments: &attachments,
        status: status.as_deref(),
        resolution: resolution.as_deref(),
    };
    agent_ticket::post(&state, &caller, &number, Some(version), post).await
}

#[server(prefix = "/rpc", endpoint = "change_ticket", input = Json)]
pub async fn change_ticket(
    number: String,
    version: u64,
    change: TicketChange,
) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::ticket_changes};
    let (state, caller) = rpc::context().await?;
    ticket_changes::change(&state, &caller, &number, Some(version), &change).await
}

/// Merges ticket `number` (at `version`) into `target`.
#[server(prefix = "/rpc", endpoint = "merge_ticket")]
pub async fn merge_ticket(number: String, version: u64, target: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::ticket_merge};
    let (state, caller) = rpc::context().await?;
    ticket_merge::merge(&state, &caller, &number, version, &target).await
}

#[server(prefix = "/rpc", endpoint = "unmerge_ticket")]
pub async fn unmerge_ticket(number: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::ticket_merge};
    let (state, caller) = rpc::context().await?;
    ticket_merge::unmerge(&state, &caller, &number).await
}

#[server(prefix = "/rpc", endpoint = "link_ticket")]
pub async fn link_ticket(number: String, other: String) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::ticket_merge};
    let (state, caller) = rpc::context().await?;
    ticket_merge::link(&state, &caller, &number, &other).await
}

/// Tells colleagues on the same ticket that the caller is viewing, typing, or has left, from the
/// browser tab `tab` (the page's own random id).
#[server(prefix = "/rpc", endpoint = "announce_presence")]
pub async fn announce_presence(
    number: String,
    activity: Activity,
    #[server(default)] tab: String,
) -> Result<(), AppError> {
    use crate::server::{rpc, use_cases::agent_ticket};
    let (state, caller) = rpc::context().await?;
    agent_ticket::announce(&state, &caller, &number, &tab, activity).await
}
